// Command and field explanations from the nvidia-smi catalogue and from the command examples
// already in the corpus. Every command is validated and carries the classifier's risk.
// Not a paraphraser: explanations are the catalogue's summaries with light framing.
#include "tools/datagen/gen_explain.h"

#include "app/domain/command_validator.h"
#include "app/domain/nvsmi_catalog.h"

namespace sigma::datagen {

namespace {

const std::vector<std::string>& question_forms() {
    static const std::vector<std::string> q = {"what does `{cmd}` do?",
                                               "explain {cmd}",
                                               "what is `{cmd}` for?",
                                               "explain this command: {cmd}",
                                               "what happens if I run {cmd}?",
                                               "meaning of `{cmd}`",
                                               "is `{cmd}` safe to run? what does it do",
                                               "describe: {cmd}"};
    return q;
}

const std::vector<std::string>& field_forms() {
    static const std::vector<std::string> q = {
        "what does the nvidia-smi field {field} report?", "how do I query {field} with nvidia-smi?",
        "explain the query field {field}", "what is {field} in nvidia-smi --query-gpu?"};
    return q;
}

std::string sentence(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
    if (!s.empty() && s.back() != '.') s += '.';
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string risk_note(domain::Risk r) {
    switch (r) {
        case domain::Risk::ReadOnly: return "";
        case domain::Risk::ChangesState: return " It changes the GPU's or system's state.";
        case domain::Risk::Destructive: return " It is destructive: processes using it are killed.";
    }
    return "";
}

std::string field_words(const std::string& name) {
    std::string w;
    for (char c : name) w += (c == '.' || c == '_') ? ' ' : c;
    return w;
}

std::string arg_value(const domain::NvsmiOption& o) {
    using A = domain::NvsmiArg;
    if (!o.values.empty()) return o.values.front().value;
    switch (o.arg) {
        case A::Int: return "5";
        case A::Number: return "250";
        case A::IdList: return "0";
        case A::IntList: return "0";
        case A::File: return "out.txt";
        case A::ClockPair: return "1200,1800";
        case A::String: return "node1";
        default: return "";
    }
}

}  // namespace

void generate_explanations(const ExplainGenOptions& options, CorpusWriter& out, GenCounts& counts) {
    Rng rng(options.seed ^ hash_text("explain"));
    auto add = [&](const std::string& family, const std::string& question, const std::string& command,
                   const std::string& explanation) {
        const auto check = domain::check_command(command);
        if (!check.valid) {
            counts.drop("invalid command");
            return;
        }
        Example ex;
        ex.task = "explain";
        ex.family = family;
        ex.request = rng.chance(0.5) ? capitalise(question) : question;
        ex.risk = domain::risk_text(check.risk);
        ex.messages = domain::build_command_messages(ex.request, "bash", "Linux", {});
        ex.messages.push_back(
            {"assistant", domain::format_command_answer(command, sentence(explanation) + risk_note(check.risk))});
        out.add(std::move(ex), counts);
    };
    auto ask = [&](const std::vector<std::string>& forms, const std::string& key, const std::string& value,
                   size_t* form) {
        *form = rng.below(forms.size());
        return fill(forms[*form], {{key, value}});
    };
    std::string err;
    const domain::NvsmiCatalog* nvsmi = domain::NvsmiCatalog::builtin(&err);
    if (!nvsmi) {
        counts.drop("nvidia-smi catalogue unavailable: " + err);
        return;
    }
    size_t form = 0;
    for (size_t rep = 0; rep < options.per_entry; ++rep) {
        // Top-level options with their summaries.
        for (const auto& o : nvsmi->options()) {
            if (o.summary.empty() || o.long_name.starts_with("--query-") || o.long_name == "--format") continue;
            const std::string spelling = !o.short_name.empty() && rng.chance(0.7) ? o.short_name : o.long_name;
            std::string cmd = "nvidia-smi " + spelling;
            const std::string v = arg_value(o);
            if (!v.empty()) cmd += (spelling.starts_with("--") ? "=" : " ") + v;
            if (!o.requires_one_of.empty()) cmd += " " + o.requires_one_of.front();
            const std::string q = ask(question_forms(), "cmd", cmd, &form);
            add("explain/nvsmi-option/q" + std::to_string(form), q, cmd, o.summary);
        }
        // Subcommand options.
        for (const auto& sub : nvsmi->subcommands()) {
            for (const auto& o : sub.options) {
                if (o.summary.empty() || o.arg != domain::NvsmiArg::None) continue;
                const std::string spelling = !o.short_name.empty() && rng.chance(0.7) ? o.short_name : o.long_name;
                const std::string cmd = "nvidia-smi " + sub.name + " " + spelling;
                const std::string q = ask(question_forms(), "cmd", cmd, &form);
                add("explain/nvsmi-sub/q" + std::to_string(form), q, cmd, "nvidia-smi " + sub.name + ": " + o.summary);
            }
        }
        // -q -d sections.
        for (const auto& d : nvsmi->display_sections()) {
            const std::string cmd = "nvidia-smi -q -d " + d;
            const std::string q = ask(question_forms(), "cmd", cmd, &form);
            add("explain/nvsmi-section/q" + std::to_string(form), q, cmd,
                "Prints only the " + field_words(d) + " section of the detailed query (-q) for every GPU");
        }
        // Query fields.
        for (const auto& query : nvsmi->queries()) {
            for (const auto& f : query.fields) {
                if (rng.chance(0.5)) continue;
                const std::string cmd = "nvidia-smi " + query.option + "=" + f.name + " --format=csv";
                const std::string q = ask(field_forms(), "field", f.name, &form);
                std::string expl = "Queries " + f.name + " (" + field_words(f.name) + ") with " + query.option +
                                   " and prints it as CSV";
                if (!f.aliases.empty()) expl += "; " + f.aliases.front() + " is another name for it";
                add("explain/nvsmi-field/q" + std::to_string(form), q, cmd, expl);
            }
        }
    }
    // Twins of the command examples already generated: the command in the question, its explanation.
    std::vector<Example> twins;
    for (const Record& r : out.records()) {
        if (r.example.task != "cmd" || !rng.chance(options.from_commands)) continue;
        const auto parsed = domain::parse_command_answer(r.example.messages.back().content);
        if (!parsed.found) continue;
        const std::string intent = r.example.family.substr(0, r.example.family.rfind('/'));
        const std::string q = ask(question_forms(), "cmd", parsed.command, &form);
        Example ex;
        ex.task = "explain";
        ex.family = "explain/" + intent.substr(4) + "/q" + std::to_string(form);
        ex.request = q;
        ex.risk = r.example.risk;
        ex.messages = domain::build_command_messages(q, "bash", "Linux", {});
        std::string expl = parsed.explanation;
        if (ex.risk == "destructive" && expl.find("destruct") == std::string::npos) expl += " This is destructive.";
        ex.messages.push_back({"assistant", domain::format_command_answer(parsed.command, expl)});
        twins.push_back(std::move(ex));
    }
    for (Example& ex : twins) out.add(std::move(ex), counts);
}

}  // namespace sigma::datagen
