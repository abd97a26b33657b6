// CmdCompare: canonical forms of parsed commands, compared field by field. Not fuzzy: anything the
// catalogues cannot canonicalise is compared as written.
#include "app/domain/cmd_compare.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "app/domain/nvsmi_validator.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"
#include "app/domain/shell_tokens.h"

namespace sigma::domain {

namespace {

struct Canon {
    std::string program;
    std::vector<std::string> env;
    std::vector<std::string> redirections;
    std::vector<std::string> subcommand;
    std::vector<std::string> positionals;
    std::vector<std::pair<std::string, std::string>> options;  // sorted
    ShellOp next = ShellOp::None;
    int depth = 0;
    bool operator==(const Canon&) const = default;
};

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    return s.substr(b);
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t b = 0;
    while (true) {
        const size_t e = s.find(',', b);
        out.push_back(trim(s.substr(b, e == std::string::npos ? std::string::npos : e - b)));
        if (e == std::string::npos) break;
        b = e + 1;
    }
    return out;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string sorted_set(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    std::string out;
    for (const std::string& i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

const NvsmiOption* nvsmi_option(const NvsmiCatalog& cat, const std::string& sub, const std::string& long_name) {
    if (sub.empty()) return cat.find_option(long_name);
    const NvsmiSubcommand* s = cat.find_subcommand(sub);
    return s ? s->find_option(long_name) : nullptr;
}

std::string nvsmi_value(const NvsmiCatalog& cat, const NvsmiOption* opt, const std::string& value) {
    if (!opt) return value;
    switch (opt->arg) {
        case NvsmiArg::FieldList: {
            const NvsmiQuery* q = cat.find_query(opt->long_name);
            std::vector<std::string> items;
            for (const std::string& f : split_commas(value)) {
                const NvsmiField* field = q ? q->find(f) : nullptr;
                items.push_back(field ? field->name : f);
            }
            return sorted_set(items);
        }
        case NvsmiArg::DisplayList: {
            std::vector<std::string> items;
            for (const std::string& f : split_commas(value)) items.push_back(upper(f));
            return sorted_set(items);
        }
        case NvsmiArg::FormatList:
        case NvsmiArg::IdList:
        case NvsmiArg::IntList: return sorted_set(split_commas(value));
        case NvsmiArg::Enum:
        case NvsmiArg::Optional:
            for (const NvsmiValue& v : opt->values)
                if (upper(v.value) == upper(value) || (!v.name.empty() && upper(v.name) == upper(value)))
                    return v.value;
            return value;
        default: return value;
    }
}

Canon canonical(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const SimpleCommand& cmd) {
    Canon c;
    c.program = program_basename(cmd.program.text);
    c.next = cmd.next;
    c.depth = cmd.depth;
    for (const auto& [k, v] : cmd.env) c.env.push_back(k + "=" + v);
    std::sort(c.env.begin(), c.env.end());
    for (const ShellRedirection& r : cmd.redirections) c.redirections.push_back(r.op + " " + r.target);
    std::sort(c.redirections.begin(), c.redirections.end());
    if (c.program == "nvidia-smi") {
        const NvsmiCheck n = check_nvsmi(nvsmi, cmd);
        if (!n.invocation.subcommand.empty()) c.subcommand.push_back(n.invocation.subcommand);
        for (const auto& [name, value] : n.invocation.options)
            c.options.emplace_back(name, nvsmi_value(nvsmi, nvsmi_option(nvsmi, n.invocation.subcommand, name), value));
    } else if (const ShellSpec* tool = shell.find(cmd.program.text)) {
        c.program = tool->name;  // egrep and grep differ in behaviour only by -E, kept as an option below
        if (program_basename(cmd.program.text) != tool->name)
            c.options.emplace_back("program", program_basename(cmd.program.text));
        const ToolArgs ta = shell.walk(*tool, cmd.args);
        c.subcommand = ta.subcommand_path;
        const ShellOption* count_option = tool->find_option("-n");
        for (const ToolArgs::Opt& o : ta.options) {
            std::string name = o.option ? o.option->name() : o.written;
            // head -20 is head -n 20.
            if (o.written == "-NUM" && count_option && count_option->arg == ShellOption::Arg::Required)
                name = count_option->name();
            c.options.emplace_back(name, o.has_value ? o.value : "");
        }
        for (size_t p : ta.positionals) c.positionals.push_back(cmd.args[p].text);
        if (!ta.unknown_subcommand.empty()) {
            c.subcommand.push_back(ta.unknown_subcommand);
            auto it = std::find(c.positionals.begin(), c.positionals.end(), ta.unknown_subcommand);
            if (it != c.positionals.end()) c.positionals.erase(it);
        }
        if (ta.wrapped_start < cmd.args.size())
            for (size_t k = ta.wrapped_start; k < cmd.args.size(); ++k) c.positionals.push_back(cmd.args[k].text);
    } else {
        for (const ShellWord& w : cmd.args) {
            if (w.text.size() > 1 && w.text[0] == '-') {
                const size_t eq = w.text.find('=');
                c.options.emplace_back(w.text.substr(0, eq), eq == std::string::npos ? "" : w.text.substr(eq + 1));
            } else {
                c.positionals.push_back(w.text);
            }
        }
    }
    std::sort(c.options.begin(), c.options.end());
    return c;
}

}  // namespace

bool commands_exact(std::string_view a, std::string_view b) {
    return normalize_whitespace(a) == normalize_whitespace(b);
}

bool commands_equivalent(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, std::string_view a, std::string_view b) {
    if (commands_exact(a, b)) return true;
    const ShellParseResult pa = parse_shell(a);
    const ShellParseResult pb = parse_shell(b);
    if (!pa.ok || !pb.ok || pa.commands.size() != pb.commands.size()) return false;
    for (size_t i = 0; i < pa.commands.size(); ++i)
        if (!(canonical(shell, nvsmi, pa.commands[i]) == canonical(shell, nvsmi, pb.commands[i]))) return false;
    return true;
}

bool commands_equivalent(std::string_view a, std::string_view b) {
    const ShellCatalog* shell = ShellCatalog::builtin();
    const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin();
    if (!shell || !nvsmi) return commands_exact(a, b);
    return commands_equivalent(*shell, *nvsmi, a, b);
}

double cmd_token_f1(std::string_view generated, std::string_view reference) {
    const std::vector<std::string> g = shell_tokens(generated);
    const std::vector<std::string> r = shell_tokens(reference);
    if (g.empty() && r.empty()) return 1.0;
    if (g.empty() || r.empty()) return 0.0;
    std::map<std::string, int> counts;
    for (const std::string& t : r) ++counts[t];
    size_t common = 0;
    for (const std::string& t : g) {
        auto it = counts.find(t);
        if (it != counts.end() && it->second > 0) {
            --it->second;
            ++common;
        }
    }
    if (common == 0) return 0.0;
    const double precision = static_cast<double>(common) / static_cast<double>(g.size());
    const double recall = static_cast<double>(common) / static_cast<double>(r.size());
    return 2.0 * precision * recall / (precision + recall);
}

}  // namespace sigma::domain
