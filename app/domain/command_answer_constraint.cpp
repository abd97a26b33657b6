// Command answer prefix check: a byte-fed state machine over the taught answer format, with the
// shell line lexed into words and each word held to what its position allows.
#include "app/domain/command_answer_constraint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <mutex>

#include "app/domain/command_validator.h"
#include "app/domain/request_intent.h"
#include "app/domain/request_literals.h"
#include "app/domain/risk_classifier.h"

namespace sigma::domain {

namespace {

constexpr std::string_view kCommandKey = "command:";
constexpr std::string_view kExplanationKey = "explanation: ";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Sorted, distinct strings with prefix and exact lookups.
struct Words {
    std::vector<std::string> sorted;
    void add(std::string w) { sorted.push_back(std::move(w)); }
    void finish() {
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    }
    bool has_prefix(std::string_view p) const {
        auto it = std::lower_bound(sorted.begin(), sorted.end(), p,
                                   [](const std::string& a, std::string_view b) { return a < b; });
        return it != sorted.end() && starts_with(*it, p);
    }
    bool has(std::string_view w) const {
        return std::binary_search(sorted.begin(), sorted.end(), w,
                                  [](std::string_view a, std::string_view b) { return a < b; });
    }
};

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// One nvidia-smi option list (top level or a subcommand's).
struct NvsmiOptions {
    std::vector<std::pair<std::string, const NvsmiOption*>> by_spelling;  // sorted by spelling
    Words spellings;
    const NvsmiOption* find(std::string_view s) const {
        auto it = std::lower_bound(by_spelling.begin(), by_spelling.end(), s,
                                   [](const auto& a, std::string_view b) { return a.first < b; });
        return it != by_spelling.end() && it->first == s ? it->second : nullptr;
    }
    void add(const NvsmiOption& o) {
        if (!o.short_name.empty()) by_spelling.emplace_back(o.short_name, &o);
        if (!o.long_name.empty()) by_spelling.emplace_back(o.long_name, &o);
    }
    void finish() {
        std::sort(by_spelling.begin(), by_spelling.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [s, o] : by_spelling) spellings.add(s);
        spellings.finish();
    }
};

// The subcommands a line may name right after its program, by the most the request allows (their
// risk_floor at or below it), and the floor of a word that names none of them.
struct SubcommandStarts {
    std::array<Words, 3> allowed;
    Risk unknown_floor = Risk::ReadOnly;
};

// A shell tool whose options are checked: fully catalogued, no subcommands, a style we lex.
struct ToolOptions {
    const ShellSpec* spec = nullptr;
    Words spellings;
    std::map<std::string, const ShellOption*, std::less<>> by_spelling;
};

}  // namespace

class CommandGrammar {
public:
    const ShellCatalog* shell = nullptr;
    const NvsmiCatalog* nvsmi = nullptr;
    Words programs;
    // startable[r]: the programs a line may start when the request allows class r at most: those some
    // line can run at that class or lower (risk_floor). A line that starts any other cannot end.
    std::array<Words, 3> startable;
    std::map<std::string, ToolOptions, std::less<>> tools;             // program name or alias -> checked options
    std::map<std::string, SubcommandStarts, std::less<>> subcommands;  // program name or alias
    NvsmiOptions nvsmi_top;
    std::map<std::string, NvsmiOptions, std::less<>> nvsmi_subcommands;  // only those with catalogued options
    Words nvsmi_subcommand_names;
    std::map<std::string, Words, std::less<>> query_fields;  // --query-* long name -> names and aliases
    Words sections;                                          // upper case
    Words format_values;
};

std::shared_ptr<const CommandGrammar> build_command_grammar(const ShellCatalog& shell, const NvsmiCatalog& nvsmi) {
    auto g = std::make_shared<CommandGrammar>();
    g->shell = &shell;
    g->nvsmi = &nvsmi;
    for (const ShellSpec& t : shell.tools()) {
        g->programs.add(t.name);
        for (const std::string& a : t.aliases) g->programs.add(a);
        const int floor = static_cast<int>(risk_floor(t));
        for (int r = floor; r < 3; ++r) {
            g->startable[static_cast<size_t>(r)].add(t.name);
            for (const std::string& a : t.aliases) g->startable[static_cast<size_t>(r)].add(a);
        }
        if (!t.subcommands.empty() && t.subcommand_position == 1 && !t.wraps.present && !t.shell) {
            SubcommandStarts starts;
            starts.unknown_floor = unknown_subcommand_floor(t);
            for (const ShellSpec& sub : t.subcommands)
                for (int r = static_cast<int>(risk_floor(t, sub)); r < 3; ++r)
                    starts.allowed[static_cast<size_t>(r)].add(sub.name);
            for (Words& w : starts.allowed) w.finish();
            g->subcommands.emplace(t.name, starts);
            for (const std::string& a : t.aliases) g->subcommands.emplace(a, starts);
        }
        const bool checked = t.options_complete && t.subcommands.empty() && !t.wraps.present && !t.signal_option &&
                             (t.style == "gnu" || t.style == "single-dash" || t.style == "single-dash-long");
        if (!checked || t.name == "nvidia-smi") continue;
        ToolOptions to;
        to.spec = &t;
        for (const ShellOption& o : t.options)
            for (const std::string& s : o.spellings) {
                to.spellings.add(s);
                to.by_spelling.emplace(s, &o);
            }
        to.spellings.finish();
        g->tools.emplace(t.name, to);
        for (const std::string& a : t.aliases) g->tools.emplace(a, to);
    }
    g->programs.add("nvidia-smi");
    g->programs.finish();
    for (Words& w : g->startable) {
        w.add("nvidia-smi");
        w.finish();
    }
    for (const NvsmiOption& o : nvsmi.options()) g->nvsmi_top.add(o);
    g->nvsmi_top.finish();
    for (const NvsmiSubcommand& s : nvsmi.subcommands()) {
        g->nvsmi_subcommand_names.add(s.name);
        if (!s.options_known) continue;
        NvsmiOptions so;
        for (const NvsmiOption& o : s.options) so.add(o);
        so.finish();
        g->nvsmi_subcommands.emplace(s.name, std::move(so));
    }
    g->nvsmi_subcommand_names.finish();
    for (const NvsmiQuery& q : nvsmi.queries()) {
        if (!q.fields_known) continue;
        Words w;
        for (const NvsmiField& f : q.fields) {
            w.add(f.name);
            for (const std::string& a : f.aliases) w.add(a);
        }
        w.finish();
        g->query_fields.emplace(q.option, std::move(w));
    }
    for (const std::string& s : nvsmi.display_sections()) g->sections.add(upper(s));
    g->sections.finish();
    for (const std::string& v : nvsmi.format_values()) g->format_values.add(v);
    g->format_values.finish();
    return g;
}

std::shared_ptr<const CommandGrammar> builtin_command_grammar() {
    static std::once_flag once;
    static std::shared_ptr<const CommandGrammar> grammar;
    std::call_once(once, [] {
        const ShellCatalog* shell = ShellCatalog::builtin();
        const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin();
        if (shell && nvsmi) grammar = build_command_grammar(*shell, *nvsmi);
    });
    return grammar;
}

namespace {

struct CommandRules {
    std::shared_ptr<const CommandGrammar> grammar;
    CommandConstraintOptions options;
    std::vector<std::string> id_literals;  // numbers the request gives as GPU ids ("GPU 1", "devices 4,5")
    // The most the request asks for (request_intent): ReadOnly for a question, Destructive only when
    // it asks to delete/kill/reset, else ChangesState. Options, programs and the line above it are refused.
    Risk allowed = Risk::Destructive;
    bool above(Risk risk) const { return options.hold_to_intent && static_cast<int>(risk) > static_cast<int>(allowed); }
};

enum class Phase : uint8_t { Key, Line, ExplanationKey, Explanation };
enum class Role : uint8_t { Program, Arg, Redirect };

struct CommandState {
    Phase phase = Phase::Key;
    uint32_t key_pos = 0;
    // The shell line.
    std::string line;
    std::string word;           // the current word, quotes removed
    std::string op;             // an operator being read: | || & && ; > >> < >& &> ...
    char quote = 0;             // ' or " while inside quotes
    bool escape = false;        // after a backslash
    bool word_open = false;     // a word has started (it may be empty: '')
    bool word_quoted = false;   // part of the word was quoted, escaped or expands ($)
    bool all_free = false;      // unlexed syntax met: nothing is checked until the line ends
    bool segment_free = false;  // a wrapper or uncatalogued subcommand: this segment's words are free
    Role role = Role::Program;
    Role role_after_redirect = Role::Program;
    bool segment_has_program = false;
    const ToolOptions* tool = nullptr;  // checked options of the segment's program
    // The segment's program has subcommands and the next word names one (no option before it).
    const SubcommandStarts* subcommands = nullptr;
    bool nvsmi = false;
    const NvsmiOptions* nv_options = nullptr;
    int nv_args = 0;                            // words after nvidia-smi
    const NvsmiOption* nv_value_for = nullptr;  // the next word is this option's value
    bool nv_value_optional = false;
    bool shell_value_pending = false;  // the next word is a shell option's value
    bool end_of_options = false;
    uint32_t explanation_bytes = 0;
};

// Is `value` (all of it, or a prefix when !final) a value of nvidia-smi option `o`?
bool nvsmi_value_ok(const CommandRules& r, const NvsmiOption& o, std::string_view value, bool final) {
    const CommandGrammar& g = *r.grammar;
    auto list = [&](auto&& item_ok) {
        size_t start = 0;
        while (true) {
            const size_t comma = value.find(',', start);
            const bool last = comma == std::string_view::npos;
            const std::string_view item = value.substr(start, last ? std::string_view::npos : comma - start);
            if (!item_ok(item, !last || final)) return false;
            if (last) return true;
            start = comma + 1;
        }
    };
    auto words_ok = [&](const Words& w, bool ignore_case) {
        return list([&](std::string_view item, bool done) {
            const std::string key = ignore_case ? upper(item) : std::string(item);
            return done ? !key.empty() && w.has(key) : w.has_prefix(key);
        });
    };
    switch (o.arg) {
        case NvsmiArg::FieldList: {
            auto it = g.query_fields.find(o.long_name);
            return it == g.query_fields.end() || words_ok(it->second, false);
        }
        case NvsmiArg::DisplayList: return words_ok(g.sections, true);
        case NvsmiArg::FormatList: {
            if (o.values.empty()) return words_ok(g.format_values, false);
            Words w;
            for (const NvsmiValue& v : o.values) w.add(v.value);
            w.finish();
            return words_ok(w, false);
        }
        case NvsmiArg::Enum:
        case NvsmiArg::Optional: {
            if (o.values.empty()) return true;
            const std::string v = upper(value);
            for (const NvsmiValue& e : o.values)
                for (const std::string& cand : {upper(e.value), upper(e.name)})
                    if (!cand.empty() && (final ? cand == v : starts_with(cand, v))) return true;
            return false;
        }
        case NvsmiArg::Letters:
            for (char c : value) {
                bool in = false;
                for (const NvsmiValue& e : o.values) in = in || (e.value.size() == 1 && e.value[0] == c);
                if (!in) return false;
            }
            return !final || !value.empty();
        case NvsmiArg::Int:
        case NvsmiArg::Number:
        case NvsmiArg::IntList:
        case NvsmiArg::ClockPair:
            for (char c : value)
                if (!std::isdigit(static_cast<unsigned char>(c)) && c != ',' && c != '.' && c != '-' && c != '+')
                    return false;
            return !final || !value.empty();
        case NvsmiArg::IdList:
            return list([&](std::string_view item, bool done) {
                if (done && item.empty()) return false;
                if (item.empty() || !std::isdigit(static_cast<unsigned char>(item[0])))
                    return true;                                     // GPU-..., MIG-...
                if (r.options.literals && !r.id_literals.empty()) {  // the request names the GPUs: only those
                    for (const std::string& lit : r.id_literals)
                        if (done ? lit == item : starts_with(lit, item)) return true;
                    return false;
                }
                // An index, or a PCI bus id (00000000:3B:00.0). A number the request gives for something
                // else ("10 samples") is not refused here: refusing a typed prefix only forces the model
                // on into a longer wrong id (measured), so the reranker's literal check judges it.
                return std::all_of(item.begin(), item.end(), [](char c) {
                    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
                });
            });
        case NvsmiArg::None:
        case NvsmiArg::String:
        case NvsmiArg::File: break;
    }
    return !final || !value.empty();
}

// Does this option of a checked tool do more than the request asks (the pack's option_risk)?
bool risky_for_question(const CommandRules& r, const ToolOptions& t, std::string_view spelling) {
    if (!r.above(Risk::ReadOnly)) return false;
    auto it = t.by_spelling.find(spelling);
    if (it == t.by_spelling.end()) return false;
    auto risk = t.spec->option_risk.find(it->second->name());
    return risk != t.spec->option_risk.end() && r.above(risk->second.risk);
}

// Does an option of `opts` within the request's risk start with `prefix`?
bool has_allowed_prefix(const CommandRules& r, const NvsmiOptions& opts, std::string_view prefix) {
    auto it = std::lower_bound(opts.by_spelling.begin(), opts.by_spelling.end(), prefix,
                               [](const auto& a, std::string_view b) { return a.first < b; });
    for (; it != opts.by_spelling.end() && starts_with(it->first, prefix); ++it)
        if (!r.above(it->second->risk)) return true;
    return false;
}

// Is the current word viable (or, when final, acceptable as a whole word) where it stands?
// `next` is the byte that ends a final word (0 at the end of the line): digits before < or > are a
// file descriptor.
bool word_ok(const CommandRules& r, const CommandState& s, bool final, char next) {
    const CommandGrammar& g = *r.grammar;
    const std::string& w = s.word;
    if (s.all_free || s.segment_free) return true;
    if (all_digits(w) && (final ? (next == '>' || next == '<') : w.size() == 1) && s.role != Role::Program &&
        s.nv_value_for == nullptr)
        return true;  // 2>/dev/null
    switch (s.role) {
        case Role::Redirect: return true;
        case Role::Program:
            if (s.word_quoted) return false;
            // A question never starts a program that always changes something, and only a request to
            // destroy starts one that always destroys (pkill for "rss of process 7781" could never end).
            if (r.options.hold_to_intent) {
                const Words& allowed = g.startable[static_cast<size_t>(r.allowed)];
                return final ? allowed.has(w) : allowed.has_prefix(w);
            }
            return final ? g.programs.has(w) : g.programs.has_prefix(w);
        case Role::Arg:
            // Nor a subcommand that always changes something (kubectl drain, systemctl stop), nor, where
            // such a line is never read-only, one the catalogue does not know (kubectl drain07).
            if (s.subcommands && r.options.hold_to_intent && !s.word_quoted && !w.empty() && w[0] != '-') {
                const SubcommandStarts& sc = *s.subcommands;
                const Words& ok = sc.allowed[static_cast<size_t>(r.allowed)];
                if (r.above(sc.unknown_floor)) {
                    if (!(final ? ok.has(w) : ok.has_prefix(w))) return false;
                } else if (final && sc.allowed[2].has(w) && !ok.has(w)) {
                    return false;
                }
            }
            break;
    }
    if (!r.options.options) return true;
    if (s.nvsmi) {
        const bool value = s.nv_value_for && !(s.nv_value_optional && !w.empty() && w[0] == '-');
        // Quotes only around free-text values (a file name): options, fields and ids are plain words.
        if (s.word_quoted &&
            !(value && (s.nv_value_for->arg == NvsmiArg::String || s.nv_value_for->arg == NvsmiArg::File)))
            return false;
        if (value) return nvsmi_value_ok(r, *s.nv_value_for, w, final);
        if (!w.empty() && w[0] == '-') {
            if (!s.nv_options) return true;
            const size_t eq = starts_with(w, "--") ? w.find('=') : std::string::npos;
            if (eq == std::string::npos) {
                if (!final) return has_allowed_prefix(r, *s.nv_options, w);
                const NvsmiOption* o = s.nv_options->find(w);
                return o && !r.above(o->risk);
            }
            const NvsmiOption* o = s.nv_options->find(std::string_view(w).substr(0, eq));
            return o && o->arg != NvsmiArg::None && !r.above(o->risk) &&
                   nvsmi_value_ok(r, *o, std::string_view(w).substr(eq + 1), final);
        }
        if (s.nv_args == 0 && s.nv_options == &g.nvsmi_top && !s.word_quoted)
            return final ? g.nvsmi_subcommand_names.has(w) : g.nvsmi_subcommand_names.has_prefix(w);
        return w.empty() && !final;
    }
    if (s.shell_value_pending || !s.tool || s.word_quoted || s.end_of_options || w.size() < 2 || w[0] != '-')
        return true;
    const ToolOptions& t = *s.tool;
    const ShellSpec& spec = *t.spec;
    if (w == "--") return true;
    if (spec.style == "single-dash") {
        if (spec.numeric_option && all_digits(std::string_view(w).substr(1))) return true;
        return final ? t.spellings.has(w) : t.spellings.has_prefix(w);
    }
    if (starts_with(w, "--")) {
        const size_t eq = w.find('=');
        const std::string_view name = std::string_view(w).substr(0, eq);
        if (eq == std::string::npos) return t.spellings.has_prefix(name);  // abbreviations are accepted
        return t.spellings.has_prefix(name);
    }
    // Whole-token spelling (-name, -np), else a cluster of single letters.
    {
        const size_t eq = spec.style == "gnu" ? std::string::npos : w.find('=');
        const std::string_view name = std::string_view(w).substr(0, eq);
        if (final && t.spellings.has(name)) return !risky_for_question(r, t, name);
        if (!final && t.spellings.has_prefix(name)) return true;
    }
    for (size_t k = 1; k < w.size(); ++k) {
        const char letter[3] = {'-', w[k], 0};
        auto it = t.by_spelling.find(std::string_view(letter, 2));
        if (it == t.by_spelling.end()) return spec.numeric_option && std::isdigit(static_cast<unsigned char>(w[k]));
        if (final && risky_for_question(r, t, std::string_view(letter, 2))) return false;
        if (it->second->arg != ShellOption::Arg::None) return true;  // the rest is its value
    }
    return true;
}

// After a whole word: what the next word is.
void after_word(const CommandRules& r, CommandState& s, char next) {
    const CommandGrammar& g = *r.grammar;
    const std::string& w = s.word;
    if (all_digits(w) && (next == '>' || next == '<') && s.role != Role::Program) return;  // a descriptor
    if (s.role == Role::Redirect) {
        s.role = s.role_after_redirect;
        return;
    }
    if (s.role == Role::Program) {
        s.role = Role::Arg;
        s.segment_has_program = true;
        if (s.all_free || s.segment_free) return;
        if (w == "nvidia-smi") {
            s.nvsmi = true;
            s.nv_options = &g.nvsmi_top;
            return;
        }
        const ShellSpec* spec = g.shell->find(w);
        if (spec && (spec->wraps.present || spec->shell)) {
            s.segment_free = true;  // the wrapped command is judged by the validator at the end
            return;
        }
        if (auto sc = g.subcommands.find(w); sc != g.subcommands.end()) s.subcommands = &sc->second;
        auto it = g.tools.find(w);
        s.tool = it == g.tools.end() ? nullptr : &it->second;
        return;
    }
    s.subcommands = nullptr;  // only the first word after the program names the subcommand here
    if (s.nvsmi) {
        if (s.nv_value_for && !(s.nv_value_optional && !w.empty() && w[0] == '-')) {
            s.nv_value_for = nullptr;
            ++s.nv_args;
            return;
        }
        s.nv_value_for = nullptr;
        if (!w.empty() && w[0] == '-' && s.nv_options) {
            const size_t eq = starts_with(w, "--") ? w.find('=') : std::string::npos;
            if (eq == std::string::npos) {
                const NvsmiOption* o = s.nv_options->find(w);
                if (o && o->arg != NvsmiArg::None) {
                    s.nv_value_for = o;
                    s.nv_value_optional = o->arg == NvsmiArg::Optional || o->value_optional;
                }
            }
        } else if (s.nv_args == 0 && s.nv_options == &g.nvsmi_top) {
            auto it = g.nvsmi_subcommands.find(w);
            if (it != g.nvsmi_subcommands.end()) s.nv_options = &it->second;
            else s.segment_free = true;
        }
        ++s.nv_args;
        return;
    }
    if (s.shell_value_pending) {
        s.shell_value_pending = false;
        return;
    }
    if (!s.tool || s.word_quoted || s.end_of_options || w.size() < 2 || w[0] != '-') return;
    if (w == "--") {
        s.end_of_options = true;
        return;
    }
    const ToolOptions& t = *s.tool;
    auto takes_value = [](const ShellOption* o) { return o && o->arg == ShellOption::Arg::Required; };
    if (starts_with(w, "--")) {
        if (w.find('=') != std::string::npos) return;
        auto it = t.by_spelling.lower_bound(w);
        s.shell_value_pending = it != t.by_spelling.end() && starts_with(it->first, w) && takes_value(it->second);
        return;
    }
    if (auto it = t.by_spelling.find(w); it != t.by_spelling.end()) {
        s.shell_value_pending = takes_value(it->second);
        return;
    }
    if (t.spec->style == "single-dash") return;
    for (size_t k = 1; k < w.size(); ++k) {
        const char letter[3] = {'-', w[k], 0};
        auto it = t.by_spelling.find(std::string_view(letter, 2));
        if (it == t.by_spelling.end()) return;
        if (it->second->arg != ShellOption::Arg::None) {
            s.shell_value_pending = k + 1 == w.size() && takes_value(it->second);
            return;
        }
    }
}

void new_segment(CommandState& s) {
    s.role = Role::Program;
    s.segment_free = false;
    s.segment_has_program = false;
    s.tool = nullptr;
    s.subcommands = nullptr;
    s.nvsmi = false;
    s.nv_options = nullptr;
    s.nv_args = 0;
    s.nv_value_for = nullptr;
    s.shell_value_pending = false;
    s.end_of_options = false;
}

constexpr std::string_view kOperators[] = {"|", "||", "|&", "&", "&&", ";", ">", ">>", "<", ">&", "&>", "&>>", ">|"};

bool op_prefix_ok(std::string_view op) {
    for (std::string_view o : kOperators)
        if (starts_with(o, op)) return true;
    return starts_with(op, "<<");  // here-documents and here-strings: left to the validator
}

class CommandCursor final : public AnswerCursor {
public:
    explicit CommandCursor(std::shared_ptr<const CommandRules> rules) : rules_(std::move(rules)) {}

