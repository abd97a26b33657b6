// KqlChecker, tabular half: statements, let scopes, and the column flow of each operator, named as
// Kusto names result columns (count_, avg_X, Column1, right-side duplicates suffixed 1...).
// Not a checker of every operator: unmodelled ones make the row "open" and checking relaxes; the
// row-combining operators (join, lookup, union, project-away...) live in kql_checker_ops.cpp.
#include "app/domain/kql_checker.h"

#include <algorithm>

namespace sigma::domain {

namespace {

bool contains_aggregate(const KqlExpr& e) {
    if (e.kind == KqlExpr::Kind::Call) {
        const KqlFunction* f = kql_find_function(e.text);
        if (f && f->aggregate) return true;
    }
    for (const auto& a : e.args)
        if (a && contains_aggregate(*a)) return true;
    return false;
}

const char* const kChartTypes[] = {
    "table",        "list",       "barchart",  "piechart",         "ladderchart",  "timechart", "linechart",
    "anomalychart", "pivotchart", "areachart", "stackedareachart", "scatterchart", "timepivot", "columnchart",
    "card",         "treemap",    "3Dchart",   "plotly",           "graph"};

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
                is.tabular = !inner.body->ops.empty() ||
                             (inner.body->source && inner.body->source->kind != KqlExpr::Kind::Literal);
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
                if (s.kind == KqlExpr::Kind::Call &&
                    (s.text == "materialize" || s.text == "table" || (lookup(s.text) && lookup(s.text)->tabular)))
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
            !(pl.source->kind == KqlExpr::Kind::Call &&
              (pl.source->text == "materialize" || pl.source->text == "table" ||
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
            return KqlRowType{};  // a scalar piped into operators: Kusto gives it no columns
        }
        default: type_of(e, KqlRowType{}, Ctx::Scalar); return KqlRowType{};
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
            auto c =
                std::find_if(out.columns.begin(), out.columns.end(), [&](const KqlColumn& k) { return k.name == n; });
            if (c != out.columns.end()) c->type = nt;
            else out.columns.push_back({n, nt});
        }
        if (it.names.empty() && it.expr->kind != KqlExpr::Kind::Name)
            add_column(out, inferred_name(*it.expr), t, false, it);
    }
    return out;
}

void KqlChecker::aggregate_columns(const KqlNamedExpr& it, const KqlRowType& in, KqlRowType& out, bool series) {
    KqlType t = type_of(*it.expr, in, Ctx::Aggregate);
    if (failed()) return;
    const KqlExpr& e = *it.expr;
    if (!contains_aggregate(e)) {
        error(e, "The expression '" +
                     std::string(e.kind == KqlExpr::Kind::Name || e.kind == KqlExpr::Kind::Call ? e.text : "") +
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
        bool ok =
            step == KqlType::Unknown || axis == KqlType::Unknown || axis == KqlType::Dynamic ||
            ((axis == KqlType::DateTime || axis == KqlType::TimeSpan) ? step == KqlType::TimeSpan
                                                                      : kql_is_numeric(axis) && kql_is_numeric(step));
        if (!ok) {
            error(*op.range.back(), "The type '" + std::string(kql_type_name(step)) +
                                        "' is not an appropriate interval type for '" +
                                        std::string(kql_type_name(axis)) + "'");
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

KqlRowType KqlChecker::apply(const KqlOperator& op, KqlRowType in, bool has_input) {
    const std::string& w = op.name;
    if (op.open) {
        if (w == "evaluate" && op.expr && op.expr->kind == KqlExpr::Kind::Call) {
            for (const auto& a : op.expr->args)
                if (a->kind != KqlExpr::Kind::Star) type_of(*a, in, Ctx::Aggregate);  // pivot(c, sum(x))
            const auto& args = op.expr->args;
            if (!failed() && op.expr->text == "pivot" && args.size() > 1 && !contains_aggregate(*args[1]))
                error(*args[1], "pivot needs an aggregate function as its second argument, such as sum(x)");
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
            auto c = std::find_if(out.columns.begin(), out.columns.end(),
                                  [&](const KqlColumn& k) { return k.name == from; });
            if (c == out.columns.end()) {
                if (!in.open) {
                    name_type(*it.expr, in);
                    return in;
                }
                out.columns.push_back({it.names[0], KqlType::Unknown});
                continue;
            }
            if (it.names[0] != from && out.find(it.names[0])) {
                error(it.name_start, it.name_length,
                      "A column with the name '" + it.names[0] + "' is already declared.");
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
        return KqlRowType{{{"ColumnName", KqlType::String},
                           {"ColumnOrdinal", KqlType::Long},
                           {"DataType", KqlType::String},
                           {"ColumnType", KqlType::String}},
                          false};
    if (w == "join" || w == "lookup") return op_join(op, in);
    if (w == "union") return op_union(op, in, has_input);
    if (w == "render") {
        const std::string& chart = op.params.empty() ? std::string() : op.params[0].value;
        if (std::find(std::begin(kChartTypes), std::end(kChartTypes), chart) == std::end(kChartTypes))
            error(op.params[0].start, op.params[0].length,
                  "Unknown chart type '" + chart + "' (timechart, barchart, piechart, table...)");
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
            auto c = std::find_if(out.columns.begin(), out.columns.end(),
                                  [&](const KqlColumn& k) { return k.name == cap.names[0]; });
            if (c != out.columns.end()) c->type = t;
            else out.columns.push_back({cap.names[0], t});
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
    if (w == "top-nested") {
        KqlRowType out;
        out.open = in.open;
        column_counter_ = 0;
        for (size_t i = 0; i < op.items.size() && i < op.by.size() && !failed(); ++i) {
            check_integer(op.range[i].get(), in);
            const KqlNamedExpr& of = op.items[i];
            KqlType t = type_of(*of.expr, in, Ctx::Scalar);
            std::string of_name = of.names.empty() ? inferred_name(*of.expr) : of.names[0];
            add_column(out, of_name, t, !of.names.empty(), of);
            const KqlNamedExpr& agg = op.by[i];
            KqlType at = type_of(*agg.expr, in, Ctx::Aggregate);
            if (failed()) break;
            if (!contains_aggregate(*agg.expr)) {
                error(*agg.expr, "top-nested needs an aggregate function after by, such as count() or sum()");
                break;
            }
            add_column(out,
                       agg.names.empty() ? "aggregated_" + (of_name.empty() ? out.columns.back().name : of_name)
                                         : agg.names[0],
                       at, !agg.names.empty(), agg);
        }
        return out;
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
        return KqlRowType{
            {{op.items[0].names[0], op.range.empty() || !op.range[0] ? t : type_of(*op.range[0], in, Ctx::Scalar)}},
            false};
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
