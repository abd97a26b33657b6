// KQL answer prefix check: a byte-fed lexer whose identifiers are held to the names in scope.
#include "app/domain/kql_answer_constraint.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "app/domain/kql_functions.h"
#include "app/domain/kql_lexer.h"
#include "app/domain/kql_validator.h"

namespace sigma::domain {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Operators that may follow a pipe.
constexpr std::string_view kTabular[] = {"where",
                                         "filter",
                                         "project",
                                         "project-away",
                                         "project-keep",
                                         "project-rename",
                                         "project-reorder",
                                         "extend",
                                         "summarize",
                                         "count",
                                         "sort",
                                         "order",
                                         "top",
                                         "top-nested",
                                         "take",
                                         "limit",
                                         "distinct",
                                         "join",
                                         "union",
                                         "lookup",
                                         "render",
                                         "mv-expand",
                                         "mv-apply",
                                         "parse",
                                         "parse-where",
                                         "make-series",
                                         "evaluate",
                                         "sample",
                                         "sample-distinct",
                                         "search",
                                         "as",
                                         "serialize",
                                         "getschema",
                                         "invoke",
                                         "facet",
                                         "fork",
                                         "scan",
                                         "reduce",
                                         "partition",
                                         "consume",
                                         "find",
                                         "print",
                                         "range",
                                         "datatable"};

// Other words of the language (clauses, join kinds, string operators, literals, chart types).
constexpr std::string_view kKeywords[] = {"by",
                                          "and",
                                          "or",
                                          "not",
                                          "in",
                                          "in~",
                                          "has",
                                          "has_cs",
                                          "has_any",
                                          "has_all",
                                          "hasprefix",
                                          "hasprefix_cs",
                                          "hassuffix",
                                          "hassuffix_cs",
                                          "contains",
                                          "contains_cs",
                                          "startswith",
                                          "startswith_cs",
                                          "endswith",
                                          "endswith_cs",
                                          "matches",
                                          "regex",
                                          "like",
                                          "between",
                                          "asc",
                                          "desc",
                                          "nulls",
                                          "first",
                                          "last",
                                          "kind",
                                          "on",
                                          "with",
                                          "withsource",
                                          "inner",
                                          "innerunique",
                                          "leftouter",
                                          "rightouter",
                                          "fullouter",
                                          "leftanti",
                                          "rightanti",
                                          "leftsemi",
                                          "rightsemi",
                                          "leftantisemi",
                                          "rightantisemi",
                                          "anti",
                                          "semi",
                                          "true",
                                          "false",
                                          "null",
                                          "let",
                                          "step",
                                          "from",
                                          "to",
                                          "of",
                                          "isfuzzy",
                                          "bin",
                                          "timechart",
                                          "barchart",
                                          "columnchart",
                                          "piechart",
                                          "linechart",
                                          "areachart",
                                          "scatterchart",
                                          "table",
                                          "card",
                                          "stackedareachart",
                                          "anomalychart",
                                          "pivotchart",
                                          "ladderchart",
                                          "timepivot",
                                          "treemap",
                                          "$left",
                                          "$right",
                                          "typeof",
                                          "bool",
                                          "boolean",
                                          "int",
                                          "long",
                                          "real",
                                          "double",
                                          "decimal",
                                          "string",
                                          "datetime",
                                          "timespan",
                                          "dynamic",
                                          "guid",
                                          "time",
                                          "date",
                                          "others",
                                          "with_itemindex",
                                          "bagexpansion",
                                          "default",
                                          "hint.strategy",
                                          "hint.shufflekey",
                                          "title",
                                          "xtitle",
                                          "ytitle",
                                          "xcolumn",
                                          "ycolumns",
                                          "series",
                                          "legend",
                                          "visible",
                                          "hidden",
                                          "kind",
                                          "unstacked",
                                          "stacked",
                                          "stacked100",
                                          "ysplit",
                                          "panels",
                                          "axes",
                                          "linear",
                                          "log",
                                          "accumulate",
                                          "xaxis",
                                          "yaxis",
                                          "ymin",
                                          "ymax",
                                          "xmin",
                                          "xmax",
                                          "bagpack",
                                          "pack"};

// Tabular operators after which (and after their ", " at depth 0) a new name may be defined.
bool defines(std::string_view op) {
    return op == "extend" || op == "summarize" || op == "project" || op == "project-rename" || op == "make-series" ||
           op == "let" || op == "by" || op == "parse" || op == "mv-expand" || op == "project-reorder";
}

struct Names {
    std::vector<std::string> sorted;
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

struct KqlRules {
    const KqlSchema* schema = nullptr;
    KqlConstraintOptions options;
    Names words;  // keywords, operators, functions, tables
    Names tabular;
    Names all_columns;
    std::vector<Names> table_columns;        // [table index in schema]
    std::vector<std::string> name_prefixes;  // count_, avg_, ... (columns aggregates name)
};

enum class Lex : uint8_t { Between, Ident, Number, String, Raw };

struct KqlState {
    std::string text;
    std::string tok;
    Lex lex = Lex::Between;
    char quote = 0;
    bool verbatim = false;  // @'...': no escapes
    bool escape = false;
    int depth = 0;               // parentheses
    int raw_depth = 0;           // inside datetime(...) / dynamic(...): free until its parenthesis closes
    std::string stage;           // the tabular operator of this pipe stage
    bool expect_tabular = true;  // the next identifier must be a tabular operator (or a table at the start)
    bool at_start = true;        // no token yet
    bool def_position = false;   // the next identifier may be a new name
    bool need_assign = false;    // a new name was written: '=' must follow
    bool assign_eq = false;      // just saw that '='
    bool after_dot = false;      // the next identifier is a dynamic property
    bool raw_next = false;       // the previous identifier was datetime/dynamic/timespan...
    std::string last_ident;
    std::vector<int> tables;  // schema indexes of the tables named so far
    std::vector<std::string> defined;
};

bool column_known(const KqlRules& r, const KqlState& s, std::string_view w, bool final) {
    auto in = [&](const Names& n) { return final ? n.has(w) : n.has_prefix(w); };
    if (s.tables.empty()) {
        if (in(r.all_columns)) return true;
    } else {
        for (int t : s.tables)
            if (in(r.table_columns[static_cast<size_t>(t)])) return true;
    }
    for (const std::string& d : s.defined)
        if (final ? d == w : starts_with(d, w)) return true;
    for (const std::string& p : r.name_prefixes) {
        if (!final && starts_with(p, w)) return true;
        if (starts_with(w, p)) {
            const std::string_view rest = w.substr(p.size());
            if (rest.empty()) return true;  // count_
            if (s.tables.empty() ? (final ? r.all_columns.has(rest) : r.all_columns.has_prefix(rest)) : false)
                return true;
            for (int t : s.tables) {
                const Names& n = r.table_columns[static_cast<size_t>(t)];
                if (final ? n.has(rest) : n.has_prefix(rest)) return true;
            }
            for (const std::string& d : s.defined)
                if (final ? d == rest : starts_with(d, rest)) return true;
        }
    }
    return false;
}

bool ident_ok(const KqlRules& r, const KqlState& s, std::string_view w, bool final) {
    if (!r.options.names || s.after_dot) return true;
    if (s.expect_tabular) {
        if (final ? r.tabular.has(w) : r.tabular.has_prefix(w)) return true;
        if (!s.at_start) return false;
        // A query starts with a table (or let, union, print, range, datatable...).
        for (const KqlTable& t : r.schema->tables)
            if (final ? t.name == w : starts_with(t.name, w)) return true;
        return final ? w == "let" : starts_with("let", w);
    }
    if (final ? r.words.has(w) : r.words.has_prefix(w)) return true;
    if (column_known(r, s, w, final)) return true;
    return s.def_position;  // a new name: '=' must follow
}

class KqlCursor final : public AnswerCursor {
public:
    explicit KqlCursor(std::shared_ptr<const KqlRules> rules) : rules_(std::move(rules)) {}

