// OpenAI chat-completions wire format: strict about the fields it uses (types and ranges), silent
// about fields it does not use, as OpenAI clients send many. Not a schema validator for the whole API.
#include "app/openai_protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace sigma::app {

namespace {

bool is_integer(const QJsonValue& v) {
    if (!v.isDouble()) return false;
    const double d = v.toDouble();
    return std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740992.0;
}

// The text of a message's content: a string, or an array of {"type":"text","text":...} parts.
bool content_text(const QJsonValue& v, QString& out) {
    if (v.isString()) {
        out = v.toString();
        return true;
    }
    if (v.isNull()) {
        out.clear();
        return true;
    }
    if (!v.isArray()) return false;
    out.clear();
    for (const QJsonValue& part : v.toArray()) {
        const QJsonObject p = part.toObject();
        if (!part.isObject() || p.value(QStringLiteral("type")).toString() != QLatin1String("text") ||
            !p.value(QStringLiteral("text")).isString())
            return false;
        out += p.value(QStringLiteral("text")).toString();
    }
    return true;
}

QJsonObject usage_object(const GenerationStats& stats) {
    return {{QStringLiteral("prompt_tokens"), stats.prompt_tokens},
            {QStringLiteral("completion_tokens"), stats.completion_tokens},
            {QStringLiteral("total_tokens"), stats.prompt_tokens + stats.completion_tokens}};
}

QByteArray compact(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

}  // namespace

bool parse_chat_completion(const QByteArray& body, const ProtocolLimits& limits, ChatCompletionCall& out,
                           QString& error, QString& param) {
    auto bad = [&](const QString& p, const QString& message) {
        param = p;
        error = message;
        return false;
    };
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    if (perr.error != QJsonParseError::NoError)
        return bad(
            {},
            QStringLiteral("request body is not valid JSON: %1 at offset %2").arg(perr.errorString()).arg(perr.offset));
    if (!doc.isObject()) return bad({}, QStringLiteral("request body must be a JSON object"));
    const QJsonObject o = doc.object();
    out = ChatCompletionCall{};
    out.request.max_tokens = limits.default_max_tokens;
    out.request.temperature = 1.0;  // OpenAI's default

    const QJsonValue model = o.value(QStringLiteral("model"));
    if (!model.isUndefined() && !model.isNull()) {
        if (!model.isString()) return bad(QStringLiteral("model"), QStringLiteral("'model' must be a string"));
        out.model = model.toString();
        out.request.model = out.model;
    }
    const QJsonValue messages = o.value(QStringLiteral("messages"));
    if (messages.isUndefined()) return bad(QStringLiteral("messages"), QStringLiteral("'messages' is required"));
    if (!messages.isArray()) return bad(QStringLiteral("messages"), QStringLiteral("'messages' must be an array"));
    const QJsonArray list = messages.toArray();
    if (list.isEmpty()) return bad(QStringLiteral("messages"), QStringLiteral("'messages' must not be empty"));
    if (list.size() > limits.max_messages)
        return bad(QStringLiteral("messages"),
                   QStringLiteral("'messages' has more than %1 entries").arg(limits.max_messages));
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("messages[%1]").arg(i);
        if (!list[i].isObject()) return bad(where, QStringLiteral("'%1' must be an object").arg(where));
        const QJsonObject m = list[i].toObject();
        const QJsonValue role = m.value(QStringLiteral("role"));
        static const QStringList kRoles{QStringLiteral("system"), QStringLiteral("developer"), QStringLiteral("user"),
                                        QStringLiteral("assistant"), QStringLiteral("tool")};
        if (!role.isString() || !kRoles.contains(role.toString()))
            return bad(where + QStringLiteral(".role"),
                       QStringLiteral("'%1.role' must be one of system, developer, user, assistant, tool").arg(where));
        ChatMessage cm;
        cm.role = role.toString() == QLatin1String("developer") ? QStringLiteral("system") : role.toString();
        if (!content_text(m.value(QStringLiteral("content")), cm.content))
            return bad(where + QStringLiteral(".content"),
                       QStringLiteral("'%1.content' must be a string or an array of text parts").arg(where));
        out.request.messages.append(cm);
    }
    for (const char* key : {"max_tokens", "max_completion_tokens"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) continue;
        if (!is_integer(v) || v.toDouble() < 1 || v.toDouble() > limits.max_tokens_limit)
            return bad(QLatin1String(key), QStringLiteral("'%1' must be an integer from 1 to %2")
                                               .arg(QLatin1String(key))
                                               .arg(limits.max_tokens_limit));
        out.request.max_tokens = v.toInt();
    }
    const QJsonValue temperature = o.value(QStringLiteral("temperature"));
    if (!temperature.isUndefined() && !temperature.isNull()) {
        if (!temperature.isDouble() || temperature.toDouble() < 0 || temperature.toDouble() > 2)
            return bad(QStringLiteral("temperature"), QStringLiteral("'temperature' must be a number from 0 to 2"));
        out.request.temperature = temperature.toDouble();
    }
    const QJsonValue top_p = o.value(QStringLiteral("top_p"));
    if (!top_p.isUndefined() && !top_p.isNull()) {
        if (!top_p.isDouble() || top_p.toDouble() <= 0 || top_p.toDouble() > 1)
            return bad(QStringLiteral("top_p"), QStringLiteral("'top_p' must be a number in (0, 1]"));
        out.request.top_p = top_p.toDouble();
    }
    const QJsonValue seed = o.value(QStringLiteral("seed"));
    if (!seed.isUndefined() && !seed.isNull()) {
        if (!is_integer(seed)) return bad(QStringLiteral("seed"), QStringLiteral("'seed' must be an integer"));
        out.request.seed = static_cast<quint64>(static_cast<qint64>(seed.toDouble()));
    }
    const QJsonValue stop = o.value(QStringLiteral("stop"));
    if (stop.isString()) {
        if (!stop.toString().isEmpty()) out.request.stop = {stop.toString()};
    } else if (stop.isArray()) {
        const QJsonArray a = stop.toArray();
        if (a.size() > 4) return bad(QStringLiteral("stop"), QStringLiteral("'stop' may hold at most 4 strings"));
        for (const QJsonValue& s : a) {
            if (!s.isString() || s.toString().isEmpty())
                return bad(QStringLiteral("stop"),
                           QStringLiteral("'stop' must be a string or an array of non-empty strings"));
            out.request.stop.append(s.toString());
        }
    } else if (!stop.isUndefined() && !stop.isNull()) {
        return bad(QStringLiteral("stop"), QStringLiteral("'stop' must be a string or an array of strings"));
    }
    const QJsonValue n = o.value(QStringLiteral("n"));
    if (!n.isUndefined() && !n.isNull() && (!is_integer(n) || n.toInt() != 1))
        return bad(QStringLiteral("n"), QStringLiteral("'n' must be 1: one choice per request"));
    const QJsonValue stream = o.value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isNull()) {
        if (!stream.isBool()) return bad(QStringLiteral("stream"), QStringLiteral("'stream' must be a boolean"));
        out.stream = stream.toBool();
    }
    const QJsonValue options = o.value(QStringLiteral("stream_options"));
    if (!options.isUndefined() && !options.isNull()) {
        if (!options.isObject())
            return bad(QStringLiteral("stream_options"), QStringLiteral("'stream_options' must be an object"));
        const QJsonValue usage = options.toObject().value(QStringLiteral("include_usage"));
        if (!usage.isUndefined() && !usage.isBool())
            return bad(QStringLiteral("stream_options.include_usage"),
                       QStringLiteral("'stream_options.include_usage' must be a boolean"));
        out.include_usage = usage.toBool();
    }
    return true;
}

