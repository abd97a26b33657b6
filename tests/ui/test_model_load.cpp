// Model load tests: a model made by sigma-mkmodel loads off the GUI thread with a percentage that
// reaches 100 before the model is ready; Cancel in the status bar stops a load and keeps the backend
// that was there, with a message; a file that is not a model fails and also keeps it.
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "ui/app_settings.h"
#include "ui/backend_setup.h"
#include "ui/main_window.h"
#include "app/backend_factory.h"
#include "ui/model_load.h"
#include "ui_test_env.h"

using sigma::ui::AppSettings;
using sigma::ui::ModelLoad;

namespace {
// A second model, a few MB so that the read takes many steps.
QString write_model(const QString& path) {
    sigma::mkmodel::Options o;
    o.output = path.toStdString();
    o.arch = "llama";
    o.layers = 4;
    o.hidden = 256;
    o.heads = 4;
    o.ctx = 512;
    o.vocab = 512;
    o.seed = 11;
    const sigma::Status st = sigma::mkmodel::write_model(o);
    return st ? QString() : QString::fromStdString(st.error().message);
}

AppSettings settings_for(const QString& model) {
    AppSettings s;
    s.backend = AppSettings::BackendMode::Cpu;
    s.model_path = model;
    s.chat_template = QStringLiteral("chatml");  // the random model has no template of its own
    s.threads = 1;
    return s;
}
}  // namespace

class TestModelLoad : public QObject {
    Q_OBJECT
private slots:
    void progressReachesHundredThenTheModelIsReady() {
        UiTestEnv env;
        const QString model = env.dir.filePath(QStringLiteral("second.gguf"));
        QCOMPARE(write_model(model), QString());
        QVERIFY(QFile(model).size() > 1024 * 1024);
        sigma::ui::MainWindow window(env.context.get());
        window.show();
        ModelLoad* load = env.context->loader();
        QSignalSpy progress(load, &ModelLoad::progress);
        QSignalSpy finished(load, &ModelLoad::finished);
        sigma::ui::install_backend(env.context.get(), settings_for(model));
        QVERIFY(load->active());
        auto* bar = window.findChild<QProgressBar*>(QStringLiteral("statusLoadProgress"));
        QVERIFY(bar->isVisible());
        QVERIFY(window.findChild<QPushButton*>(QStringLiteral("statusCancelLoad"))->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(progress.size() > 2);
        int last = -1;
        for (const auto& args : progress) {
            QVERIFY(args.at(0).toInt() >= last);
            last = args.at(0).toInt();
        }
        QCOMPARE(last, 100);
        QVERIFY(env.context->backend());
        QVERIFY(env.context->backend_ready());
        QCOMPARE(env.context->backend_model(), QStringLiteral("second.gguf"));
        QVERIFY(!load->active());
        QVERIFY(!bar->isVisible());
        QVERIFY(
            window.findChild<QLabel*>(QStringLiteral("statusModel"))->text().contains(QStringLiteral("second.gguf")));
    }

    void cancelKeepsThePreviousBackend() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        sigma::app::Backend* before = env.context->backend();
        const QString before_model = env.context->backend_model();
        const QString model = env.dir.filePath(QStringLiteral("second.gguf"));
        QCOMPARE(write_model(model), QString());
        sigma::ui::MainWindow window(env.context.get());
        window.show();
        ModelLoad* load = env.context->loader();
        QSignalSpy cancelled(load, &ModelLoad::cancelled);
        QSignalSpy finished(load, &ModelLoad::finished);
        sigma::ui::install_backend(env.context.get(), settings_for(model));
        QVERIFY(load->active());
        auto* cancel = window.findChild<QPushButton*>(QStringLiteral("statusCancelLoad"));
        QVERIFY(cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!load->active());
        QVERIFY(!cancel->isVisible());
        const QString message = cancelled.first().at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("cancelled")) && message.contains(QStringLiteral("second.gguf")),
                 qPrintable(message));
        QVERIFY2(window.backend_label()->text().contains(QStringLiteral("cancelled")),
                 qPrintable(window.backend_label()->text()));
        // Whatever was still under way winds down without replacing the backend.
        QTRY_VERIFY_WITH_TIMEOUT(!load->busy(), 60000);
        QTest::qWait(50);
        QVERIFY(finished.isEmpty());
        QCOMPARE(env.context->backend(), before);
        QCOMPARE(env.context->backend_model(), before_model);
        QVERIFY(env.context->backend_ready());

        // The same model then loads when asked again.
        sigma::ui::install_backend(env.context.get(), settings_for(model));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
        QVERIFY(finished.first().at(0).toBool());
        QCOMPARE(env.context->backend_model(), QStringLiteral("second.gguf"));
    }

    void aFileThatIsNoModelFailsAndKeepsThePreviousBackend() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        sigma::app::Backend* before = env.context->backend();
        const QString bad = env.dir.filePath(QStringLiteral("bad.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(200000, 'x'));
        f.close();
        ModelLoad* load = env.context->loader();
        QSignalSpy finished(load, &ModelLoad::finished);
        sigma::ui::install_backend(env.context.get(), settings_for(bad));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY(!finished.first().at(1).toString().isEmpty());
        QCOMPARE(env.context->backend(), before);
        QVERIFY(env.context->backend_note().contains(QStringLiteral("bad.gguf")));
        QVERIFY(env.context->backend_note().contains(QStringLiteral("still using")));
        // And with no previous backend (a start with a bad saved path), the default model loads
        // instead and the status bar says why; without a default model, the reason alone.
        env.context->set_backend(nullptr, {}, {});
        finished.clear();
        sigma::ui::install_backend(env.context.get(), settings_for(env.dir.filePath(QStringLiteral("absent.gguf"))));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
        if (sigma::app::default_model_path().isEmpty()) QVERIFY(!env.context->backend());
        else QVERIFY(finished.last().at(0).toBool() && env.context->backend());
        QVERIFY(env.context->backend_note().contains(QStringLiteral("absent.gguf")));
    }
};

QTEST_MAIN(TestModelLoad)
#include "test_model_load.moc"
