// The CLI on bad model files: `sigma model info` and `sigma run` given a named pipe fail at once
// with a message naming it, and a model with NaN weights makes `sigma run` and `sigma cmd` exit
// non-zero with a message about the bad logits instead of printing NUL bytes.
// Not the engine's checks themselves: tests/inference/test_model_file_checks.cpp covers those.
#include <sys/stat.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <limits>

#include "inference/gguf.h"
#include "tests/app/sigma_cli.h"
#include "tests/app/tiny_model.h"

using sigma_test::Run;
using sigma_test::run_sigma;

class CliModelFiles : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void a_named_pipe_is_refused_at_once() {
        const QString fifo = dir_.filePath(QStringLiteral("model.gguf"));
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        for (const QStringList& args :
             {QStringList{QStringLiteral("model"), QStringLiteral("info"), fifo},
              QStringList{QStringLiteral("run"), QStringLiteral("-m"), fifo, QStringLiteral("-p"), QStringLiteral("hi"),
                          QStringLiteral("-n"), QStringLiteral("2")}}) {
            QElapsedTimer clock;
            clock.start();
            const Run r = run_sigma(args, {}, QProcessEnvironment::systemEnvironment(), {}, 20000);
            QVERIFY2(r.code != -1, qPrintable(args.join(' ') + QStringLiteral(" hung on a named pipe")));
            QVERIFY2(r.code != 0 && r.code != -2, qPrintable(r.err));
            QVERIFY2(r.err.contains(QStringLiteral("named pipe")) && r.err.contains(fifo), qPrintable(r.err));
            QVERIFY(clock.elapsed() < 10000);
        }
    }

    void nan_weights_fail_generation_with_a_clear_error() {
        const QString path = dir_.filePath(QStringLiteral("nan.gguf"));
        QCOMPARE(make_tiny_model(path, 2048), QString());
        // Poison output_norm.weight (F32): every logit becomes NaN.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        auto parsed = sigma::GgufFile::parse(bytes.constData(), size_t(bytes.size()));
        QVERIFY(parsed.ok());
        const sigma::TensorView* t = (*parsed)->find_tensor("output_norm.weight");
        QVERIFY(t != nullptr && t->type == sigma::TensorType::F32);
        const qint64 offset = static_cast<const char*>(t->data) - bytes.constData();
        const float nan = std::numeric_limits<float>::quiet_NaN();
        for (int64_t k = 0; k < t->elements(); ++k) std::memcpy(bytes.data() + offset + k * 4, &nan, 4);
        QVERIFY(f.seek(0));
        QCOMPARE(f.write(bytes), qint64(bytes.size()));
        f.close();

        const Run run = run_sigma({QStringLiteral("run"), QStringLiteral("-m"), path, QStringLiteral("-p"),
                                   QStringLiteral("hello"), QStringLiteral("-n"), QStringLiteral("8")});
        QVERIFY2(run.code != 0 && run.code != -1 && run.code != -2, qPrintable(QString::number(run.code) + run.err));
        QVERIFY2(run.err.contains(QStringLiteral("NaN logit")) && run.err.contains(QStringLiteral("corrupt")),
                 qPrintable(run.err));
        QVERIFY2(!run.out.contains(QChar(0)), "NUL bytes were printed");

        const Run cmd =
            run_sigma({QStringLiteral("cmd"), QStringLiteral("show gpu memory"), QStringLiteral("-m"), path,
                       QStringLiteral("--template"), QStringLiteral("chatml"), QStringLiteral("--no-history")});
        QVERIFY2(cmd.code != 0 && cmd.code != -1 && cmd.code != -2, qPrintable(QString::number(cmd.code) + cmd.err));
        QVERIFY2(cmd.err.contains(QStringLiteral("NaN logit")), qPrintable(cmd.err));
    }
};

QTEST_GUILESS_MAIN(CliModelFiles)
#include "test_cli_model_files.moc"
