// KqlChecker, tabular half: statements, let scopes, and the column flow of each operator, named as
// Kusto names result columns (count_, avg_X, Column1, right-side duplicates suffixed 1...).
// Not a checker of every operator: unmodelled ones make the row "open" and checking relaxes.
#include "app/domain/kql_checker.h"

#include <algorithm>

namespace sigma::domain {

namespace {

bool glob_match(std::string_view pat, std::string_view s) {
    size_t star = pat.find('*');
    if (star == std::string_view::npos) return pat == s;
    std::string_view head = pat.substr(0, star);
    if (s.substr(0, head.size()) != head) return false;
    std::string_view rest = pat.substr(star + 1);
    for (size_t i = head.size(); i <= s.size(); ++i)
        if (glob_match(rest, s.substr(i))) return true;
    return false;
}

bool contains_aggregate(const KqlExpr& e) {
    if (e.kind == KqlExpr::Kind::Call) {
        const KqlFunction* f = kql_find_function(e.text);
        if (f && f->aggregate) return true;
    }
    for (const auto& a : e.args)
        if (a && contains_aggregate(*a)) return true;
    return false;
}

const char* const kChartTypes[] = {"table", "list", "barchart", "piechart", "ladderchart", "timechart", "linechart",
                                   "anomalychart", "pivotchart", "areachart", "stackedareachart", "scatterchart",
                                   "timepivot", "columnchart", "card", "treemap", "3Dchart", "plotly", "graph"};

const char* const kJoinKinds[] = {"inner", "innerunique", "leftouter", "rightouter", "fullouter", "leftanti",
                                  "rightanti", "leftsemi", "rightsemi", "leftantisemi", "rightantisemi", "anti"};

}  // namespace

void KqlChecker::error(size_t start, size_t length, std::string msg) {
    if (!failed()) diags_.push_back({std::move(msg), start, length, "Error"});
}

const KqlChecker::Symbol* KqlChecker::lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
        auto f = it->find(name);
        if (f != it->end()) return &f->second;
    }
    return nullptr;
}

std::vector<KqlDiagnostic> KqlChecker::check(const KqlQuery& query) {
    for (const KqlStatement& st : query.statements) {
        if (failed()) break;
        if (st.kind == KqlStatement::Kind::Set) continue;
        if (st.kind == KqlStatement::Kind::Query) {
            if (st.body) pipeline(*st.body);
            continue;
        }
        Symbol sym;
        if (st.is_lambda) {
            scopes_.emplace_back();
            for (const KqlLambdaParam& p : st.params) {
                Symbol ps;
                ps.tabular = p.tabular;
                ps.row.open = true;
                ps.type = kql_type_from_name(p.type).value_or(KqlType::Unknown);
                scopes_.back()[p.name] = std::move(ps);
            }
            for (const KqlStatement& inner : st.lambda_lets) {
                if (!inner.body) continue;
                Symbol is;
                KqlRowType r = pipeline(*inner.body);
                is.tabular = !inner.body->ops.empty() || (inner.body->source && inner.body->source->kind != KqlExpr::Kind::Literal);
                is.row = r;
                if (!is.tabular) is.type = KqlType::Unknown;
                scopes_.back()[inner.name] = std::move(is);
            }
            KqlRowType body = st.body ? pipeline(*st.body) : KqlRowType{};
            scopes_.pop_back();
            sym.lambda = &st;
            sym.tabular = true;
            sym.row = body;
            sym.row.open = sym.row.open || body.columns.empty();
        } else if (st.body) {
            const KqlPipeline& b = *st.body;
            bool tabular = !b.ops.empty();
            if (!tabular && b.source) {
                const KqlExpr& s = *b.source;
                if (s.kind == KqlExpr::Kind::Tabular) tabular = true;
                if (s.kind == KqlExpr::Kind::Name && !lookup(s.text) && schema_.find_table(s.text)) tabular = true;
                if (s.kind == KqlExpr::Kind::Name && lookup(s.text) && lookup(s.text)->tabular) tabular = true;
                if (s.kind == KqlExpr::Kind::Call && (s.text == "materialize" || s.text == "table" ||
                                                      (lookup(s.text) && lookup(s.text)->tabular)))
                    tabular = true;
            }
            sym.tabular = tabular;
            if (tabular) {
                sym.row = pipeline(b);
            } else if (b.source) {
                sym.type = type_of(*b.source, KqlRowType{}, Ctx::Scalar);
            }
        }
        scopes_.back()[st.name] = std::move(sym);
    }
    return diags_;
}

