// CommandTask: prompt from the shared task format, answer parsed tolerantly, then every flag and
// field checked by the command validator before anything is shown.
#include "app/command_task.h"

#include <QJsonArray>
#include <algorithm>

#include "app/domain/command_answer_constraint.h"
#include "app/domain/command_catalogue_slice.h"
#include "app/domain/command_explanation.h"
#include "app/domain/command_proposals.h"
#include "app/domain/command_rerank.h"
#include "app/domain/command_validator.h"
#include "app/domain/example_corpus.h"
#include "app/domain/flag_explainer.h"
#include "app/domain/redactor.h"
#include "app/domain/task_prompt.h"

namespace sigma::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QList<ChatMessage> to_messages(const std::vector<domain::ChatTurn>& turns) {
    QList<ChatMessage> out;
    for (const auto& t : turns) out.push_back({q(t.role), q(t.content)});
    return out;
}

QList<FlagExplanation> explain_flags(const std::string& command) {
    QList<FlagExplanation> out;
    for (const domain::FlagExplanation& f : domain::explain_flags(command)) {
        FlagExplanation e{q(f.flag), q(f.meaning), q(f.value), {}, q(f.program)};
        for (const domain::FlagDetail& d : f.details) e.details.push_back({q(d.item), q(d.meaning)});
        out.push_back(e);
    }
    return out;
}

void apply_check(CommandResult& r, const domain::CommandCheck& check) {
    r.valid = check.valid;
    r.risk = QString::fromLatin1(domain::risk_text(check.risk));
    r.reasons.clear();
    for (const auto& reason : check.reasons) r.reasons << q(reason);
    for (const auto& m : check.messages) {
        ValidationMessage vm;
        vm.severity = QString::fromLatin1(domain::severity_text(m.severity));
        vm.text = q(m.text);
        for (const auto& s : m.suggestions) vm.suggestions << q(s);
        vm.start = static_cast<int>(m.start);
        vm.length = static_cast<int>(m.length);
        r.messages.push_back(vm);
    }
}

// The longest run of leading words (cut at blanks outside quotes) that passes the validator; "" when none.
std::string longest_valid_prefix(const std::string& command) {
    std::vector<size_t> ends;
    char quote = 0;
    for (size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == ' ' && i > 0 && command[i - 1] != ' ') {
            ends.push_back(i);
        }
    }
    for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
        const std::string head = command.substr(0, *it);
        const domain::CommandCheck check = domain::check_command(head);
        if (check.valid && check.unknown_programs.empty()) return head;
    }
    return {};
}

}  // namespace

QJsonObject CommandResult::to_json() const {
    QJsonArray reasons_json, messages_json, flags_json;
    for (const QString& s : reasons) reasons_json.append(s);
    for (const ValidationMessage& m : messages) {
        QJsonArray suggestions;
        for (const QString& s : m.suggestions) suggestions.append(s);
        messages_json.append(QJsonObject{{"severity", m.severity},
                                         {"message", m.text},
                                         {"suggestions", suggestions},
                                         {"start", m.start},
                                         {"length", m.length}});
    }
    for (const FlagExplanation& f : flags) {
        QJsonObject o{{"flag", f.flag}, {"meaning", f.meaning}};
        if (!f.program.isEmpty()) o.insert(QStringLiteral("program"), f.program);
        if (!f.value.isEmpty()) o.insert(QStringLiteral("value"), f.value);
        if (!f.details.isEmpty()) {
            QJsonArray details;
            for (const FlagDetail& d : f.details) details.append(QJsonObject{{"item", d.item}, {"meaning", d.meaning}});
            o.insert(QStringLiteral("details"), details);
        }
        flags_json.append(o);
    }
    QJsonArray warnings_json, alternatives_json;
    for (const QString& w : warnings) warnings_json.append(w);
    for (const CommandAlternative& a : alternatives)
        alternatives_json.append(
            QJsonObject{{"command", a.command}, {"risk", a.risk}, {"valid", a.valid}, {"score", a.score}});
    return QJsonObject{{"command", command},
                       {"explanation", explanation},
                       {"risk", risk},
                       {"reasons", reasons_json},
                       {"valid", valid},
                       {"messages", messages_json},
                       {"flags", flags_json},
                       {"checked", checked},
                       {"warnings", warnings_json},
                       {"alternatives", alternatives_json}};
}

