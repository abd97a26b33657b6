// Grounded pipeline, app side: a remote server's N-best through OpenAI's `n`, and the command and KQL
// tasks ranking several answers (the intent guard, literal copy, repair and warnings) end to end.
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include "app/answer_candidates.h"
#include "app/command_task.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/kql_task.h"
#include "app/remote_backend.h"
#include "scripted_http_server.h"

using namespace sigma::app;
using After = ScriptedAnswer::After;

namespace {

RemoteBackendOptions fast_options(const QString& url) {
    RemoteBackendOptions o;
    o.base_url = QUrl(url);
    o.api_key = QStringLiteral("k");
    o.first_byte_timeout_ms = 5000;
    o.idle_timeout_ms = 5000;
    o.max_retries = 0;
    return o;
}

QByteArray choice_chunk(int index, const QString& text) {
    return "data: {\"choices\":[{\"index\":" + QByteArray::number(index) + ",\"delta\":{\"content\":\"" +
           text.toUtf8() + "\"},\"finish_reason\":null}]}\n\n";
}

GenerationRequest simple_request() {
    GenerationRequest g;
    g.messages = {{QStringLiteral("user"), QStringLiteral("hello")}};
    return g;
}

}  // namespace

class TestGroundedPipeline : public QObject {
    Q_OBJECT
private slots:
    void remoteNBestThroughN() {
        ScriptedHttpServer server({{ScriptedHttpServer::stream_head() + choice_chunk(0, "command: nvidia-smi -r") +
                                        choice_chunk(1, "command: nvidia-smi --query-gpu=") +
                                        choice_chunk(1, "memory.used --format=csv") + "data: [DONE]\n\n",
                                    After::Close}});
        RemoteBackend backend(fast_options(server.base_url()));
        const CandidateSet set = generate_candidates(backend, simple_request(), 2, 10000);
        QVERIFY2(set.ok, qPrintable(set.error.message));
        QCOMPARE(server.requests.size(), 1);  // one request carried both candidates
        QVERIFY(server.requests.first().contains("\"n\":2"));
        QCOMPARE(set.answers.size(), 2);
        QCOMPARE(set.answers.at(0).text, QStringLiteral("command: nvidia-smi -r"));
        QCOMPARE(set.answers.at(1).text, QStringLiteral("command: nvidia-smi --query-gpu=memory.used --format=csv"));
    }

    void remoteWithoutNGetsSingleAnswersRanked() {
        // A server that ignores `n` answers one choice per request: the rest are asked one by one.
        const QByteArray one =
            ScriptedHttpServer::stream_head() + ScriptedHttpServer::chunk("command: ls") + "data: [DONE]\n\n";
        ScriptedHttpServer server({{one, After::Close}, {one, After::Close}, {one, After::Close}});
        RemoteBackend backend(fast_options(server.base_url()));
        const CandidateSet set = generate_candidates(backend, simple_request(), 3, 10000);
        QVERIFY(set.ok);
        QCOMPARE(set.answers.size(), 3);
        QCOMPARE(server.requests.size(), 3);
        QVERIFY(server.requests.at(0).contains("\"n\":3"));
        QVERIFY(!server.requests.at(1).contains("\"n\":"));
    }

    void questionNeverGetsTheDestructiveCandidate() {
        const CommandTask task(nullptr);
        CommandRequest req;
        req.request = QStringLiteral("which processes are using GPU 1");
        const QList<GeneratedAnswer> answers{
            {QStringLiteral("command: nvidia-smi -i 1 -r\nexplanation: Resets GPU 1."), 0.0},
            {QStringLiteral("command: nvidia-smi --query-compute-apps=pid,process_name --format=csv -i 1\nexplanation: "
                            "Lists processes."),
             0.0}};
        const CommandResult r = task.finish_candidates(req, answers, {});
        QVERIFY(r.valid);
        QCOMPARE(r.risk, QStringLiteral("read-only"));
        QVERIFY(r.command.contains(QStringLiteral("--query-compute-apps")));
        // The reset stays listed below (beside the catalogue's proposal for the question).
        bool reset_listed = false;
        for (const CommandAlternative& a : r.alternatives) reset_listed |= a.risk == QStringLiteral("destructive");
        QVERIFY(reset_listed);
        const QJsonObject json = r.to_json();
        QCOMPARE(json.value(QStringLiteral("alternatives")).toArray().size(), r.alternatives.size());
    }