KqlRowType KqlChecker::pipeline(const KqlPipeline& pl) {
    if (++depth_ > 400) {
        --depth_;
        error(pl.start, pl.length, "The query is nested too deeply");
        return {};
    }
    KqlRowType row;
    bool has_input = false;
    if (pl.source) {
        if (pl.ops.empty() && pl.source->kind != KqlExpr::Kind::Name && pl.source->kind != KqlExpr::Kind::Tabular &&
            !(pl.source->kind == KqlExpr::Kind::Call && (pl.source->text == "materialize" || pl.source->text == "table" ||
                                                         (lookup(pl.source->text) && lookup(pl.source->text)->lambda)))) {
            type_of(*pl.source, row, Ctx::Scalar);  // a scalar query such as `print`-less `1 + 1`
            --depth_;
            return KqlRowType{{}, true};
        }
        row = source(*pl.source);
        has_input = true;
    }
    for (const KqlOperator& op : pl.ops) {
        if (failed()) break;
        row = apply(op, std::move(row), has_input);
        has_input = true;
    }
    --depth_;
    return row;
}

KqlRowType KqlChecker::source(const KqlExpr& e) {
    switch (e.kind) {
        case KqlExpr::Kind::Name: return table_ref(e);
        case KqlExpr::Kind::Tabular: return e.sub ? pipeline(*e.sub) : KqlRowType{};
        case KqlExpr::Kind::Call: {
            if ((e.text == "materialize" || e.text == "view") && e.args.size() == 1) return source(*e.args[0]);
            if (e.text == "table" && e.args.size() == 1 && e.args[0]->kind == KqlExpr::Kind::Literal) {
                KqlExpr n = KqlExpr{};
                n.kind = KqlExpr::Kind::Name;
                n.text = e.args[0]->text;
                n.start = n.op_start = e.args[0]->start;
                n.length = n.op_length = e.args[0]->length;
                return table_ref(n);
            }
            if (const Symbol* s = lookup(e.text); s && s->lambda) {
                call_type(e, KqlRowType{}, Ctx::Scalar);
                return s->row;
            }
            type_of(e, KqlRowType{}, Ctx::Scalar);
            return KqlRowType{{}, true};
        }
        default:
            type_of(e, KqlRowType{}, Ctx::Scalar);
            return KqlRowType{{}, true};
    }
}

KqlRowType KqlChecker::table_ref(const KqlExpr& e) {
    if (const Symbol* s = lookup(e.text)) {
        if (s->tabular) return s->row;
        error_op(e, "The name '" + e.text + "' is a scalar variable, not a table");
        return KqlRowType{{}, true};
    }
    if (const KqlTable* t = schema_.find_table(e.text)) return KqlRowType{t->columns, false};
    std::vector<std::string> names;
    for (const KqlTable& t : schema_.tables) names.push_back(t.name);
    for (const auto& scope : scopes_)
        for (const auto& [n, s] : scope)
            if (s.tabular) names.push_back(n);
    error_op(e, "The name '" + e.text + "' does not refer to any known table, tabular variable or function." +
                    suggest(e.text, names));
    return KqlRowType{{}, true};
}

void KqlChecker::check_integer(const KqlExpr* e, const KqlRowType& row) {
    if (!e) return;
    KqlType t = type_of(*e, row, Ctx::Scalar);
    if (t != KqlType::Unknown && t != KqlType::Int && t != KqlType::Long)
        error(*e, "The expression value must be an integer.");
}

