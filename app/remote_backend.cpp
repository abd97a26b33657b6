// RemoteBackend: one QNetworkReply per attempt, read incrementally through SseParser; an idle timer
// bounds every wait and retries happen only before the first token.
// Not tolerant of guesses: a body that is neither the event stream nor a JSON completion is an error.
#include "app/remote_backend.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include "app/domain/redactor.h"
#include "app/sse_parser.h"

namespace sigma::app {

struct RemoteBackend::Call {
    quint64 id = 0;
    QByteArray body;
    QString model;
    int attempt = 0;
    QPointer<QNetworkReply> reply;
    QTimer* idle = nullptr;  // owned by the backend, deleted in drop()
    SseParser parser;
    bool json_mode = false;  // the server answered application/json instead of a stream
    QByteArray raw_body;     // error or JSON body, bounded
    bool got_bytes = false;
    bool any_token = false;
    bool idle_fired = false;
    bool done = false;
    QElapsedTimer clock;
    qint64 first_token_ms = -1;
    GenerationStats stats;
    QMap<int, QString> choices;  // n > 1: every choice's text by its index (index 0 is streamed)
};

namespace {

QString excerpt(const QByteArray& bytes, int n = 120) {
    QString s = QString::fromUtf8(bytes.left(n)).simplified();
    if (bytes.size() > n) s += QStringLiteral("...");
    return s;
}

// The message of an OpenAI-style error body, or the start of the body when it is not one.
QString error_body_message(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue e = o.value(QStringLiteral("error"));
        if (e.isObject() && e.toObject().value(QStringLiteral("message")).isString())
            return e.toObject().value(QStringLiteral("message")).toString();
        if (e.isString()) return e.toString();
        if (o.value(QStringLiteral("message")).isString()) return o.value(QStringLiteral("message")).toString();
    }
    return body.isEmpty() ? QStringLiteral("(empty body)") : excerpt(body, 200);
}

bool is_connection_error(QNetworkReply::NetworkError e) {
    switch (e) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::RemoteHostClosedError:
        case QNetworkReply::HostNotFoundError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
        case QNetworkReply::ProxyConnectionRefusedError:
        case QNetworkReply::ProxyConnectionClosedError: return true;
        default: return false;
    }
}

}  // namespace

RemoteBackend::RemoteBackend(RemoteBackendOptions options, QObject* parent)
    : Backend(parent), options_(std::move(options)) {
    manager_.setAutoDeleteReplies(false);
}

RemoteBackend::~RemoteBackend() {
    // Replies must not call back into a half-destroyed object.
    const auto ids = calls_.keys();
    for (quint64 id : ids) drop(id);
}

QString RemoteBackend::model_name() const { return options_.base_url.toString(QUrl::RemovePassword); }

QString RemoteBackend::display_url() const { return completions_url().toString(QUrl::RemovePassword); }

QString RemoteBackend::effective_api_key() const {
    if (!options_.api_key.isEmpty()) return options_.api_key;
    // Not SIGMA_API_KEY: that is the key that guards this machine's own server, and a relay
    // (serve --remote) must never forward it to the upstream endpoint.
    const QString remote = qEnvironmentVariable("SIGMA_REMOTE_API_KEY");
    if (!remote.isEmpty()) return remote;
    return qEnvironmentVariable("OPENAI_API_KEY");
}

QUrl RemoteBackend::completions_url() const {
    QUrl url = options_.base_url;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/'))) path.chop(1);
    url.setPath(path + QStringLiteral("/chat/completions"));
    return url;
}