    bool feed(std::string_view bytes) override {
        for (char c : bytes)
            if (!feed_byte(c)) return false;
        return true;
    }

    bool complete() const override {
        if (s_.lex == Lex::String || s_.lex == Lex::Raw || s_.depth != 0 || s_.need_assign || s_.text.empty())
            return false;
        KqlState end = s_;
        if (!end_token_of(end, ' ')) return false;
        if (end.need_assign) return false;
        if (!rules_->options.validate_at_end) return true;
        return validate_kql(s_.text, *rules_->schema).valid;
    }

    std::unique_ptr<AnswerCursor> clone() const override { return std::make_unique<KqlCursor>(*this); }
    void copy_from(const AnswerCursor& other) override {
        const auto& o = static_cast<const KqlCursor&>(other);
        if (rules_ != o.rules_) rules_ = o.rules_;
        s_ = o.s_;
    }

    bool free_bytes(size_t max_length, AnswerByteSet& bytes) const override {
        (void)max_length;
        if (s_.lex != Lex::String || s_.escape) return false;
        bytes = {};
        for (int b = 0x20; b < 0x7F; ++b)
            if (b != s_.quote && b != '\\') byte_set_add(bytes, static_cast<unsigned char>(b));
        return true;
    }

private:
    // Ends the token being read in `s` (an identifier or a number); `next` is the byte after it.
    bool end_token_of(KqlState& s, char next) const {
        const KqlRules& r = *rules_;
        if (s.lex == Lex::Ident) {
            const std::string w = std::move(s.tok);
            s.tok.clear();
            s.lex = Lex::Between;
            if (!ident_ok(r, s, w, true)) return false;
            const bool known =
                !r.options.names || s.after_dot || s.expect_tabular || r.words.has(w) || column_known(r, s, w, true);
            if (s.def_position && !known) {
                s.need_assign = true;
                s.defined.push_back(w);
            }
            if (s.expect_tabular) {
                s.stage = w;
                s.expect_tabular = false;
            }
            for (size_t i = 0; i < r.schema->tables.size(); ++i)
                if (r.schema->tables[i].name == w && !s.after_dot) s.tables.push_back(static_cast<int>(i));
            s.def_position = defines(w) && (w != "by" || s.stage == "summarize" || s.stage == "make-series");
            s.after_dot = false;
            s.at_start = false;
            s.raw_next = w == "datetime" || w == "dynamic" || w == "timespan" || w == "todatetime_" || w == "guid";
            s.last_ident = w;
            (void)next;
            return true;
        }
        if (s.lex == Lex::Number) {
            const std::string n = std::move(s.tok);
            s.tok.clear();
            s.lex = Lex::Between;
            s.def_position = false;
            s.at_start = false;
            s.raw_next = false;
            size_t i = 0;
            if (starts_with(n, "0x") || starts_with(n, "0X")) return n.size() > 2;
            while (i < n.size() && (std::isdigit(static_cast<unsigned char>(n[i])) || n[i] == '.')) ++i;
            if (i == n.size()) return true;
            std::string unit = n.substr(i);
            for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (kql_is_timespan_unit(unit)) return true;
            // 1e3, 1.5e-3 (the sign arrives as an operator and is accepted by the validator).
            return unit == "e" ||
                   (unit.size() > 1 && unit[0] == 'e' && std::all_of(unit.begin() + 1, unit.end(), [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                    }));
        }
        return true;
    }

