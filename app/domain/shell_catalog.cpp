// ShellCatalog: loads the shell pack and walks a command's words against it (options, clusters like
// -rf, GNU --long=value and unique prefixes, subcommands, wrapped commands). Not a risk judge.
#include "app/domain/shell_catalog.h"

#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>

#include "app/domain/json_parse.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

using nlohmann::ordered_json;

namespace {

bool parse_option_spec(const std::string& spec, ShellOption& o) {
    std::string s = spec;
    if (s.size() > 3 && s.compare(s.size() - 3, 3, "[=]") == 0) {
        o.arg = ShellOption::Arg::Optional;
        s.resize(s.size() - 3);
    } else if (!s.empty() && s.back() == '=') {
        o.arg = ShellOption::Arg::Required;
        s.pop_back();
    }
    size_t b = 0;
    while (b <= s.size()) {
        const size_t e = s.find('|', b);
        std::string part = s.substr(b, e == std::string::npos ? std::string::npos : e - b);
        if (part.empty()) return false;
        o.spellings.push_back(part);
        if (e == std::string::npos) break;
        b = e + 1;
    }
    return !o.spellings.empty();
}

std::optional<RiskNote> parse_note(const ordered_json& j) {
    if (j.is_string()) {
        auto r = risk_from_text(json_text(j));
        if (!r) return std::nullopt;
        return RiskNote{*r, ""};
    }
    if (j.is_array() && j.size() == 2) {
        auto r = risk_from_text(json_text(j[0]));
        if (!r) return std::nullopt;
        return RiskNote{*r, json_text(j[1])};
    }
    return std::nullopt;
}

bool parse_spec(const std::string& name, const ordered_json& j, ShellSpec& s, std::string& err) {
    s.name = name;
    if (j.is_string() || j.is_array()) {  // shorthand: "read-only" or ["destructive", "why"]
        auto n = parse_note(j);
        if (!n) {
            err = "bad risk for " + name;
            return false;
        }
        s.risk = *n;
        return true;
    }
    if (!j.is_object()) {
        err = "entry " + name + " is not an object";
        return false;
    }
    const ordered_json& risk = json_member(j, "risk");
    auto n = parse_note(risk.is_null() ? ordered_json("read-only") : risk);
    if (!n) {
        err = "bad risk for " + name;
        return false;
    }
    s.risk = *n;
    if (const ordered_json* r = json_find(j, "reason")) s.risk.reason = json_text(*r);
    s.aliases = json_strings(j, "aliases");
    s.style = json_string(j, "style", "gnu");
    s.options_complete = json_bool(j, "options_complete");
    s.numeric_option = json_bool(j, "numeric_option");
    s.signal_option = json_bool(j, "signal_option");
    s.prefix_match = json_bool(j, "prefix_match");
    s.shell = json_bool(j, "shell");
    s.script_runner = json_bool(j, "script_runner");
    s.awk_script = json_bool(j, "awk_script");
    for (const std::string& o : json_strings(j, "options")) {
        ShellOption opt;
        if (!parse_option_spec(o, opt)) {
            err = name + ": bad option spec '" + o + "'";
            return false;
        }
        s.options.push_back(std::move(opt));
    }
    if (const ordered_json* sm = json_find(j, "summaries"); sm && !sm->is_null()) {
        if (!sm->is_object()) {
            err = name + ": \"summaries\" is not an object";
            return false;
        }
        for (const auto& [k, v] : sm->items()) {
            // A summary for an option the entry does not list would never be shown: a pack error.
            ShellOption* o = nullptr;
            for (ShellOption& opt : s.options)
                for (const std::string& sp : opt.spellings)
                    if (sp == k) o = &opt;
            if (!o || !v.is_string() || json_text(v).empty()) {
                err = name + ": summary for '" + k + "', which is not one of its options";
                return false;
            }
            o->summary = json_text(v);
        }
    }
    for (const auto& [k, v] : json_object(j, "option_risk").items()) {
        auto note = parse_note(v);
        if (!note) {
            err = name + ": bad option_risk for " + k;
            return false;
        }
        const ShellOption* o = s.find_option(k);
        s.option_risk[o ? o->name() : k] = *note;
    }
    for (const std::string& o : json_strings(j, "read_only_options")) {
        const ShellOption* opt = s.find_option(o);
        s.read_only_options.push_back(opt ? opt->name() : o);
    }
    if (const ordered_json* p = json_find(j, "positional_risk"); p && !p->is_null()) s.positional_risk = parse_note(*p);
    if (const ordered_json* p = json_find(j, "assignment_risk"); p && !p->is_null()) s.assignment_risk = parse_note(*p);
    for (const auto& [k, v] : json_object(j, "risky_words").items()) {
        auto r = risk_from_text(json_text(v));
        if (!r) {
            err = name + ": bad risky_words entry " + k;
            return false;
        }
        s.risky_words[k] = *r;
    }
    for (const auto& [k, v] : json_object(j, "subcommands").items()) {
        ShellSpec sub;
        if (!parse_spec(k, v, sub, err)) return false;
        s.subcommands.push_back(std::move(sub));
    }
    if (const ordered_json* d = json_find(j, "subcommand_default"))
        s.subcommand_default = risk_from_text(json_text(*d));
    if (const ordered_json* d = json_find(j, "no_subcommand")) s.no_subcommand = risk_from_text(json_text(*d));
    s.subcommand_position = static_cast<int>(json_int(j, "subcommand_position", 1));
    if (const ordered_json* w = json_find(j, "wraps"); w && w->is_object()) {
        s.wraps.present = true;
        s.wraps.skip_positionals = static_cast<int>(json_int(*w, "skip_positionals", 0));
        s.wraps.join_string = json_bool(*w, "join_string");
        s.wraps.skip_assignments = json_bool(*w, "skip_assignments");
        s.wraps.after_double_dash = json_bool(*w, "after_double_dash");
        s.wraps.default_command = json_string(*w, "default_command");
        if (const ordered_json* nr = json_find(*w, "none_risk")) s.wraps.none_risk = parse_note(*nr);
    }
    return true;
}

const ShellOption* find_in_chain(const std::vector<const ShellSpec*>& chain, std::string_view spelling) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        if (const ShellOption* o = (*it)->find_option(spelling)) return o;
    return nullptr;
}

