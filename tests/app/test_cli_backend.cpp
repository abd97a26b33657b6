// --backend auto|cpu|cuda through the built `sigma` binary and through LocalBackend: the CPU when
// asked, a named refusal for CUDA where it cannot run, auto's visible fallback reason, usage errors.
// Not a GPU test: on a machine where CUDA does run, the CUDA expectations switch to "it ran there".
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/backend_factory.h"
#include "app/local_backend.h"
#include "inference/context.h"
#include "sigma_cli.h"
#include "tiny_model.h"

namespace {

using sigma_test::Run;
using sigma_test::sigma_path;

Run run(const QStringList& args) { return sigma_test::run_sigma(args); }

// The reasons CUDA can be refused for on a machine without a usable device.
bool names_a_cuda_reason(const QString& err) {
    if (!sigma::cuda_backend_built()) return err.contains("this build has no CUDA backend");
    return err.contains("no CUDA device") || err.contains("not enough VRAM") || err.contains("CUDA start failed");
}

// A sigma-architecture model with the half-K ablation (cached K at half width).
QString make_half_k_model(const QString& path) {
    sigma::mkmodel::Options o;
    o.output = path.toStdString();
    o.arch = "sigma";
    o.layers = 1;
    o.hidden = 64;
    o.heads = 4;
    o.heads_k = 1;
    o.heads_v = 4;
    o.half_k = true;
    o.ctx = 256;
    o.vocab = 512;
    o.seed = 3;
    const sigma::Status st = sigma::mkmodel::write_model(o);
    return st ? QString() : QString::fromStdString(st.error().message);
}

}  // namespace

