// CommandTask: prompt from the shared task format, answer parsed tolerantly, then every flag and
// field checked by the command validator before anything is shown.
#include "app/command_task.h"

#include <QJsonArray>

#include "app/domain/command_validator.h"
#include "app/domain/example_corpus.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/shell_parser.h"
#include "app/domain/task_prompt.h"

namespace sigma::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QList<ChatMessage> to_messages(const std::vector<domain::ChatTurn>& turns) {
    QList<ChatMessage> out;
    for (const auto& t : turns) out.push_back({q(t.role), q(t.content)});
    return out;
}

// nvidia-smi options explained from the catalogue; other programs' options are listed as written.
QList<FlagExplanation> explain_flags(const std::string& command) {
    QList<FlagExplanation> out;
    const domain::ShellParseResult parsed = domain::parse_shell(command);
    if (!parsed.ok) return out;
    const domain::NvsmiCatalog* nvsmi = domain::NvsmiCatalog::builtin();
    for (const domain::SimpleCommand& c : parsed.commands) {
        const bool is_nvsmi = c.program.text == "nvidia-smi";
        for (const domain::ShellWord& arg : c.args) {
            const std::string& word = arg.text;
            if (word.size() < 2 || word[0] != '-') continue;
            const std::string name = word.substr(0, word.find('='));
            QString meaning;
            if (is_nvsmi && nvsmi) {
                if (const auto* opt = nvsmi->find_option(name)) meaning = q(opt->summary);
            }
            out.push_back({q(word), meaning});
        }
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
    for (const FlagExplanation& f : flags) flags_json.append(QJsonObject{{"flag", f.flag}, {"meaning", f.meaning}});
    return QJsonObject{{"command", command},         {"explanation", explanation}, {"risk", risk},
                       {"reasons", reasons_json},    {"valid", valid},             {"messages", messages_json},
                       {"flags", flags_json}};
}

GenerationRequest CommandTask::prepare(const CommandRequest& request) const {
    std::vector<domain::CommandExample> examples;
    if (corpus_) {
        for (const auto* e : corpus_->similar_commands(request.request.toStdString(),
                                                       static_cast<size_t>(std::max(0, request.example_count))))
            examples.push_back(*e);
    }
    GenerationRequest g;
    g.messages = to_messages(domain::build_command_messages(request.request.toStdString(), request.shell.toStdString(),
                                                            request.os.toStdString(), examples));
    g.max_tokens = 160;
    g.temperature = 0.0;
    return g;
}

CommandResult CommandTask::finish(const CommandRequest& request, const QString& raw_output,
                                  const GenerationStats& stats) const {
    CommandResult r;
    r.request = request.request;
    r.raw_output = raw_output;
    r.stats = stats;
    const domain::ParsedCommand parsed = domain::parse_command_answer(raw_output.toStdString());
    if (!parsed.found) {
        r.valid = false;
        r.messages.push_back({QStringLiteral("error"), q(parsed.problem), {}, 0, 0});
        r.reasons << QStringLiteral("no command to classify");
        return r;
    }
    r.command = q(parsed.command);
    r.explanation = q(parsed.explanation);
    apply_check(r, domain::check_command(parsed.command));
    r.flags = explain_flags(parsed.command);
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