    bool feed(std::string_view bytes) override {
        for (char c : bytes)
            if (!feed_byte(c)) return false;
        return true;
    }

    bool complete() const override { return s_.phase == Phase::Explanation && s_.explanation_bytes > 0; }

    std::unique_ptr<AnswerCursor> clone() const override { return std::make_unique<CommandCursor>(*this); }
    void copy_from(const AnswerCursor& other) override {
        const auto& o = static_cast<const CommandCursor&>(other);
        if (rules_ != o.rules_) rules_ = o.rules_;
        s_ = o.s_;
    }

    bool free_bytes(size_t max_length, AnswerByteSet& bytes) const override {
        (void)max_length;
        bytes = {};
        auto printable = [&](std::string_view except) {
            for (int b = 0x20; b < 0x7F; ++b)
                if (except.find(static_cast<char>(b)) == std::string_view::npos)
                    byte_set_add(bytes, static_cast<unsigned char>(b));
            return true;
        };
        if (s_.phase == Phase::Explanation) return printable("");
        if (s_.phase != Phase::Line || s_.escape || !s_.op.empty()) return false;
        const bool unchecked = s_.all_free || s_.segment_free || s_.role == Role::Redirect ||
                               (s_.role == Role::Arg && !s_.nvsmi);  // a quoted shell argument is never checked
        if (!unchecked) return false;
        if (s_.quote == '\'') return printable("'");
        if (s_.quote == '"') return printable("\"\\");
        return false;
    }

private:
    bool fail() { return false; }

