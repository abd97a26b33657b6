// KqlTask: schema slice + few-shot prompt, tolerant answer parsing, validation against the full
// schema, and repair prompts that quote the validator's own messages.
#include "app/kql_task.h"

#include <QJsonArray>
#include <algorithm>
#include <set>

#include "app/domain/example_corpus.h"
#include "app/domain/kql_answer_constraint.h"
#include "app/domain/kql_repair.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/domain/kql_table_ranker.h"
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
        diags.append(
            QJsonObject{{"message", d.text}, {"start", d.start}, {"length", d.length}, {"severity", d.severity}});
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
    if (request.constrain) {
        // Names only: requiring a validating query before the end traps a small model in a query it
        // cannot finish (it runs to max_tokens); the validator and repair judge the end instead.
        domain::KqlConstraintOptions options;
        options.validate_at_end = false;
        g.constraint = domain::make_kql_constraint(schema_, options);
    }
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
    return finish_candidates(request, {GeneratedAnswer{raw_output, 0.0}}, stats);
}

KqlResult KqlTask::finish_candidates(const KqlRequest& request, const QList<GeneratedAnswer>& answers,
                                     const GenerationStats& stats) const {
    const std::string question = request.question.toStdString();
    const std::vector<domain::KqlTableScore> ranked_tables = domain::rank_kql_tables(question, schema_, hints_);
    const std::string top_table = ranked_tables.empty() ? std::string() : ranked_tables.front().table;
    std::set<std::string> qwords;
    for (const std::string& w : domain::identifier_words(question)) qwords.insert(w);

    struct Scored {
        KqlResult result;
        double score = 0.0;
        int order = 0;
        int votes = 1;
        QStringList changes;
    };
    std::vector<Scored> scored;
    QString first_problem;
    int order = 0;
    for (const GeneratedAnswer& a : answers) {
        const domain::ParsedKql parsed = domain::parse_kql_answer(a.text.toStdString());
        if (!parsed.found) {
            if (first_problem.isEmpty()) first_problem = q(parsed.problem);
            ++order;
            continue;
        }
        std::string query = parsed.query;
        QStringList changes;
        if (request.repair) {
            const domain::KqlRepair fixed = domain::repair_kql(question, query, schema_, hints_);
            query = fixed.query;
            for (const auto& c : fixed.changes) changes << q(c);
        }
        auto same =
            std::find_if(scored.begin(), scored.end(), [&](const Scored& x) { return x.result.query == q(query); });
        if (same != scored.end()) {
            ++same->votes;
            ++order;
            continue;
        }
        Scored s;
        s.result = analyse(q(query));
        s.result.raw_output = a.text;
        s.order = order++;
        s.changes = changes;
        scored.push_back(std::move(s));
    }
    for (Scored& s : scored) {
        double v = s.result.valid ? 100.0 : 0.0;
        if (!s.result.tables.isEmpty() && s.result.tables.front().toStdString() == top_table) v += 4.0;
        int hits = 0;
        for (const QString& c : s.result.columns)
            for (const std::string& w : domain::identifier_words(c.toStdString())) hits += qwords.count(w) ? 1 : 0;
        v += 0.8 * hits;
        v += 0.7 * (s.votes - 1);
        v -= 0.25 * s.order;
        v -= 0.5 * static_cast<double>(s.changes.size());
        s.score = v;
    }
    if (request.rerank)
        std::stable_sort(scored.begin(), scored.end(),
                         [](const Scored& a, const Scored& b) { return a.score > b.score; });

    KqlResult r;
    if (scored.empty()) {
        r.valid = false;
        r.diagnostics.push_back({QStringLiteral("Error"),
                                 first_problem.isEmpty() ? QStringLiteral("the model gave no answer") : first_problem,
                                 {},
                                 0,
                                 0});
        r.raw_output = answers.isEmpty() ? QString() : answers.front().text;
    } else {
        r = scored.front().result;
        for (const QString& c : scored.front().changes) r.warnings << QStringLiteral("repaired: %1").arg(c);
        for (size_t i = 1; i < scored.size() && i <= 4; ++i) r.alternatives << scored[i].result.query;
        const std::string warning = domain::kql_table_warning(question, r.query.toStdString(), schema_, hints_);
        if (!warning.empty()) r.warnings << q(warning);
        r.checked =
            r.valid
                ? QStringLiteral("syntax, tables, columns and types checked against the schema; %1 candidate(s) ranked")
                      .arg(scored.size())
                : QStringLiteral("checked: does not validate");
    }
    r.question = request.question;
    r.stats = stats;
    r.slice_tables = to_list(
        domain::kql_schema_slice(question, schema_, hints_, static_cast<size_t>(std::max(1, request.max_tables)))
            .tables);
    return r;
}

std::optional<GenerationRequest> KqlTask::repair(const KqlRequest& request, const GenerationRequest& previous,
                                                 const KqlResult& result) const {
    if (result.valid || result.repairs >= request.max_repairs) return std::nullopt;
    std::vector<std::string> messages;
    for (const ValidationMessage& d : result.diagnostics) messages.push_back(d.text.toStdString());
    const std::string question = request.question.toStdString();
    // Room for the answer, and a conservative 3 bytes per token for the prompt.
    const int budget_bytes = std::max(64, (request.context_tokens - previous.max_tokens - 16) * 3);
    for (size_t tables = static_cast<size_t>(std::max(1, request.max_tables)); tables >= 1; --tables) {
        const domain::KqlSchemaSlice slice = domain::kql_schema_slice(question, schema_, hints_, tables);
        std::vector<std::string> kept = messages;
        for (;;) {
            GenerationRequest g = previous;
            g.messages.clear();
            for (const auto& t : domain::build_kql_messages(question, slice.text, {}))
                g.messages.push_back({q(t.role), q(t.content)});
            g.messages.push_back({QStringLiteral("assistant"), result.query});
            const domain::ChatTurn turn = domain::build_kql_repair_turn(result.query.toStdString(), kept);
            g.messages.push_back({q(turn.role), q(turn.content)});
            int bytes = 0;
            for (const ChatMessage& m : g.messages) bytes += static_cast<int>(m.content.toUtf8().size()) + 8;
            if (bytes <= budget_bytes) return g;
            if (kept.size() <= 1) break;
            kept.pop_back();
        }
        if (tables == 1) break;
    }
    return std::nullopt;  // even the shortest repair prompt would not fit the model's context
}

KqlResult KqlTask::check(const QString& query) const { return analyse(query); }

}  // namespace sigma::app
