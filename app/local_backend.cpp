// LocalBackend: the worker that owns Model, Tokenizer and Context on its thread, and the shared
// cancel board through which the caller's thread reaches the engine's atomic cancel flag.
// Not a scheduler: queued requests run in arrival order; cancel is the only way to skip one.
#include "app/local_backend.h"

#include <QDebug>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <atomic>
#include <optional>

#include "app/answer_candidates.h"
#include "app/constraint_adapter.h"
#include "app/stop_matcher.h"
#include "inference/chat_template.h"
#include "inference/context.h"
#include "inference/generate.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "inference/stream_decoder.h"
#include "inference/token_trie.h"
#include "inference/tokenizer.h"

namespace sigma::app {

namespace {
constexpr int kDefaultMaxContext = 4096;  // a 128k-context model need not allocate all of it
}

// Shared by both threads: the only state they both touch, behind a mutex (the flag is atomic
// because the engine polls it between tokens).
struct CancelBoard {
    std::atomic<bool> flag{false};  // the engine's cancel flag for `running`
    QMutex mutex;
    QSet<quint64> cancelled;  // requests cancelled before or while they run
    quint64 running = 0;      // the request the worker is generating, 0 when idle
    bool shutting_down = false;
};

// Written once by the worker when the model has loaded, read from the caller's thread.
struct LoadedBackend {
    mutable QMutex mutex;
    QString used;
    QString note;
    int n_ctx = 0;
};

class LocalWorker : public QObject {
    Q_OBJECT
public:
    LocalWorker(LocalBackendOptions options, std::shared_ptr<CancelBoard> board, std::shared_ptr<LoadedBackend> loaded)
        : options_(std::move(options)), board_(std::move(board)), loaded_backend_(std::move(loaded)) {}

    void load();
    void run(quint64 id, const GenerationRequest& request);

signals:
    void token(quint64 id, const QString& text);
    void done(quint64 id, const sigma::app::GenerationStats& stats);
    void error(quint64 id, const sigma::app::BackendError& error);
    void loaded(bool ok, const QString& message);

private:
    bool begin(quint64 id);  // false when the request was cancelled before it started
    bool end(quint64 id);    // true when it was cancelled while it ran
    // The answer text of a candidate's tokens, as streaming would show it, cut at the first stop string.
    QString candidate_text(const std::vector<int32_t>& tokens, const QStringList& stop) const;
    void run_n_best(quint64 id, const GenerationRequest& request, const std::vector<int32_t>& prompt,
                    const GenerateParams& gp);
    void fail_generation(quint64 id, const Error& error, bool cancelled);