    bool end_word(char next) {
        if (!s_.word_open) return true;
        const CommandRules& r = *rules_;
        if (!word_ok(r, s_, true, next)) return fail();
        after_word(r, s_, next);
        s_.word.clear();
        s_.word_open = false;
        s_.word_quoted = false;
        return true;
    }

    bool end_op() {
        const std::string op = std::move(s_.op);
        s_.op.clear();
        if (starts_with(op, "<<")) {
            s_.all_free = true;
            return true;
        }
        if (std::find(std::begin(kOperators), std::end(kOperators), op) == std::end(kOperators)) return fail();
        if (op.find_first_of("<>") != std::string::npos || op == "&>" || op == "&>>") {
            if (s_.role != Role::Redirect) s_.role_after_redirect = s_.role;
            s_.role = Role::Redirect;
            return true;
        }
        // | || && ; & |&: a new simple command follows (after ; and & the line may also end).
        if (!s_.segment_has_program && !s_.all_free) return fail();
        new_segment(s_);
        return true;
    }

    bool end_line() {
        if (s_.quote || s_.escape) return fail();
        if (!end_word('\0')) return fail();
        if (!s_.op.empty() && !end_op()) return fail();
        if (s_.role == Role::Redirect) return fail();
        const CommandRules& r = *rules_;
        if (s_.nv_value_for && !s_.nv_value_optional && r.options.options) return fail();
        if (r.options.check_at_end) {
            const CommandCheck check = check_command(*r.grammar->shell, *r.grammar->nvsmi, s_.line);
            if (!check.valid || !check.unknown_programs.empty()) return fail();
            if (r.above(check.risk)) return fail();
        }
        s_.phase = Phase::ExplanationKey;
        s_.key_pos = 0;
        return true;
    }

