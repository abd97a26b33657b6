// The three task pipelines around the model: prompts carry retrieved examples and the schema slice,
// and every answer is parsed, validated, classified and (for logs) redacted before it is shown.
#include <QtTest>

#include "app/command_task.h"
#include "app/diagnose_task.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/example_corpus.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/kql_task.h"

using namespace sigma::app;
namespace domain = sigma::domain;

class TestTasks : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        std::string err;
        auto corpus = domain::ExampleCorpus::load_default(&err);
        QVERIFY2(corpus.has_value(), err.c_str());
        corpus_ = std::make_unique<domain::ExampleCorpus>(std::move(*corpus));
        auto pack = domain::SignaturePack::load_default(&err);
        QVERIFY2(pack.has_value(), err.c_str());
        pack_ = std::make_unique<domain::SignaturePack>(std::move(*pack));
        hints_ = domain::KqlTableHints::load_default();
    }

    void commandPromptRetrievesRelevantExamples() {
        CommandTask task(corpus_.get());
        CommandRequest req;
        req.request = QStringLiteral("show the memory used on every GPU");
        const GenerationRequest g = task.prepare(req);
        QCOMPARE(g.messages.size(), 2 + 2 * req.example_count);
        QCOMPARE(g.messages.first().role, QStringLiteral("system"));
        QCOMPARE(g.messages.last().content, req.request);
        bool saw_nvsmi = false;
        for (const ChatMessage& m : g.messages)
            if (m.role == QLatin1String("assistant") && m.content.contains(QLatin1String("nvidia-smi")))
                saw_nvsmi = true;
        QVERIFY2(saw_nvsmi, "a GPU memory request should retrieve nvidia-smi examples");
    }

    void commandAnswerIsValidatedAndExplained() {
        CommandTask task(corpus_.get());
        CommandRequest req;
        req.request = QStringLiteral("memory used per GPU as csv");
        const CommandResult r = task.finish(
            req,
            QStringLiteral(
                "command: nvidia-smi --query-gpu=index,memory.used --format=csv\nexplanation: Memory per GPU."),
            {});
        QCOMPARE(r.command, QStringLiteral("nvidia-smi --query-gpu=index,memory.used --format=csv"));
        QVERIFY(r.valid);
        QCOMPARE(r.risk, QStringLiteral("read-only"));
        QCOMPARE(r.explanation, QStringLiteral("Memory per GPU."));
        QCOMPARE(r.flags.size(), 2);
        QVERIFY(!r.flags[0].meaning.isEmpty());
        const QJsonObject j = r.to_json();
        for (const char* key : {"command", "explanation", "risk", "reasons", "valid", "messages"})
            QVERIFY2(j.contains(key), key);
        // Each flag: its value apart from the option, and each query field described.
        const QJsonObject query = j.value(QStringLiteral("flags")).toArray().at(0).toObject();
        QCOMPARE(query.value(QStringLiteral("flag")).toString(), QStringLiteral("--query-gpu"));
        QCOMPARE(query.value(QStringLiteral("value")).toString(), QStringLiteral("index,memory.used"));
        QCOMPARE(query.value(QStringLiteral("program")).toString(), QStringLiteral("nvidia-smi"));
        const QJsonArray details = query.value(QStringLiteral("details")).toArray();
        QCOMPARE(details.size(), 2);
        QCOMPARE(details.at(1).toObject().value(QStringLiteral("item")).toString(), QStringLiteral("memory.used"));
        QVERIFY(!details.at(1).toObject().value(QStringLiteral("meaning")).toString().isEmpty());
    }

    void inventedFieldIsInvalidWithSuggestion() {
        const CommandResult r = CommandTask::check(QStringLiteral("nvidia-smi --query-gpu=memory.usd --format=csv"));
        QVERIFY(!r.valid);
        bool suggested = false;
        for (const ValidationMessage& m : r.messages) suggested = suggested || m.suggestions.contains("memory.used");
        QVERIFY2(suggested, "expected 'memory.used' as a suggestion");
    }

    void destructiveCommandIsClassified() {
        const CommandResult r = CommandTask::check(QStringLiteral("sudo rm -rf /var/lib/docker"));
        QCOMPARE(r.risk, QStringLiteral("destructive"));
        QVERIFY(!r.reasons.isEmpty());
    }

    void uselessAnswerSaysWhy() {
        CommandTask task(corpus_.get());
        const CommandResult r = task.finish({}, QStringLiteral("  \n "), {});
        QVERIFY(!r.valid);
        QVERIFY(r.command.isEmpty());
        QVERIFY(!r.messages.isEmpty());
        QVERIFY(r.messages.first().text.contains(QLatin1String("no command")));
    }

    void kqlRepairLoopIsBounded() {
        std::string err;
        const domain::KqlSchema& schema = domain::KqlSchema::builtin(&err);
        QVERIFY2(!schema.tables.empty(), err.c_str());
        KqlTask task(schema, hints_, corpus_.get());
        KqlRequest req;
        req.question = QStringLiteral("Which computers have stopped sending heartbeats in the last hour?");
        req.max_repairs = 1;
        req.repair = false;  // the model's repair round is under test: no deterministic fix of the typo
        const GenerationRequest first = task.prepare(req);
        QVERIFY(first.messages.first().content.contains(QLatin1String("Heartbeat(")));

        KqlResult bad = task.finish(req, QStringLiteral("Heartbeat | where TimeGeneratd > ago(1h)"), {});
        QVERIFY(!bad.valid);
        QVERIFY(!bad.diagnostics.isEmpty());
        auto repair = task.repair(req, first, bad);
        QVERIFY(repair.has_value());
        // The short repair prompt: system (slice), question, the previous query, the errors; no examples.
        QCOMPARE(repair->messages.size(), qsizetype(4));
        QVERIFY(repair->messages.last().content.contains(bad.diagnostics.first().text));

        bad.repairs = 1;
        QVERIFY(!task.repair(req, *repair, bad).has_value());

        const KqlResult good =
            task.finish(req, QStringLiteral("```kql\nHeartbeat | summarize max(TimeGenerated) by Computer\n```"), {});
        QVERIFY(good.valid);
        QCOMPARE(good.tables, QStringList{"Heartbeat"});
        QVERIFY(good.columns.contains("Computer"));
        QVERIFY(!task.repair(req, first, good).has_value());
    }

    void diagnosisRedactsCitedLinesAndTakesTheModelSummary() {
        DiagnoseTask task(*pack_);
        const QString log = QStringLiteral(
            "Nov 18 10:00:01 gpu-node-7 sshd[811]: Accepted publickey for ops from 10.1.2.3 port 5050\n"
            "Nov 18 10:01:02 gpu-node-7 kernel: NVRM: Xid (PCI:0000:86:00): 79, pid=1, GPU has fallen off the bus.\n");
        DiagnoseResult r = task.analyse_text(log);
        QCOMPARE(r.category, QStringLiteral("gpu_fallen_off_bus"));
        QVERIFY(!r.report.findings.empty());
        QVERIFY(!r.commands.isEmpty());
        const QString json = QString::fromUtf8(QJsonDocument(r.to_json()).toJson());
        QVERIFY2(!json.contains(QLatin1String("gpu-node-7")), "host names must be redacted in what is kept");
        QVERIFY(json.contains(QLatin1String("fallen off the bus")));

        const GenerationRequest g = task.prepare(r);
        QVERIFY(g.messages.last().content.contains(QLatin1String("gpu_fallen_off_bus")));
        r = task.finish(
            r,
            QStringLiteral(
                "category: gpu_fallen_off_bus\nroot cause: The GPU dropped off PCIe.\nnext steps:\n- Reseat the card"),
            {});
        QCOMPARE(r.summary_source, QStringLiteral("model"));
        QCOMPARE(r.root_cause, QStringLiteral("The GPU dropped off PCIe."));
        QCOMPARE(r.next_steps, QStringList{"Reseat the card"});
        QCOMPARE(r.category, QStringLiteral("gpu_fallen_off_bus"));  // the model cannot move a rules verdict
    }

    void unknownLogStaysUnknownUnlessTheModelNamesACategory() {
        DiagnoseTask task(*pack_);
        DiagnoseResult r = task.analyse_text(QStringLiteral("all good\nnothing to see\n"));
        QCOMPARE(r.category, QStringLiteral("unknown"));
        DiagnoseResult invented = task.finish(r, QStringLiteral("category: cosmic_rays\nroot cause: bad luck"), {});
        QCOMPARE(invented.category, QStringLiteral("unknown"));
        DiagnoseResult named = task.finish(r, QStringLiteral("category: disk_full\nroot cause: full"), {});
        QCOMPARE(named.category, QStringLiteral("disk_full"));
    }

private:
    std::unique_ptr<domain::ExampleCorpus> corpus_;
    std::unique_ptr<domain::SignaturePack> pack_;
    domain::KqlTableHints hints_;
};

QTEST_GUILESS_MAIN(TestTasks)
#include "test_tasks.moc"