    LocalBackendOptions options_;
    std::shared_ptr<CancelBoard> board_;
    std::shared_ptr<LoadedBackend> loaded_backend_;
    std::shared_ptr<const Model> model_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::unique_ptr<Context> context_;
    std::optional<TokenTrie> token_trie_;  // built once per vocabulary; empty: constraints unavailable
    ChatTemplate template_ = ChatTemplate::ChatML;
    QString load_error_ = QStringLiteral("the model is not loaded");
    bool loaded_ = false;
};

void LocalWorker::load() {
    const QString path = options_.model_path;
    auto fail = [&](const QString& message) {
        load_error_ = QStringLiteral("cannot load model %1: %2").arg(path, message);
        emit loaded(false, load_error_);
    };
    auto model = Model::load(path.toStdString());
    if (!model) return fail(QString::fromStdString(model.error().message));
    auto tokenizer = Tokenizer::from_gguf((*model)->gguf());
    if (!tokenizer) return fail(QStringLiteral("tokenizer: ") + QString::fromStdString(tokenizer.error().message));
    if (!options_.template_name.isEmpty()) {
        const auto t = chat_template_from_name(options_.template_name.toStdString());
        if (!t)
            return fail(QStringLiteral("unknown chat template '%1' (llama3, chatml, llama2, sigma)")
                            .arg(options_.template_name));
        template_ = *t;
    } else if (auto jinja = (*model)->gguf().get_string("tokenizer.chat_template")) {
        const auto t = detect_chat_template(*jinja);
        if (!t)
            return fail(QStringLiteral(
                "its chat template is not one this build renders; name one (llama3, chatml, llama2, sigma)"));
        template_ = *t;
    } else {
        template_ = default_chat_template((*model)->config().arch_name);
        qInfo().noquote() << QStringLiteral("note: %1 has no chat template; using %2 (--template chooses another)")
                                 .arg(QFileInfo(path).fileName(), QLatin1String(chat_template_name(template_)));
    }
    ContextParams cp;
    const int n_ctx_train = (*model)->config().n_ctx_train;
    cp.n_ctx = options_.n_ctx > 0 ? options_.n_ctx
                                  : (n_ctx_train > 0 ? std::min(n_ctx_train, kDefaultMaxContext) : kDefaultMaxContext);
    cp.n_threads = options_.n_threads;
    const auto request = parse_backend_request(options_.compute_backend.toStdString());
    if (!request)
        return fail(QStringLiteral("backend must be auto, cpu or cuda, got '%1'").arg(options_.compute_backend));
    cp.backend = *request;
    auto context = Context::create(*model, cp);
    if (!context) return fail(QStringLiteral("context: ") + QString::fromStdString(context.error().message));
    {
        QMutexLocker lock(&loaded_backend_->mutex);
        loaded_backend_->used = QString::fromLatin1(backend_name((*context)->backend()));
        loaded_backend_->note = QString::fromStdString((*context)->backend_note());
        loaded_backend_->n_ctx = (*context)->n_ctx();
    }
    // The vocabulary's trie for constrained decoding, once: every constrained request reuses it.
    if (auto trie = TokenTrie::from_tokenizer(**tokenizer)) {
        token_trie_.emplace(std::move(*trie));
    } else {
        qInfo().noquote() << QStringLiteral("note: constrained decoding is off for this model: %1")
                                 .arg(QString::fromStdString(trie.error().message));
    }
    model_ = std::move(*model);
    tokenizer_ = std::move(*tokenizer);
    context_ = std::move(*context);
    loaded_ = true;
    emit loaded(true, QString());
}

bool LocalWorker::begin(quint64 id) {
    QMutexLocker lock(&board_->mutex);
    if (board_->shutting_down || board_->cancelled.remove(id)) return false;
    board_->running = id;
    board_->flag.store(false);
    return true;
}

bool LocalWorker::end(quint64 id) {
    QMutexLocker lock(&board_->mutex);
    board_->running = 0;
    board_->flag.store(false);
    return board_->cancelled.remove(id);
}

void LocalWorker::run(quint64 id, const GenerationRequest& request) {
    if (!begin(id)) {
        emit error(id, {BackendError::Kind::Cancelled, QStringLiteral("request %1 was cancelled").arg(id), 0});
        return;
    }
    if (!loaded_) {
        end(id);
        emit error(id, {BackendError::Kind::ModelLoad, load_error_, 0});
        return;
    }
    std::vector<sigma::ChatMessage> messages;
    for (const auto& m : request.messages) messages.push_back({m.role.toStdString(), m.content.toStdString()});
    const std::vector<int32_t> prompt = encode_chat(*tokenizer_, template_, messages, /*add_generation_prompt=*/true);
    if (prompt.empty()) {
        end(id);
        emit error(id, {BackendError::Kind::Internal, QStringLiteral("the conversation gave no tokens"), 0});
        return;
    }
    if (static_cast<int>(prompt.size()) >= context_->n_ctx()) {
        end(id);
        emit error(id, {BackendError::Kind::ContextOverflow,
                        QStringLiteral("the prompt has %1 tokens but the context holds %2; shorten the conversation")
                            .arg(prompt.size())
                            .arg(context_->n_ctx()),
                        0});
        return;
    }
    GenerateParams gp;
    gp.n_predict = std::max(1, request.max_tokens);
    gp.sampler.temperature = static_cast<float>(request.temperature);
    gp.sampler.top_k = request.top_k;
    gp.sampler.top_p = static_cast<float>(request.top_p);
    gp.sampler.min_p = 0.0f;  // OpenAI's sampling has no min-p
    gp.sampler.seed = request.seed;

    std::optional<DomainConstraint> constraint;
    if (request.constraint && token_trie_) {
        constraint.emplace(request.constraint);
        gp.constraint = &*constraint;
        gp.token_trie = &*token_trie_;
        gp.incomplete_limit = std::max(0, request.incomplete_limit);
        gp.override_limit = std::max(0, request.override_limit);
    }
    if (request.n_best > 1) {
        run_n_best(id, request, prompt, gp);
        return;
    }

    StreamDecoder decoder(*tokenizer_);
    StopMatcher stop(request.stop);
    const Tokenizer& tok = *tokenizer_;
    auto result = generate(
        *context_, prompt, gp, [&](int32_t t) { return tok.is_eog(t); },
        [&](int32_t t) {
            const QString text = stop.push(QString::fromStdString(decoder.push(t)));
            if (!text.isEmpty()) emit token(id, text);
            return !stop.stopped();
        },
        &board_->flag);
    if (!stop.stopped()) {
        const QString rest = stop.push(QString::fromStdString(decoder.flush())) + stop.flush();
        if (!rest.isEmpty()) emit token(id, rest);
    }
    const bool cancelled = end(id);
    if (!result) {
        fail_generation(id, result.error(), cancelled);
        return;
    }
    GenerationStats stats;
    stats.prompt_tokens = result->prompt_tokens;
    stats.completion_tokens = result->generated_tokens;
    stats.prompt_ms = static_cast<qint64>(result->prompt_ms);
    stats.generate_ms = static_cast<qint64>(result->decode_ms);
    stats.finish_reason = (result->stopped_by_eog || result->stopped_by_constraint || stop.stopped())
                              ? QStringLiteral("stop")
                              : QStringLiteral("length");
    emit done(id, stats);
}

void LocalWorker::fail_generation(quint64 id, const Error& e, bool cancelled) {
    if (e.code == ErrorCode::Cancelled || cancelled) {
        emit error(id, {BackendError::Kind::Cancelled, QStringLiteral("request %1 was cancelled").arg(id), 0});
    } else if (e.code == ErrorCode::ConstraintDeadEnd) {
        emit error(id, {BackendError::Kind::Internal,
                        QStringLiteral("no answer passes the checks: the model could not continue a valid answer (%1)")
                            .arg(QString::fromStdString(e.message)),
                        0});
    } else {
        emit error(id, {BackendError::Kind::Internal, QString::fromStdString(e.message), 0});
    }
}

QString LocalWorker::candidate_text(const std::vector<int32_t>& tokens, const QStringList& stop) const {
    StreamDecoder decoder(*tokenizer_);
    std::string bytes;
    for (int32_t t : tokens) bytes += decoder.push(t);
    bytes += decoder.flush();
    QString text = QString::fromStdString(bytes);
    qsizetype cut = text.size();
    for (const QString& s : stop) {
        if (s.isEmpty()) continue;
        const qsizetype at = text.indexOf(s);
        if (at >= 0) cut = std::min(cut, at);
    }
    return text.left(cut);
}

// N-best on the engine: the greedy answer first (what a single request gives), then K-1 sampled
// ones, each with its summed log-probability for the reranker; identical texts are kept once.
void LocalWorker::run_n_best(quint64 id, const GenerationRequest& request, const std::vector<int32_t>& prompt,
                             const GenerateParams& gp) {
    const Tokenizer& tok = *tokenizer_;
    auto is_eog = [&](int32_t t) { return tok.is_eog(t); };
    GenerateParams first = gp;
    first.n_best = 1;
    auto head = generate_n_best(*context_, prompt, first, is_eog, &board_->flag);
    if (!head) {
        fail_generation(id, head.error(), end(id));
        return;
    }
    GenerateParams sampled = gp;
    sampled.n_best = request.n_best - 1;
    if (sampled.sampler.temperature <= 0.0f) {
        sampled.sampler.temperature = static_cast<float>(kCandidateTemperature);
        sampled.sampler.top_k = kCandidateTopK;
    }
    sampled.sampler.seed = request.seed + 1;
    auto rest = generate_n_best(*context_, prompt, sampled, is_eog, &board_->flag);
    const bool cancelled = end(id);
    if (!rest && (rest.error().code == ErrorCode::Cancelled || cancelled)) {
        fail_generation(id, rest.error(), true);
        return;
    }
    GenerationStats stats;
    QSet<QString> seen;
    auto add = [&](const GeneratedCandidate& c) {
        const QString text = candidate_text(c.tokens, request.stop);
        stats.completion_tokens += c.stats.generated_tokens;
        stats.generate_ms += static_cast<qint64>(c.stats.decode_ms);
        stats.prompt_ms += static_cast<qint64>(c.stats.prompt_ms);
        if (seen.contains(text)) return;
        seen.insert(text);
        stats.candidates.push_back({text, c.logprob});
    };
    const GeneratedCandidate& best = head->candidates.front();
    stats.prompt_tokens = best.stats.prompt_tokens;
    stats.finish_reason = (best.stats.stopped_by_eog || best.stats.stopped_by_constraint) ? QStringLiteral("stop")
                                                                                          : QStringLiteral("length");
    add(best);
    if (rest)  // every sampled run a dead end: the greedy answer alone is still a result
        for (const GeneratedCandidate& c : rest->candidates) add(c);
    stats.candidates_complete = true;
    if (!stats.candidates.front().text.isEmpty()) emit token(id, stats.candidates.front().text);
    emit done(id, stats);
}

LocalBackend::LocalBackend(LocalBackendOptions options, QObject* parent)
    : Backend(parent), options_(std::move(options)), cancels_(new CancelBoard), loaded_backend_(new LoadedBackend) {
    qRegisterMetaType<GenerationRequest>("sigma::app::GenerationRequest");
    worker_ = new LocalWorker(options_, cancels_, loaded_backend_);
    worker_->moveToThread(&thread_);
    connect(worker_, &LocalWorker::token, this, &Backend::tokenReceived);
    connect(worker_, &LocalWorker::done, this, &Backend::finished);
    connect(worker_, &LocalWorker::error, this, &Backend::failed);
    connect(worker_, &LocalWorker::loaded, this, &LocalBackend::loadFinished);
    thread_.setObjectName(QStringLiteral("sigma-engine"));
    thread_.start();
    LocalWorker* worker = worker_;
    QMetaObject::invokeMethod(
        worker_, [worker] { worker->load(); }, Qt::QueuedConnection);
}

LocalBackend::~LocalBackend() {
    {
        QMutexLocker lock(&cancels_->mutex);
        cancels_->shutting_down = true;
        cancels_->flag.store(true);  // the running generation stops at its next token
    }
    thread_.quit();
    thread_.wait();
    delete worker_;  // its thread has ended: safe to delete here
}

quint64 LocalBackend::generate(const GenerationRequest& request) {
    const quint64 id = next_request_id();
    LocalWorker* worker = worker_;
    // The worker runs requests in the order they were queued; the request travels by value.
    QMetaObject::invokeMethod(
        worker_, [worker, id, request] { worker->run(id, request); }, Qt::QueuedConnection);
    return id;
}

void LocalBackend::cancel(quint64 request_id) {
    if (request_id == 0 || request_id > last_request_id()) return;
    QMutexLocker lock(&cancels_->mutex);
    cancels_->cancelled.insert(request_id);
    if (cancels_->running == request_id) cancels_->flag.store(true);
}

QString LocalBackend::model_name() const { return QFileInfo(options_.model_path).fileName(); }

QString LocalBackend::compute_backend() const {
    QMutexLocker lock(&loaded_backend_->mutex);
    return loaded_backend_->used;
}

QString LocalBackend::backend_note() const {
    QMutexLocker lock(&loaded_backend_->mutex);
    return loaded_backend_->note;
}

int LocalBackend::context_length() const {
    QMutexLocker lock(&loaded_backend_->mutex);
    return loaded_backend_->n_ctx;
}

}  // namespace sigma::app

#include "local_backend.moc"
