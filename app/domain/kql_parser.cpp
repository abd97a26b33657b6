// KQL recursive descent parser, statements and tabular operators. Every recursive path counts depth
// against kKqlMaxDepth, and the first error stops the parse (later errors would mostly be echoes).
// Not a full Kusto grammar: rarely used operators (fork, facet, mv-apply, scan...) are skipped to
// the next pipe and marked `open` so the checker stops tracking columns after them.
#include "app/domain/kql_parser.h"

#include "app/domain/kql_parser_impl.h"

namespace sigma::domain {

namespace kql_detail {

void KqlParserImpl::statement(KqlStatement& st) {
    if (is_word("let")) return let_statement(st);
    if (is_word("set") && peek().kind == KqlTok::Ident) {
        st.kind = KqlStatement::Kind::Set;
        p_ += 2;
        while (accept_op(".") && cur().kind == KqlTok::Ident) ++p_;
        if (accept_op("=")) skip_until_statement_end();
        return;
    }
    if (is_word("declare") || is_word("alias") || is_word("restrict") || is_word("pattern")) {
        st.kind = KqlStatement::Kind::Set;
        skip_until_statement_end();
        return;
    }
    st.kind = KqlStatement::Kind::Query;
    st.body = pipeline();
}

void KqlParserImpl::skip_until_statement_end() {
    int depth = 0;
    while (!at_end()) {
        if (cur().kind == KqlTok::Op) {
            if (cur().text == "(" || cur().text == "[" || cur().text == "{") ++depth;
            if (cur().text == ")" || cur().text == "]" || cur().text == "}") --depth;
            if (cur().text == ";" && depth <= 0) return;
        }
        ++p_;
    }
}

void KqlParserImpl::let_statement(KqlStatement& st) {
    ++p_;  // let
    st.kind = KqlStatement::Kind::Let;
    if (cur().kind != KqlTok::Ident && !is_op("[")) return error_here("Expected: a name after let");
    if (is_op("[")) {
        auto n = bracket_name();
        if (!n) return;
        st.name = n->text;
        st.name_start = n->start;
        st.name_length = n->length;
    } else {
        st.name = cur().text;
        st.name_start = cur().start;
        st.name_length = cur().length;
        ++p_;
    }
    if (!expect_op("=")) return;
    if (is_word("view") && is_op("(", 1)) ++p_;  // let V = view () { ... }
    if (is_op("(") && looks_like_lambda()) return lambda(st);
    st.body = pipeline();
}

bool KqlParserImpl::looks_like_lambda() const {
    if (is_op(")", 1)) return is_op("{", 2);
    return peek(1).kind == KqlTok::Ident && is_op(":", 2);
}

void KqlParserImpl::lambda(KqlStatement& st) {
    DepthGuard g(*this);
    if (!g.ok) return;
    st.is_lambda = true;
    ++p_;  // (
    while (!failed() && !is_op(")")) {
        if (cur().kind != KqlTok::Ident) return error_here("Expected: a parameter name");
        KqlLambdaParam prm;
        prm.name = cur().text;
        ++p_;
        if (!expect_op(":")) return;
        if (accept_op("(")) {
            prm.tabular = true;
            while (!failed() && !is_op(")") && !at_end()) ++p_;
            if (!expect_op(")")) return;
        } else if (cur().kind == KqlTok::Ident) {
            prm.type = cur().text;
            ++p_;
        } else {
            return error_here("Expected: a parameter type");
        }
        if (accept_op("=")) {  // default value
            auto d = expr();
            if (!d) return;
        }
        st.params.push_back(std::move(prm));
        if (!accept_op(",")) break;
    }
    if (!expect_op(")") || !expect_op("{")) return;
    while (!failed()) {
        while (accept_op(";")) {}
        if (is_op("}")) break;
        KqlStatement inner;
        statement(inner);
        if (failed()) return;
        if (inner.kind == KqlStatement::Kind::Let) {
            st.lambda_lets.push_back(std::move(inner));
        } else if (inner.kind == KqlStatement::Kind::Query) {
            st.body = std::move(inner.body);
        }
        if (!is_op(";") && !is_op("}")) return error_here("Expected: }");
    }
    expect_op("}");
    if (!failed() && !st.body) error_at(toks_[p_ - 1], "A function body needs an expression");
}

std::unique_ptr<KqlPipeline> KqlParserImpl::pipeline() {
    DepthGuard g(*this);
    if (!g.ok) return nullptr;
    auto pl = std::make_unique<KqlPipeline>();
    pl->start = cur().start;
    if (is_word("union") || is_word("print") || is_word("range") || is_word("datatable") || is_word("search") ||
        is_word("find") || is_word("evaluate") || is_word("externaldata")) {
        KqlOperator op;
        head_operator(op);
        if (failed()) return nullptr;
        pl->ops.push_back(std::move(op));
    } else {
        pl->source = expr();
        if (!pl->source) return nullptr;
    }
    while (!failed() && accept_op("|")) {
        KqlOperator op;
        tabular_operator(op);
        if (failed()) return nullptr;
        pl->ops.push_back(std::move(op));
    }
    pl->length = prev_end() - pl->start;
    return pl;
}

void KqlParserImpl::begin_op(KqlOperator& op) {
    op.name = cur().text;
    op.start = cur().start;
    op.length = cur().length;
    ++p_;
}

void KqlParserImpl::head_operator(KqlOperator& op) {
    const std::string w = cur().text;
    if (w == "union") return union_op(op);
    if (w == "search") return search_op(op);
    begin_op(op);
    if (w == "print") return named_list(op.items, true);
    if (w == "range") {
        if (cur().kind != KqlTok::Ident) return error_here("Expected: a column name after range");
        op.items.emplace_back();
        op.items.back().names.push_back(cur().text);
        ++p_;
        if (!expect_word("from")) return;
        op.range.push_back(expr());
        if (failed() || !expect_word("to")) return;
        op.range.push_back(expr());
        if (failed() || !expect_word("step")) return;
        op.range.push_back(expr());
        return;
    }
    if (w == "datatable") return datatable(op);
    // find, evaluate and externaldata heads: columns are not modelled.
    op.open = true;
    skip_to_pipe();
}

void KqlParserImpl::datatable(KqlOperator& op) {
    if (!expect_op("(")) return;
    while (!failed() && !is_op(")")) {
        auto n = column_name();
        if (!n) return;
        KqlNamedExpr col;
        col.names.push_back(n->text);
        if (!expect_op(":")) return;
        if (cur().kind != KqlTok::Ident) return error_here("Expected: a column type");
        col.type_name = cur().text;
        ++p_;
        op.items.push_back(std::move(col));
        if (!accept_op(",")) break;
    }
    if (!expect_op(")") || !expect_op("[")) return;
    while (!failed() && !is_op("]")) {
        auto v = expr();
        if (!v) return;
        op.range.push_back(std::move(v));
        if (!accept_op(",")) break;
    }
    expect_op("]");
}

void KqlParserImpl::skip_to_pipe() {
    int depth = 0;
    while (!at_end()) {
        if (cur().kind == KqlTok::Op) {
            const std::string& t = cur().text;
            if (t == "(" || t == "[" || t == "{") ++depth;
            if (t == ")" || t == "]" || t == "}") {
                if (depth == 0) return;
                --depth;
            }
            if ((t == "|" || t == ";") && depth == 0) return;
        }
        ++p_;
    }
}

void KqlParserImpl::params(KqlOperator& op, std::initializer_list<std::string_view> names) {
    while (cur().kind == KqlTok::Ident) {
        std::string name = cur().text;
        size_t k = 1;
        while (is_op(".", k) && peek(k + 1).kind == KqlTok::Ident) {
            name += "." + peek(k + 1).text;
            k += 2;
        }
        static const std::initializer_list<std::string_view> kHints = {
            "strategy",           "shufflekey", "num_partitions",  "materialized", "remote",
            "concurrency",        "spread",     "progressive_top", "distribution", "pass_filters",
            "pass_filters_column"};
        bool known = is_one_of(name, names) || (name.rfind("hint.", 0) == 0 && is_one_of(name.substr(5), kHints));
        if (!known || !is_op("=", k)) return;
        KqlParam prm;
        prm.name = name;
        prm.start = cur().start;
        p_ += k + 1;
        if (cur().kind == KqlTok::End || cur().kind == KqlTok::Op) return error_here("Expected: a value for " + name);
        prm.value = cur().kind == KqlTok::String ? cur().value : cur().text;
        prm.value_start = cur().start;
        prm.value_length = cur().length;
        ++p_;
        prm.length = prev_end() - prm.start;
        op.params.push_back(std::move(prm));
    }
}

void KqlParserImpl::tabular_operator(KqlOperator& op) {
    if (cur().kind != KqlTok::Ident) return error_missing("Query operator expected");
    const std::string w = cur().text;
    if (w == "where" || w == "filter") {
        begin_op(op);
        // Kusto reads `where x = e` as a named predicate and checks only e: accept it the same way.
        const size_t pred_start = cur().start;
        const bool named = cur().kind == KqlTok::Ident && is_op("=", 1);
        if (named) p_ += 2;
        op.expr = expr();
        if (named && op.expr) {
            op.expr->start = pred_start;
            op.expr->length = prev_end() - pred_start;
        }
    } else if (w == "project" || w == "extend" || w == "distinct" || w == "serialize") {
        begin_op(op);
        if (w == "serialize" && (is_op("|") || at_end() || is_op(";") || is_op(")"))) return;
        if (w == "distinct" && accept_op("*")) return;
        if (w == "project" && (is_op("|") || at_end() || is_op(";") || is_op(")"))) return;
        named_list(op.items, w != "serialize");
    } else if (w == "project-away" || w == "project-keep" || w == "project-reorder") {
        begin_op(op);
        column_patterns(op, w == "project-reorder");
    } else if (w == "project-rename") {
        begin_op(op);
        named_list(op.items, false);
        for (const KqlNamedExpr& it : op.items)
            if (!failed() && it.names.empty()) error_at(cur(), "Expected: new_name = column in project-rename");
    } else if (w == "summarize") {
        begin_op(op);
        params(op, {});
        if (!is_word("by")) named_list(op.items, true);
        if (!failed() && accept_word("by")) named_list(op.by, true);
    } else if (w == "top") {
        begin_op(op);
        op.expr = expr();
        if (failed() || !expect_word("by")) return;
        sort_keys(op);
    } else if (w == "order" || w == "sort") {
        begin_op(op);
        if (!expect_word("by")) return;
        sort_keys(op);
    } else if (w == "take" || w == "limit" || w == "sample") {
        begin_op(op);
        op.expr = expr();
    } else if (w == "count" || w == "getschema") {
        begin_op(op);
    } else if (w == "join" || w == "lookup") {
        join_op(op);
    } else if (w == "union") {
        union_op(op);
    } else if (w == "render") {
        begin_op(op);
        if (cur().kind != KqlTok::Ident) return error_here("Expected: a chart type after render");
        op.params.push_back({"visualization", cur().text, cur().start, cur().length});
        ++p_;
        if (accept_word("with")) {
            if (!is_op("(")) return error_here("Expected: (");
            skip_balanced();
        }
        // the older form: render timechart kind=stacked title='x'
        while (!failed() && cur().kind == KqlTok::Ident && is_op("=", 1)) {
            p_ += 2;
            if (at_end() || (cur().kind == KqlTok::Op && !is_op("("))) return error_here("Expected: a value");
            if (is_op("(")) skip_balanced();
            else ++p_;
        }
    } else if (w == "parse" || w == "parse-where") {
        parse_op(op);
    } else if (w == "mv-expand") {
        begin_op(op);
        params(op, {"bagexpansion", "with_itemindex", "kind"});
        named_list(op.items, true);
        if (accept_word("limit")) op.expr = expr();
    } else if (w == "make-series") {
        make_series(op);
    } else if (w == "as") {
        begin_op(op);
        params(op, {});
        if (cur().kind != KqlTok::Ident) return error_here("Expected: a name after as");
        op.expr = make(KqlExpr::Kind::Name, cur());
        ++p_;
    } else if (w == "search") {
        search_op(op);
    } else if (w == "sample-distinct") {
        begin_op(op);
        op.expr = expr();
        if (failed() || !expect_word("of")) return;
        named_list(op.items, true);
    } else if (w == "evaluate") {
        // Plugins shape their own output; only their arguments are checked.
        begin_op(op);
        params(op, {});
        op.expr = postfix();
        op.open = true;
    } else if (w == "top-nested") {
        top_nested(op);
    } else if (w == "mv-apply" || w == "invoke" || w == "fork" || w == "facet" || w == "partition" || w == "scan" ||
               w == "make-graph" || w == "graph-match" || w == "top-hitters" || w == "parse-kv" ||
               w == "project-smart" || w == "reduce" || w == "consume" || w == "execute-and-cache" ||
               w == "assert-schema" || w == "lookup-contains") {
        begin_op(op);
        op.open = true;
        skip_to_pipe();
    } else {
        error_here("Query operator expected: '" + w + "' is not a tabular operator");
    }
}

void KqlParserImpl::union_op(KqlOperator& op) {
    begin_op(op);
    params(op, {"kind", "withsource", "isfuzzy"});
    while (!failed()) {
        if (is_op("*")) {  // union *: every table
            auto star = make(KqlExpr::Kind::Name, cur());
            ++p_;
            op.tables.push_back(std::move(star));
        } else if (is_op("(")) {
            op.tables.push_back(primary());
        } else if (cur().kind == KqlTok::Ident || is_op("[")) {
            auto t = postfix();
            if (!t) return;
            if (t->kind == KqlExpr::Kind::Name && is_op("*") && toks_[p_].start == t->start + t->length) {
                t->text += "*";
                ++p_;
                finish(*t, t->start);
            }
            op.tables.push_back(std::move(t));
        } else {
            return error_here("Expected: a table name or (query) in union");
        }
        if (!accept_op(",")) break;
    }
}

void KqlParserImpl::search_op(KqlOperator& op) {
    begin_op(op);
    params(op, {"kind"});
    if (accept_word("in")) {
        if (!expect_op("(")) return;
        while (!failed() && !is_op(")")) {
            op.tables.push_back(postfix());
            if (!accept_op(",")) break;
        }
        if (!expect_op(")")) return;
    }
    op.expr = expr();
}

void KqlParserImpl::join_op(KqlOperator& op) {
    begin_op(op);
    params(op, {"kind", "withsource"});
    if (is_op("(")) {
        op.tables.push_back(primary());
    } else if (cur().kind == KqlTok::Ident || is_op("[")) {
        op.tables.push_back(postfix());
    } else {
        return error_here("Expected: (query) or a table name after " + op.name);
    }
    if (failed()) return;
    if (!is_word("on") && !is_word("where")) return error_here("Expected: on");
    ++p_;
    while (!failed()) {
        op.on.push_back(expr());
        if (!accept_op(",")) break;
    }
}

void KqlParserImpl::parse_op(KqlOperator& op) {
    begin_op(op);
    params(op, {"kind", "flags"});
    op.expr = expr();
    if (failed() || !expect_word("with")) return;
    bool any = false;
    bool after_column = false;  // two captures in a row need a literal between them
    while (!failed() && !at_end() && !is_op("|") && !is_op(";") && !is_op(")")) {
        any = true;
        if (cur().kind == KqlTok::String) {
            ++p_;
            after_column = false;
            continue;
        }
        if (accept_op("*")) {
            // a wildcard must be followed by a literal delimiter (or end the pattern)
            if (!at_end() && !is_op("|") && !is_op(";") && !is_op(")") && cur().kind != KqlTok::String)
                return error_here("A string literal must follow a *");
            continue;
        }
        if (after_column) return error_here("The column name must follow a string literal");
        after_column = true;
        auto n = column_name();
        if (!n) return;
        KqlNamedExpr cap;
        cap.names.push_back(n->text);
        cap.name_start = n->start;
        cap.name_length = n->length;
        if (accept_op(":")) {
            if (cur().kind != KqlTok::Ident) return error_here("Expected: a type after :");
            cap.type_name = cur().text;
            ++p_;
        }
        op.by.push_back(std::move(cap));
    }
    if (!any && !failed()) error_here("Expected: a parse pattern after with");
}

// top-nested [N] of Expr [with others = Expr] by Aggregate [asc|desc], top-nested ...
// Clauses go to items (the `of` expressions), by (the aggregates) and range (the counts, or null).
void KqlParserImpl::top_nested(KqlOperator& op) {
    begin_op(op);
    while (!failed()) {
        op.range.push_back(is_word("of") ? nullptr : expr());
        if (failed() || !expect_word("of")) return;
        op.items.push_back(named_expr(true));
        if (failed()) return;
        if (accept_word("with")) {
            if (!expect_word("others") || !expect_op("=")) return;
            if (!expr()) return;
        }
        if (!expect_word("by")) return;
        op.by.push_back(named_expr(true));
        if (failed()) return;
        if (!accept_word("asc")) accept_word("desc");
        if (!(is_op(",") && is_word("top-nested", 1))) return;
        p_ += 2;
    }
}

void KqlParserImpl::make_series(KqlOperator& op) {
    begin_op(op);
    params(op, {"kind"});
    while (!failed()) {
        KqlNamedExpr it = named_expr(true);
        if (failed()) return;
        if (accept_word("default")) {
            if (!expect_op("=")) return;
            expr();
        }
        op.items.push_back(std::move(it));
        if (!accept_op(",")) break;
    }
    if (failed() || !expect_word("on")) return;
    op.axis = postfix();  // not expr(): `on T in range(...)` must not read as an `in` test
    if (failed()) return;
    if (accept_word("in")) {
        auto r = postfix();
        if (r) op.range.push_back(std::move(r));
    } else {
        for (const char* k : {"from", "to", "step"}) {
            if (accept_word(k)) {
                op.range.push_back(expr());
            } else if (std::string_view(k) == "step") {
                return error_here("Expected: step");
            }
            if (failed()) return;
        }
    }
    if (!failed() && accept_word("by")) named_list(op.by, true);
}

void KqlParserImpl::sort_keys(KqlOperator& op) {
    while (!failed()) {
        KqlSortKey k;
        k.expr = expr();
        if (failed()) return;
        if (accept_word("asc")) k.desc = false;
        else accept_word("desc");
        if (accept_word("nulls")) {
            if (!accept_word("first") && !accept_word("last")) return error_here("Expected: first or last");
        }
        op.sort.push_back(std::move(k));
        if (!accept_op(",")) break;
    }
}

void KqlParserImpl::column_patterns(KqlOperator& op, bool allow_order) {
    while (!failed()) {
        KqlNamedExpr it;
        size_t s = cur().start;
        std::string pat;
        while (true) {
            if (cur().kind == KqlTok::Ident && (pat.empty() || pat.back() == '*')) {
                pat += cur().text;
                ++p_;
            } else if (is_op("[") && pat.empty()) {
                auto n = bracket_name();
                if (!n) return;
                pat = n->text;
            } else if (is_op("*")) {
                pat += "*";
                ++p_;
            } else {
                break;
            }
            if (cur().start != prev_end()) break;
        }
        if (pat.empty()) return error_here("Expected: a column name");
        auto e = std::make_unique<KqlExpr>();
        e->kind = KqlExpr::Kind::Name;
        e->text = pat;
        e->start = e->op_start = s;
        e->length = e->op_length = prev_end() - s;
        it.expr = std::move(e);
        if (allow_order &&
            (accept_word("asc") || accept_word("desc") || accept_word("granny-asc") || accept_word("granny-desc"))) {}
        op.items.push_back(std::move(it));
        if (!accept_op(",")) break;
    }
}

void KqlParserImpl::named_list(std::vector<KqlNamedExpr>& out, bool allow_unnamed) {
    while (!failed()) {
        out.push_back(named_expr(allow_unnamed));
        if (failed()) return;
        if (is_word("to") && peek().kind == KqlTok::Ident && peek().text == "typeof") {
            ++p_;
            auto t = postfix();
            if (t && !t->args.empty()) out.back().type_name = t->args[0]->text;
        }
        if (!accept_op(",")) break;
    }
}

KqlNamedExpr KqlParserImpl::named_expr(bool allow_unnamed) {
    KqlNamedExpr it;
    if ((cur().kind == KqlTok::Ident && is_op("=", 1)) ||
        (is_op("[") && peek().kind == KqlTok::String && is_op("]", 2) && is_op("=", 3))) {
        auto n = column_name();
        it.names.push_back(n->text);
        it.name_start = n->start;
        it.name_length = n->length;
        ++p_;  // =
    } else if (is_op("(") && peek().kind == KqlTok::Ident && (is_op(",", 2) || is_op(")", 2)) && tuple_assign_ahead()) {
        it.name_start = cur().start;
        ++p_;
        while (cur().kind == KqlTok::Ident) {
            it.names.push_back(cur().text);
            ++p_;
            if (!accept_op(",")) break;
        }
        expect_op(")");
        it.name_length = prev_end() - it.name_start;
        expect_op("=");
    } else if (!allow_unnamed) {
        error_here("Expected: name = expression");
        return it;
    }
    if (!failed()) it.expr = expr();
    return it;
}

bool KqlParserImpl::tuple_assign_ahead() const {
    size_t k = 1;
    while (peek(k).kind == KqlTok::Ident && is_op(",", k + 1)) k += 2;
    return peek(k).kind == KqlTok::Ident && is_op(")", k + 1) && is_op("=", k + 2);
}

KqlExprPtr KqlParserImpl::column_name() {
    if (is_op("[")) return bracket_name();
    if (cur().kind != KqlTok::Ident) {
        error_here("Expected: a column name");
        return nullptr;
    }
    auto e = make(KqlExpr::Kind::Name, cur());
    ++p_;
    return e;
}

KqlExprPtr KqlParserImpl::bracket_name() {
    const KqlToken& open = cur();
    if (!is_op("[") || peek().kind != KqlTok::String || !is_op("]", 2)) {
        error_here("Expected: ['name']");
        return nullptr;
    }
    auto e = make(KqlExpr::Kind::Name, open);
    e->text = peek().value;
    p_ += 3;
    finish(*e, open.start);
    e->op_length = e->length;
    return e;
}

void KqlParserImpl::skip_balanced() {
    int depth = 0;
    do {
        if (at_end()) return error_here("Expected: )");
        if (is_op("(") || is_op("[") || is_op("{")) ++depth;
        if (is_op(")") || is_op("]") || is_op("}")) --depth;
        ++p_;
    } while (depth > 0);
}

}  // namespace kql_detail

KqlParseResult kql_parse(std::string_view query) { return kql_detail::KqlParserImpl(query).run(); }

}  // namespace sigma::domain