class TestCliBackend : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFile::exists(sigma_path()), qPrintable(sigma_path()));
        model_ = dir_.filePath("tiny.gguf");
        const QString err = make_tiny_model(model_, 1024);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        // Without CUDA in this build, auto can never pick it; with it, only a device decides.
        cuda_runs_ = run({"run", "-m", model_, "-p", "hello", "-n", "1", "--backend", "cuda"}).code == 0;
    }

    void cpuRunsOnTheCpuWithoutABackendLine() {
        const Run r = run({"run", "-m", model_, "-p", "hello", "-n", "3", "--temp", "0", "--backend", "cpu"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(" threads"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("backend:"), qPrintable(r.err));
    }

    void cudaRunsThereOrSaysWhyNot() {
        const Run r = run({"run", "-m", model_, "-p", "hello", "-n", "3", "--backend", "cuda"});
        if (cuda_runs_) {
            QCOMPARE(r.code, 0);
            QVERIFY2(r.err.contains("backend: cuda ("), qPrintable(r.err));
            return;
        }
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sigma run: CUDA backend: "), qPrintable(r.err));
        QVERIFY2(names_a_cuda_reason(r.err), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    }

    void autoFallsBackVisibly() {
        const Run r = run({"run", "-m", model_, "-p", "hello", "-n", "3", "--temp", "0", "--backend", "auto"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        if (cuda_runs_) {
            QVERIFY2(r.err.contains("backend: cuda ("), qPrintable(r.err));
            return;
        }
        QVERIFY2(r.err.contains("backend: cpu ("), qPrintable(r.err));
        QVERIFY2(names_a_cuda_reason(r.err), qPrintable(r.err));
        // The default is auto: the same line without the option.
        const Run d = run({"run", "-m", model_, "-p", "hello", "-n", "1"});
        QVERIFY2(d.code == 0 && d.err.contains("backend: cpu ("), qPrintable(d.err));
    }

    void cpuAndAutoGiveTheSameGreedyText() {
        if (cuda_runs_) QSKIP("auto runs on CUDA here; CPU and CUDA text may differ at near-ties");
        const Run a = run({"run", "-m", model_, "-p", "hello", "-n", "8", "--temp", "0", "--backend", "cpu"});
        const Run b = run({"run", "-m", model_, "-p", "hello", "-n", "8", "--temp", "0", "--backend", "auto"});
        QVERIFY(a.code == 0 && b.code == 0);
        QCOMPARE(b.out, a.out);
    }

    void badValuesAreUsageErrors() {
        const QString bad = QStringLiteral("--backend must be auto, cpu or cuda, got 'tpu'");
        const QList<QStringList> commands = {
            {"run", "-m", model_, "-p", "hi", "--backend", "tpu"},
            {"cmd", "-m", model_, "list gpus", "--no-history", "--backend", "tpu"},
            {"kql", "-m", model_, "failed sign-ins", "--no-history", "--backend", "tpu"},
            {"diagnose", "-m", model_, "-", "--no-history", "--backend", "tpu"},
            {"eval", QStringLiteral(SIGMA_SOURCE_DIR "/tests/data/eval/cmdgen.dev.jsonl"), "-m", model_, "--backend",
             "tpu"},
            {"serve", "-m", model_, "--port", "0", "--backend", "tpu"},
            {"bench", "-m", model_, "-p", "4", "-n", "2", "--backend", "tpu"},
        };
        for (const QStringList& args : commands) {
            const Run r = run(args);
            QVERIFY2(r.code == 2, qPrintable(args.first() + ": exit " + QString::number(r.code) + ": " + r.err));
            QVERIFY2(r.err.contains(bad), qPrintable(args.first() + ": " + r.err));
        }
        const Run missing = run({"run", "-m", model_, "-p", "hi", "--backend"});
        QCOMPARE(missing.code, 2);
        const Run remote = run({"serve", "--remote", "http://127.0.0.1:9/v1", "--backend", "cpu"});
        QCOMPARE(remote.code, 2);
        QVERIFY2(remote.err.contains("--backend apply to -m FILE only"), qPrintable(remote.err));
    }

    void jobCommandsTakeTheBackend() {
        const Run cpu = run({"cmd", "-m", model_, "show the memory used on every GPU", "--template", "chatml",
                             "--no-history", "--json", "--backend", "cpu"});
        QVERIFY2(cpu.code == 0 || cpu.code == 1, qPrintable(cpu.err));
        QVERIFY2(QJsonDocument::fromJson(cpu.out.trimmed().toUtf8()).object().contains("command"), qPrintable(cpu.out));
        QVERIFY2(!cpu.err.contains("backend:"), qPrintable(cpu.err));

        const Run cuda = run({"cmd", "-m", model_, "show the memory used on every GPU", "--template", "chatml",
                              "--no-history", "--json", "--backend", "cuda"});
        if (cuda_runs_) {
            QVERIFY2(cuda.err.contains("backend: cuda ("), qPrintable(cuda.err));
        } else {
            QCOMPARE(cuda.code, 1);
            QVERIFY2(cuda.err.contains("CUDA backend: ") && names_a_cuda_reason(cuda.err), qPrintable(cuda.err));
            QVERIFY(cuda.out.isEmpty());
        }

        // The model is asked only when the rules engine found something: a log with one Xid line.
        const QString log = dir_.filePath("xid.log");
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "Nov 18 10:01:02 gpu-node-7 kernel: NVRM: Xid (PCI:0000:86:00): 79, pid=1, GPU has fallen off the bus.\n");
        f.close();
        const Run autoRun =
            run({"diagnose", "-m", model_, log, "--template", "chatml", "--no-history", "--json", "--backend", "auto"});
        QVERIFY2(autoRun.code == 0 || autoRun.code == 1, qPrintable(autoRun.err));
        QVERIFY2(autoRun.err.contains(cuda_runs_ ? "backend: cuda (" : "backend: cpu ("), qPrintable(autoRun.err));
    }

    void benchReportsTheBackendItRanOn() {
        const Run json =
            run({"bench", "-m", model_, "-p", "8", "-n", "4", "-r", "1", "-t", "1", "--backend", "cpu", "--json"});
        QVERIFY2(json.code == 0, qPrintable(json.err));
        int tests = 0;
        for (const QString& line : json.out.split('\n', Qt::SkipEmptyParts)) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (o.value("test").toString() == "memory") {
                // The memory line carries the three numbers it compares (the bench prints, never judges).
                QVERIFY2(o.value("peak_rss_bytes").toDouble() > 0 && o.value("model_bytes").toDouble() > 0 &&
                             o.value("kv_cache_bytes").toDouble() > 0,
                         qPrintable(line));
            }
            if (!o.contains("tokens_per_s")) continue;
            ++tests;
            QCOMPARE(o.value("backend").toString(), QStringLiteral("cpu"));
        }
        QCOMPARE(tests, 2);
        QVERIFY2(json.out.contains("\"test\": \"memory\""), qPrintable(json.out));

        const Run table = run({"bench", "-m", model_, "-p", "8", "-n", "4", "-r", "1", "-t", "1", "--backend", "auto"});
        QVERIFY2(table.code == 0, qPrintable(table.err));
        const QString used = cuda_runs_ ? "cuda" : "cpu";
        QVERIFY2(table.out.contains("| " + used + (used == "cpu" ? "     |" : "    |")), qPrintable(table.out));
        if (!cuda_runs_)
            QVERIFY2(table.err.contains("backend: cpu (") && names_a_cuda_reason(table.err), qPrintable(table.err));

        const Run cuda = run({"bench", "-m", model_, "-p", "8", "-n", "4", "-r", "1", "--backend", "cuda", "--json"});
        if (!cuda_runs_) {
            QCOMPARE(cuda.code, 1);
            QVERIFY2(cuda.err.contains("CUDA backend: ") && names_a_cuda_reason(cuda.err), qPrintable(cuda.err));
        } else {
            QVERIFY2(cuda.code == 0 && cuda.out.contains("\"backend\": \"cuda\""), qPrintable(cuda.out));
        }
    }

    void halfKIsRefusedOnCudaByName() {
        const QString half = dir_.filePath("half_k.gguf");
        const QString err = make_half_k_model(half);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const Run cuda = run({"run", "-m", half, "-p", "hello", "-n", "2", "--backend", "cuda"});
        QCOMPARE(cuda.code, 1);
        // A CUDA build names the feature before looking for a device; without CUDA the build says so.
        QVERIFY2(cuda.err.contains(sigma::cuda_backend_built() ? "unsupported feature: half-K"
                                                               : "this build has no CUDA backend"),
                 qPrintable(cuda.err));
        const Run autoRun = run({"run", "-m", half, "-p", "hello", "-n", "2", "--backend", "auto"});
        QVERIFY2(autoRun.code == 0, qPrintable(autoRun.err));
        QVERIFY2(autoRun.err.contains(sigma::cuda_backend_built() ? "backend: cpu (unsupported feature: half-K"
                                                                  : "backend: cpu (this build has no CUDA backend"),
                 qPrintable(autoRun.err));
    }

    void localBackendExposesTheChoice() {
        sigma::app::LocalBackendOptions o;
        o.model_path = model_;
        o.template_name = "chatml";
        o.compute_backend = "cpu";
        {
            sigma::app::LocalBackend cpu(o);
            QSignalSpy loaded(&cpu, &sigma::app::LocalBackend::loadFinished);
            QVERIFY(loaded.wait(60000));
            QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
            QCOMPARE(cpu.compute_backend(), QStringLiteral("cpu"));
            QVERIFY(cpu.backend_note().isEmpty());
        }
        o.compute_backend = "auto";
        {
            sigma::app::LocalBackend automatic(o);
            QSignalSpy loaded(&automatic, &sigma::app::LocalBackend::loadFinished);
            QVERIFY(loaded.wait(60000));
            QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
            QCOMPARE(automatic.compute_backend(), QString::fromLatin1(cuda_runs_ ? "cuda" : "cpu"));
            QVERIFY(!automatic.backend_note().isEmpty());  // the reason, or the device's name
        }
        o.compute_backend = "tpu";
        {
            sigma::app::LocalBackend bad(o);
            QSignalSpy loaded(&bad, &sigma::app::LocalBackend::loadFinished);
            QVERIFY(loaded.wait(60000));
            QVERIFY(!loaded.first().at(0).toBool());
            QVERIFY2(loaded.first().at(1).toString().contains("got 'tpu'"),
                     qPrintable(loaded.first().at(1).toString()));
            QVERIFY(bad.compute_backend().isEmpty());
        }
        sigma::app::BackendChoice choice;
        choice.model_path = model_;
        choice.compute_backend = "tpu";
        auto chosen = sigma::app::make_backend(choice);
        QVERIFY(!chosen);
        QVERIFY2(chosen.error().message.find("got 'tpu'") != std::string::npos, chosen.error().message.c_str());
    }

private:
    QTemporaryDir dir_;
    QString model_;
    bool cuda_runs_ = false;
};

QTEST_GUILESS_MAIN(TestCliBackend)
#include "test_cli_backend.moc"
