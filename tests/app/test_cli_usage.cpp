// The `sigma` command line itself, run as a person runs it: `sigma --help` (and `sigma` alone) list
// every command, the three jobs first with examples; every command's --help exits 0 and gives each
// option a line of help; a misspelt option or command is a usage error (exit 2) that names the word
// and its nearest spelling; a bad value names the option and the value.
// Not the commands' own work: no test here needs a model.
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include "sigma_cli.h"

namespace {

using sigma_test::Run;
using sigma_test::sigma_path;

Run run(const QStringList& args, const QByteArray& input = {}) { return sigma_test::run_sigma(args, input); }

// Every command `sigma` dispatches, in the order `sigma --help` lists them.
const QStringList kCommands = {"cmd", "kql", "diagnose", "eval", "history", "export", "serve", "run", "model", "bench"};

// The options every model job shares (app/cli/job_options.cpp).
const QStringList kJobOptions = {"-m,--model", "--remote",     "--api-key",   "--remote-model",
                                 "--template", "-t,--threads", "--ctx",       "--timeout",
                                 "--backend",  "--db",         "--no-history"};

QString describe(const QStringList& args, const Run& r) {
    return "sigma " + args.join(' ') + ": exit " + QString::number(r.code) + "\nstdout:\n" + r.out + "\nstderr:\n" +
           r.err;
}

}  // namespace