GenerationRequest CommandTask::prepare(const CommandRequest& request) const {
    std::vector<domain::CommandExample> examples;
    if (corpus_) {
        for (const auto* e : corpus_->similar_commands(request.request.toStdString(),
                                                       static_cast<size_t>(std::max(0, request.example_count))))
            examples.push_back(*e);
    }
    std::string slice;
    if (request.catalogue_slice) {
        if (const auto* index = domain::CommandCatalogueIndex::builtin())
            slice = domain::command_catalogue_slice(request.request.toStdString(), *index);
    }
    GenerationRequest g;
    g.messages = to_messages(domain::build_command_messages(request.request.toStdString(), request.shell.toStdString(),
                                                            request.os.toStdString(), examples, slice));
    g.max_tokens = 160;
    g.temperature = 0.0;
    // A candidate the constraint keeps from ending (a question answered with a line that may not end
    // as written) stops early instead of running on to max_tokens: once the mask has refused the
    // model's own choice 5 times, or after 64 tokens without reaching its explanation (the longest
    // reference command of the suites is 47 tokens). Measured (README): one answer of the four
    // command suites changes (a wrong one for another wrong one), and requests whose candidates ran
    // to max_tokens answer 3-6x sooner.
    g.incomplete_limit = 64;
    g.override_limit = 5;
    if (request.constrain)
        g.constraint =
            domain::make_command_constraint(domain::builtin_command_grammar(), request.request.toStdString());
    return g;
}

CommandResult CommandTask::finish(const CommandRequest& request, const QString& raw_output,
                                  const GenerationStats& stats) const {
    return finish_candidates(request, {GeneratedAnswer{raw_output, 0.0}}, stats);
}