    bool feed_byte(char c) {
        const unsigned char u = static_cast<unsigned char>(c);
        switch (s_.phase) {
            case Phase::Key:
                if (s_.key_pos == 0 && c == ' ') return true;
                if (s_.key_pos < kCommandKey.size()) {
                    if (c != kCommandKey[s_.key_pos]) return fail();
                    ++s_.key_pos;
                    if (s_.key_pos == kCommandKey.size()) s_.phase = Phase::Line;
                    return true;
                }
                return fail();
            case Phase::ExplanationKey:
                if (c != kExplanationKey[s_.key_pos]) return fail();
                if (++s_.key_pos == kExplanationKey.size()) s_.phase = Phase::Explanation;
                return true;
            case Phase::Explanation:
                if (u < 0x20 || u >= 0x7F) return fail();
                ++s_.explanation_bytes;
                return true;
            case Phase::Line: break;
        }
        if (c == '\n') {
            if (s_.line.empty() && !s_.word_open) return fail();
            return end_line();
        }
        if ((u < 0x20 && c != '\t') || u == 0x7F) return fail();
        if (u >= 0x80) {  // non-ASCII only inside quotes or escaped (a name, a pattern)
            if (!s_.quote && !s_.escape) return fail();
        }
        s_.line.push_back(c);
        if (s_.all_free) return true;
        const CommandRules& r = *rules_;
        auto word_byte = [&](char b, bool quoted) {
            if (!s_.op.empty() && !end_op()) return false;
            s_.word_open = true;
            if (quoted) s_.word_quoted = true;
            s_.word.push_back(b);
            return word_ok(r, s_, false, 0);
        };
        if (s_.escape) {
            s_.escape = false;
            return word_byte(c, true);
        }
        if (s_.quote == '\'') {
            if (c == '\'') {
                s_.quote = 0;
                return true;
            }
            return word_byte(c, true);
        }
        if (s_.quote == '"') {
            if (c == '"') {
                s_.quote = 0;
                return true;
            }
            if (c == '\\') {
                s_.escape = true;
                return true;
            }
            if (c == '`' || c == '$') s_.word_quoted = true;
            return word_byte(c, true);
        }
        switch (c) {
            case ' ':
            case '\t':
                if (!end_word(' ')) return false;
                if (!s_.op.empty()) return end_op();
                return true;
            case '\'':
            case '"':
                if (!s_.op.empty() && !end_op()) return false;
                s_.quote = c;
                s_.word_open = true;
                s_.word_quoted = true;
                return word_ok(r, s_, false, 0);
            case '\\':
                if (!s_.op.empty() && !end_op()) return false;
                s_.escape = true;
                s_.word_open = true;
                s_.word_quoted = true;
                return word_ok(r, s_, false, 0);
            case '|':
            case '&':
            case ';':
            case '<':
            case '>':
                if (!end_word(c)) return false;
                // An operator needs a command before it (redirections before the program are not taught).
                if (s_.op.empty() && s_.role == Role::Program && !s_.all_free) return fail();
                s_.op.push_back(c);
                return op_prefix_ok(s_.op);
            case '(':
            case ')':
            case '`': return fail();  // subshells and substitutions: one plain pipeline is the answer (quote them)
            case '$':
                if (!s_.op.empty() && !end_op()) return false;
                s_.word_open = true;
                s_.word_quoted = true;
                s_.word.push_back(c);
                return word_ok(r, s_, false, 0);
            default: return word_byte(c, false);
        }
    }