void KqlChecker::add_column(KqlRowType& out, const std::string& name, KqlType t, bool explicit_name,
                            const KqlNamedExpr& it) {
    if (name.empty()) {
        std::string n;
        do n = "Column" + std::to_string(++column_counter_);
        while (out.find(n));
        out.columns.push_back({n, t});
        return;
    }
    if (!out.find(name)) {
        out.columns.push_back({name, t});
        return;
    }
    if (explicit_name) {
        size_t s = it.name_length ? it.name_start : (it.expr ? it.expr->start : 0);
        size_t l = it.name_length ? it.name_length : (it.expr ? it.expr->length : 0);
        error(s, l, "A column with the name '" + name + "' is already declared.");
        return;
    }
    for (int k = 1;; ++k) {
        std::string n = name + std::to_string(k);
        if (!out.find(n)) {
            out.columns.push_back({n, t});
            return;
        }
    }
}

KqlRowType KqlChecker::op_project(const KqlOperator& op, const KqlRowType& in) {
    KqlRowType out;
    out.open = in.open;
    column_counter_ = 0;
    for (const KqlNamedExpr& it : op.items) {
        if (failed()) break;
        KqlType t = type_of(*it.expr, in, Ctx::Scalar);
        if (it.names.size() > 1) {
            for (const std::string& n : it.names) add_column(out, n, KqlType::Unknown, true, it);
            continue;
        }
        bool named = !it.names.empty() || it.expr->kind == KqlExpr::Kind::Name;
        add_column(out, it.names.empty() ? inferred_name(*it.expr) : it.names[0], t, named, it);
    }
    return out;
}

KqlRowType KqlChecker::op_extend(const std::vector<KqlNamedExpr>& items, const KqlRowType& in) {
    KqlRowType out = in;
    std::vector<std::string> declared;
    column_counter_ = 0;
    for (const KqlNamedExpr& it : items) {
        if (failed()) break;
        KqlType t = type_of(*it.expr, in, Ctx::Scalar);
        for (const std::string& n : it.names) {
            if (std::find(declared.begin(), declared.end(), n) != declared.end()) {
                error(it.name_start, it.name_length, "A column with the name '" + n + "' is already declared.");
                break;
            }
            declared.push_back(n);
            KqlType nt = it.names.size() > 1 ? KqlType::Unknown : t;
            auto c = std::find_if(out.columns.begin(), out.columns.end(), [&](const KqlColumn& k) { return k.name == n; });
            if (c != out.columns.end())
                c->type = nt;
            else
                out.columns.push_back({n, nt});
        }
        if (it.names.empty() && it.expr->kind != KqlExpr::Kind::Name) add_column(out, inferred_name(*it.expr), t, false, it);
    }
    return out;
}