class TestCliUsage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(QFile::exists(sigma_path()), qPrintable(sigma_path())); }

    void topLevelUsageListsEveryJob_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::newRow("--help") << QStringList{"--help"} << 0;
        QTest::newRow("-h") << QStringList{"-h"} << 0;
        QTest::newRow("help") << QStringList{"help"} << 0;
        QTest::newRow("no arguments") << QStringList{} << 2;  // a usage error, with the same list on stderr
    }
    void topLevelUsageListsEveryJob() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        const Run r = run(args);
        QVERIFY2(r.code == code, qPrintable(describe(args, r)));
        const QString text = code == 0 ? r.out : r.err;
        QVERIFY2((code == 0 ? r.err : r.out).isEmpty(), qPrintable(describe(args, r)));
        // The three jobs first, each with an example.
        const int cmd = text.indexOf("sigma cmd \"REQUEST\"");
        const int kql = text.indexOf("sigma kql \"QUESTION\"");
        const int diagnose = text.indexOf("sigma diagnose FILE");
        QVERIFY2(cmd >= 0 && kql > cmd && diagnose > kql, qPrintable(text));
        QVERIFY2(text.contains("e.g. sigma cmd \"") && text.contains("e.g. sigma kql \"") &&
                     text.contains("sigma diagnose -"),
                 qPrintable(text));
        // Then every other command, one line each with a description.
        for (const QString& c : kCommands) {
            const QRegularExpression line("^  sigma " + QRegularExpression::escape(c) + "\\b.*\\S   +\\w.*$",
                                          QRegularExpression::MultilineOption);
            const QRegularExpressionMatch m = line.match(text);
            QVERIFY2(m.hasMatch(), qPrintable(c + " is not listed with a description:\n" + text));
            if (c != "cmd" && c != "kql" && c != "diagnose") QVERIFY2(m.capturedStart() > diagnose, qPrintable(c));
        }
        QVERIFY2(text.contains("2 a usage error"), qPrintable(text));
    }

    void everyCommandHelpNamesEachOption_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("cmd") << "cmd"
                             << QStringList{"REQUEST",      "--validate", "--json",   "--shell",          "--os",
                                            "--candidates", "--run",      "-y,--yes", "--yes-destructive"} +
                                    kJobOptions;
        QTest::newRow("kql") << "kql"
                             << QStringList{"QUESTION", "--validate", "--schema",
                                            "--json",   "--repairs",  "--candidates"} +
                                    kJobOptions;
        QTest::newRow("diagnose") << "diagnose" << QStringList{"FILE", "--no-model", "--json"} + kJobOptions;
        QTest::newRow("eval") << "eval"
                              << QStringList{"SUITE",         "--no-model",       "--schema",    "--json",
                                             "--candidates",  "--no-rerank",      "--no-repair", "--no-examples",
                                             "--constraints", "--no-constraints", "--slice",     "--no-slice",
                                             "--no-proposals"} +
                                     kJobOptions;
        QTest::newRow("history") << "history"
                                 << QStringList{"ACTION", "--db", "--json", "--panel", "-n,--limit", "--offset"};
        QTest::newRow("export") << "export" << QStringList{"--git", "--since", "--author", "--db", "--json"};
        QTest::newRow("serve") << "serve" << QStringList{"-m,--model",
                                                         "--remote",
                                                         "--host",
                                                         "--port",
                                                         "--api-key-file",
                                                         "--api-key",
                                                         "--allow-insecure-bind",
                                                         "--queue",
                                                         "--template",
                                                         "-c,--ctx",
                                                         "-t,--threads",
                                                         "--backend"};
        QTest::newRow("run") << "run"
                             << QStringList{"-m,--model",   "-p,--prompt", "-n,--n-predict",   "--temp",     "--seed",
                                            "-t,--threads", "-c,--ctx",    "--chat",           "--template", "--top-k",
                                            "--top-p",      "--min-p",     "--repeat-penalty", "--backend"};
        QTest::newRow("model") << "model" << QStringList{"ACTION", "FILE"};
        QTest::newRow("bench") << "bench"
                               << QStringList{"-m", "-p", "-n", "-d", "-t", "-r", "--fill", "--backend", "--json"};
    }
    void everyCommandHelpNamesEachOption() {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        for (const QStringList& args :
             {QStringList{command, "--help"}, QStringList{command, "-h"}, QStringList{"help", command}}) {
            const Run r = run(args);
            QVERIFY2(r.code == 0 && r.err.isEmpty(), qPrintable(describe(args, r)));
            QVERIFY2(r.out.contains("Usage: sigma " + command + " "), qPrintable(describe(args, r)));
            for (const QString& option : options + QStringList{"-h,--help"}) {
                // One line: the option (and its value's name), then its help text.
                const QRegularExpression line("^  " + QRegularExpression::escape(option) + "( [^ ].*?)? {2,}\\w.*$",
                                              QRegularExpression::MultilineOption);
                QVERIFY2(line.match(r.out).hasMatch(), qPrintable(option + " has no line of help:\n" + r.out));
            }
        }
    }

    void misspeltOptionsGetASuggestion_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("cmd --jsn") << QStringList{"cmd", "--jsn", "list gpus"}
                                   << "sigma cmd: unknown option '--jsn'; did you mean '--json'?";
        QTest::newRow("cmd -json") << QStringList{"cmd", "-json", "list gpus"}
                                   << "unknown option '-json'; did you mean '--json'?";
        QTest::newRow("kql --shema") << QStringList{"kql", "--shema", "t.json", "failed sign-ins"}
                                     << "sigma kql: unknown option '--shema'; did you mean '--schema'?";
        QTest::newRow("diagnose --no-modle") << QStringList{"diagnose", "--no-modle", "x.log"}
                                             << "unknown option '--no-modle'; did you mean '--no-model'?";
        QTest::newRow("eval --no-rernak") << QStringList{"eval", "s.jsonl", "--no-rernak"}
                                          << "unknown option '--no-rernak'; did you mean '--no-rerank'?";
        QTest::newRow("history --jsno") << QStringList{"history", "list", "--jsno"}
                                        << "unknown option '--jsno'; did you mean '--json'?";
        QTest::newRow("export --gti") << QStringList{"export", "--gti", "dir"}
                                      << "unknown option '--gti'; did you mean '--git'?";
        QTest::newRow("serve --prot") << QStringList{"serve", "--prot", "8080"}
                                      << "unknown option '--prot'; did you mean '--port'?";
        QTest::newRow("run --tmep") << QStringList{"run", "-m", "x.gguf", "-p", "hi", "--tmep", "0"}
                                    << "unknown option '--tmep'; did you mean '--temp'?";
        QTest::newRow("run --top-x") << QStringList{"run", "--top-x", "1"}
                                     << "unknown option '--top-x'; did you mean '--top-k' or '--top-p'?";
        QTest::newRow("bench --jsn") << QStringList{"bench", "-m", "x.gguf", "--jsn"} << "did you mean '--json'?";
        QTest::newRow("model --hepl") << QStringList{"model", "info", "--hepl"} << "did you mean '--help'?";
        QTest::newRow("with a value") << QStringList{"cmd", "--sehll=zsh", "x"}
                                      << "unknown option '--sehll'; did you mean '--shell'?";
    }
    void misspeltOptionsGetASuggestion() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = run(args);
        QVERIFY2(r.code == 2, qPrintable(describe(args, r)));
        QVERIFY2(r.err.contains(expected), qPrintable(describe(args, r)));
        QVERIFY2(r.err.contains("--help"), qPrintable(describe(args, r)));  // where to look next
        QVERIFY2(r.out.isEmpty(), qPrintable(describe(args, r)));
    }

    void unknownOptionsWithNothingNearAreNamed() {
        // "-x" is one letter from every short option: named, but no guess.
        for (const QStringList& args : {QStringList{"run", "-x"}, QStringList{"cmd", "--frobnicate", "x"}}) {
            const Run r = run(args);
            QVERIFY2(r.code == 2, qPrintable(describe(args, r)));
            QVERIFY2(r.err.contains("unknown option '" + args.at(1) + "'"), qPrintable(describe(args, r)));
            QVERIFY2(!r.err.contains("did you mean"), qPrintable(describe(args, r)));
        }
    }

    void unknownCommandsGetASuggestion_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("cmdd") << QStringList{"cmdd", "list gpus"}
                              << "sigma: unknown command 'cmdd'; did you mean 'cmd'?";
        QTest::newRow("diagnsoe") << QStringList{"diagnsoe", "x.log"}
                                  << "unknown command 'diagnsoe'; did you mean 'diagnose'?";
        QTest::newRow("histroy") << QStringList{"histroy", "list"}
                                 << "unknown command 'histroy'; did you mean 'history'?";
        QTest::newRow("help kqll") << QStringList{"help", "kqll"} << "unknown command 'kqll'; did you mean 'kql'?";
        QTest::newRow("nothing near") << QStringList{"frobnicate"} << "unknown command 'frobnicate'\n";
        QTest::newRow("an option before the command")
            << QStringList{"--json", "cmd", "--validate", "ls"} << "option '--json' goes after the command";
        QTest::newRow("history action")
            << QStringList{"history", "lsit"}
            << "unknown subcommand 'lsit' (expected list, search, show or delete); did you mean 'list'?";
    }
    void unknownCommandsGetASuggestion() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = run(args);
        QVERIFY2(r.code == 2, qPrintable(describe(args, r)));
        QVERIFY2(r.err.contains(expected), qPrintable(describe(args, r)));
        QVERIFY2(r.out.isEmpty(), qPrintable(describe(args, r)));
    }

    void badValuesNameTheOptionAndTheValue_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("threads range") << QStringList{"run", "-m", "x.gguf", "-p", "hi", "--threads", "5000"}
                                       << "sigma run: --threads must be from 0 to 1024, got '5000'";
        QTest::newRow("threads word") << QStringList{"cmd", "list gpus", "-t", "many"}
                                      << "sigma cmd: --threads expects an integer, got 'many'";
        QTest::newRow("ctx") << QStringList{"kql", "q", "--ctx", "-5"} << "--ctx must be from 0 to 16777216, got '-5'";
        QTest::newRow("timeout") << QStringList{"diagnose", "x.log", "--timeout", "0"}
                                 << "--timeout must be from 1 to 86400, got '0'";
        QTest::newRow("port") << QStringList{"serve", "--remote", "http://127.0.0.1:9/v1", "--port", "70000"}
                              << "--port must be from 0 to 65535, got '70000'";
        QTest::newRow("repairs") << QStringList{"kql", "q", "--repairs", "9"}
                                 << "--repairs must be from 0 to 5, got '9'";
        QTest::newRow("candidates") << QStringList{"eval", "s.jsonl", "--candidates", "0"}
                                    << "--candidates must be from 1 to 16, got '0'";
        QTest::newRow("temp") << QStringList{"run", "--temp", "-1"} << "--temp must be at least 0, got '-1'";
        QTest::newRow("temp word") << QStringList{"run", "--temp", "hot"} << "--temp expects a number, got 'hot'";
        QTest::newRow("repeat penalty") << QStringList{"run", "--repeat-penalty", "0"}
                                        << "--repeat-penalty must be more than 0, got '0'";
        QTest::newRow("n-predict") << QStringList{"run", "-n", "-2"} << "--n-predict must be at least -1, got '-2'";
        QTest::newRow("offset") << QStringList{"history", "list", "--offset", "-1"}
                                << "--offset must be at least 0, got '-1'";
        QTest::newRow("limit") << QStringList{"history", "list", "-n", "0"}
                               << "--limit must be from 1 to 10000, got '0'";
        QTest::newRow("backend") << QStringList{"cmd", "x", "--backend", "tpu"}
                                 << "--backend must be auto, cpu or cuda, got 'tpu'";
        QTest::newRow("missing value") << QStringList{"run", "-p", "hi", "-m"}
                                       << "sigma run: --model needs a value (FILE)";
    }
    void badValuesNameTheOptionAndTheValue() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = run(args);
        QVERIFY2(r.code == 2, qPrintable(describe(args, r)));
        QVERIFY2(r.err.contains(expected), qPrintable(describe(args, r)));
        QVERIFY2(r.out.isEmpty(), qPrintable(describe(args, r)));
    }

    void aModeRefusesTheOtherModesOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("cmd --validate --run")
            << QStringList{"cmd", "--validate", "ls", "--run"} << "--run applies to a REQUEST, not to --validate";
        QTest::newRow("cmd --validate -m") << QStringList{"cmd", "--validate", "ls", "-m", "x.gguf"}
                                           << "--model applies to a REQUEST, not to --validate";
        QTest::newRow("cmd both") << QStringList{"cmd", "list gpus", "--validate", "ls"} << "not both";
        QTest::newRow("kql --validate --repairs") << QStringList{"kql", "--validate", "T", "--repairs", "1"}
                                                  << "--repairs applies to a QUESTION, not to --validate";
        QTest::newRow("diagnose --no-model --remote")
            << QStringList{"diagnose", "--no-model", "--remote", "http://x"} << "--remote has no use with --no-model";
    }
    void aModeRefusesTheOtherModesOptions() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = run(args);
        QVERIFY2(r.code == 2, qPrintable(describe(args, r)));
        QVERIFY2(r.err.contains(expected), qPrintable(describe(args, r)));
    }

    void aCommandsWordsAreNeverAnotherCommand() {
        // "eval" and "run" here are a file name and a command to check, not subcommands.
        const Run file = run({"diagnose", "--no-model", "eval"});
        QVERIFY2(file.code == 1 && file.err.contains("cannot open eval"), qPrintable(file.err));
        const Run checked = run({"cmd", "--validate", "run", "--json"});
        QVERIFY2(checked.code == 0 || checked.code == 1, qPrintable(checked.err));
        QVERIFY2(checked.out.startsWith("{"), qPrintable(checked.out));
    }

    void valuesTakeEveryUsualForm() {
        // --option=value, a repeated option keeps its last value, "-" is standard input, and a
        // negative number is a value.
        const Run equals = run({"cmd", "--validate=nvidia-smi -L", "--json"});
        QVERIFY2(equals.code == 0 && equals.out.contains("\"valid\":true"), qPrintable(equals.out + equals.err));
        const Run last = run({"cmd", "--validate", "rm -rf /", "--validate", "nvidia-smi -L", "--json"});
        QVERIFY2(last.code == 0 && last.out.contains("\"risk\":\"read-only\""), qPrintable(last.out + last.err));
        const Run stdin_ = run({"cmd", "--validate", "-", "--json"}, "nvidia-smi -L\n");
        QVERIFY2(stdin_.code == 0 && stdin_.out.contains("\"valid\":true"), qPrintable(stdin_.out + stdin_.err));
        const Run negative = run({"run", "-m", "/nonexistent/model.gguf", "-p", "hi", "-n", "-1"});
        QVERIFY2(negative.code == 1, qPrintable(negative.err));  // the model is missing: not a usage error
    }
};

QTEST_GUILESS_MAIN(TestCliUsage)
#include "test_cli_usage.moc"