CommandResult CommandTask::finish_candidates(const CommandRequest& request, const QList<GeneratedAnswer>& answers,
                                             const GenerationStats& stats) const {
    CommandResult r;
    r.request = request.request;
    r.raw_output = answers.isEmpty() ? QString() : answers.front().text;
    r.stats = stats;
    const std::string req = request.request.toStdString();
    std::vector<domain::CommandCandidate> candidates;
    std::string first_problem;
    int order = 0;
    for (const GeneratedAnswer& a : answers) {
        const domain::ParsedCommand parsed = domain::parse_command_answer(a.text.toStdString());
        if (!parsed.found) {
            if (first_problem.empty()) first_problem = parsed.problem;
            ++order;
            continue;
        }
        domain::CommandCandidate c{parsed.command, parsed.explanation, a.logprob, order, {}};
        candidates.push_back(c);
        // A line that never reached its explanation ran to the token limit (under a constraint: the
        // line could not end as written). Its longest leading words that validate are a candidate too.
        if (parsed.explanation.empty()) {
            const std::string cut = longest_valid_prefix(parsed.command);
            if (!cut.empty() && cut != parsed.command) {
                domain::CommandCandidate t = c;
                t.command = cut;
                t.repaired_from = parsed.command;
                candidates.push_back(t);
            }
        }
        if (request.repair) {
            const std::string fixed = domain::repair_command(req, parsed.command);
            if (fixed != parsed.command) {
                domain::CommandCandidate f = c;
                f.command = fixed;
                f.repaired_from = parsed.command;
                candidates.push_back(f);
            }
        }
        ++order;
    }
    // The catalogue's proposals join what the model answered; they never answer alone.
    if (request.proposals && !candidates.empty()) {
        if (const domain::NvsmiCatalog* nvsmi = domain::NvsmiCatalog::builtin()) {
            for (const std::string& command : domain::propose_commands(req, *nvsmi)) {
                domain::CommandCandidate p{command, {}, 0.0, order++, {}};
                p.proposed = true;
                candidates.push_back(p);
            }
        }
    }
    if (candidates.empty()) {
        r.valid = false;
        r.messages.push_back(
            {QStringLiteral("error"), q(first_problem.empty() ? "the model gave no answer" : first_problem), {}, 0, 0});
        r.reasons << QStringLiteral("no command to classify");
        return r;
    }
    domain::RerankOptions options;
    if (!request.rerank) options = {false, false, false, false, 0.0};
    std::vector<domain::RankedCommand> ranked = domain::rerank_commands(req, candidates, options);
    if (!request.rerank) {
        // The first answer (or its repair) wins; the rest keep their generation order.
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
            return a.candidate.order < b.candidate.order ||
                   (a.candidate.order == b.candidate.order && !a.candidate.repaired_from.empty() &&
                    b.candidate.repaired_from.empty());
        });
    }
    // A question never gets a command that changes the system: the best read-only candidate answers
    // it, and when every candidate changes something none is offered (they stay listed below).
    const domain::IntentReading intent = domain::read_intent(req);
    if (intent.intent == domain::RequestIntent::Read && ranked.front().check.risk != domain::Risk::ReadOnly) {
        const auto looks = std::find_if(ranked.begin(), ranked.end(), [](const domain::RankedCommand& c) {
            return c.check.valid && c.check.risk == domain::Risk::ReadOnly;
        });
        if (looks == ranked.end()) {
            r.valid = false;
            r.messages.push_back(
                {QStringLiteral("error"),
                 QStringLiteral("the request asks to look (\"%1\") but every candidate changes the system; "
                                "none is offered")
                     .arg(q(intent.cue)),
                 {},
                 0,
                 0});
            r.reasons << QStringLiteral("no read-only candidate");
            r.checked = QStringLiteral("checked: %1 candidate(s), none read-only").arg(ranked.size());
            for (size_t i = 0; i < ranked.size() && i < 4; ++i)
                r.alternatives.push_back({q(ranked[i].candidate.command),
                                          QString::fromLatin1(domain::risk_text(ranked[i].check.risk)),
                                          ranked[i].check.valid, ranked[i].score});
            return r;
        }
        std::rotate(ranked.begin(), looks, looks + 1);
    } else if (intent.intent == domain::RequestIntent::Unknown && ranked.front().check.risk != domain::Risk::ReadOnly) {
        // A request with no action word but a word of change ("persistence off on gpu 2") gets the least
        // effect the model offers:
        // a valid read-only candidate when there is one; otherwise the change, with its warning below.
        const auto looks = std::find_if(ranked.begin(), ranked.end(), [](const domain::RankedCommand& c) {
            return c.check.valid && c.check.risk == domain::Risk::ReadOnly;
        });
        if (looks != ranked.end()) std::rotate(ranked.begin(), looks, looks + 1);
    }
    const domain::RankedCommand& best = ranked.front();
    r.command = q(best.candidate.command);
    apply_check(r, best.check);
    r.flags = explain_flags(best.candidate.command);
    // The explanation must match the command: the model's only when it names nothing the command lacks.
    const std::string composed = domain::compose_explanation(best.candidate.command);
    if (!best.candidate.explanation.empty() && best.candidate.repaired_from.empty() &&
        domain::explanation_matches(best.candidate.explanation, best.candidate.command))
        r.explanation = q(best.candidate.explanation);
    else r.explanation = q(composed.empty() ? best.candidate.explanation : composed);
    if (!best.candidate.repaired_from.empty())
        // The model's own text may echo a secret from the request: quote it redacted.
        r.warnings << QStringLiteral("repaired from the model's answer: %1")
                          .arg(q(domain::redact_secrets(best.candidate.repaired_from)));
    const std::string guard = domain::intent_risk_warning(intent, best.check.risk);
    if (!guard.empty()) r.warnings << q(guard);
    if (best.literals.covered < best.literals.request_total)
        r.warnings << QStringLiteral("%1 of the request's %2 values (numbers, names, paths) are not in the command")
                          .arg(best.literals.request_total - best.literals.covered)
                          .arg(best.literals.request_total);
    r.checked =
        best.check.valid
            ? QStringLiteral("syntax, programs, options, nvidia-smi fields and risk checked; %1 candidate(s) ranked")
                  .arg(ranked.size())
            : QStringLiteral("checked: does not validate");
    if (best.candidate.proposed)
        r.checked += QStringLiteral("; composed from the nvidia-smi catalogue for the request's words");
    for (size_t i = 1; i < ranked.size() && i <= 4; ++i) {
        const domain::RankedCommand& alt = ranked[i];
        r.alternatives.push_back({q(alt.candidate.command), QString::fromLatin1(domain::risk_text(alt.check.risk)),
                                  alt.check.valid, alt.score});
    }
    return r;
}

CommandResult CommandTask::check(const QString& command) {
    CommandResult r;
    r.command = command;
    apply_check(r, domain::check_command(command.toStdString()));
    r.flags = explain_flags(command.toStdString());
    return r;
}

}  // namespace sigma::app
