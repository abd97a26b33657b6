// KQL recursive descent parser, scalar expressions: precedence levels, literals, names, calls, and
// the in/between/member/index forms. Not where tabular operators are read (kql_parser.cpp).
#include "app/domain/kql_parser_impl.h"

namespace sigma::domain::kql_detail {

KqlExprPtr KqlParserImpl::expr() {
    DepthGuard g(*this);
    if (!g.ok) return nullptr;
    return binary_level(0);
}

int KqlParserImpl::level_of(const KqlToken& t) const {
    if (t.kind == KqlTok::Ident) {
        if (t.text == "or") return 0;
        if (t.text == "and") return 1;
        if (is_compare_word(t.text)) return 2;
        return -1;
    }
    if (t.kind != KqlTok::Op) return -1;
    const std::string& s = t.text;
    if (s == ":") return 2;  // search Column:"value", also accepted by where
    if (s == "==" || s == "!=" || s == "<>" || s == "<" || s == "<=" || s == ">" || s == ">=" || s == "=~" ||
        s == "!~" || s[0] == '!')
        return 2;
    if (s == "+" || s == "-") return 3;
    if (s == "*" || s == "/" || s == "%") return 4;
    return -1;
}

KqlExprPtr KqlParserImpl::binary_level(int level) {
    if (level > 4) return unary();
    auto left = binary_level(level + 1);
    ChainGuard chain(*this);
    while (left && !failed() && level_of(cur()) == level) {
        if (!chain.add()) return nullptr;
        const KqlToken op = cur();
        ++p_;
        std::string o = op.text;
        if (level == 2 && (o == "in" || o == "in~" || o == "!in" || o == "!in~" || o == "has_any" || o == "has_all" ||
                           o == "!has_any" || o == "!has_all")) {
            left = in_list(std::move(left), op);
            continue;
        }
        if (level == 2 && (o == "between" || o == "!between")) {
            left = between(std::move(left), op);
            continue;
        }
        if (o == "matches") {
            if (!expect_word("regex")) return nullptr;
            o = "matches regex";
        }
        auto right = binary_level(level + 1);
        if (!right) return nullptr;
        auto b = make(KqlExpr::Kind::Binary, op);
        b->text = o;
        size_t s = left->start;
        b->args.push_back(std::move(left));
        b->args.push_back(std::move(right));
        finish(*b, s);
        left = std::move(b);
        if (level == 2) break;  // comparisons do not chain
    }
    return left;
}

KqlExprPtr KqlParserImpl::in_list(KqlExprPtr left, const KqlToken& op) {
    auto e = make(KqlExpr::Kind::In, op);
    size_t s = left->start;
    e->args.push_back(std::move(left));
    if (!expect_op("(")) return nullptr;
    if (!is_op(")")) {
        auto first = pipeline();
        if (!first) return nullptr;
        if (!first->ops.empty() || is_op(")")) {
            if (first->ops.empty()) {
                e->args.push_back(std::move(first->source));
            } else {
                e->sub = std::move(first);
            }
        } else {
            e->args.push_back(std::move(first->source));
        }
        while (!e->sub && accept_op(",")) {
            auto v = expr();
            if (!v) return nullptr;
            e->args.push_back(std::move(v));
        }
    } else {
        error_here("Expected: a value");
        return nullptr;
    }
    if (!expect_op(")")) return nullptr;
    finish(*e, s);
    return e;
}

KqlExprPtr KqlParserImpl::between(KqlExprPtr left, const KqlToken& op) {
    auto e = make(KqlExpr::Kind::Between, op);
    size_t s = left->start;
    e->args.push_back(std::move(left));
    if (!expect_op("(")) return nullptr;
    auto lo = expr();
    if (!lo || !expect_op("..")) return nullptr;
    auto hi = expr();
    if (!hi || !expect_op(")")) return nullptr;
    e->args.push_back(std::move(lo));
    e->args.push_back(std::move(hi));
    finish(*e, s);
    return e;
}

KqlExprPtr KqlParserImpl::unary() {
    if (is_op("-") || is_op("+")) {
        DepthGuard g(*this);
        if (!g.ok) return nullptr;
        const KqlToken op = cur();
        ++p_;
        auto inner = unary();
        if (!inner) return nullptr;
        auto e = make(KqlExpr::Kind::Unary, op);
        e->args.push_back(std::move(inner));
        finish(*e, op.start);
        return e;
    }
    return postfix();
}

KqlExprPtr KqlParserImpl::postfix() {
    auto e = primary();
    ChainGuard chain(*this);
    while (e && !failed()) {
        if ((is_op(".") || is_op("[")) && !chain.add()) return nullptr;
        if (is_op(".") && (peek().kind == KqlTok::Ident || is_op("[", 1))) {
            ++p_;
            auto m = make(KqlExpr::Kind::Member, cur());
            if (is_op("[")) {
                auto n = bracket_name();
                if (!n) return nullptr;
                m->text = n->text;
            } else {
                ++p_;
            }
            size_t s = e->start;
            m->args.push_back(std::move(e));
            finish(*m, s);
            e = std::move(m);
        } else if (is_op("[")) {
            const KqlToken open = cur();
            ++p_;
            auto idx = expr();
            if (!idx || !expect_op("]")) return nullptr;
            auto m = make(KqlExpr::Kind::Index, open);
            m->op_length = prev_end() - open.start;  // the whole [ ... ]
            size_t s = e->start;
            m->args.push_back(std::move(e));
            m->args.push_back(std::move(idx));
            finish(*m, s);
            e = std::move(m);
        } else {
            break;
        }
    }
    return e;
}

KqlExprPtr KqlParserImpl::raw_literal(KqlExpr::Lit lit) {
    // datetime(2024-01-01 10:00), dynamic([1, "a"]), guid(...), int(null): kept as text.
    const KqlToken head = cur();
    auto e = make(KqlExpr::Kind::Literal, head);
    e->lit = lit;
    ++p_;
    if (lit == KqlExpr::Lit::Dynamic) {
        // dynamic(...) holds one JSON-like value: null, true, a number, a string, [..] or {..}
        if (!expect_op("(")) return nullptr;
        if (!is_op(")") && !dynamic_value(0)) return nullptr;
        if (!expect_op(")")) return nullptr;
    } else {
        skip_balanced();
    }
    if (failed()) return nullptr;
    finish(*e, head.start);
    e->op_length = e->length;
    e->text = head.text;
    return e;
}

bool KqlParserImpl::dynamic_value(int depth) {
    if (depth > 64) {
        error_here("The dynamic literal is nested too deeply");
        return false;
    }
    if (cur().kind == KqlTok::String || cur().kind == KqlTok::Number || cur().kind == KqlTok::Timespan) {
        ++p_;
        return true;
    }
    if (is_op("-") && (peek().kind == KqlTok::Number)) {
        p_ += 2;
        return true;
    }
    if (cur().kind == KqlTok::Ident) {
        const std::string& w = cur().text;
        if (w == "null" || w == "true" || w == "false") {
            ++p_;
            return true;
        }
        if ((w == "datetime" || w == "timespan" || w == "time" || w == "guid") && is_op("(", 1)) {
            ++p_;
            skip_balanced();
            return !failed();
        }
    }
    const bool array = is_op("[");
    if (!array && !is_op("{")) {
        error_missing("Expected: a value (null, true, false, a number, a string, [ ] or { })");
        return false;
    }
    ++p_;
    const char* close = array ? "]" : "}";
    while (!failed() && !is_op(close)) {
        if (!array) {
            if (cur().kind != KqlTok::String && cur().kind != KqlTok::Ident) {
                error_here("Expected: a property name");
                return false;
            }
            ++p_;
            if (!expect_op(":")) return false;
        }
        if (!dynamic_value(depth + 1)) return false;
        if (!accept_op(",")) break;
    }
    return expect_op(close);
}

KqlExprPtr KqlParserImpl::primary() {
    DepthGuard g(*this);
    if (!g.ok) return nullptr;
    const KqlToken& t = cur();
    switch (t.kind) {
        case KqlTok::Number: {
            auto e = make(KqlExpr::Kind::Literal, t);
            e->lit = t.text.find_first_of(".eE") != std::string::npos && t.text.rfind("0x", 0) != 0
                         ? KqlExpr::Lit::Real
                         : KqlExpr::Lit::Long;
            ++p_;
            return e;
        }
        case KqlTok::Timespan: {
            auto e = make(KqlExpr::Kind::Literal, t);
            e->lit = KqlExpr::Lit::Timespan;
            ++p_;
            return e;
        }
        case KqlTok::String: {
            auto e = make(KqlExpr::Kind::Literal, t);
            e->lit = KqlExpr::Lit::String;
            e->text = t.value;
            ++p_;
            while (cur().kind == KqlTok::String) {  // adjacent literals concatenate
                e->text += cur().value;
                ++p_;
            }
            finish(*e, t.start);
            return e;
        }
        case KqlTok::Ident: return ident_primary();
        case KqlTok::Op: break;
        default:
            error_at(t, t.kind == KqlTok::End ? "Expected: an expression, found the end of the query"
                                              : "Expected: an expression");
            return nullptr;
    }
    if (is_op("[")) return bracket_name();
    if (is_op("*") && level_of(peek()) == 2) {  // where * has "x": any column
        auto e = make(KqlExpr::Kind::Star, t);
        ++p_;
        return e;
    }
    if (is_op("(")) {
        const KqlToken open = t;
        ++p_;
        auto inner = pipeline();
        if (!inner || !expect_op(")")) return nullptr;
        if (inner->ops.empty() && inner->source) {
            auto e = std::move(inner->source);
            e->start = open.start;
            e->length = prev_end() - open.start;
            return e;
        }
        auto e = make(KqlExpr::Kind::Tabular, open);
        e->sub = std::move(inner);
        finish(*e, open.start);
        return e;
    }
    error_missing("Expected: an expression, found '" + t.text + "'");
    return nullptr;
}

KqlExprPtr KqlParserImpl::ident_primary() {
    const KqlToken& t = cur();
    const std::string& w = t.text;
    if (w == "true" || w == "false" || w == "True" || w == "False" || w == "TRUE" || w == "FALSE") {
        auto e = make(KqlExpr::Kind::Literal, t);
        e->lit = KqlExpr::Lit::Bool;
        ++p_;
        return e;
    }
    if (is_op("(", 1)) {
        if (w == "datetime" || w == "date") return raw_literal(KqlExpr::Lit::Datetime);
        if (w == "timespan" || w == "time") return raw_literal(KqlExpr::Lit::Timespan);
        if (w == "dynamic") return raw_literal(KqlExpr::Lit::Dynamic);
        if (w == "guid" || w == "uuid" || w == "uniqueid") return raw_literal(KqlExpr::Lit::Guid);
        if (is_one_of(w, {"int", "long", "real", "double", "bool", "boolean", "decimal", "int64", "int32"}))
            return raw_literal(KqlExpr::Lit::Typed);
        return call();
    }
    if (is_compare_word(w) || w == "and" || w == "or" || w == "by" || w == "on" || w == "with") {
        error_missing("Expected: an expression, found the keyword '" + w + "'");
        return nullptr;
    }
    auto e = make(KqlExpr::Kind::Name, t);
    ++p_;
    return e;
}

KqlExprPtr KqlParserImpl::call() {
    auto e = make(KqlExpr::Kind::Call, cur());
    size_t s = cur().start;
    p_ += 2;  // name (
    while (!failed() && !is_op(")")) {
        if (is_op("*") && (is_op(",", 1) || is_op(")", 1))) {
            e->args.push_back(make(KqlExpr::Kind::Star, cur()));
            ++p_;
        } else {
            // Arguments may be pipelines: toscalar(T | count), materialize(T | where ...).
            auto pl = pipeline();
            if (!pl) return nullptr;
            if (pl->ops.empty() && pl->source) {
                e->args.push_back(std::move(pl->source));
            } else {
                auto tab = std::make_unique<KqlExpr>();
                tab->kind = KqlExpr::Kind::Tabular;
                tab->start = tab->op_start = pl->start;
                tab->length = tab->op_length = pl->length;
                tab->sub = std::move(pl);
                e->args.push_back(std::move(tab));
            }
        }
        if (!accept_op(",")) break;
        if (is_op(")")) {  // f(a, ): a comma promises another argument
            error_missing("Expected: an expression");
            return nullptr;
        }
    }
    if (!expect_op(")")) return nullptr;
    finish(*e, s);
    return e;
}

}  // namespace sigma::domain::kql_detail
