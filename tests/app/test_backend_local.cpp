// Tests of LocalBackend on a tiny generated model: it streams exactly what the engine generates,
// is deterministic for a seed, honours stop strings, max_tokens, context overflow and cancel, and
// reports load errors (corrupt file, missing chat template) as ModelLoad.
// Not a quality test: the weights are random, so only the mechanics are checked.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/domain/command_answer_constraint.h"
#include "app/local_backend.h"
#include "inference/chat_template.h"
#include "inference/context.h"
#include "inference/generate.h"
#include "inference/model.h"
#include "inference/stream_decoder.h"
#include "inference/tokenizer.h"
#include "tiny_model.h"

using namespace sigma::app;
namespace domain = sigma::domain;

namespace {

GenerationRequest ask(const QString& text, int max_tokens = 24) {
    GenerationRequest r;
    r.messages = {{QStringLiteral("system"), QStringLiteral("You are terse.")}, {QStringLiteral("user"), text}};
    r.max_tokens = max_tokens;
    r.temperature = 0.0;
    return r;
}

LocalBackendOptions options(const QString& path, int n_ctx = 0) {
    LocalBackendOptions o;
    o.model_path = path;
    o.template_name = QStringLiteral("chatml");
    o.n_ctx = n_ctx;
    o.n_threads = 1;
    return o;
}

// The engine used directly, greedily, without the backend: the reference text.
QString engine_text(const QString& path, const GenerationRequest& request) {
    auto model = sigma::Model::load(path.toStdString());
    if (!model) return QStringLiteral("<load failed>");
    auto tok = sigma::Tokenizer::from_gguf((*model)->gguf());
    sigma::ContextParams cp;
    cp.n_ctx = 512;
    cp.n_threads = 1;
    auto ctx = sigma::Context::create(*model, cp);
    std::vector<sigma::ChatMessage> messages;
    for (const auto& m : request.messages) messages.push_back({m.role.toStdString(), m.content.toStdString()});
    const auto prompt = sigma::encode_chat(**tok, sigma::ChatTemplate::ChatML, messages, true);
    sigma::GenerateParams gp;
    gp.n_predict = request.max_tokens;
    gp.sampler.temperature = 0.0f;
    sigma::StreamDecoder decoder(**tok);
    std::string out;
    const sigma::Tokenizer& t = **tok;
    auto r = sigma::generate(
        **ctx, prompt, gp, [&](int32_t id) { return t.is_eog(id); },
        [&](int32_t id) {
            out += decoder.push(id);
            return true;
        });
    out += decoder.flush();
    return r ? QString::fromStdString(out) : QStringLiteral("<generate failed>");
}

}  // namespace