void KqlChecker::aggregate_columns(const KqlNamedExpr& it, const KqlRowType& in, KqlRowType& out, bool series) {
    KqlType t = type_of(*it.expr, in, Ctx::Aggregate);
    if (failed()) return;
    const KqlExpr& e = *it.expr;
    if (!contains_aggregate(e)) {
        error(e, "The expression '" + std::string(e.kind == KqlExpr::Kind::Name || e.kind == KqlExpr::Kind::Call ? e.text : "") +
                     "' is not an aggregate function; summarize needs one such as count(), sum() or avg().");
        return;
    }
    auto type = [&](KqlType k) { return series ? KqlType::Dynamic : k; };
    if (e.kind == KqlExpr::Kind::Call && (e.text == "arg_max" || e.text == "arg_min") && !e.args.empty()) {
        size_t k = 0;
        add_column(out, !it.names.empty() ? it.names[k++] : inferred_name(*e.args[0]), type(t), !it.names.empty(), it);
        for (size_t i = 1; i < e.args.size(); ++i) {
            const KqlExpr& a = *e.args[i];
            if (a.kind == KqlExpr::Kind::Star) {
                for (const KqlColumn& c : in.columns)
                    if (!out.find(c.name)) out.columns.push_back({c.name, type(c.type)});
                if (in.open) out.open = true;
                continue;
            }
            KqlType at = type_of(a, in, Ctx::InsideAggregate);
            std::string n = k < it.names.size() ? it.names[k++] : inferred_name(a);
            if (!out.find(n) || n.empty()) add_column(out, n, type(at), false, it);
        }
        return;
    }
    if (e.kind == KqlExpr::Kind::Call && (e.text == "percentile" || e.text == "percentiles") && it.names.empty()) {
        std::string base = "percentile_" + inferred_name(*e.args[0]);
        for (size_t i = 1; i < e.args.size(); ++i) {
            std::string v = e.args[i]->kind == KqlExpr::Kind::Literal ? e.args[i]->text : std::string();
            std::replace(v.begin(), v.end(), '.', '_');
            add_column(out, base + "_" + v, type(t), false, it);
        }
        return;
    }
    if (it.names.size() > 1) {
        for (const std::string& n : it.names) add_column(out, n, type(KqlType::Unknown), true, it);
        return;
    }
    if (!it.names.empty()) {
        add_column(out, it.names[0], type(t), true, it);
        return;
    }
    add_column(out, aggregate_name(e), type(t), false, it);
}

KqlRowType KqlChecker::op_summarize(const KqlOperator& op, const KqlRowType& in) {
    KqlRowType out;
    out.open = in.open;
    column_counter_ = 0;
    for (const KqlNamedExpr& it : op.by) {
        if (failed()) return out;
        KqlType t = type_of(*it.expr, in, Ctx::Scalar);
        bool named = !it.names.empty() || it.expr->kind == KqlExpr::Kind::Name;
        add_column(out, it.names.empty() ? inferred_name(*it.expr) : it.names[0], t, named, it);
    }
    for (const KqlNamedExpr& it : op.items) {
        if (failed()) break;
        aggregate_columns(it, in, out, false);
    }
    return out;
}

KqlRowType KqlChecker::op_make_series(const KqlOperator& op, const KqlRowType& in) {
    KqlRowType out;
    out.open = in.open;
    column_counter_ = 0;
    KqlType axis = type_of(*op.axis, in, Ctx::Scalar);
    std::vector<KqlType> range;
    for (const auto& r : op.range) range.push_back(r ? type_of(*r, in, Ctx::Scalar) : KqlType::Unknown);
    if (failed()) return out;
    if (!op.range.empty() && op.range.back() && op.range.back()->kind != KqlExpr::Kind::Call) {
        KqlType step = range.back();
        bool ok = step == KqlType::Unknown || axis == KqlType::Unknown || axis == KqlType::Dynamic ||
                  ((axis == KqlType::DateTime || axis == KqlType::TimeSpan) ? step == KqlType::TimeSpan
                                                                            : kql_is_numeric(axis) && kql_is_numeric(step));
        if (!ok) {
            error(*op.range.back(), "The type '" + std::string(kql_type_name(step)) +
                                        "' is not an appropriate interval type for '" + std::string(kql_type_name(axis)) + "'");
            return out;
        }
    }
    for (const KqlNamedExpr& it : op.by) {
        if (failed()) return out;
        KqlType t = type_of(*it.expr, in, Ctx::Scalar);
        bool named = !it.names.empty() || it.expr->kind == KqlExpr::Kind::Name;
        add_column(out, it.names.empty() ? inferred_name(*it.expr) : it.names[0], t, named, it);
    }
    for (const KqlNamedExpr& it : op.items) {
        if (failed()) return out;
        aggregate_columns(it, in, out, true);
    }
    KqlNamedExpr axis_item;
    add_column(out, inferred_name(*op.axis), KqlType::Dynamic, false, axis_item);
    return out;
}

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
                          : "The name '" + e.text + "' does not refer to any known column, table, variable or function." +
                                suggest(e.text, names));
            return in;
        }
    }
    KqlRowType out;
    out.open = in.open;
    auto is_matched = [&](const std::string& n) { return std::find(matched.begin(), matched.end(), n) != matched.end(); };
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
            error(*it.expr, "The expression must have the type dynamic.");
            return out;
        }
        KqlType rt = it.type_name.empty() ? KqlType::Dynamic : kql_type_from_name(it.type_name).value_or(KqlType::Unknown);
        std::string n = it.names.empty() ? inferred_name(*it.expr) : it.names[0];
        auto c = std::find_if(out.columns.begin(), out.columns.end(), [&](const KqlColumn& k) { return k.name == n; });
        if (!n.empty() && c != out.columns.end())
            c->type = rt;
        else
            add_column(out, n, rt, false, it);
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
        bool ok = op.name == "lookup" ? (kind == "leftouter" || kind == "inner")
                                      : std::find(std::begin(kJoinKinds), std::end(kJoinKinds), kind) != std::end(kJoinKinds);
        if (!ok) {
            error(p.start, p.length, "Unknown " + op.name + " kind '" + kind + "'");
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
                    error_op(*side, "The name '" + side->text + "' does not refer to any known column, table, variable or function." +
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
        if (op.name == "lookup" && std::find(right_keys.begin(), right_keys.end(), c.name) != right_keys.end()) continue;
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
        if (inner && std::any_of(legs.begin(), legs.end(), [&](const KqlRowType& l) { return !l.find(name); })) continue;
        if (types.size() == 1) {
            out.columns.push_back({name, types[0]});
        } else {
            for (KqlType t : types) out.columns.push_back({name + "_" + std::string(kql_type_name(t)), t});
        }
    }
    return out;
}

