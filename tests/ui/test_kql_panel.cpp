// KQL panel tests: a query checked against the schema with diagnostics underlined at their exact
// positions, the highlighter's colours, tables and columns used, copy, schema import (good and bad
// files), and the model pipeline with its bounded repair loop.
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

#include "ui/kql_highlighter.h"
#include "ui/kql_panel.h"
#include "ui_test_env.h"

using sigma::ui::KqlPanel;

namespace {

// The character format the highlighter gave position `pos` of the document.
QTextCharFormat format_at(QPlainTextEdit* edit, int pos) {
    const QTextBlock block = edit->document()->findBlock(pos);
    const int offset = pos - block.position();
    for (const QTextLayout::FormatRange& r : block.layout()->formats())
        if (offset >= r.start && offset < r.start + r.length) return r.format;
    return {};
}

}  // namespace

class TestKqlPanel : public QObject {
    Q_OBJECT
private slots:
    void checkUnderlinesDiagnosticsAtTheirPositions() {
        UiTestEnv env;
        KqlPanel panel(env.context.get());
        QVERIFY(panel.schema_table_count() > 0);
        auto* query = panel.findChild<QPlainTextEdit*>(QStringLiteral("kqlQuery"));
        const QString text = QStringLiteral("SigninLogs\n| where UserPrincipalNme == \"x\" // typo\n| take 10");
        query->setPlainText(text);
        QSignalSpy shown(&panel, &KqlPanel::resultShown);
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("kqlCheck")), Qt::LeftButton);
        QCOMPARE(shown.count(), 1);
        QVERIFY(!panel.result().valid);
        QVERIFY(!panel.result().diagnostics.isEmpty());
        const auto& ranges = panel.highlighter()->diagnostics();
        QCOMPARE(ranges.size(), panel.result().diagnostics.size());
        const int bad = static_cast<int>(text.indexOf(QStringLiteral("UserPrincipalNme")));
        bool found = false;
        for (const auto& r : ranges) found = found || (r.start == bad && r.length == 16);
        QVERIFY2(found, "a diagnostic covers the misspelt column exactly");
        QCOMPARE(format_at(query, bad).underlineStyle(), QTextCharFormat::WaveUnderline);
        QCOMPARE(format_at(query, bad + 15).underlineStyle(), QTextCharFormat::WaveUnderline);
        QVERIFY(format_at(query, 0).underlineStyle() != QTextCharFormat::WaveUnderline);
        // Colours: a keyword, a string and a comment each get their own.
        const QColor keyword =
            format_at(query, static_cast<int>(text.indexOf(QStringLiteral("where")))).foreground().color();
        const QColor string =
            format_at(query, static_cast<int>(text.indexOf(QStringLiteral("\"x\"")))).foreground().color();
        const QColor comment =
            format_at(query, static_cast<int>(text.indexOf(QStringLiteral("// typo")))).foreground().color();
        QVERIFY(keyword != string && string != comment && keyword != comment);

        // Fixing the column clears the underline and names the table and column used.
        query->setPlainText(QStringLiteral("SigninLogs\n| where UserPrincipalName == \"x\"\n| take 10"));
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("kqlCheck")), Qt::LeftButton);
        QVERIFY(panel.result().valid);
        QVERIFY(panel.highlighter()->diagnostics().isEmpty());
        QVERIFY(panel.result().tables.contains(QStringLiteral("SigninLogs")));
        QVERIFY(
            panel.findChild<QLabel*>(QStringLiteral("kqlUsed"))->text().contains(QStringLiteral("UserPrincipalName")));
        QApplication::clipboard()->clear();
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("kqlCopy")), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), panel.result().query);
    }

    void importsSchemaFiles() {
        UiTestEnv env;
        KqlPanel panel(env.context.get());
        const QString good = env.dir.filePath(QStringLiteral("cluster.json"));
        QFile f(good);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"Databases": {"ops": {"Name": "ops", "Tables": {"GpuEvents": {"Name": "GpuEvents",
                 "OrderedColumns": [{"Name": "Timestamp", "CslType": "datetime"}, {"Name": "Node", "CslType": "string"},
                                    {"Name": "Xid", "CslType": "int"}]}}}}})");
        f.close();
        QSignalSpy loaded(&panel, &KqlPanel::schemaLoaded);
        panel.importSchema(good);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
        QVERIFY(loaded.first().at(0).toBool());
        QCOMPARE(panel.schema_table_count(), 1);
        QVERIFY(panel.schema_name().contains(QStringLiteral("cluster.json")));
        auto* query = panel.findChild<QPlainTextEdit*>(QStringLiteral("kqlQuery"));
        query->setPlainText(QStringLiteral("GpuEvents | where Xid == 79 | summarize count() by Node"));
        panel.checkQuery();
        QVERIFY(panel.result().valid);

        const QString bad = env.dir.filePath(QStringLiteral("broken.json"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write("{\"Databases\": [");
        b.close();
        loaded.clear();
        panel.importSchema(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
        QVERIFY(!loaded.first().at(0).toBool());
        QVERIFY(loaded.first().at(1).toString().contains(QStringLiteral("broken.json")));
        QCOMPARE(panel.schema_table_count(), 1);  // the good schema stays in use
    }

    void modelPipelineIsJudgedAndBounded() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        KqlPanel panel(env.context.get());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* question = panel.findChild<QPlainTextEdit*>(QStringLiteral("kqlQuestion"));
        question->setFocus();
        QTest::keyClicks(question, QStringLiteral("failed sign-ins per user today"));
        QSignalSpy shown(&panel, &KqlPanel::resultShown);
        QSignalSpy status(&panel, &KqlPanel::statusMessage);
        QTest::keyClick(question, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(panel.findChild<QPushButton*>(QStringLiteral("kqlStop"))->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() || !status.isEmpty(), 120000);
        QVERIFY2(!shown.isEmpty(), qPrintable(status.isEmpty() ? QString() : status.first().at(0).toString()));
        const auto& r = panel.result();
        QVERIFY(r.repairs <= 2);
        if (!r.valid) {
            QVERIFY(!r.diagnostics.isEmpty() || r.query.isEmpty());
            QCOMPARE(r.repairs, 2);  // the automatic loop used its rounds
        }
        QVERIFY(!panel.findChild<QPlainTextEdit*>(QStringLiteral("kqlStream"))->toPlainText().isEmpty());
    }
};

QTEST_MAIN(TestKqlPanel)
#include "test_kql_panel.moc"
