// Main window tests: four panels in the sidebar, window geometry and the last panel persist across
// runs, the status bar names the backend and why there is none; and ui/ never includes an
// inference/ header (the desktop app goes through app/ only).
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QRegularExpression>
#include <QTest>

#include "ui/main_window.h"
#include "ui_test_env.h"

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void sidebarHasTheFourPanels() {
        UiTestEnv env;
        sigma::ui::MainWindow window(env.context.get());
        auto* sidebar = window.findChild<QListWidget*>(QStringLiteral("sidebar"));
        QCOMPARE(sidebar->count(), 4);
        QStringList names;
        for (int i = 0; i < sidebar->count(); ++i) names << sidebar->item(i)->text();
        QCOMPARE(names, (QStringList{QStringLiteral("Commands"), QStringLiteral("Diagnose"), QStringLiteral("KQL"),
                                     QStringLiteral("History")}));
        QVERIFY(!window.windowIcon().isNull());
    }

    void geometryAndLastPanelPersist() {
        UiTestEnv env;
        {
            sigma::ui::MainWindow window(env.context.get());
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(900, 650);
            window.set_current_panel(2);
            QVERIFY(window.close());
        }
        sigma::ui::MainWindow again(env.context.get());
        QCOMPARE(again.current_panel(), 2);
        QCOMPARE(again.size(), QSize(900, 650));
    }

    void statusBarSaysWhyThereIsNoBackend() {
        UiTestEnv env;
        env.context->set_backend(nullptr, {}, {}, QStringLiteral("no default model is installed"));
        sigma::ui::MainWindow window(env.context.get());
        QVERIFY(window.backend_label()->text().contains(QStringLiteral("no default model is installed")));
    }

    void uiNeverIncludesInferenceHeaders() {
        const QRegularExpression include(QStringLiteral("#\\s*include\\s*[\"<]inference/"));
        int files = 0;
        for (QDirIterator it(QStringLiteral(SIGMA_SOURCE_DIR "/ui"), {QStringLiteral("*.h"), QStringLiteral("*.cpp")},
                             QDir::Files, QDirIterator::Subdirectories);
             it.hasNext();) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!include.match(QString::fromUtf8(f.readAll())).hasMatch(), qPrintable(f.fileName()));
            ++files;
        }
        QVERIFY(files > 10);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