KqlRowType KqlChecker::apply(const KqlOperator& op, KqlRowType in, bool has_input) {
    const std::string& w = op.name;
    if (op.open) {
        if (w == "evaluate" && op.expr && op.expr->kind == KqlExpr::Kind::Call) {
            for (const auto& a : op.expr->args)
                if (a->kind != KqlExpr::Kind::Star) type_of(*a, in, Ctx::Aggregate);  // pivot(c, sum(x))
        }
        return KqlRowType{{}, true};
    }
    if (w == "where" || w == "filter" || w == "parse-where-filter") {
        KqlType t = type_of(*op.expr, in, Ctx::Scalar);
        if (t != KqlType::Unknown && t != KqlType::Bool) error(*op.expr, "The expression must have the type bool.");
        return in;
    }
    if (w == "project") return op_project(op, in);
    if (w == "distinct") return op.items.empty() ? in : op_project(op, in);
    if (w == "extend" || w == "serialize") return op_extend(op.items, in);
    if (w == "project-away" || w == "project-keep" || w == "project-reorder") return op_columns(op, in);
    if (w == "project-rename") {
        KqlRowType out = in;
        for (const KqlNamedExpr& it : op.items) {
            if (it.expr->kind != KqlExpr::Kind::Name) {
                error(*it.expr, "Column name expected.");
                return in;
            }
            const std::string& from = it.expr->text;
            auto c = std::find_if(out.columns.begin(), out.columns.end(), [&](const KqlColumn& k) { return k.name == from; });
            if (c == out.columns.end()) {
                if (!in.open) {
                    name_type(*it.expr, in);
                    return in;
                }
                out.columns.push_back({it.names[0], KqlType::Unknown});
                continue;
            }
            if (it.names[0] != from && out.find(it.names[0])) {
                error(it.name_start, it.name_length, "A column with the name '" + it.names[0] + "' is already declared.");
                return in;
            }
            c->name = it.names[0];
        }
        return out;
    }
    if (w == "summarize") return op_summarize(op, in);
    if (w == "make-series") return op_make_series(op, in);
    if (w == "top" || w == "order" || w == "sort") {
        if (w == "top") check_integer(op.expr.get(), in);
        for (const KqlSortKey& k : op.sort) type_of(*k.expr, in, Ctx::Scalar);
        return in;
    }
    if (w == "take" || w == "limit" || w == "sample") {
        check_integer(op.expr.get(), in);
        return in;
    }
    if (w == "count") return KqlRowType{{{"Count", KqlType::Long}}, false};
    if (w == "getschema")
        return KqlRowType{{{"ColumnName", KqlType::String}, {"ColumnOrdinal", KqlType::Long},
                           {"DataType", KqlType::String}, {"ColumnType", KqlType::String}},
                          false};
    if (w == "join" || w == "lookup") return op_join(op, in);
    if (w == "union") return op_union(op, in, has_input);
    if (w == "render") {
        const std::string& chart = op.params.empty() ? std::string() : op.params[0].value;
        if (std::find(std::begin(kChartTypes), std::end(kChartTypes), chart) == std::end(kChartTypes))
            error(op.params[0].start, op.params[0].length, "Unknown chart type '" + chart + "' (timechart, barchart, piechart, table...)");
        return in;
    }
    if (w == "parse" || w == "parse-where") {
        type_of(*op.expr, in, Ctx::Scalar);
        KqlRowType out = in;
        for (const KqlNamedExpr& cap : op.by) {
            KqlType t = KqlType::String;
            if (!cap.type_name.empty()) {
                auto parsed = kql_type_from_name(cap.type_name);
                if (!parsed) {
                    error(cap.name_start, cap.name_length, "Unknown type '" + cap.type_name + "'");
                    return in;
                }
                t = *parsed;
            }
            auto c = std::find_if(out.columns.begin(), out.columns.end(), [&](const KqlColumn& k) { return k.name == cap.names[0]; });
            if (c != out.columns.end())
                c->type = t;
            else
                out.columns.push_back({cap.names[0], t});
        }
        return out;
    }
    if (w == "mv-expand") return op_mv_expand(op, in);
    if (w == "as") {
        Symbol s;
        s.tabular = true;
        s.row = in;
        scopes_.back()[op.expr->text] = std::move(s);
        return in;
    }
    if (w == "search") {
        KqlRowType row = in;
        if (!has_input) {
            row = KqlRowType{{}, op.tables.empty()};
            for (const auto& t : op.tables) {
                KqlRowType r = source(*t);
                for (const KqlColumn& c : r.columns)
                    if (!row.find(c.name)) row.columns.push_back(c);
                row.open = row.open || r.open;
            }
        }
        if (op.expr && op.expr->kind != KqlExpr::Kind::Literal) type_of(*op.expr, row, Ctx::Scalar);
        row.columns.insert(row.columns.begin(), {"$table", KqlType::String});
        return row;
    }
    if (w == "sample-distinct") {
        check_integer(op.expr.get(), in);
        return op_project(op, in);
    }
    if (w == "print") {
        KqlRowType out;
        int i = 0;
        for (const KqlNamedExpr& it : op.items) {
            KqlType t = type_of(*it.expr, in, Ctx::Scalar);
            add_column(out, it.names.empty() ? "print_" + std::to_string(i) : it.names[0], t, !it.names.empty(), it);
            ++i;
        }
        return out;
    }
    if (w == "range") {
        KqlType t = KqlType::Long;
        for (const auto& r : op.range)
            if (r) t = type_of(*r, in, Ctx::Scalar);
        return KqlRowType{{{op.items[0].names[0], op.range.empty() || !op.range[0] ? t : type_of(*op.range[0], in, Ctx::Scalar)}}, false};
    }
    if (w == "datatable") {
        KqlRowType out;
        for (const KqlNamedExpr& it : op.items) {
            auto t = kql_type_from_name(it.type_name);
            if (!t) {
                error(op.start, op.length, "Unknown column type '" + it.type_name + "' in datatable");
                return out;
            }
            out.columns.push_back({it.names[0], *t});
        }
        for (const auto& v : op.range) type_of(*v, KqlRowType{}, Ctx::Scalar);
        return out;
    }
    return KqlRowType{{}, true};
}

}  // namespace sigma::domain
