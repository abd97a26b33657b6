// KqlParserImpl: the KQL parser's state and grammar rules, shared by kql_parser.cpp (statements,
// pipelines, tabular operators) and kql_parser_expr.cpp (scalar expressions).
// Not a public API: include kql_parser.h and call kql_parse().
#pragma once

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/kql_parser.h"

namespace sigma::domain::kql_detail {

inline bool is_one_of(std::string_view w, std::initializer_list<std::string_view> set) {
    for (std::string_view s : set)
        if (s == w) return true;
    return false;
}

inline bool is_compare_word(std::string_view w) {
    return is_one_of(w, {"has",      "has_cs",      "contains",    "contains_cs",   "startswith", "startswith_cs",
                         "endswith", "endswith_cs", "hasprefix",   "hasprefix_cs",  "hassuffix",  "hassuffix_cs",
                         "matches",  "in",          "in~",         "has_any",       "has_all",    "between",
                         "like",     "notlike",     "notcontains", "notcontainscs", "notbetween"});
}

class KqlParserImpl {
public:
    explicit KqlParserImpl(std::string_view q) : toks_(kql_tokenize(q)) {}
    KqlParseResult run() {
        KqlParseResult r;
        for (const KqlToken& t : toks_) {
            if (t.kind == KqlTok::Error) {
                r.diagnostics.push_back({t.text, t.start, t.length, "Error"});
                return r;
            }
        }
        while (!failed() && !at_end()) {
            if (is_op(";")) {
                ++p_;
                if (is_op(";")) error_here("The incomplete fragment is unexpected.");  // an empty statement
                continue;
            }
            KqlStatement st;
            statement(st);
            if (failed()) break;
            r.query.statements.push_back(std::move(st));
            if (!at_end() && !is_op(";")) error_here("Expected: ; (or a | before this operator)");
        }
        if (!failed() && r.query.statements.empty()) error_here("A query is expected");
        r.diagnostics = std::move(diags_);
        return r;
    }

private:
    // ---- token helpers ----
    const KqlToken& cur() const { return toks_[p_]; }
    const KqlToken& peek(size_t k = 1) const { return toks_[std::min(p_ + k, toks_.size() - 1)]; }
    bool at_end() const { return cur().kind == KqlTok::End; }
    bool failed() const { return !diags_.empty(); }
    bool is_op(std::string_view s, size_t k = 0) const { return peek(k).kind == KqlTok::Op && peek(k).text == s; }
    bool is_word(std::string_view s, size_t k = 0) const { return peek(k).kind == KqlTok::Ident && peek(k).text == s; }
    bool accept_op(std::string_view s) {
        if (!is_op(s)) return false;
        ++p_;
        return true;
    }
    bool accept_word(std::string_view s) {
        if (!is_word(s)) return false;
        ++p_;
        return true;
    }
    void error_at(const KqlToken& t, std::string msg) {
        if (failed()) return;
        size_t len = t.kind == KqlTok::End ? 0 : t.length;
        diags_.push_back({std::move(msg), t.start, len, "Error"});
    }
    void error_here(std::string msg) { error_at(cur(), std::move(msg)); }
    // "Something is missing here": an empty range right after the last good token, as Kusto reports it.
    void error_missing(std::string msg) {
        if (!failed()) diags_.push_back({std::move(msg), prev_end(), 0, "Error"});
    }
    bool expect_op(std::string_view s) {
        if (accept_op(s)) return true;
        error_here("Expected: " + std::string(s));
        return false;
    }
    bool expect_word(std::string_view s) {
        if (accept_word(s)) return true;
        error_here("Expected: " + std::string(s));
        return false;
    }
    size_t prev_end() const { return p_ == 0 ? 0 : toks_[p_ - 1].start + toks_[p_ - 1].length; }
    struct DepthGuard {
        KqlParserImpl& p;
        bool ok;
        explicit DepthGuard(KqlParserImpl& parser) : p(parser), ok(++parser.depth_ <= kKqlMaxDepth) {
            if (!ok)
                p.error_here("The query is nested too deeply (more than " + std::to_string(kKqlMaxDepth) + " levels)");
        }
        ~DepthGuard() { --p.depth_; }
    };
    KqlExprPtr make(KqlExpr::Kind k, const KqlToken& t) {
        auto e = std::make_unique<KqlExpr>();
        e->kind = k;
        e->text = t.text;
        e->start = e->op_start = t.start;
        e->length = e->op_length = t.length;
        return e;
    }
    void finish(KqlExpr& e, size_t start) {
        e.start = start;
        e.length = prev_end() > start ? prev_end() - start : 0;
    }
    // ---- statements ----
    void statement(KqlStatement& st);
    void skip_until_statement_end();
    void let_statement(KqlStatement& st);
    bool looks_like_lambda() const;
    void lambda(KqlStatement& st);
    // ---- pipelines ----
    std::unique_ptr<KqlPipeline> pipeline();
    void begin_op(KqlOperator& op);
    void head_operator(KqlOperator& op);
    void datatable(KqlOperator& op);
    void skip_to_pipe();
    void params(KqlOperator& op, std::initializer_list<std::string_view> names);
    void tabular_operator(KqlOperator& op);
    void union_op(KqlOperator& op);
    void search_op(KqlOperator& op);
    void join_op(KqlOperator& op);
    void parse_op(KqlOperator& op);
    void make_series(KqlOperator& op);
    void top_nested(KqlOperator& op);
    void sort_keys(KqlOperator& op);
    void column_patterns(KqlOperator& op, bool allow_order);
    void named_list(std::vector<KqlNamedExpr>& out, bool allow_unnamed);
    KqlNamedExpr named_expr(bool allow_unnamed);
    bool tuple_assign_ahead() const;
    KqlExprPtr column_name();
    KqlExprPtr bracket_name();
    void skip_balanced();
    // ---- scalar expressions, lowest precedence first ----
    KqlExprPtr expr();
    int level_of(const KqlToken& t) const;
    // Each node a loop adds to a chain (a + b + c..., x.y.z...) deepens the tree by one, so it
    // counts against the depth limit like a nested parenthesis would.
    struct ChainGuard {
        KqlParserImpl& p;
        int links = 0;
        explicit ChainGuard(KqlParserImpl& parser) : p(parser) {}
        bool add() {
            ++links;
            if (++p.depth_ <= kKqlMaxDepth) return true;
            p.error_here("The expression is too long or nested too deeply (more than " + std::to_string(kKqlMaxDepth) +
                         " levels)");
            return false;
        }
        ~ChainGuard() { p.depth_ -= links; }
    };
    KqlExprPtr binary_level(int level);
    KqlExprPtr in_list(KqlExprPtr left, const KqlToken& op);
    KqlExprPtr between(KqlExprPtr left, const KqlToken& op);
    KqlExprPtr unary();
    KqlExprPtr postfix();
    bool dynamic_value(int depth);
    KqlExprPtr raw_literal(KqlExpr::Lit lit);
    KqlExprPtr primary();
    KqlExprPtr ident_primary();
    KqlExprPtr call();
    std::vector<KqlToken> toks_;
    size_t p_ = 0;
    int depth_ = 0;
    std::vector<KqlDiagnostic> diags_;
};

}  // namespace sigma::domain::kql_detail