    // A line that ran to the token limit (no explanation: a constrained line that could not end as
    // written) is cut back to its longest leading words that validate, with a warning.
    void runawayLineCutToItsValidStart() {
        const CommandTask task(nullptr);
        CommandRequest req;
        req.request = QStringLiteral("collect 8 device monitoring samples");
        req.proposals = false;  // the catalogue's dmon proposal would answer it (see below)
        CommandResult r = task.finish_candidates(
            req, {{QStringLiteral("command: nvidia-smi -i 0 -d MEMORY | top 2 to 2 of each \"node"), 0.0}}, {});
        QVERIFY(r.valid);
        QCOMPARE(r.command, QStringLiteral("nvidia-smi -i 0"));
        QVERIFY(r.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("repaired from")));
        // With the proposals, the catalogue's dmon view for the request's count wins over the cut line.
        req.proposals = true;
        r = task.finish_candidates(
            req, {{QStringLiteral("command: nvidia-smi -i 0 -d MEMORY | top 2 to 2 of each \"node"), 0.0}}, {});
        QCOMPARE(r.command, QStringLiteral("nvidia-smi dmon -c 8"));
    }

    void riskAboveIntentIsWarnedNeverSilent() {
        const CommandTask task(nullptr);
        CommandRequest req;
        // A question whose every candidate changes the system gets no command; they stay listed.
        req.request = QStringLiteral("show the GPUs");
        CommandResult r = task.finish(req, QStringLiteral("command: nvidia-smi -r -i 0"), {});
        QVERIFY(!r.valid);
        QVERIFY(r.command.isEmpty());
        QVERIFY(!r.messages.isEmpty());
        QVERIFY(r.messages.first().text.contains(QStringLiteral("changes the system")));
        QVERIFY(!r.alternatives.isEmpty());
        for (const CommandAlternative& a : r.alternatives) QVERIFY(a.risk != QStringLiteral("read-only"));
        QCOMPARE(r.alternatives.first().risk, QStringLiteral("destructive"));
        // The read-only candidate wins even when a changing one ranks higher on everything else.
        r = task.finish_candidates(req,
                                   {{QStringLiteral("command: nvidia-smi -i 0 -pm 1"), -0.1},
                                    {QStringLiteral("command: nvidia-smi -L"), -9.0}},
                                   {});
        QVERIFY(r.valid);
        QCOMPARE(r.risk, QStringLiteral("read-only"));
        // A phrase that names no change looks: the read-only candidate, and none when every one changes.
        req.request = QStringLiteral("rss of process 7781");
        r = task.finish_candidates(req,
                                   {{QStringLiteral("command: pkill -9 -u bob python"), -0.1},
                                    {QStringLiteral("command: ps -o rss= -p 7781"), -9.0}},
                                   {});
        QCOMPARE(r.risk, QStringLiteral("read-only"));
        r = task.finish_candidates(req, {{QStringLiteral("command: pkill -9 -u bob python"), -0.1}}, {});
        QVERIFY(r.command.isEmpty());
        // A request with no action word but a word of change gets the least effect offered.
        req.request = QStringLiteral("persistence off on gpu 2 only");
        const QString off = QStringLiteral("command: nvidia-smi -i 2 -pm 0\nexplanation: Persistence mode off.");
        r = task.finish_candidates(
            req, {{off, -0.1}, {QStringLiteral("command: nvidia-smi -i 2 -q -d PERFORMANCE\nexplanation: x"), -9.0}},
            {});
        QCOMPARE(r.risk, QStringLiteral("read-only"));
        r = task.finish_candidates(req, {{off, -0.1}}, {});
        QCOMPARE(r.command, QStringLiteral("nvidia-smi -i 2 -pm 0"));
        // A change above what the request asked for is offered with a warning, never silently.
        req.request = QStringLiteral("enable persistence mode on GPU 0");
        req.proposals = false;
        r = task.finish(req, QStringLiteral("command: nvidia-smi -r -i 0"), {});
        QCOMPARE(r.risk, QStringLiteral("destructive"));
        bool warned = false;
        for (const QString& w : r.warnings) warned |= w.contains(QStringLiteral("more than the request"));
        QVERIFY2(warned, qPrintable(r.warnings.join(" | ")));
        // With the proposals, the catalogue's setting for the request answers it instead.
        req.proposals = true;
        r = task.finish(req, QStringLiteral("command: nvidia-smi -r -i 0"), {});
        QCOMPARE(r.command, QStringLiteral("nvidia-smi -i 0 -pm 1"));
        QCOMPARE(r.risk, QStringLiteral("changes-state"));
    }

    void literalsCopiedAndExplanationMatches() {
        const CommandTask task(nullptr);
        CommandRequest req;
        req.request = QStringLiteral("scale deployment llm-serve in ml-train to 7 replicas");
        const CommandResult r = task.finish(
            req,
            QStringLiteral(
                "command: kubectl scale deployment web-app -n kube-system --replicas=3\nexplanation: Scales it."),
            {});
        QCOMPARE(r.command, QStringLiteral("kubectl scale deployment llm-serve -n ml-train --replicas=7"));
        QVERIFY(!r.warnings.isEmpty());  // says it was repaired

        req.request = QStringLiteral("show memory used on every GPU");
        const CommandResult m = task.finish(
            req,
            QStringLiteral(
                "command: nvidia-smi --query-gpu=memory.used --format=csv\nexplanation: Shows PCIe link width."),
            {});
        QVERIFY(!m.explanation.contains(QStringLiteral("PCIe")));  // the wrong explanation was replaced
        QVERIFY(m.explanation.contains(QStringLiteral("memory.used")));
    }

    void kqlRepairMakesTheQueryValidAndRelevant() {
        std::string error;
        const sigma::domain::KqlSchema& schema = sigma::domain::KqlSchema::builtin(&error);
        QVERIFY2(!schema.tables.empty(), error.c_str());
        const sigma::domain::KqlTableHints hints = sigma::domain::KqlTableHints::load_default();
        const KqlTask task(schema, hints, nullptr);
        KqlRequest req;
        req.question = QStringLiteral("syslog messages from the kernel facility in the last hour");
        const KqlResult r = task.finish(
            req, QStringLiteral("InsightsMetrics | where TimeGenerated > ago(1h) | where Facility == \"kern\""), {});
        QVERIFY2(r.valid, qPrintable(r.query));
        QCOMPARE(r.tables, QStringList{QStringLiteral("Syslog")});
        QVERIFY(!r.warnings.isEmpty());
    }

    void kqlRepairPromptFitsTheContext() {
        std::string error;
        const sigma::domain::KqlSchema& schema = sigma::domain::KqlSchema::builtin(&error);
        const sigma::domain::KqlTableHints hints = sigma::domain::KqlTableHints::load_default();
        const KqlTask task(schema, hints, nullptr);
        KqlRequest req;
        req.question = QStringLiteral("failed sign-ins per user in the last day");
        req.repair = false;
        req.context_tokens = 512;
        const GenerationRequest first = task.prepare(req);
        KqlResult bad = task.finish(req, QStringLiteral("SigninLogs | where Foo == 1 | summarize count() by Bar"), {});
        QVERIFY(!bad.valid);
        const auto next = task.repair(req, first, bad);
        if (next) {
            int bytes = 0;
            for (const ChatMessage& m : next->messages) bytes += static_cast<int>(m.content.toUtf8().size()) + 8;
            QVERIFY(bytes <= (req.context_tokens - first.max_tokens - 16) * 3);
        }
    }
};

QTEST_MAIN(TestGroundedPipeline)
#include "test_grounded_pipeline.moc"
