// History panel tests: date groups, panel filter, full-text search with highlighted matches, rename,
// bulk delete behind a confirm step, export to Markdown and JSON, and opening a session into its panel.
// Not a store test: the database is written through HistoryStore only to set the scene.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

#include "app/history_store.h"
#include "ui/history_model.h"
#include "ui/history_panel.h"
#include "ui/history_service.h"
#include "ui/main_window.h"
#include "ui/command_panel.h"
#include "ui_test_env.h"

using sigma::app::Panel;
using sigma::app::Session;
using sigma::ui::HistoryModel;
using sigma::ui::HistoryPanel;

namespace {

qint64 add_session(sigma::app::HistoryStore& store, Panel panel, const QString& title, const QString& request,
                   const QDateTime& when = {}) {
    Session s;
    s.panel = panel;
    s.title = title;
    s.created_at = when;
    s.updated_at = when;
    auto id = store.create_session(s);
    if (!id) qFatal("%s", id.error().message.c_str());
    sigma::app::Turn t;
    t.session_id = *id;
    t.request = request;
    t.raw_output = QStringLiteral("{\"command\": \"nvidia-smi -L\"}");
    t.result_json = QStringLiteral("{\"command\": \"nvidia-smi -L\", \"risk\": \"read-only\", \"valid\": true}");
    t.created_at = when;
    if (auto r = store.add_turn(t); !r) qFatal("%s", r.error().message.c_str());
    return *id;
}

}  // namespace

