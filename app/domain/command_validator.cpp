// CommandValidator: parse, then per command: nvidia-smi validator, catalogued option checks, and the
// unknown-program policy (a likely typo of a known program is an error, anything else a warning).
// Not the risk rules themselves: those are RiskClassifier's.
#include "app/domain/command_validator.h"

#include "app/domain/json_parse.h"
#include "app/domain/nvsmi_validator.h"
#include "app/domain/shell_parser.h"

namespace sigma::domain {

namespace {

using Sev = CheckMessage::Severity;

CheckMessage message(Sev sev, std::string text, const ShellWord& w, std::vector<std::string> sugg = {}) {
    CheckMessage m;
    m.severity = sev;
    m.text = std::move(text);
    m.suggestions = std::move(sugg);
    m.start = w.start;
    m.length = w.length;
    return m;
}

// An unknown program is an error only when it is one edit away from a known name of 4+ letters
// (nvidai-smi, systemclt, dokcer); otherwise tools outside the catalogue are a warning.
void unknown_program(const ShellCatalog& shell, const SimpleCommand& cmd, std::vector<CheckMessage>& out) {
    const std::string& name = cmd.program.text;
    if (name.find('/') != std::string::npos) {
        out.push_back(
            message(Sev::Warning, "'" + name + "' is a local program; its options are not checked", cmd.program));
        return;
    }
    std::vector<std::string> names = shell.names();
    const std::vector<std::string> near = suggest(name, names);
    if (!near.empty() && name.size() >= 4 && edit_distance(name, near[0], 1) <= 1) {
        out.push_back(message(Sev::Error, "unknown program '" + name + "'", cmd.program, near));
        return;
    }
    out.push_back(
        message(Sev::Warning, "unknown program '" + name + "' (not in the catalogue; not checked)", cmd.program, near));
}

}  // namespace

CommandCheck check_command(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, std::string_view line) {
    CommandCheck c;
    const ShellParseResult parsed = parse_shell(line);
    const RiskReport risk = classify_line(shell, nvsmi, parsed);
    c.risk = risk.risk;
    c.reasons = risk.reasons;
    if (!parsed.ok) {
        CheckMessage m;
        m.text = "cannot parse the command: " + parsed.error;
        m.start = parsed.error_pos;
        m.length = parsed.error_pos < line.size() ? 1 : 0;
        c.messages.push_back(std::move(m));
        c.valid = false;
        return c;
    }
    for (const SimpleCommand& cmd : parsed.commands) {
        if (cmd.program.text.empty()) continue;
        if (cmd.program.expands) {
            c.messages.push_back(message(
                Sev::Warning, "the program name '" + cmd.program.text + "' is computed at run time; not checked",
                cmd.program));
            continue;
        }
        if (program_basename(cmd.program.text) == "nvidia-smi") {
            NvsmiCheck n = check_nvsmi(nvsmi, cmd);
            for (CheckMessage& m : n.messages) c.messages.push_back(std::move(m));
            continue;
        }
        const ShellSpec* tool = shell.find(cmd.program.text);
        if (!tool) {
            c.unknown_programs.push_back(cmd.program.text);
            unknown_program(shell, cmd, c.messages);
            continue;
        }
        ToolArgs ta = shell.walk(*tool, cmd.args);
        for (CheckMessage& m : ta.messages) c.messages.push_back(std::move(m));
    }
    c.valid = true;
    for (const CheckMessage& m : c.messages)
        if (m.severity == Sev::Error) c.valid = false;
    return c;
}

CommandCheck check_command(std::string_view line) {
    std::string err;
    const ShellCatalog* shell = ShellCatalog::builtin(&err);
    const NvsmiCatalog* nvsmi = shell ? NvsmiCatalog::builtin(&err) : nullptr;
    if (!shell || !nvsmi) {
        CommandCheck c;
        c.valid = false;
        c.risk = Risk::ChangesState;
        c.reasons.push_back("the knowledge packs are unavailable, so the command cannot be judged");
        CheckMessage m;
        m.text = "knowledge pack not loaded: " + err;
        c.messages.push_back(std::move(m));
        return c;
    }
    return check_command(*shell, *nvsmi, line);
}

nlohmann::ordered_json command_check_json(const CommandCheck& c) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    o["valid"] = c.valid;
    o["risk"] = risk_text(c.risk);
    o["reasons"] = c.reasons;
    nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
    for (const CheckMessage& m : c.messages) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        j["severity"] = severity_text(m.severity);
        j["message"] = m.text;
        j["suggestions"] = m.suggestions;
        j["start"] = m.start;
        j["length"] = m.length;
        msgs.push_back(std::move(j));
    }
    o["messages"] = std::move(msgs);
    return o;
}

}  // namespace sigma::domain
