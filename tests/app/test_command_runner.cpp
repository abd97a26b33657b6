// Tests of CommandRunner: exit codes, timeout, cancel (the whole process group), output bounds,
// live output, and every refusal (no confirmation, destructive without the typed program name).
// Not a test of the risk classifier: risks are given directly.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

#include "app/command_runner.h"

using namespace sigma::app;
using sigma::domain::Risk;

namespace {
// True when no process has this id any more, or only its zombie.
bool process_gone(pid_t pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return true;
    return stat.readAll().contains(") Z ");
}
}  // namespace

class TestCommandRunner : public QObject {
    Q_OBJECT
private slots:
    void success() {
        CommandRunner runner;
        const ExecutionResult r =
            runner.run(QStringLiteral("echo hello; echo oops >&2"), Risk::ReadOnly, Confirmation::confirmed());
        QVERIFY2(r.started, qPrintable(r.error));
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.output_excerpt.contains(QStringLiteral("hello\n")));
        QVERIFY(r.output_excerpt.contains(QStringLiteral("oops\n")));  // stderr is captured too
        QCOMPARE(r.output_bytes, qint64(11));
        QVERIFY(!r.output_truncated);
        QVERIFY(!r.timed_out);
        QVERIFY(!r.cancelled);
        QVERIFY(r.duration_ms >= 0);
    }

    void nonZeroExit() {
        CommandRunner runner;
        const ExecutionResult r = runner.run(QStringLiteral("exit 3"), Risk::ReadOnly, Confirmation::confirmed());
        QVERIFY(r.started);
        QCOMPARE(r.exit_code, 3);
        QVERIFY(!r.timed_out);
    }

    void stdinIsClosed() {
        CommandRunner runner;
        RunOptions o;
        o.timeout_ms = 20000;
        const ExecutionResult r =
            runner.run(QStringLiteral("cat; echo end"), Risk::ReadOnly, Confirmation::confirmed(), o);
        QCOMPARE(r.exit_code, 0);
        QCOMPARE(r.output_excerpt, QStringLiteral("end\n"));
        QVERIFY(!r.timed_out);
    }

    void timeoutKillsTheGroup() {
        QTemporaryDir dir;
        CommandRunner runner;
        RunOptions o;
        o.timeout_ms = 3000;  // long enough for the child to start on a loaded machine
        o.kill_grace_ms = 200;
        o.working_dir = dir.path();
        // A child that ignores SIGTERM and writes its pid: the group kill must still end it.
        const ExecutionResult r =
            runner.run(QStringLiteral("(trap '' TERM; sh -c 'echo $$ > child.pid; exec sleep 30') & wait"),
                       Risk::ReadOnly, Confirmation::confirmed(), o);
        QVERIFY(r.started);
        QVERIFY(r.timed_out);
        QVERIFY(!r.cancelled);
        QCOMPARE(r.exit_code, -1);
        QFile f(dir.filePath(QStringLiteral("child.pid")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const pid_t child = f.readAll().trimmed().toInt();
        QVERIFY(child > 0);
        // Killed with SIGKILL; it may linger briefly as a zombie until its parent is reaped.
        QTRY_VERIFY_WITH_TIMEOUT(process_gone(child), 10000);
    }

    void cancelStopsIt() {
        CommandRunner runner;
        QSignalSpy out(&runner, &CommandRunner::outputReceived);
        QSignalSpy done(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(QStringLiteral("echo started; sleep 30"), Risk::ChangesState, Confirmation::confirmed()));
        QVERIFY(runner.is_running());
        QVERIFY(out.wait(10000));  // live output before the end
        QCOMPARE(out.first().at(0).toString(), QStringLiteral("started\n"));
        runner.cancel();
        QVERIFY(done.wait(10000));
        const ExecutionResult r = done.first().at(0).value<ExecutionResult>();
        QVERIFY(r.cancelled);
        QVERIFY(!r.timed_out);
        QCOMPARE(r.exit_code, -1);
        QVERIFY(!runner.is_running());
    }

    void oneAtATime() {
        CommandRunner runner;
        QSignalSpy done(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(QStringLiteral("sleep 30"), Risk::ReadOnly, Confirmation::confirmed()));
        QVERIFY(!runner.start(QStringLiteral("true"), Risk::ReadOnly, Confirmation::confirmed()));
        QVERIFY(runner.last_error().contains(QStringLiteral("still running")));
        runner.cancel();
        QVERIFY(done.wait(10000));
    }

    void outputIsBounded() {
        CommandRunner runner;
        RunOptions o;
        o.excerpt_bytes = 1000;
        // 20000 numbered lines: far beyond the excerpt; the last line must be kept.
        const ExecutionResult r =
            runner.run(QStringLiteral("i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done"), Risk::ReadOnly,
                       Confirmation::confirmed(), o);
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.output_truncated);
        QVERIFY(r.output_bytes > 100000);
        QVERIFY(r.output_excerpt.size() <= 1000);
        QVERIFY(r.output_excerpt.endsWith(QStringLiteral("line19999\n")));
        QVERIFY(!r.output_excerpt.contains(QStringLiteral("line0\n")));
    }

    void utf8CutAtTheExcerptStart() {
        CommandRunner runner;
        RunOptions o;
        o.excerpt_bytes = 5;  // "é" is two bytes: the cut lands inside one of them
        const ExecutionResult r =
            runner.run(QStringLiteral("printf 'ééé'"), Risk::ReadOnly, Confirmation::confirmed(), o);
        QVERIFY(r.output_truncated);
        QCOMPARE(r.output_excerpt, QStringLiteral("éé"));
    }

    void refusals_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("risk");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("destructive_program");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no confirmation") << "touch x" << int(Risk::ChangesState) << int(Confirmation::Kind::None) << ""
                                         << ""
                                         << "without the user's confirmation";
        QTest::newRow("read-only still needs one") << "ls" << int(Risk::ReadOnly) << int(Confirmation::Kind::None) << ""
                                                   << ""
                                                   << "without the user's confirmation";
        QTest::newRow("destructive, plain confirmation")
            << "rm -rf build" << int(Risk::Destructive) << int(Confirmation::Kind::Confirmed) << ""
            << ""
            << "confirm by typing the program name";
        QTest::newRow("destructive, wrong name")
            << "sudo rm -rf build" << int(Risk::Destructive) << int(Confirmation::Kind::Destructive) << "rmdir"
            << ""
            << "typed 'rmdir' but its programs are rm";
        QTest::newRow("destructive, empty name")
            << "rm -rf build" << int(Risk::Destructive) << int(Confirmation::Kind::Destructive) << "  "
            << ""
            << "empty";
        QTest::newRow("destructive, not the flagged program")
            << "ls && rm -rf build" << int(Risk::Destructive) << int(Confirmation::Kind::Destructive) << "ls"
            << "rm"
            << "typed 'ls' but the program is 'rm'";
        QTest::newRow("empty command") << "  " << int(Risk::ReadOnly) << int(Confirmation::Kind::Confirmed) << ""
                                       << ""
                                       << "empty command";
    }
    void refusals() {
        QFETCH(QString, command);
        QFETCH(int, risk);
        QFETCH(int, kind);
        QFETCH(QString, typed);
        QFETCH(QString, destructive_program);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("ran"));
        CommandRunner runner;
        QSignalSpy done(&runner, &CommandRunner::finished);
        const Confirmation c{Confirmation::Kind(kind), typed};
        // Append a marker so that a wrongly started command would leave a trace.
        const QString line = command.trimmed().isEmpty() ? command : command + QStringLiteral("; touch ") + marker;
        const ExecutionResult r = runner.run(line, Risk(risk), c, {}, destructive_program);
        QVERIFY(!r.started);
        QVERIFY2(r.error.contains(reason), qPrintable(r.error));
        QVERIFY(done.isEmpty());
        QVERIFY(!QFile::exists(marker));
        QVERIFY(!runner.start(line, Risk(risk), c, {}, destructive_program));
        QVERIFY(!runner.is_running());
    }

    void destructiveWithTypedName() {
        QTemporaryDir dir;
        const QString victim = dir.filePath(QStringLiteral("victim"));
        QFile(victim).open(QIODevice::WriteOnly);
        CommandRunner runner;
        const ExecutionResult r = runner.run(QStringLiteral("rm -f '%1'").arg(victim), Risk::Destructive,
                                             Confirmation::destructive(QStringLiteral("rm")));
        QVERIFY2(r.started, qPrintable(r.error));
        QCOMPARE(r.exit_code, 0);
        QVERIFY(!QFile::exists(victim));
        QVERIFY(CommandRunner::check(QStringLiteral("/bin/rm -f x"), Risk::Destructive,
                                     Confirmation::destructive(QStringLiteral("rm")))
                    .isEmpty());
        QVERIFY(CommandRunner::check(QStringLiteral("echo x | xargs rm"), Risk::Destructive,
                                     Confirmation::destructive(QStringLiteral("rm")), QStringLiteral("rm"))
                    .isEmpty());
    }

    void shellThatCannotStart() {
        CommandRunner runner;
        RunOptions o;
        o.shell = QStringLiteral("/nonexistent/sh");
        const ExecutionResult r = runner.run(QStringLiteral("true"), Risk::ReadOnly, Confirmation::confirmed(), o);
        QVERIFY(!r.started);
        QVERIFY2(r.error.contains(QStringLiteral("/nonexistent/sh")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestCommandRunner)
#include "test_command_runner.moc"