// GNU getopt_long accepts any unambiguous prefix of a long option.
const ShellOption* find_long_prefix(const std::vector<const ShellSpec*>& chain, std::string_view prefix) {
    const ShellOption* found = nullptr;
    for (const ShellSpec* s : chain)
        for (const ShellOption& o : s->options)
            for (const std::string& sp : o.spellings)
                if (sp.size() > prefix.size() && sp.rfind("--", 0) == 0 && sp.compare(0, prefix.size(), prefix) == 0) {
                    if (found && found != &o) return nullptr;
                    found = &o;
                }
    return found;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace

const ShellOption* ShellSpec::find_option(std::string_view spelling) const {
    for (const ShellOption& o : options)
        for (const std::string& s : o.spellings)
            if (s == spelling) return &o;
    return nullptr;
}

const ShellSpec* ShellSpec::find_subcommand(std::string_view n) const {
    for (const ShellSpec& s : subcommands)
        if (s.name == n) return &s;
    return nullptr;
}

std::string program_basename(std::string_view program) {
    const size_t slash = program.rfind('/');
    return std::string(slash == std::string_view::npos ? program : program.substr(slash + 1));
}

std::optional<ShellCatalog> ShellCatalog::load(const std::string& path, std::string* error) {
    auto fail = [&](const std::string& m) -> std::optional<ShellCatalog> {
        if (error) *error = path + ": " + m;
        return std::nullopt;
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open the shell knowledge pack");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string perr;
    auto doc = parse_json(ss.str(), &perr);
    if (!doc) return fail(perr);
    if (json_int(*doc, "format_version", -1) != 1)
        return fail("unsupported format_version (this build reads version 1)");
    ShellCatalog c;
    std::string err;
    for (const ordered_json& t : json_array(*doc, "tools")) {
        ShellSpec s;
        const std::string name = json_string(t, "name");
        if (name.empty()) return fail("a tool has no name");
        if (!parse_spec(name, t, s, err)) return fail(err);
        c.tools_.push_back(std::move(s));
    }
    if (c.tools_.empty()) return fail("no tools");
    return c;
}

const ShellCatalog* ShellCatalog::builtin(std::string* error) {
    static std::once_flag once;
    static std::optional<ShellCatalog> catalog;
    static std::string load_error;
    std::call_once(once, [] {
        const std::string dir = knowledge_path("shell");
        if (dir.empty()) {
            load_error = "no resources folder found (set SIGMA_RESOURCES)";
            return;
        }
        catalog = load(dir + "/tools.json", &load_error);
    });
    if (!catalog && error) *error = load_error;
    return catalog ? &*catalog : nullptr;
}

const ShellSpec* ShellCatalog::find(std::string_view program) const {
    const std::string base = program_basename(program);
    if (base.empty()) return nullptr;
    for (const ShellSpec& t : tools_) {
        if (t.name == base) return &t;
        for (const std::string& a : t.aliases)
            if (a == base) return &t;
    }
    for (const ShellSpec& t : tools_)
        if (t.prefix_match && base.size() > t.name.size() + 1 && base.compare(0, t.name.size(), t.name) == 0 &&
            base[t.name.size()] == '.')
            return &t;
    return nullptr;
}

std::vector<std::string> ShellCatalog::names() const {
    std::vector<std::string> out;
    for (const ShellSpec& t : tools_) {
        out.push_back(t.name);
        for (const std::string& a : t.aliases) out.push_back(a);
    }
    return out;
}

ToolArgs ShellCatalog::walk(const ShellSpec& tool, const std::vector<ShellWord>& args) const {
    ToolArgs r;
    r.chain.push_back(&tool);
    bool end_of_options = false;
    bool subcommands_done = tool.subcommands.empty();
    int positionals_here = 0;
    auto complete = [&] { return r.chain.back()->options_complete && r.chain.size() == 1; };
    auto unknown = [&](const std::string& written, size_t word, size_t offset) {
        ToolArgs::Opt o;
        o.written = written;
        o.word = word;
        r.options.push_back(o);
        if (!complete()) return;
        std::vector<std::string> spellings;
        for (const ShellOption& op : r.chain.back()->options)
            for (const std::string& s : op.spellings) spellings.push_back(s);
        CheckMessage m;
        m.text = "unknown option '" + written + "' for " + tool.name;
        m.suggestions = suggest(written, spellings);
        const ShellWord& w = args[word];
        m.start = w.start + (w.quoted ? 0 : offset);
        m.length = w.quoted ? w.length : written.size();
        r.messages.push_back(std::move(m));
    };
    auto missing = [&](const std::string& written, size_t word) {
        if (!complete()) return;
        CheckMessage m;
        m.text = "option '" + written + "' of " + tool.name + " needs a value";
        m.start = args[word].start;
        m.length = args[word].length;
        r.messages.push_back(std::move(m));
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& t = args[i].text;
        const ShellSpec& spec = *r.chain.back();
        if (!end_of_options && t == "--") {
            end_of_options = true;
            if (spec.wraps.present && spec.wraps.after_double_dash) {
                r.wrapped_start = i + 1;
                break;
            }
            continue;
        }
        const bool tar_bundle = spec.style == "tar" && i == 0 && !t.empty() && t[0] != '-' && r.chain.size() == 1;
        // A wrapper stops reading options once its own operands are complete (ssh HOST CMD,
        // timeout 5 CMD): what follows is the wrapped command even when it starts with '-'.
        const bool wrapped_here = spec.wraps.present && !spec.wraps.after_double_dash &&
                                  spec.wraps.skip_positionals > 0 && positionals_here >= spec.wraps.skip_positionals;
        const bool looks_option =
            !end_of_options && !wrapped_here && t.size() > 1 && t[0] == '-' && spec.style != "operands";
        if (looks_option || tar_bundle) {
            const std::string tok = tar_bundle ? "-" + t : t;
            const size_t shift = tar_bundle ? 1 : 0;
            if (tok.rfind("--", 0) == 0 && spec.style != "single-dash") {
                const size_t eq = tok.find('=');
                const std::string name = tok.substr(0, eq);
                const ShellOption* o = find_in_chain(r.chain, name);
                if (!o) o = find_long_prefix(r.chain, name);
                if (!o) {
                    unknown(name, i, 0);
                    continue;
                }
                ToolArgs::Opt opt{o, name, "", false, i};
                if (eq != std::string::npos) {
                    opt.value = tok.substr(eq + 1);
                    opt.has_value = true;
                } else if (o->arg == ShellOption::Arg::Required) {
                    if (i + 1 < args.size()) {
                        opt.value = args[++i].text;
                        opt.has_value = true;
                    } else {
                        missing(name, i);
                    }
                }
                r.options.push_back(opt);
                continue;
            }
            // Whole-token spellings first (-np, -name, -ww), then a cluster of single letters.
            {
                const size_t eq = spec.style == "gnu" ? std::string::npos : tok.find('=');
                const std::string name = tok.substr(0, eq);
                if (const ShellOption* o = find_in_chain(r.chain, name);
                    o && (name.size() > 2 || spec.style != "tar")) {
                    ToolArgs::Opt opt{o, name, "", false, i};
                    if (eq != std::string::npos) {
                        opt.value = tok.substr(eq + 1);
                        opt.has_value = true;
                    } else if (o->arg == ShellOption::Arg::Required) {
                        if (i + 1 < args.size()) {
                            opt.value = args[++i].text;
                            opt.has_value = true;
                        } else {
                            missing(name, i);
                        }
                    }
                    r.options.push_back(opt);
                    continue;
                }
            }
            if (spec.style == "single-dash") {
                if (spec.numeric_option && all_digits(tok.substr(1))) continue;
                unknown(tok, i, 0);
                continue;
            }
            if ((spec.numeric_option || spec.signal_option) && all_digits(tok.substr(1))) {
                r.options.push_back(ToolArgs::Opt{nullptr, "-NUM", tok.substr(1), true, i});
                continue;
            }
            if (spec.signal_option) {
                bool upper = tok.size() > 2;
                for (size_t k = 1; k < tok.size(); ++k)
                    upper = upper && std::isupper(static_cast<unsigned char>(tok[k]));
                if (upper) {
                    r.options.push_back(ToolArgs::Opt{nullptr, "-SIGNAL", tok.substr(1), true, i});
                    continue;
                }
            }
            size_t pending_value_for = SIZE_MAX;
            for (size_t k = 1; k < tok.size(); ++k) {
                const std::string letter = std::string("-") + tok[k];
                const ShellOption* o = find_in_chain(r.chain, letter);
                if (!o) {
                    if (spec.numeric_option && std::isdigit(static_cast<unsigned char>(tok[k]))) break;
                    unknown(letter, i, k - shift);
                    continue;
                }
                ToolArgs::Opt opt{o, letter, "", false, i};
                if (o->arg != ShellOption::Arg::None && k + 1 < tok.size()) {
                    opt.value = tok.substr(k + 1);
                    opt.has_value = true;
                    r.options.push_back(opt);
                    break;
                }
                r.options.push_back(opt);
                if (o->arg == ShellOption::Arg::Required) pending_value_for = r.options.size() - 1;
            }
            if (pending_value_for != SIZE_MAX) {
                if (i + 1 < args.size()) {
                    r.options[pending_value_for].value = args[++i].text;
                    r.options[pending_value_for].has_value = true;
                } else {
                    missing(r.options[pending_value_for].written, i);
                }
            }
            continue;
        }
        // A positional word.
        if (!subcommands_done && positionals_here == spec.subcommand_position - 1) {
            if (const ShellSpec* sub = spec.find_subcommand(t)) {
                r.chain.push_back(sub);
                r.subcommand_path.push_back(t);
                subcommands_done = sub->subcommands.empty();
                positionals_here = 0;
                continue;
            }
            r.unknown_subcommand = t;
            subcommands_done = true;
        } else if (!subcommands_done && positionals_here < spec.subcommand_position - 1) {
            r.positionals.push_back(i);
            ++positionals_here;
            continue;
        }
        const ShellSpec& cur = *r.chain.back();
        if (cur.wraps.present && !cur.wraps.after_double_dash) {
            if (cur.wraps.skip_assignments && t.find('=') != std::string::npos && t[0] != '=') {
                r.positionals.push_back(i);
                continue;
            }
            if (positionals_here >= cur.wraps.skip_positionals) {
                r.wrapped_start = i;
                break;
            }
        }
        r.positionals.push_back(i);
        ++positionals_here;
    }
    return r;
}

}  // namespace sigma::domain
