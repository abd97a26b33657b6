// KqlTask: schema slice + few-shot prompt, tolerant answer parsing, validation against the full
// schema, and repair prompts that quote the validator's own messages.
#include "app/kql_task.h"

#include <QJsonArray>

#include "app/domain/example_corpus.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/domain/kql_validator.h"
#include "app/domain/task_prompt.h"

namespace sigma::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QStringList to_list(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v) out << q(s);
    return out;
}

QJsonArray to_array(const QStringList& list) {
    QJsonArray a;
    for (const QString& s : list) a.append(s);
    return a;
}

}  // namespace

QJsonObject KqlResult::to_json() const {
    QJsonArray diags;
    for (const ValidationMessage& d : diagnostics)
        diags.append(QJsonObject{
            {"message", d.text}, {"start", d.start}, {"length", d.length}, {"severity", d.severity}});
    return QJsonObject{{"query", query},
                       {"valid", valid},
                       {"diagnostics", diags},
                       {"tables", to_array(tables)},
                       {"columns", to_array(columns)},
                       {"repairs", repairs},
                       {"checked", checked},
                       {"warnings", to_array(warnings)},
                       {"alternatives", to_array(alternatives)}};
}

GenerationRequest KqlTask::prepare(const KqlRequest& request) const {
    const std::string question = request.question.toStdString();
    const domain::KqlSchemaSlice slice =
        domain::kql_schema_slice(question, schema_, hints_, static_cast<size_t>(std::max(1, request.max_tables)));
    std::vector<domain::KqlExample> examples;
    if (corpus_) {
        for (const auto* e : corpus_->similar_kql(question, static_cast<size_t>(std::max(0, request.example_count))))
            examples.push_back(*e);
    }
    GenerationRequest g;
    g.messages = [&] {
        QList<ChatMessage> out;
        for (const auto& t : domain::build_kql_messages(question, slice.text, examples))
            out.push_back({q(t.role), q(t.content)});
        return out;
    }();
    g.max_tokens = 200;
    g.temperature = 0.0;
    return g;
}

KqlResult KqlTask::analyse(const QString& query) const {
    KqlResult r;
    r.query = query;
    const std::string text = query.toStdString();
    const domain::KqlValidation v = domain::validate_kql(text, schema_);
    r.valid = v.valid;
    for (const auto& d : v.diagnostics) {
        ValidationMessage m;
        m.severity = q(d.severity);
        m.text = q(d.message);
        m.start = static_cast<int>(d.start);
        m.length = static_cast<int>(d.length);
        r.diagnostics.push_back(m);
    }
    r.tables = to_list(domain::kql_referenced_tables(text, schema_));
    r.columns = to_list(domain::kql_referenced_columns(text, schema_));
    return r;
}

KqlResult KqlTask::finish(const KqlRequest& request, const QString& raw_output, const GenerationStats& stats) const {
    const domain::ParsedKql parsed = domain::parse_kql_answer(raw_output.toStdString());
    KqlResult r;
    if (parsed.found) {
        r = analyse(q(parsed.query));
    } else {
        r.valid = false;
        r.diagnostics.push_back({QStringLiteral("Error"), q(parsed.problem), {}, 0, 0});
    }
    r.question = request.question;
    r.raw_output = raw_output;
    r.stats = stats;
    r.slice_tables = to_list(domain::kql_schema_slice(request.question.toStdString(), schema_, hints_,
                                                      static_cast<size_t>(std::max(1, request.max_tables)))
                                 .tables);
    return r;
}

std::optional<GenerationRequest> KqlTask::repair(const KqlRequest& request, const GenerationRequest& previous,
                                                 const KqlResult& result) const {
    if (result.valid || result.repairs >= request.max_repairs) return std::nullopt;
    std::vector<std::string> messages;
    for (const ValidationMessage& d : result.diagnostics) messages.push_back(d.text.toStdString());
    GenerationRequest g = previous;
    g.messages.push_back({QStringLiteral("assistant"), result.raw_output});
    const domain::ChatTurn turn = domain::build_kql_repair_turn(result.query.toStdString(), messages);
    g.messages.push_back({q(turn.role), q(turn.content)});
    return g;
}

KqlResult KqlTask::check(const QString& query) const { return analyse(query); }

}  // namespace sigma::app