class TestHistoryPanel : public QObject {
    Q_OBJECT
private slots:
    void modelGroupsByDate() {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime now = QDateTime::currentDateTime();
        QList<Session> sessions;
        for (int age : {0, 0, 3, 30}) {
            Session s;
            s.id = sessions.size() + 1;
            s.title = QStringLiteral("s%1").arg(age);
            s.updated_at = now.addDays(-age);
            sessions << s;
        }
        model.set_sessions(sessions, now);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowCount(model.index(HistoryModel::Today, 0)), 2);
        QCOMPARE(model.rowCount(model.index(HistoryModel::ThisWeek, 0)), 1);
        QCOMPARE(model.rowCount(model.index(HistoryModel::Earlier, 0)), 1);
        QCOMPARE(model.session_id(model.index(0, 0, model.index(HistoryModel::Earlier, 0))), qint64(4));
        QCOMPARE(model.session_id(model.index(HistoryModel::Today, 0)), qint64(0));
        model.set_sessions({}, now);
        QCOMPARE(model.session_count(), 0);
    }

    void highlightsSnippetMatches() {
        QCOMPARE(HistoryPanel::highlight_snippet(QStringLiteral("a [gpu] <b>")),
                 QStringLiteral("a <span style='background:#ffe08a'>gpu</span> &lt;b&gt;"));
        QCOMPARE(HistoryPanel::highlight_snippet(QStringLiteral("open [end")), QStringLiteral("open [end"));
    }

    void listsFiltersSearchesAndDeletes() {
        UiTestEnv env;
        sigma::app::HistoryStore store;
        QVERIFY(store.open(env.db_path()));
        add_session(store, Panel::Commands, QStringLiteral("list gpus"), QStringLiteral("list the gpus please"));
        add_session(store, Panel::Kql, QStringLiteral("failed logins"), QStringLiteral("failed logins by user"));
        add_session(store, Panel::Commands, QStringLiteral("old disk check"), QStringLiteral("disk usage of /var"),
                    QDateTime::currentDateTimeUtc().addDays(-40));

        HistoryPanel panel(env.context.get());
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy refreshed(&panel, &HistoryPanel::refreshed);
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty(), 10000);
        QCOMPARE(panel.model()->session_count(), 3);
        QCOMPARE(panel.model()->rowCount(panel.model()->index(HistoryModel::Today, 0)), 2);
        QCOMPARE(panel.model()->rowCount(panel.model()->index(HistoryModel::Earlier, 0)), 1);

        // Filter by panel.
        refreshed.clear();
        auto* filter = panel.findChild<QComboBox*>(QStringLiteral("historyFilter"));
        filter->setCurrentIndex(filter->findData(QStringLiteral("kql")));
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty(), 10000);
        QCOMPARE(panel.model()->session_count(), 1);
        filter->setCurrentIndex(0);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->session_count(), 3, 10000);

        // Full-text search across panels, matches highlighted.
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* search = panel.findChild<QLineEdit*>(QStringLiteral("historySearch"));
        QTest::keyClick(&panel, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(search->hasFocus());
        QSignalSpy searched(&panel, &HistoryPanel::searchFinished);
        QTest::keyClicks(search, QStringLiteral("gpus"));
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!searched.isEmpty(), 10000);
        QVERIFY(searched.first().at(0).toInt() >= 1);
        const QString html = panel.findChild<QTextBrowser*>(QStringLiteral("historyHits"))->toHtml();
        QVERIFY(html.contains(QStringLiteral("list gpus")));
        QVERIFY(html.contains(QStringLiteral("#ffe08a")));
        // The search filters the list; clearing it brings every session back.
        search->clear();
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->session_count(), 3, 10000);

        // Bulk delete: select both Today sessions, the confirm bar appears, nothing is deleted until confirmed.
        auto* tree = panel.findChild<QTreeView*>(QStringLiteral("historyTree"));
        const QModelIndex today = panel.model()->index(HistoryModel::Today, 0);
        tree->selectionModel()->select(
            QItemSelection(panel.model()->index(0, 0, today), panel.model()->index(1, 0, today)),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(panel.selected_ids().size(), 2);
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("historyDelete")), Qt::LeftButton);
        auto* bar = panel.findChild<QWidget*>(QStringLiteral("historyConfirmBar"));
        QVERIFY(bar->isVisible());
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("historyDeleteCancel")), Qt::LeftButton);
        QVERIFY(!bar->isVisible());
        QTest::qWait(100);
        QCOMPARE(panel.model()->session_count(), 3);
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("historyDelete")), Qt::LeftButton);
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("historyDeleteConfirm")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->session_count(), 1, 10000);
        auto left = store.list_sessions();
        QVERIFY(left);
        QCOMPARE(left->size(), size_t(1));
        QCOMPARE(left->front().title, QStringLiteral("old disk check"));
    }

    void renamesAndExports() {
        UiTestEnv env;
        sigma::app::HistoryStore store;
        QVERIFY(store.open(env.db_path()));
        const qint64 id =
            add_session(store, Panel::Commands, QStringLiteral("list gpus"), QStringLiteral("list the gpus"));
        HistoryPanel panel(env.context.get());
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->session_count(), 1, 10000);
        auto* tree = panel.findChild<QTreeView*>(QStringLiteral("historyTree"));
        const QModelIndex row = panel.model()->index(0, 0, panel.model()->index(HistoryModel::Today, 0));
        tree->selectionModel()->select(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        panel.renameSelected(QStringLiteral("GPU inventory"));
        QTRY_COMPARE_WITH_TIMEOUT(store.get_session(id)->title, QStringLiteral("GPU inventory"), 10000);

        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->session_count(), 1, 10000);
        const QModelIndex again = panel.model()->index(0, 0, panel.model()->index(HistoryModel::Today, 0));
        QTRY_COMPARE_WITH_TIMEOUT(again.data().toString(), QStringLiteral("GPU inventory"), 10000);
        tree->selectionModel()->select(again, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        for (const QString& format : {QStringLiteral("markdown"), QStringLiteral("json")}) {
            const QString out = env.dir.filePath(format);
            QVERIFY(QDir().mkpath(out));
            QSignalSpy exported(&panel, &HistoryPanel::exported);
            panel.exportSelection(out, format);
            QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 10000);
            QCOMPARE(exported.first().at(0).toInt(), 1);
            const QStringList files = QDir(out).entryList(QDir::Files);
            QCOMPARE(files.size(), 1);
            QFile f(QDir(out).filePath(files.first()));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            QVERIFY(text.contains("GPU inventory"));
            QVERIFY(text.contains("list the gpus"));
        }
        // Into a git repository: a fresh folder becomes one, with the session committed as Markdown.
        const QString repo = env.dir.filePath(QStringLiteral("repo"));
        QVERIFY(QDir().mkpath(repo));
        QSignalSpy git(&panel, &HistoryPanel::gitExported);
        panel.exportToGit(repo);
        QTRY_VERIFY_WITH_TIMEOUT(!git.isEmpty(), 20000);
        QVERIFY2(git.first().at(0).toBool(), qPrintable(git.first().at(1).toString()));
        QVERIFY(QDir(repo).exists(QStringLiteral(".git")));
        QCOMPARE(QDir(repo + QStringLiteral("/sessions")).entryList(QDir::Files).size(), 1);

        // An unwritable folder is reported, not a crash.
        QSignalSpy exported(&panel, &HistoryPanel::exported);
        panel.exportSelection(env.dir.filePath(QStringLiteral("missing/deeper")), QStringLiteral("json"));
        QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 10000);
        QCOMPARE(exported.first().at(0).toInt(), 0);
    }

    void openRestoresIntoCommandsPanel() {
        UiTestEnv env;
        sigma::app::HistoryStore store;
        QVERIFY(store.open(env.db_path()));
        add_session(store, Panel::Commands, QStringLiteral("list gpus"), QStringLiteral("list the gpus"));
        sigma::ui::MainWindow window(env.context.get());
        HistoryPanel* panel = window.history();
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->session_count(), 1, 10000);
        auto* tree = panel->findChild<QTreeView*>(QStringLiteral("historyTree"));
        tree->selectionModel()->select(panel->model()->index(0, 0, panel->model()->index(HistoryModel::Today, 0)),
                                       QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QSignalSpy shown(window.commands(), &sigma::ui::CommandPanel::resultShown);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("historyOpen")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 10000);
        QCOMPARE(window.commands()->result().command, QStringLiteral("nvidia-smi -L"));
        QCOMPARE(window.current_panel(), 0);
    }
};

QTEST_MAIN(TestHistoryPanel)
#include "test_history_panel.moc"