    std::shared_ptr<const CommandRules> rules_;
    CommandState s_;
};

class CommandConstraint final : public AnswerConstraint {
public:
    explicit CommandConstraint(std::shared_ptr<const CommandRules> rules) : rules_(std::move(rules)) {}
    std::unique_ptr<AnswerCursor> start() const override { return std::make_unique<CommandCursor>(rules_); }

private:
    std::shared_ptr<const CommandRules> rules_;
};

}  // namespace

std::unique_ptr<AnswerConstraint> make_command_constraint(std::shared_ptr<const CommandGrammar> grammar,
                                                          std::string_view request,
                                                          const CommandConstraintOptions& options) {
    if (!grammar) return nullptr;
    auto rules = std::make_shared<CommandRules>();
    rules->grammar = std::move(grammar);
    rules->options = options;
    for (const Literal& l : request_literals(request)) {
        if (l.kind != LiteralKind::Number) continue;
        if (number_names_gpu(request, l.start)) rules->id_literals.push_back(l.text);
    }
    // An unread request (no cue, or a misspelt verb) holds nothing back: a constraint must not refuse
    // the answer to a request it could not read.
    const IntentReading intent = read_intent(request);
    rules->allowed = intent.intent == RequestIntent::Unknown ? Risk::Destructive : intent.allowed;
    return std::make_unique<CommandConstraint>(std::move(rules));
}

}  // namespace sigma::domain