class TestBackendLocal : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString model_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        model_ = dir_.filePath(QStringLiteral("tiny.gguf"));
        const QString err = make_tiny_model(model_);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void streamsWhatTheEngineGenerates() {
        LocalBackend backend(options(model_));
        QSignalSpy loaded(&backend, &LocalBackend::loadFinished);
        const GenerationRequest request = ask(QStringLiteral("list the gpus"));
        QStringList pieces;
        const BlockingResult r = generate_blocking(backend, request, 120000, [&](const QString& p) { pieces << p; });
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(loaded.size(), 1);
        QVERIFY(loaded.first().at(0).toBool());
        QCOMPARE(r.text, engine_text(model_, request));
        QCOMPARE(pieces.join(QString()), r.text);
        QVERIFY(r.stats.prompt_tokens > 5);
        QVERIFY(r.stats.completion_tokens >= 1 && r.stats.completion_tokens <= 24);
        QVERIFY(r.stats.finish_reason == QLatin1String("length") || r.stats.finish_reason == QLatin1String("stop"));
        if (r.stats.finish_reason == QLatin1String("length")) QCOMPARE(r.stats.completion_tokens, 24);
        QCOMPARE(backend.model_name(), QStringLiteral("tiny.gguf"));
    }

    void seededSamplingIsRepeatable() {
        LocalBackend backend(options(model_));
        GenerationRequest request = ask(QStringLiteral("hello"), 16);
        request.temperature = 1.0;
        request.seed = 1234;
        const BlockingResult a = generate_blocking(backend, request, 120000);
        const BlockingResult b = generate_blocking(backend, request, 120000);  // reuses the cached prefix
        QVERIFY(a.ok && b.ok);
        QCOMPARE(a.text, b.text);
        request.seed = 99;
        QVERIFY(generate_blocking(backend, request, 120000).ok);
    }

    void stopStringCutsTheText() {
        LocalBackend backend(options(model_));
        const GenerationRequest plain = ask(QStringLiteral("show disk usage"), 32);
        const BlockingResult full = generate_blocking(backend, plain, 120000);
        QVERIFY(full.ok);
        if (full.text.size() < 6) QSKIP("the random model ended too early to pick a stop string");
        const QString stop = full.text.mid(full.text.size() / 2, 2);
        GenerationRequest with_stop = plain;
        with_stop.stop = {stop};
        const BlockingResult cut = generate_blocking(backend, with_stop, 120000);
        QVERIFY(cut.ok);
        QCOMPARE(cut.text, full.text.left(full.text.indexOf(stop)));
        QCOMPARE(cut.stats.finish_reason, QStringLiteral("stop"));
    }

    void anAnswerNotCompleteByItsLimitsStops() {
        LocalBackend backend(options(model_));
        GenerationRequest request = ask(QStringLiteral("show disk usage"), 40);
        // "command: ...\nexplanation: ..." takes more than three tokens of this vocabulary.
        request.constraint = domain::make_command_constraint(domain::builtin_command_grammar(), "show disk usage");
        const BlockingResult unlimited = generate_blocking(backend, request, 120000);
        QVERIFY2(unlimited.ok, qPrintable(unlimited.error.message));
        QVERIFY(unlimited.stats.completion_tokens > 3);
        request.incomplete_limit = 3;
        const BlockingResult limited = generate_blocking(backend, request, 120000);
        QVERIFY2(limited.ok, qPrintable(limited.error.message));
        QCOMPARE(limited.stats.completion_tokens, 3);
        QCOMPARE(limited.stats.finish_reason, QStringLiteral("length"));
        QVERIFY(unlimited.text.startsWith(limited.text));
        // A random model's own choice is rarely the format's next byte: the mask refuses it at once.
        request.incomplete_limit = 0;
        request.override_limit = 1;
        const BlockingResult overridden = generate_blocking(backend, request, 120000);
        QVERIFY2(overridden.ok, qPrintable(overridden.error.message));
        QVERIFY(overridden.stats.completion_tokens < unlimited.stats.completion_tokens);
        QCOMPARE(overridden.stats.finish_reason, QStringLiteral("length"));
        QVERIFY(unlimited.text.startsWith(overridden.text));
    }

    void contextOverflow() {
        LocalBackend backend(options(model_, 96));
        const BlockingResult r = generate_blocking(backend, ask(QString(400, QLatin1Char('x'))), 120000);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, BackendError::Kind::ContextOverflow);
        QVERIFY2(r.error.message.contains(QStringLiteral("context holds 96")), qPrintable(r.error.message));
        // The backend stays usable.
        GenerationRequest small;
        small.messages = {{QStringLiteral("user"), QStringLiteral("hi")}};
        small.max_tokens = 2;
        const BlockingResult ok = generate_blocking(backend, small, 120000);
        QVERIFY2(ok.ok, qPrintable(ok.error.message));
    }

    void cancelQueuedAndRunning() {
        const QString bigger = dir_.filePath(QStringLiteral("bigger.gguf"));
        const QString made = make_tiny_model(bigger, 2048, 128, 4);
        QVERIFY2(made.isEmpty(), qPrintable(made));
        LocalBackend backend(options(bigger));
        QSignalSpy failed(&backend, &Backend::failed);
        QSignalSpy finished(&backend, &Backend::finished);
        GenerationRequest longer = ask(QStringLiteral("go on"), 1900);
        const quint64 a = backend.generate(longer);
        const quint64 b = backend.generate(ask(QStringLiteral("queued")));
        backend.cancel(b);  // b cannot start before a ends: it is cancelled while queued
        // Cancel a while it runs: at its first token.
        connect(&backend, &Backend::tokenReceived, this, [&](quint64 id, const QString&) {
            if (id == a) backend.cancel(a);
        });
        QTRY_COMPARE_WITH_TIMEOUT(failed.size() + finished.size(), 2, 120000);
        QMap<quint64, BackendError::Kind> kinds;
        for (const auto& args : failed) kinds.insert(args.at(0).toULongLong(), args.at(1).value<BackendError>().kind);
        QCOMPARE(kinds.value(b), BackendError::Kind::Cancelled);
        QVERIFY2(kinds.contains(a), "the long request finished before its cancel reached it");
        QCOMPARE(kinds.value(a), BackendError::Kind::Cancelled);
        backend.cancel(a);  // already over: nothing happens
        backend.cancel(12345);
        QVERIFY(generate_blocking(backend, ask(QStringLiteral("after"), 2), 120000).ok);
    }

    void corruptFileIsAModelLoadError() {
        const QString bad = dir_.filePath(QStringLiteral("corrupt.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF\x03\x00\x00\x00garbage that is not a model");
        f.close();
        LocalBackend backend(options(bad));
        QSignalSpy loaded(&backend, &LocalBackend::loadFinished);
        const BlockingResult r = generate_blocking(backend, ask(QStringLiteral("hi")), 120000);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, BackendError::Kind::ModelLoad);
        QVERIFY2(r.error.message.contains(bad), qPrintable(r.error.message));
        QCOMPARE(loaded.size(), 1);
        QVERIFY(!loaded.first().at(0).toBool());
        // Every later request reports the same.
        QCOMPARE(generate_blocking(backend, ask(QStringLiteral("again")), 120000).error.kind,
                 BackendError::Kind::ModelLoad);
    }

    void missingFileAndTemplate() {
        LocalBackend missing(options(dir_.filePath(QStringLiteral("nope.gguf"))));
        const BlockingResult r1 = generate_blocking(missing, ask(QStringLiteral("hi")), 120000);
        QCOMPARE(r1.error.kind, BackendError::Kind::ModelLoad);
        LocalBackendOptions o = options(model_);
        o.template_name.clear();  // the tiny model carries no chat template: ChatML, as llama.cpp does
        LocalBackend no_template(o);
        const BlockingResult r2 = generate_blocking(no_template, ask(QStringLiteral("hi")), 120000);
        QVERIFY2(r2.ok, qPrintable(r2.error.message));
        o.template_name = QStringLiteral("jinja2000");
        LocalBackend bad_name(o);
        const BlockingResult r3 = generate_blocking(bad_name, ask(QStringLiteral("hi")), 120000);
        QVERIFY2(r3.error.message.contains(QStringLiteral("jinja2000")), qPrintable(r3.error.message));
    }

    void destroyedWhileGenerating() {
        auto backend = std::make_unique<LocalBackend>(options(model_));
        QSignalSpy tokens(backend.get(), &Backend::tokenReceived);
        backend->generate(ask(QStringLiteral("long"), 400));
        QVERIFY(tokens.wait(120000));
        backend.reset();  // must return promptly: the running generation is cancelled and joined
    }
};

QTEST_GUILESS_MAIN(TestBackendLocal)
#include "test_backend_local.moc"
