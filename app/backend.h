// Backend: the one interface through which the app asks a model for text (local engine or remote
// OpenAI-compatible server), with streaming, cancellation and typed errors delivered as queued signals.
// Not a model or a prompt builder: it takes chat messages and returns text; templates live below it.
#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>

namespace sigma::domain {
class AnswerConstraint;
}

namespace sigma::app {

struct ChatMessage {
    QString role;  // "system", "user" or "assistant"
    QString content;
};

struct GenerationRequest {
    QList<ChatMessage> messages;
    int max_tokens = 256;
    double temperature = 0.0;  // 0 = greedy
    double top_p = 1.0;
    int top_k = 0;  // 0 = off
    quint64 seed = 0;
    QStringList stop;  // generation ends before any of these strings; they are not returned
    QString model;     // remote: the "model" field; local: ignored
    // Candidates wanted (N-best). Remote: sent as OpenAI's `n` when > 1 (servers that ignore it give
    // one); local: one answer per request. Every candidate comes back in GenerationStats::candidates.
    int n_best = 1;
    // Constrained decoding: the answer must stay a viable prefix of what this domain constraint
    // accepts (app/domain/answer_constraint.h; immutable, shared read-only). Local: every token is
    // masked with it; remote: ignored (the tasks still check what comes back). Null: unconstrained.
    std::shared_ptr<const domain::AnswerConstraint> constraint;
    // Local, with a constraint: an answer not yet complete after this many tokens stops there, as at
    // max_tokens (0: no limit). Remote: ignored.
    int incomplete_limit = 0;
    // Local, with a constraint: an answer not yet complete stops once the constraint has refused the
    // model's most likely token this many times (0: no limit). Remote: ignored.
    int override_limit = 0;
};

// One answer of an N-best request: its text and, when the backend knows it, the summed
// log-probability of its tokens (0 when unknown).
struct GeneratedAnswer {
    QString text;
    double logprob = 0.0;
};

struct GenerationStats {
    int prompt_tokens = 0;
    int completion_tokens = 0;
    qint64 prompt_ms = 0;    // local: prefill time; remote: time to the first token
    qint64 generate_ms = 0;  // after the first token
    QString finish_reason;   // "stop" (end of turn or a stop string) or "length"
    // With n_best > 1 on a backend that returns several choices: every choice, in the server's order
    // (the streamed text is the first). Empty otherwise.
    QList<GeneratedAnswer> candidates;
    // The backend drew the N-best itself (local engine): `candidates` is every distinct answer it
    // found, even when that is fewer than asked, so nothing more should be asked for.
    bool candidates_complete = false;
};

struct BackendError {
    // Not stored anywhere, but part of the interface: append, never renumber.
    enum class Kind { Connection, Timeout, Http, MalformedStream, ModelLoad, ContextOverflow, Cancelled, Internal };
    Kind kind = Kind::Internal;
    QString message;      // names the problem (URL, status, file, limit)
    int http_status = 0;  // Http only
};

const char* backend_error_kind_name(BackendError::Kind kind);

// The interface. generate() returns at once with a request id (> 0); the result arrives later as
// tokenReceived* then exactly one of finished or failed, always queued (never from inside
// generate() or cancel()). cancel() of a running or queued request ends it with failed(Cancelled)
// (one that is already producing its last token may still report finished); of an unknown or
// finished id it does nothing.
class Backend : public QObject {
    Q_OBJECT
public:
    explicit Backend(QObject* parent = nullptr);
    ~Backend() override;

    virtual quint64 generate(const GenerationRequest& request) = 0;
    virtual void cancel(quint64 request_id) = 0;
    // A short description for logs and /v1/models: the model file's name or the remote URL.
    virtual QString model_name() const = 0;

signals:
    void tokenReceived(quint64 requestId, const QString& text);
    void finished(quint64 requestId, const sigma::app::GenerationStats& stats);
    void failed(quint64 requestId, const sigma::app::BackendError& error);

protected:
    quint64 next_request_id();
    quint64 last_request_id() const { return last_id_.load(); }

private:
    std::atomic<quint64> last_id_{0};
};

// The blocking form for the CLI: runs a local event loop until the request ends or timeout_ms
// passes (then it cancels the request and reports Timeout). on_token sees each piece as it arrives.
struct BlockingResult {
    bool ok = false;
    QString text;
    GenerationStats stats;
    BackendError error;
};
BlockingResult generate_blocking(Backend& backend, const GenerationRequest& request, int timeout_ms,
                                 const std::function<void(const QString&)>& on_token = {});

// Registers the value types for queued connections; called by every Backend's constructor.
void register_backend_types();

}  // namespace sigma::app

Q_DECLARE_METATYPE(sigma::app::GenerationStats)
Q_DECLARE_METATYPE(sigma::app::BackendError)