quint64 RemoteBackend::generate(const GenerationRequest& request) {
    const quint64 id = next_request_id();
    auto call = std::make_shared<Call>();
    call->id = id;
    calls_.insert(id, call);
    const QUrl url = completions_url();
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        fail(id, {BackendError::Kind::Connection,
                  QStringLiteral("remote URL '%1' is not an http(s) URL")
                      .arg(options_.base_url.toString(QUrl::RemovePassword)),
                  0});
        return id;
    }
    // Nothing secret leaves the machine, whatever the caller did: every message is scrubbed here, with
    // one Redactor so a value repeated across messages keeps one placeholder.
    domain::Redactor redactor(domain::RedactOptions::secrets_only());
    QJsonArray messages;
    for (const ChatMessage& m : request.messages) {
        const QString content = QString::fromStdString(redactor.redact(m.content.toStdString()));
        messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), content}});
    }
    call->model = request.model.isEmpty() ? (options_.model.isEmpty() ? QStringLiteral("default") : options_.model)
                                          : request.model;
    QJsonObject body{
        {QStringLiteral("model"), call->model},
        {QStringLiteral("messages"), messages},
        {QStringLiteral("stream"), true},
        {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}},
        {QStringLiteral("max_tokens"), request.max_tokens},
        {QStringLiteral("temperature"), request.temperature},
        {QStringLiteral("top_p"), request.top_p},
        // JSON numbers are doubles: keep the seed exact by staying under 2^53.
        {QStringLiteral("seed"), static_cast<qint64>(request.seed & ((quint64(1) << 53) - 1))},
    };
    if (!request.stop.isEmpty()) body.insert(QStringLiteral("stop"), QJsonArray::fromStringList(request.stop));
    // N-best through OpenAI's `n`; a server that ignores it answers one choice.
    if (request.n_best > 1) body.insert(QStringLiteral("n"), request.n_best);
    call->body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call->clock.start();
    start_attempt(id);
    return id;
}

void RemoteBackend::start_attempt(quint64 id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& call = **it;
    call.parser = SseParser();
    call.json_mode = false;
    call.raw_body.clear();
    call.got_bytes = false;
    call.idle_fired = false;

    QNetworkRequest req(completions_url());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    const QString key = effective_api_key();
    if (!key.isEmpty()) req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    // A backstop only: the idle timer below is what reports timeouts, with a clear message.
    req.setTransferTimeout(std::max(options_.first_byte_timeout_ms, options_.idle_timeout_ms) + 5000);
    QNetworkReply* reply = manager_.post(req, call.body);
    call.reply = reply;
    if (!call.idle) {
        call.idle = new QTimer(this);
        call.idle->setSingleShot(true);
        connect(call.idle, &QTimer::timeout, this, [this, id] { on_idle_timeout(id); });
    }
    call.idle->start(options_.first_byte_timeout_ms);
    connect(reply, &QNetworkReply::readyRead, this, [this, id] { on_ready_read(id); });
    connect(reply, &QNetworkReply::finished, this, [this, id] { on_finished(id); });
}

void RemoteBackend::on_ready_read(quint64 id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    std::shared_ptr<Call> call = *it;  // keeps the call alive through fail()/succeed()
    if (call->done || !call->reply) return;
    QNetworkReply* reply = call->reply;
    call->got_bytes = true;
    call->idle->start(options_.idle_timeout_ms);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = reply->readAll();
    if (status < 200 || status >= 300 || call->json_mode) {
        if (call->raw_body.size() < options_.max_error_body_bytes)
            call->raw_body.append(bytes.left(options_.max_error_body_bytes - call->raw_body.size()));
        return;
    }
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray().toLower();
    if (!call->any_token && type.startsWith("application/json") && call->parser.unknown_line_count() == 0 &&
        !call->parser.has_partial_event()) {
        call->json_mode = true;
        call->raw_body.append(bytes.left(options_.max_error_body_bytes));
        return;
    }
    const QList<SseEvent> events = call->parser.feed(bytes);
    for (const SseEvent& ev : events) {
        handle_event_data(*call, ev.data);
        if (call->done) return;
    }
    if (call->parser.has_error()) {
        fail(id, {BackendError::Kind::MalformedStream,
                  QStringLiteral("malformed event stream from %1: %2").arg(display_url(), call->parser.error()), 0});
    }
}

