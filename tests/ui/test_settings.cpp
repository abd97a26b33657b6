// Settings tests: values persist in the config directory and are applied (temperature, backend,
// data directory, chat template, CPU/CUDA with the backend used in the status bar); the model facts of a GGUF file are shown before loading; a bad file is reported.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "app/model_info.h"
#include "ui/app_settings.h"
#include "ui/backend_setup.h"
#include "ui/main_window.h"
#include "ui/model_load.h"
#include "ui/settings_dialog.h"
#include "ui_test_env.h"

using sigma::ui::AppSettings;

class TestSettings : public QObject {
    Q_OBJECT
private slots:
    void roundTripsThroughTheConfigFile() {
        UiTestEnv env;
        const QString dir = env.context->paths().config_dir();
        AppSettings a;
        a.model_path = QStringLiteral("/models/x.gguf");
        a.backend = AppSettings::BackendMode::Remote;
        a.remote_url = QStringLiteral("http://127.0.0.1:9/v1");
        a.threads = 3;
        a.temperature = 0.7;
        a.context_length = 2048;
        a.redact.emails = false;
        QVERIFY(a.save(dir));
        const AppSettings b = AppSettings::load(dir);
        QCOMPARE(b.model_path, a.model_path);
        QCOMPARE(b.backend, AppSettings::BackendMode::Remote);
        QCOMPARE(b.remote_url, a.remote_url);
        QCOMPARE(b.threads, 3);
        QCOMPARE(b.temperature, 0.7);
        QCOMPARE(b.context_length, 2048);
        QVERIFY(!b.redact.emails);
        QVERIFY(b.redact.secrets);
        QCOMPARE(b.backend_choice().remote_url, a.remote_url);
        AppSettings cpu = b;
        cpu.backend = AppSettings::BackendMode::Cpu;
        QVERIFY(cpu.backend_choice().remote_url.isEmpty());
        QCOMPARE(cpu.backend_choice().compute_backend, QStringLiteral("cpu"));
        cpu.backend = AppSettings::BackendMode::Cuda;
        QVERIFY(cpu.save(dir));
        QCOMPARE(AppSettings::load(dir).backend, AppSettings::BackendMode::Cuda);
        QVERIFY(AppSettings::load(dir).backend_choice().remote_url.isEmpty());
    }

    void dialogChangesAreSavedAndApplied() {
        UiTestEnv env;
        const QString model = env.dir.filePath(QStringLiteral("tiny.gguf"));
        QVERIFY(env.use_tiny_model());
        sigma::ui::MainWindow window(env.context.get());
        sigma::ui::SettingsDialog* dialog = window.openSettings();
        QVERIFY(dialog->isVisible());
        auto* path = dialog->findChild<QLineEdit*>(QStringLiteral("settingsModel"));
        path->setText(model);
        QSignalSpy inspected(dialog, &sigma::ui::SettingsDialog::modelInspected);
        dialog->inspectModel();
        QTRY_VERIFY_WITH_TIMEOUT(!inspected.isEmpty(), 30000);
        QVERIFY(inspected.first().at(1).toBool());
        const QString info = dialog->findChild<QLabel*>(QStringLiteral("settingsModelInfo"))->text();
        QVERIFY(info.contains(QStringLiteral("llama")));
        QVERIFY(info.contains(QStringLiteral("4096")));  // the context length
        QCOMPARE(dialog->model_info().layers, 2);
        QVERIFY(dialog->model_info().ram_bytes > dialog->model_info().file_bytes);

        auto* temperature = dialog->findChild<QDoubleSpinBox*>(QStringLiteral("settingsTemperature"));
        temperature->clear();
        QTest::keyClicks(temperature, QStringLiteral("0.4"));
        auto* threads = dialog->findChild<QSpinBox*>(QStringLiteral("settingsThreads"));
        threads->setValue(1);
        QSignalSpy changed(env.context.get(), &sigma::ui::AppContext::backendChanged);
        dialog->accept();
        QCOMPARE(env.context->temperature(), 0.4);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(env.context->backend_kind(), QStringLiteral("local"));
        // The load reports either way (this random model has no chat template of its own).
        QTRY_VERIFY_WITH_TIMEOUT(env.context->backend_ready() || !env.context->backend_note().isEmpty(), 30000);
        QVERIFY(env.context->backend_model().contains(QStringLiteral("tiny.gguf")));
        const AppSettings saved = AppSettings::load(env.context->paths().config_dir());
        QCOMPARE(saved.model_path, model);
        QCOMPARE(saved.temperature, 0.4);
        QCOMPARE(saved.threads, 1);
    }

