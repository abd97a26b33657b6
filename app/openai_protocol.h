// OpenAI chat-completions wire format for the server: request validation into a GenerationRequest,
// and the JSON of completions, stream chunks, model lists and errors.
// Not transport: no sockets or HTTP here, so that every rule can be tested on bytes alone.
#pragma once

#include <QByteArray>
#include <QString>

#include "app/backend.h"

namespace sigma::app {

struct ChatCompletionCall {
    GenerationRequest request;
    bool stream = false;
    bool include_usage = false;  // stream_options.include_usage
    QString model;               // as asked, may be empty
};

struct ProtocolLimits {
    int default_max_tokens = 512;
    int max_tokens_limit = 8192;
    int max_messages = 256;
};

// Parses a /v1/chat/completions body. On failure returns false and sets `error` (a message
// naming the field) and `param` (the field's name, e.g. "messages[1].role").
bool parse_chat_completion(const QByteArray& body, const ProtocolLimits& limits, ChatCompletionCall& out,
                           QString& error, QString& param);

QByteArray error_json(const QString& message, const QString& type, const QString& param = {}, const QString& code = {});
QByteArray models_json(const QString& model_id, qint64 created);
QByteArray completion_json(const QString& id, qint64 created, const QString& model, const QString& text,
                           const GenerationStats& stats);
// One "data: {...}\n\n" event. role_chunk: the first chunk, carrying role "assistant" and no text.
QByteArray chunk_event(const QString& id, qint64 created, const QString& model, const QString& text, bool role_chunk,
                       const QString& finish_reason);
QByteArray usage_chunk_event(const QString& id, qint64 created, const QString& model, const GenerationStats& stats);

}  // namespace sigma::app