void RemoteBackend::handle_event_data(Call& call, const QByteArray& data) {
    if (data.trimmed() == "[DONE]") {
        succeed(call.id);
        return;
    }
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        fail(call.id,
             {BackendError::Kind::MalformedStream,
              QStringLiteral("malformed event stream from %1: data is not a JSON object (%2): '%3'")
                  .arg(display_url(),
                       perr.error != QJsonParseError::NoError ? perr.errorString() : QStringLiteral("not an object"),
                       excerpt(data)),
              0});
        return;
    }
    const QJsonObject o = doc.object();
    if (o.contains(QStringLiteral("error"))) {
        fail(call.id,
             {BackendError::Kind::Http,
              QStringLiteral("%1 reported an error mid-stream: %2").arg(display_url(), error_body_message(data)), 200});
        return;
    }
    const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
    if (!usage.isEmpty()) {
        call.stats.prompt_tokens = usage.value(QStringLiteral("prompt_tokens")).toInt();
        call.stats.completion_tokens = usage.value(QStringLiteral("completion_tokens")).toInt();
    }
    const QJsonArray choices = o.value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty()) return;  // e.g. the usage-only chunk
    // With n > 1 each chunk names its choice; choices other than 0 are collected, not streamed.
    for (const QJsonValue& other : choices) {
        const QJsonObject c = other.toObject();
        const QJsonValue text = c.value(QStringLiteral("delta")).toObject().value(QStringLiteral("content"));
        if (text.isString()) call.choices[c.value(QStringLiteral("index")).toInt()] += text.toString();
    }
    QJsonObject choice = choices.at(0).toObject();
    for (const QJsonValue& other : choices)
        if (other.toObject().value(QStringLiteral("index")).toInt() == 0) choice = other.toObject();
    if (choice.value(QStringLiteral("index")).toInt() != 0) return;
    const QJsonValue content = choice.value(QStringLiteral("delta")).toObject().value(QStringLiteral("content"));
    if (content.isString() && !content.toString().isEmpty()) {
        if (!call.any_token) call.first_token_ms = call.clock.elapsed();
        call.any_token = true;
        if (usage.isEmpty()) ++call.stats.completion_tokens;
        emit tokenReceived(call.id, content.toString());
    }
    const QJsonValue reason = choice.value(QStringLiteral("finish_reason"));
    if (reason.isString()) call.stats.finish_reason = reason.toString();
}

void RemoteBackend::on_idle_timeout(quint64 id) {
    auto it = calls_.find(id);
    if (it == calls_.end() || (*it)->done) return;
    const Call& call = **it;
    const int ms = call.got_bytes ? options_.idle_timeout_ms : options_.first_byte_timeout_ms;
    fail(id, {BackendError::Kind::Timeout,
              call.got_bytes ? QStringLiteral("%1 stopped sending for %2 ms mid-answer").arg(display_url()).arg(ms)
                             : QStringLiteral("no answer from %1 within %2 ms").arg(display_url()).arg(ms),
              0});
}

void RemoteBackend::on_finished(quint64 id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    std::shared_ptr<Call> call = *it;
    if (call->done || !call->reply) return;
    QNetworkReply* reply = call->reply;
    // Bytes that arrived together with the end.
    if (reply->bytesAvailable() > 0) {
        on_ready_read(id);
        if (call->done) return;
    }
    const QString url = display_url();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError err = reply->error();
    if (status >= 300 || (status >= 100 && status < 200)) {
        const QString message = error_body_message(call->raw_body);
        if ((status >= 500 || status == 429) && !call->any_token) {
            int retry_after = -1;
            bool ok = false;
            const int secs = reply->rawHeader("Retry-After").toInt(&ok);
            if (ok && secs >= 0) retry_after = secs * 1000;
            if (retry_if_allowed(id, QStringLiteral("HTTP %1").arg(status), retry_after)) return;
        }
        fail(id,
             {BackendError::Kind::Http, QStringLiteral("HTTP %1 from %2: %3").arg(status).arg(url, message), status});
        return;
    }
    if (err == QNetworkReply::OperationCanceledError || err == QNetworkReply::TimeoutError) {
        fail(id, {BackendError::Kind::Timeout, QStringLiteral("request to %1 timed out").arg(url), 0});
        return;
    }
    if (err != QNetworkReply::NoError) {
        if (call->got_bytes) {
            fail(id, {BackendError::Kind::MalformedStream,
                      QStringLiteral("connection to %1 dropped mid-stream: %2").arg(url, reply->errorString()), 0});
            return;
        }
        if (is_connection_error(err) && retry_if_allowed(id, reply->errorString())) return;
        fail(id,
             {BackendError::Kind::Connection, QStringLiteral("cannot reach %1: %2").arg(url, reply->errorString()), 0});
        return;
    }
    if (call->json_mode) {
        // A server that ignores stream=true: one JSON completion.
        const QJsonDocument doc = QJsonDocument::fromJson(call->raw_body);
        const QJsonObject choice = doc.object().value(QStringLiteral("choices")).toArray().at(0).toObject();
        const QJsonValue content = choice.value(QStringLiteral("message")).toObject().value(QStringLiteral("content"));
        if (!content.isString()) {
            fail(id, {BackendError::Kind::MalformedStream,
                      QStringLiteral("%1 answered JSON without choices[0].message.content: '%2'")
                          .arg(url, excerpt(call->raw_body)),
                      0});
            return;
        }
        const QJsonObject usage = doc.object().value(QStringLiteral("usage")).toObject();
        call->stats.prompt_tokens = usage.value(QStringLiteral("prompt_tokens")).toInt();
        call->stats.completion_tokens = usage.value(QStringLiteral("completion_tokens")).toInt();
        call->stats.finish_reason = choice.value(QStringLiteral("finish_reason")).toString();
        call->first_token_ms = call->clock.elapsed();
        for (const QJsonValue& c : doc.object().value(QStringLiteral("choices")).toArray()) {
            const QJsonObject o = c.toObject();
            call->choices[o.value(QStringLiteral("index")).toInt()] =
                o.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString();
        }
        if (!content.toString().isEmpty()) emit tokenReceived(id, content.toString());
        succeed(id);
        return;
    }
    if (!call->stats.finish_reason.isEmpty() && !call->parser.has_partial_event()) {
        succeed(id);  // complete answer, only the closing [DONE] is missing
        return;
    }
    const QString what = call->parser.unknown_line_count() > 0
                             ? QStringLiteral("the body is not an event stream (%1 unrecognised lines)")
                                   .arg(call->parser.unknown_line_count())
                             : QStringLiteral("the connection closed before [DONE]");
    fail(id,
         {BackendError::Kind::MalformedStream, QStringLiteral("malformed event stream from %1: %2").arg(url, what), 0});
}

