// KqlChecker, the operators that combine or reshape rows: project-away/keep/reorder, mv-expand,
// join, lookup and union, with Kusto's naming of clashing columns. Not where single-row operators
// (where, extend, summarize...) are checked: kql_checker.cpp.
#include <algorithm>

#include "app/domain/kql_checker.h"

namespace sigma::domain {

namespace {

// '*' matches any run of characters. Iterative (backtracks only to the last star), so a hostile
// pattern such as a*a*a*...b costs O(pattern x name), never deep recursion.
bool glob_match(std::string_view pat, std::string_view s) {
    size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && pat[p] != '*' && pat[p] == s[i]) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

const char* const kJoinKinds[] = {"inner",     "innerunique", "leftouter", "rightouter",   "fullouter",     "leftanti",
                                  "rightanti", "leftsemi",    "rightsemi", "leftantisemi", "rightantisemi", "anti"};

}  // namespace

KqlRowType KqlChecker::op_columns(const KqlOperator& op, const KqlRowType& in) {
    std::vector<std::string> matched;
    for (const KqlNamedExpr& it : op.items) {
        const KqlExpr& e = *it.expr;
        bool wild = e.text.find('*') != std::string::npos;
        bool any = false;
        for (const KqlColumn& c : in.columns) {
            if (glob_match(e.text, c.name)) {
                any = true;
                if (std::find(matched.begin(), matched.end(), c.name) == matched.end()) matched.push_back(c.name);
            }
        }
        if (!any && !in.open) {
            std::vector<std::string> names;
            for (const KqlColumn& c : in.columns) names.push_back(c.name);
            error(e, wild ? "The name '" + e.text + "' does not refer to any known column."
                          : "The name '" + e.text +
                                "' does not refer to any known column, table, variable or function." +
                                suggest(e.text, names));
            return in;
        }
    }
    KqlRowType out;
    out.open = in.open;
    auto is_matched = [&](const std::string& n) {
        return std::find(matched.begin(), matched.end(), n) != matched.end();
    };
    if (op.name == "project-away") {
        for (const KqlColumn& c : in.columns)
            if (!is_matched(c.name)) out.columns.push_back(c);
    } else if (op.name == "project-keep") {
        for (const KqlColumn& c : in.columns)
            if (is_matched(c.name)) out.columns.push_back(c);
    } else {
        for (const std::string& n : matched) out.columns.push_back(*in.find(n));
        for (const KqlColumn& c : in.columns)
            if (!is_matched(c.name)) out.columns.push_back(c);
    }
    return out;
}

KqlRowType KqlChecker::op_mv_expand(const KqlOperator& op, const KqlRowType& in) {
    KqlRowType out = in;
    column_counter_ = 0;
    for (const KqlNamedExpr& it : op.items) {
        if (failed()) return out;
        KqlType t = type_of(*it.expr, in, Ctx::Scalar);
        if (t != KqlType::Unknown && t != KqlType::Dynamic) {
            size_t s = it.name_length ? it.name_start : it.expr->start;
            error(s, it.expr->start + it.expr->length - s, "The expression must have the type dynamic.");
            return out;
        }
        KqlType rt =
            it.type_name.empty() ? KqlType::Dynamic : kql_type_from_name(it.type_name).value_or(KqlType::Unknown);
        std::string n = it.names.empty() ? inferred_name(*it.expr) : it.names[0];
        auto c = std::find_if(out.columns.begin(), out.columns.end(), [&](const KqlColumn& k) { return k.name == n; });
        if (!n.empty() && c != out.columns.end()) c->type = rt;
        else add_column(out, n, rt, false, it);
    }
    for (const KqlParam& p : op.params)
        if (p.name == "with_itemindex") out.columns.push_back({p.value, KqlType::Long});
    check_integer(op.expr.get(), in);
    return out;
}

KqlRowType KqlChecker::op_join(const KqlOperator& op, const KqlRowType& left) {
    std::string kind = op.name == "lookup" ? "leftouter" : "innerunique";
    for (const KqlParam& p : op.params) {
        if (p.name != "kind") continue;
        kind = p.value;
        bool ok = op.name == "lookup"
                      ? (kind == "leftouter" || kind == "inner")
                      : std::find(std::begin(kJoinKinds), std::end(kJoinKinds), kind) != std::end(kJoinKinds);
        if (!ok) {
            error(p.value_start, p.value_length, "Unknown " + op.name + " kind '" + kind + "'");
            return left;
        }
    }
    if (op.tables.empty() || !op.tables[0]) return left;
    KqlRowType right = source(*op.tables[0]);
    if (failed()) return left;
    std::vector<std::string> right_keys;
    for (const auto& k : op.on) {
        if (failed()) return left;
        if (k->kind == KqlExpr::Kind::Name) {
            if ((!left.open && !left.find(k->text)) || (!right.open && !right.find(k->text))) {
                error(*k, "The column '" + k->text + "' must exist on both sides of the " + op.name + ".");
                return left;
            }
            right_keys.push_back(k->text);
            continue;
        }
        if (k->kind == KqlExpr::Kind::Binary && k->text == "==") {
            bool handled = true;
            for (const auto& side : k->args) {
                if (side->kind != KqlExpr::Kind::Member || side->args[0]->kind != KqlExpr::Kind::Name ||
                    (side->args[0]->text != "$left" && side->args[0]->text != "$right")) {
                    handled = false;
                    break;
                }
                const KqlRowType& r = side->args[0]->text == "$left" ? left : right;
                if (!r.open && !r.find(side->text)) {
                    std::vector<std::string> names;
                    for (const KqlColumn& c : r.columns) names.push_back(c.name);
                    error_op(*side, "The name '" + side->text +
                                        "' does not refer to any known column, table, variable or function." +
                                        suggest(side->text, names));
                    return left;
                }
                if (side->args[0]->text == "$right") right_keys.push_back(side->text);
            }
            if (handled) continue;
        }
        error(*k, "Expected: a column name or $left.column == $right.column in the " + op.name + " condition");
        return left;
    }
    if (kind == "leftanti" || kind == "leftsemi" || kind == "anti" || kind == "leftantisemi") return left;
    if (kind == "rightanti" || kind == "rightsemi" || kind == "rightantisemi") return right;
    KqlRowType out = left;
    out.open = left.open || right.open;
    KqlNamedExpr none;
    for (const KqlColumn& c : right.columns) {
        if (op.name == "lookup" && std::find(right_keys.begin(), right_keys.end(), c.name) != right_keys.end())
            continue;
        add_column(out, c.name, c.type, false, none);
    }
    return out;
}

KqlRowType KqlChecker::op_union(const KqlOperator& op, const KqlRowType& in, bool has_input) {
    std::vector<KqlRowType> legs;
    if (has_input) legs.push_back(in);
    for (const auto& t : op.tables) {
        if (failed()) return in;
        if (t->kind == KqlExpr::Kind::Name && (t->text == "*" || t->text.find('*') != std::string::npos)) {
            bool any = false;
            for (const KqlTable& tab : schema_.tables) {
                if (glob_match(t->text, tab.name)) {
                    legs.push_back(KqlRowType{tab.columns, false});
                    any = true;
                }
            }
            if (!any) {
                error(*t, "The name '" + t->text + "' does not refer to any known table.");
                return in;
            }
            continue;
        }
        legs.push_back(source(*t));
    }
    // Columns by name; a name with different types in different legs becomes name_type for each.
    std::vector<std::pair<std::string, std::vector<KqlType>>> merged;
    bool open = false;
    for (const KqlRowType& leg : legs) {
        open = open || leg.open;
        for (const KqlColumn& c : leg.columns) {
            auto m = std::find_if(merged.begin(), merged.end(), [&](const auto& p) { return p.first == c.name; });
            if (m == merged.end()) {
                merged.push_back({c.name, {c.type}});
            } else if (std::find(m->second.begin(), m->second.end(), c.type) == m->second.end()) {
                m->second.push_back(c.type);
            }
        }
    }
    bool inner = false;
    KqlRowType out;
    out.open = open;
    for (const KqlParam& p : op.params) {
        if (p.name == "withsource") out.columns.push_back({p.value, KqlType::String});
        if (p.name == "kind") inner = p.value == "inner";
    }
    for (const auto& entry : merged) {
        const std::string& name = entry.first;  // not a structured binding: lambdas capture it below
        const std::vector<KqlType>& types = entry.second;
        if (inner && std::any_of(legs.begin(), legs.end(), [&](const KqlRowType& l) { return !l.find(name); }))
            continue;
        if (types.size() == 1) {
            out.columns.push_back({name, types[0]});
        } else {
            for (KqlType t : types) out.columns.push_back({name + "_" + std::string(kql_type_name(t)), t});
        }
    }
    return out;
}

}  // namespace sigma::domain
