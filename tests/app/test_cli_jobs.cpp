// The model-backed CLI jobs run as a person runs them: the built `sigma` binary on a tiny
// random-weight model, checking the JSON contract, history recording, refusals and error paths; and
// the shipped default model doing the command and KQL jobs.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "sigma_cli.h"
#include "tiny_model.h"

namespace {

using sigma_test::Run;
using sigma_test::sigma_path;

Run run(const QStringList& args, const QByteArray& input = {},
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    return sigma_test::run_sigma(args, input, env);
}

QJsonObject json_line(const QString& out) {
    const QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.size() != 1) return {};
    return QJsonDocument::fromJson(lines.first().toUtf8()).object();
}

}  // namespace

class TestCliJobs : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFile::exists(sigma_path()), qPrintable(sigma_path()));
        model_ = dir_.filePath("tiny.gguf");
        const QString err = make_tiny_model(model_, 4096);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        db_ = dir_.filePath("history.sqlite");
    }

    void validateGivesTheJsonContract() {
        const Run r = run({"cmd", "--validate", "nvidia-smi --query-gpu=memory.usd --format=csv", "--json"});
        QCOMPARE(r.code, 1);
        const QJsonObject o = json_line(r.out);
        QCOMPARE(o.value("valid").toBool(true), false);
        QCOMPARE(o.value("risk").toString(), QStringLiteral("read-only"));
        QVERIFY(r.out.contains("memory.used"));
        const Run ok = run({"cmd", "--validate", "nvidia-smi -i 0 -pm 1", "--json"});
        QCOMPARE(ok.code, 0);
        const QJsonObject okJson = json_line(ok.out);
        QCOMPARE(okJson.value("risk").toString(), QStringLiteral("changes-state"));
        // Each option explained, with its value and the value's meaning (-pm 1 is ENABLED).
        const QJsonArray flags = okJson.value("flags").toArray();
        QCOMPARE(flags.size(), 2);
        const QJsonObject pm = flags.at(1).toObject();
        QCOMPARE(pm.value("flag").toString(), QStringLiteral("-pm"));
        QCOMPARE(pm.value("value").toString(), QStringLiteral("1"));
        QVERIFY(!pm.value("meaning").toString().isEmpty());
        QVERIFY2(pm.value("details").toArray().at(0).toObject().value("meaning").toString().contains("ENABLED"),
                 qPrintable(ok.out));
    }

    void commandJobPrintsOneJsonObjectAndRecordsTheSession() {
        const Run r = run(
            {"cmd", "-m", model_, "show the memory used on every GPU", "--template", "chatml", "--db", db_, "--json"});
        QVERIFY2(r.code == 0 || r.code == 1, qPrintable(r.err));
        const QJsonObject o = json_line(r.out);
        for (const char* key : {"command", "explanation", "risk", "reasons", "valid", "messages", "session"})
            QVERIFY2(o.contains(key), key);
        QVERIFY(o.value("session").toInt() > 0);
        // A random model's answer is not a valid command, and the product says so rather than guess.
        if (!o.value("valid").toBool()) QVERIFY(!o.value("messages").toArray().isEmpty());
        QCOMPARE(r.code, o.value("valid").toBool() ? 0 : 1);

        const Run list = run({"history", "list", "--db", db_, "--json"});
        QCOMPARE(list.code, 0);
        QVERIFY2(list.out.contains("show the memory used on every GPU"), qPrintable(list.out));
    }

    void smallContextFallsBackToNoExamples() {
        const QString small = dir_.filePath("small.gguf");
        QVERIFY(make_tiny_model(small, 1024).isEmpty());
        const Run r = run({"cmd", "-m", small, "show the memory used on every GPU", "--template", "chatml",
                           "--no-history", "--json"});
        QVERIFY2(r.code == 0 || r.code == 1, qPrintable(r.err));
        QVERIFY2(json_line(r.out).contains("command"), qPrintable(r.err));
    }

    // Whatever a random model answers, a question never gets a command that changes the system: the
    // answer is read-only or none is offered. (Refusals by --run are test_cli_run_safety's, with a
    // scripted backend, so nothing a random model writes is ever run here.)
    void questionNeverGetsAChangingCommand() {
        for (const char* request : {"list gpus", "which processes use the most memory?", "show disk usage"}) {
            const Run r = run({"cmd", "-m", model_, request, "--template", "chatml", "--no-history", "--json"});
            QVERIFY2(r.code == 0 || r.code == 1, qPrintable(r.err));
            const QJsonObject o = json_line(r.out);
            QVERIFY2(!o.isEmpty(), qPrintable(r.out + r.err));
            const QString command = o.value("command").toString();
            QVERIFY2(command.isEmpty() || o.value("risk").toString() == "read-only", qPrintable(r.out));
        }
    }

    void noHistoryKeepsNothing() {
        const QString other = dir_.filePath("none.sqlite");
        const Run r = run(
            {"cmd", "-m", model_, "uptime please", "--template", "chatml", "--db", other, "--no-history", "--json"});
        QVERIFY2(r.code == 0 || r.code == 1, qPrintable(r.err));
        QVERIFY(json_line(r.out).value("session").isNull());
        QVERIFY(!QFile::exists(other));
    }

    void missingModelsAreNamed() {
        Run r = run({"cmd", "-m", dir_.filePath("absent.gguf"), "list gpus"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("does not exist"), qPrintable(r.err));

        // No -m and no default model installed: the product says so.
        QTemporaryDir resources;
        QVERIFY(QDir().mkpath(resources.filePath("models")));
        QVERIFY(QFile::link(QStringLiteral(SIGMA_SOURCE_DIR "/resources/knowledge"), resources.filePath("knowledge")));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SIGMA_RESOURCES", resources.path());
        r = run({"cmd", "list gpus", "--db", db_}, {}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no default model is installed"), qPrintable(r.err));

        r = run({"cmd", "-m", model_, "list gpus", "--remote", "ftp://nowhere"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--remote needs an http(s) URL"), qPrintable(r.err));
    }

    void theEmbeddedModelDoesTheModelJobs() {
        // No -m: the shipped default model answers. Greedy decoding, so the answers are repeatable.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SIGMA_RESOURCES", QStringLiteral(SIGMA_SOURCE_DIR "/resources"));
        Run r = run({"cmd", "show memory used on every GPU", "--db", db_, "--json"}, {}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QJsonObject o = json_line(r.out);
        QVERIFY2(o.value("valid").toBool(), qPrintable(r.out));
        QCOMPARE(o.value("risk").toString(), QStringLiteral("read-only"));
        QVERIFY2(o.value("command").toString().startsWith("nvidia-smi"), qPrintable(r.out));

        const struct {
            const char* question;
            const char* table;
        } asks[] = {{"failed sign-ins by user today", "SigninLogs"},
                    {"count error events per computer in the last day", "Event"}};
        for (const auto& a : asks) {
            r = run({"kql", a.question, "--db", db_, "--json"}, {}, env);
            QVERIFY2(r.code == 0, qPrintable(r.err));
            o = json_line(r.out);
            QVERIFY2(o.value("valid").toBool(), qPrintable(r.out));
            QVERIFY2(o.value("tables").toArray().contains(QString::fromLatin1(a.table)), qPrintable(r.out));
        }
    }

    void kqlJobRepairsAtMostAsAsked() {
        const Run r = run({"kql", "-m", model_, "failed sign-ins by user today", "--template", "chatml", "--repairs",
                           "1", "--db", db_, "--json"});
        QVERIFY2(r.code == 0 || r.code == 1, qPrintable(r.err));
        const QJsonObject o = json_line(r.out);
        for (const char* key : {"query", "valid", "diagnostics", "tables", "columns", "repairs", "session"})
            QVERIFY2(o.contains(key), key);
        QVERIFY(o.value("repairs").toInt() <= 1);
    }

    void diagnosisKeepsTheRulesVerdictAndRedacts() {
        const QByteArray log =
            "Nov 18 10:01:02 gpu-node-7 kernel: NVRM: Xid (PCI:0000:86:00): 79, pid=1, GPU has fallen off the bus.\n"
            "Nov 18 10:01:03 gpu-node-7 sshd[9]: Accepted publickey for ops from 10.20.30.40 port 5050\n";
        const Run r = run({"diagnose", "-m", model_, "-", "--template", "chatml", "--db", db_, "--json"}, log);
        QCOMPARE(r.code, 0);
        const QJsonObject o = json_line(r.out);
        QCOMPARE(o.value("category").toString(), QStringLiteral("gpu_fallen_off_bus"));
        QVERIFY(!o.value("findings").toArray().isEmpty());
        QVERIFY2(!r.out.contains("gpu-node-7"), "cited lines are redacted");
    }

    void evalNoModelScoresTheSharedSuite() {
        const Run r =
            run({"eval", QStringLiteral(SIGMA_SOURCE_DIR "/tests/data/eval/cmdgen.dev.jsonl"), "--no-model", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = json_line(r.out);
        QCOMPARE(o.value("suite").toString(), QStringLiteral("cmdgen.dev"));
        QCOMPARE(o.value("cases").toInt(), o.value("results").toArray().size());
        QCOMPARE(o.value("metrics").toObject().value("valid").toDouble(), 1.0);
        QCOMPARE(o.value("metrics").toObject().value("risk").toDouble(), 1.0);
    }

    void evalWithAModelReportsEveryMetric() {
        const Run r = run({"eval", QStringLiteral(SIGMA_SOURCE_DIR "/tests/data/eval/cmdgen.dev.jsonl"), "-m", model_,
                           "--template", "chatml", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject metrics = json_line(r.out).value("metrics").toObject();
        for (const char* key : {"exact", "equivalent", "valid", "risk", "cmd_score"})
            QVERIFY2(metrics.contains(key), key);
        QVERIFY(r.err.contains("[12/12]"));
    }

private:
    QTemporaryDir dir_;
    QString model_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestCliJobs)
#include "test_cli_jobs.moc"