bool RemoteBackend::retry_if_allowed(quint64 id, const QString& why, int retry_after_ms) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return false;
    Call& call = **it;
    if (call.any_token || call.attempt >= options_.max_retries) return false;
    int delay = options_.retry_backoff_ms << std::min(call.attempt, 10);
    if (retry_after_ms >= 0) delay = std::min(std::max(delay, retry_after_ms), 10 * options_.retry_backoff_ms + 1000);
    ++call.attempt;
    if (call.reply) {
        call.reply->disconnect(this);
        call.reply->deleteLater();
        call.reply = nullptr;
    }
    call.idle->stop();
    Q_UNUSED(why);
    QTimer::singleShot(delay, this, [this, id] { start_attempt(id); });
    return true;
}

void RemoteBackend::cancel(quint64 request_id) {
    auto it = calls_.find(request_id);
    if (it == calls_.end() || (*it)->done) return;
    fail(request_id, {BackendError::Kind::Cancelled, QStringLiteral("request %1 was cancelled").arg(request_id), 0});
}

void RemoteBackend::drop(quint64 id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    std::shared_ptr<Call> call = *it;
    calls_.erase(it);
    call->done = true;
    if (call->idle) {
        call->idle->stop();
        call->idle->deleteLater();
        call->idle = nullptr;
    }
    if (call->reply) {
        QNetworkReply* reply = call->reply;
        call->reply = nullptr;
        reply->disconnect(this);
        if (reply->isRunning()) reply->abort();
        reply->deleteLater();
    }
}

void RemoteBackend::fail(quint64 id, BackendError error) {
    auto it = calls_.find(id);
    if (it == calls_.end() || (*it)->done) return;
    drop(id);
    QMetaObject::invokeMethod(
        this, [this, id, error] { emit failed(id, error); }, Qt::QueuedConnection);
}

void RemoteBackend::succeed(quint64 id) {
    auto it = calls_.find(id);
    if (it == calls_.end() || (*it)->done) return;
    Call& call = **it;
    GenerationStats stats = call.stats;
    if (stats.finish_reason.isEmpty()) stats.finish_reason = QStringLiteral("stop");
    const qint64 total = call.clock.elapsed();
    stats.prompt_ms = call.first_token_ms >= 0 ? call.first_token_ms : total;
    stats.generate_ms = total - stats.prompt_ms;
    if (call.choices.size() > 1)
        for (auto c = call.choices.cbegin(); c != call.choices.cend(); ++c)
            stats.candidates.push_back({c.value(), 0.0});
    drop(id);
    QMetaObject::invokeMethod(
        this, [this, id, stats] { emit finished(id, stats); }, Qt::QueuedConnection);
}

}  // namespace sigma::app