    void chatTemplateIsSavedAndAppliedToTheModel() {
        UiTestEnv env;
        const QString model = env.dir.filePath(QStringLiteral("tiny.gguf"));
        QVERIFY(env.use_tiny_model());  // writes the file; its GGUF has no chat template of its own
        env.context->set_backend(nullptr, {}, {});
        sigma::ui::MainWindow window(env.context.get());
        window.show();
        auto apply = [&](const QString& template_label) {
            sigma::ui::SettingsDialog* dialog = window.openSettings();
            auto* path = dialog->findChild<QLineEdit*>(QStringLiteral("settingsModel"));
            path->clear();
            QTest::keyClicks(path, model);
            auto* combo = dialog->findChild<QComboBox*>(QStringLiteral("settingsTemplate"));
            combo->setFocus();
            QTest::keyClicks(combo, template_label);
            QCOMPARE(combo->currentText(), template_label);
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        };
        // Auto: the model file has no template, so the load falls back to ChatML (as llama.cpp does).
        apply(QStringLiteral("Auto (from the model file)"));
        QCOMPARE(AppSettings::load(env.context->paths().config_dir()).chat_template, QString());
        QTRY_VERIFY_WITH_TIMEOUT(!env.context->loader()->active(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(env.context->backend_ready(), 30000);
        // ChatML: saved, reaches the backend, and the same file loads.
        apply(QStringLiteral("ChatML"));
        QCOMPARE(AppSettings::load(env.context->paths().config_dir()).chat_template, QStringLiteral("chatml"));
        QCOMPARE(AppSettings::load(env.context->paths().config_dir()).backend_choice().template_name,
                 QStringLiteral("chatml"));
        QTRY_VERIFY_WITH_TIMEOUT(env.context->backend_ready(), 30000);
        QVERIFY(env.context->backend_model().contains(QStringLiteral("tiny.gguf")));
        // Reopened, the dialog shows the saved choice.
        sigma::ui::SettingsDialog* again = window.openSettings();
        QCOMPARE(again->findChild<QComboBox*>(QStringLiteral("settingsTemplate"))->currentText(),
                 QStringLiteral("ChatML"));
        QCOMPARE(again->settings().chat_template, QStringLiteral("chatml"));
        again->reject();
    }

    void cudaChoiceIsSavedAndTheStatusBarSaysWhatRuns() {
        UiTestEnv env;
        const QString model = env.dir.filePath(QStringLiteral("tiny.gguf"));
        QVERIFY(env.use_tiny_model());
        env.context->set_backend(nullptr, {}, {});
        sigma::ui::MainWindow window(env.context.get());
        window.show();
        auto apply = [&](const QString& backend_label) {
            sigma::ui::SettingsDialog* dialog = window.openSettings();
            auto* path = dialog->findChild<QLineEdit*>(QStringLiteral("settingsModel"));
            path->clear();
            QTest::keyClicks(path, model);
            auto* tmpl = dialog->findChild<QComboBox*>(QStringLiteral("settingsTemplate"));
            tmpl->setFocus();
            QTest::keyClicks(tmpl, QStringLiteral("ChatML"));
            auto* backend = dialog->findChild<QComboBox*>(QStringLiteral("settingsBackend"));
            backend->setFocus();
            QTest::keyClick(backend, Qt::Key_Home);
            for (int i = 0; i < backend->count() && backend->currentText() != backend_label; ++i)
                QTest::keyClick(backend, Qt::Key_Down);
            QCOMPARE(backend->currentText(), backend_label);
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        };
        QStringList choices;
        {
            sigma::ui::SettingsDialog probe(AppSettings{});
            auto* backend = probe.findChild<QComboBox*>(QStringLiteral("settingsBackend"));
            for (int i = 0; i < backend->count(); ++i) choices << backend->itemText(i);
        }
        QCOMPARE(choices.size(), 4);
        QVERIFY(choices.at(2).contains(QStringLiteral("CUDA")));

        apply(choices.at(2));
        const AppSettings saved = AppSettings::load(env.context->paths().config_dir());
        QCOMPARE(saved.backend, AppSettings::BackendMode::Cuda);
        QCOMPARE(saved.backend_choice().compute_backend, QStringLiteral("cuda"));
        QTRY_VERIFY_WITH_TIMEOUT(!env.context->loader()->active(), 60000);
        QVERIFY2(env.context->backend_ready(), qPrintable(env.context->backend_note()));
        const QString status = window.backend_label()->text();
#ifdef SIGMA_HAVE_CUDA
        // A CUDA build runs there when the machine has a device, else says why not.
        QVERIFY2(status.contains(QStringLiteral("Local CUDA")) || (status.contains(QStringLiteral("Local CPU")) &&
                                                                   status.contains(QStringLiteral("CUDA unavailable"))),
                 qPrintable(status));
#else
        QVERIFY2(status.contains(QStringLiteral("Local CPU")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("CUDA unavailable")) && status.contains(QStringLiteral("no CUDA")),
                 qPrintable(status));
#endif

        apply(choices.at(1));
        QCOMPARE(AppSettings::load(env.context->paths().config_dir()).backend, AppSettings::BackendMode::Cpu);
        QTRY_VERIFY_WITH_TIMEOUT(!env.context->loader()->active(), 60000);
        QVERIFY(env.context->backend_ready());
        QVERIFY2(window.backend_label()->text().contains(QStringLiteral("Local CPU")),
                 qPrintable(window.backend_label()->text()));
        QVERIFY2(!window.backend_label()->text().contains(QStringLiteral("CUDA")),
                 qPrintable(window.backend_label()->text()));
    }

    void unreachableRemoteFallsBackWithReason() {
        UiTestEnv env;
        const QString model = env.dir.filePath(QStringLiteral("tiny.gguf"));
        QVERIFY(env.use_tiny_model());
        AppSettings s;
        s.backend = AppSettings::BackendMode::Remote;
        s.remote_url = QStringLiteral("not a url");
        s.model_path = model;
        sigma::ui::install_backend(env.context.get(), s);
        QCOMPARE(env.context->backend_kind(), QStringLiteral("local"));
        QVERIFY(env.context->backend_note().contains(QStringLiteral("remote")));
    }

    void badModelFileIsReported() {
        UiTestEnv env;
        const QString path = env.dir.filePath(QStringLiteral("bad.gguf"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF but not really");
        f.close();
        const sigma::app::ModelInfo info = sigma::app::read_model_info(path);
        QVERIFY(!info.ok);
        QVERIFY(!info.error.isEmpty());
        QVERIFY(!sigma::app::read_model_info(env.dir.filePath(QStringLiteral("absent.gguf"))).ok);
    }
};

QTEST_MAIN(TestSettings)
#include "test_settings.moc"