    bool is_ident_start(char c) const { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
    bool is_ident_char(char c) const { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

    bool feed_byte(char c) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F) {
            // One line of ASCII; non-ASCII only inside strings.
            if (!(u >= 0x80 && s_.lex == Lex::String)) return false;
        }
        s_.text.push_back(c);
        const KqlRules& r = *rules_;
        switch (s_.lex) {
            case Lex::String:
                if (s_.escape) {
                    s_.escape = false;
                } else if (c == '\\' && !s_.verbatim) {
                    s_.escape = true;
                } else if (c == s_.quote) {
                    s_.lex = Lex::Between;
                }
                return true;
            case Lex::Raw:
                if (c == '(') ++s_.raw_depth;
                if (c == ')' && --s_.raw_depth == 0) {
                    s_.lex = Lex::Between;
                    --s_.depth;
                }
                return true;
            case Lex::Ident:
                if (is_ident_char(c) || (c == '-' && r.words.has_prefix(s_.tok + "-")) ||
                    (c == '-' && s_.expect_tabular && r.tabular.has_prefix(s_.tok + "-")) ||
                    (c == '.' && s_.tok == "hint") || (c == '~' && s_.tok == "in")) {
                    s_.tok.push_back(c);
                    return ident_ok(r, s_, s_.tok, false);
                }
                if (!end_token_of(s_, c)) return false;
                break;
            case Lex::Number:
                if (std::isalnum(u) || c == '.') {
                    s_.tok.push_back(c);
                    return true;
                }
                if (!end_token_of(s_, c)) return false;
                break;
            case Lex::Between: break;
        }
        // Between tokens.
        if (c == ' ') return true;
        if (s_.assign_eq) {
            s_.assign_eq = false;
            if (c == '=' || c == '~') return false;  // == after a new name: not a definition
        }
        if (s_.need_assign) {
            if (c != '=') return false;
            s_.need_assign = false;
            s_.assign_eq = true;
            s_.def_position = false;
            return true;
        }
        const bool raw_next = s_.raw_next;
        s_.raw_next = false;
        if (is_ident_start(c)) {
            if (s_.lex == Lex::Between) {
                s_.lex = Lex::Ident;
                s_.tok.assign(1, c);
                return ident_ok(r, s_, s_.tok, false);
            }
        }
        if (std::isdigit(u)) {
            if (s_.expect_tabular && !s_.at_start) return false;
            s_.lex = Lex::Number;
            s_.tok.assign(1, c);
            return true;
        }
        if (c == '\'' || c == '"') {
            if (s_.expect_tabular) return false;
            s_.verbatim = !s_.text.empty() && s_.text.size() >= 2 && s_.text[s_.text.size() - 2] == '@';
            s_.lex = Lex::String;
            s_.quote = c;
            s_.def_position = false;
            return true;
        }
        if (s_.expect_tabular && !(s_.at_start && c == '(')) return false;
        s_.at_start = false;
        switch (c) {
            case '|':
                if (s_.depth == 0) {
                    s_.expect_tabular = true;
                    s_.def_position = false;
                    s_.stage.clear();
                    return true;
                }
                // A pipe inside parentheses (a join's or union's subquery).
                s_.expect_tabular = true;
                return true;
            case '(':
                ++s_.depth;
                s_.def_position = false;
                if (raw_next) {
                    s_.lex = Lex::Raw;
                    s_.raw_depth = 1;
                } else if (s_.last_ident == "join" || s_.last_ident == "union" || s_.last_ident == "lookup") {
                    s_.at_start = true;
                    s_.expect_tabular = true;
                }
                return true;
            case ')':
                if (s_.depth == 0) return false;
                --s_.depth;
                s_.def_position = false;
                return true;
            case ',': s_.def_position = s_.depth == 0 && defines(s_.stage); return true;
            case '.':
                s_.after_dot = true;
                s_.def_position = false;
                return true;
            case ';':
                s_.expect_tabular = true;
                s_.at_start = true;
                s_.stage.clear();
                s_.def_position = false;
                return true;
            case '=':
            case '!':
            case '<':
            case '>':
            case '+':
            case '-':
            case '*':
            case '/':
            case '%':
            case '[':
            case ']':
            case '{':
            case '}':
            case ':':
            case '~':
            case '@':
            case '?':
                s_.def_position = false;
                s_.last_ident.clear();
                return true;
            default: return false;
        }
    }

