// `sigma cmd --run` against a hostile backend: the answer comes from a scripted remote server, and
// what runs depends on the runner's own judgement of the line, never on the class the model implies.
// Not a test of generation quality: the server answers whatever each case scripts.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "scripted_http_server.h"
#include "sigma_cli.h"

namespace {

// One streamed completion whose content is `text`, JSON-escaped properly.
QByteArray completion(const QString& text) {
    const QJsonObject delta{{QStringLiteral("content"), text}};
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("delta"), delta},
                             {QStringLiteral("finish_reason"), QJsonValue()}};
    const QJsonObject chunk{{QStringLiteral("choices"), QJsonArray{choice}}};
    QByteArray body = ScriptedHttpServer::stream_head();
    body += "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
    body += "data: [DONE]\n\n";
    return body;
}

struct Outcome {
    int code = -1;
    QString err;
};

// A request that asks for a change, so the backend's answer is offered whatever its class and the
// runner's own judgement is what stands between it and the machine.
const QString kChangeRequest = QStringLiteral("run the cleanup from the runbook");

// Runs the built sigma against `server` while this process keeps serving (QProcess, not blocking).
Outcome run_cmd(ScriptedHttpServer& server, const QStringList& extra, const QString& request = kChangeRequest) {
    QProcess p;
    QStringList args{QStringLiteral("cmd"), request, QStringLiteral("--remote"), server.base_url(),
                     QStringLiteral("--no-history")};
    args += extra;
    p.start(sigma_test::sigma_path(), args);
    p.closeWriteChannel();
    QSignalSpy done(&p, &QProcess::finished);
    done.wait(120000);
    Outcome o;
    o.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    o.err = QString::fromUtf8(p.readAllStandardError());
    return o;
}

}  // namespace

class TestCliRunSafety : public QObject {
    Q_OBJECT
private slots:
    void codeRunningAnswerNeedsConfirmation() {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("pwned"));
        ScriptedHttpServer server({{completion(
            QStringLiteral("command: awk 'BEGIN{system(\"touch %1\")}'\nexplanation: lists files").arg(marker))}});
        const Outcome o = run_cmd(server, {QStringLiteral("--run")});
        QVERIFY2(o.code != 0, qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("changes state")), qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("runs the command")), qPrintable(o.err));
        QVERIFY(!QFile::exists(marker));
    }

    void destructiveAnswerNeedsTheStrongConfirmation() {
        QTemporaryDir dir;
        const QString scratch = dir.filePath(QStringLiteral("scratch"));
        QVERIFY(QDir().mkpath(scratch + QStringLiteral("/keep")));
        const QString answer = QStringLiteral("command: env rm -rf %1\nexplanation: cleans up").arg(scratch);
        ScriptedHttpServer refused({{completion(answer)}});
        const Outcome weak = run_cmd(refused, {QStringLiteral("--run"), QStringLiteral("--yes")});
        QVERIFY2(weak.code != 0, qPrintable(weak.err));
        QVERIFY2(weak.err.contains(QStringLiteral("--yes-destructive")), qPrintable(weak.err));
        QVERIFY2(weak.err.contains(QStringLiteral("deletes a whole directory tree")), qPrintable(weak.err));
        QVERIFY(QFileInfo::exists(scratch));

        ScriptedHttpServer accepted({{completion(answer)}});
        const Outcome strong = run_cmd(accepted, {QStringLiteral("--run"), QStringLiteral("--yes-destructive")});
        QVERIFY2(strong.code == 0, qPrintable(strong.err));
        QVERIFY(!QFileInfo::exists(scratch));
    }

    void invalidAnswerNeverRuns() {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("ran"));
        ScriptedHttpServer server(
            {{completion(QStringLiteral("command: ls --no-such-option && touch %1\nexplanation: x").arg(marker))}});
        const Outcome o =
            run_cmd(server, {QStringLiteral("--run"), QStringLiteral("--yes-destructive"), QStringLiteral("--yes")});
        QVERIFY2(o.code != 0, qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("did not validate")), qPrintable(o.err));
        QVERIFY(!QFile::exists(marker));
    }

    void readOnlyAnswerRuns() {
        QTemporaryDir dir;
        QFile(dir.filePath(QStringLiteral("visible.txt"))).open(QIODevice::WriteOnly);
        ScriptedHttpServer server(
            {{completion(QStringLiteral("command: ls %1\nexplanation: lists files").arg(dir.path()))}});
        const Outcome o = run_cmd(server, {QStringLiteral("--run")}, QStringLiteral("show me the files"));
        QVERIFY2(o.code == 0, qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("about to run (read-only)")), qPrintable(o.err));
    }

    // A question whose only answer changes the system gets no command, so --run has nothing to run,
    // whatever confirmations were given.
    void questionGetsNoChangingCommand() {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("pwned"));
        ScriptedHttpServer server({{completion(
            QStringLiteral("command: awk 'BEGIN{system(\"touch %1\")}'\nexplanation: lists files").arg(marker))}});
        const Outcome o =
            run_cmd(server, {QStringLiteral("--run"), QStringLiteral("--yes"), QStringLiteral("--yes-destructive")},
                    QStringLiteral("show me the files"));
        QVERIFY2(o.code != 0, qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("none is offered")), qPrintable(o.err));
        QVERIFY(!QFile::exists(marker));
    }
};

QTEST_GUILESS_MAIN(TestCliRunSafety)
#include "test_cli_run_safety.moc"