QByteArray error_json(const QString& message, const QString& type, const QString& param, const QString& code) {
    QJsonObject e{{QStringLiteral("message"), message}, {QStringLiteral("type"), type}};
    e.insert(QStringLiteral("param"), param.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(param));
    e.insert(QStringLiteral("code"), code.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(code));
    return compact({{QStringLiteral("error"), e}});
}

QByteArray models_json(const QString& model_id, qint64 created) {
    const QJsonObject model{{QStringLiteral("id"), model_id},
                            {QStringLiteral("object"), QStringLiteral("model")},
                            {QStringLiteral("created"), created},
                            {QStringLiteral("owned_by"), QStringLiteral("sigma-ops")}};
    return compact({{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), QJsonArray{model}}});
}

QByteArray completion_json(const QString& id, qint64 created, const QString& model, const QString& text,
                           const GenerationStats& stats) {
    const QJsonObject choice{
        {QStringLiteral("index"), 0},
        {QStringLiteral("message"),
         QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), text}}},
        {QStringLiteral("logprobs"), QJsonValue(QJsonValue::Null)},
        {QStringLiteral("finish_reason"),
         stats.finish_reason.isEmpty() ? QStringLiteral("stop") : stats.finish_reason}};
    return compact({{QStringLiteral("id"), id},
                    {QStringLiteral("object"), QStringLiteral("chat.completion")},
                    {QStringLiteral("created"), created},
                    {QStringLiteral("model"), model},
                    {QStringLiteral("choices"), QJsonArray{choice}},
                    {QStringLiteral("usage"), usage_object(stats)}});
}

QByteArray chunk_event(const QString& id, qint64 created, const QString& model, const QString& text, bool role_chunk,
                       const QString& finish_reason) {
    QJsonObject delta;
    if (role_chunk) {
        delta.insert(QStringLiteral("role"), QStringLiteral("assistant"));
        delta.insert(QStringLiteral("content"), QString());
    } else if (finish_reason.isEmpty()) {
        delta.insert(QStringLiteral("content"), text);
    }
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("delta"), delta},
                             {QStringLiteral("logprobs"), QJsonValue(QJsonValue::Null)},
                             {QStringLiteral("finish_reason"),
                              finish_reason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(finish_reason)}};
    const QJsonObject chunk{{QStringLiteral("id"), id},
                            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("created"), created},
                            {QStringLiteral("model"), model},
                            {QStringLiteral("choices"), QJsonArray{choice}}};
    return "data: " + compact(chunk) + "\n\n";
}

QByteArray usage_chunk_event(const QString& id, qint64 created, const QString& model, const GenerationStats& stats) {
    const QJsonObject chunk{{QStringLiteral("id"), id},
                            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("created"), created},
                            {QStringLiteral("model"), model},
                            {QStringLiteral("choices"), QJsonArray{}},
                            {QStringLiteral("usage"), usage_object(stats)}};
    return "data: " + compact(chunk) + "\n\n";
}

}  // namespace sigma::app