    std::shared_ptr<const KqlRules> rules_;
    KqlState s_;
};

class KqlConstraint final : public AnswerConstraint {
public:
    explicit KqlConstraint(std::shared_ptr<const KqlRules> rules) : rules_(std::move(rules)) {}
    std::unique_ptr<AnswerCursor> start() const override { return std::make_unique<KqlCursor>(rules_); }

private:
    std::shared_ptr<const KqlRules> rules_;
};

}  // namespace

std::unique_ptr<AnswerConstraint> make_kql_constraint(const KqlSchema& schema, const KqlConstraintOptions& options) {
    auto r = std::make_shared<KqlRules>();
    r->schema = &schema;
    r->options = options;
    for (std::string_view w : kTabular) {
        r->tabular.sorted.emplace_back(w);
        r->words.sorted.emplace_back(w);
    }
    for (std::string_view w : kKeywords) r->words.sorted.emplace_back(w);
    for (const std::string& f : kql_function_names()) {
        r->words.sorted.push_back(f);
        if (const KqlFunction* fn = kql_find_function(f); fn && fn->naming == 'p' && fn->prefix && *fn->prefix)
            r->name_prefixes.emplace_back(fn->prefix);
    }
    r->name_prefixes.emplace_back("count_");
    std::sort(r->name_prefixes.begin(), r->name_prefixes.end());
    r->name_prefixes.erase(std::unique(r->name_prefixes.begin(), r->name_prefixes.end()), r->name_prefixes.end());
    for (const KqlTable& t : schema.tables) {
        r->words.sorted.push_back(t.name);
        Names cols;
        for (const KqlColumn& c : t.columns) {
            cols.sorted.push_back(c.name);
            r->all_columns.sorted.push_back(c.name);
        }
        cols.finish();
        r->table_columns.push_back(std::move(cols));
    }
    r->words.finish();
    r->tabular.finish();
    r->all_columns.finish();
    return std::make_unique<KqlConstraint>(std::move(r));
}

}  // namespace sigma::domain
