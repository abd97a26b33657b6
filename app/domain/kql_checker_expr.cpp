// KqlChecker, scalar half: types of expressions, function calls against the catalogue, and the
// names Kusto gives unnamed result columns. Type errors are raised only for combinations Microsoft's
// parser rejects too; anything unknown or dynamic is accepted.
#include <algorithm>
#include <cctype>

#include "app/domain/kql_checker.h"

namespace sigma::domain {

namespace {

bool loose(KqlType t) { return t == KqlType::Unknown || t == KqlType::Dynamic; }
bool stringish(KqlType t) { return loose(t) || t == KqlType::String; }

// Comparison categories: <, >, <=, >= and between need both sides in the same one.
int category(KqlType t) {
    if (kql_is_numeric(t)) return 1;
    if (t == KqlType::DateTime) return 2;
    if (t == KqlType::TimeSpan) return 3;
    if (t == KqlType::String) return 4;
    return 0;  // bool, guid, unknown, dynamic: not checked
}

bool is_string_operator(const std::string& op) {
    static const char* kOps[] = {"has",
                                 "has_cs",
                                 "contains",
                                 "contains_cs",
                                 "startswith",
                                 "startswith_cs",
                                 "endswith",
                                 "endswith_cs",
                                 "hasprefix",
                                 "hasprefix_cs",
                                 "hassuffix",
                                 "hassuffix_cs",
                                 "=~",
                                 "!~",
                                 "matches regex",
                                 "!has",
                                 "!has_cs",
                                 "!contains",
                                 "!contains_cs",
                                 "!startswith",
                                 "!startswith_cs",
                                 "!endswith",
                                 "!endswith_cs",
                                 "!hasprefix",
                                 "!hasprefix_cs",
                                 "!hassuffix",
                                 "!hassuffix_cs"};
    return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

KqlType numeric_join(KqlType a, KqlType b) {
    if (a == KqlType::Real || b == KqlType::Real) return KqlType::Real;
    if (a == KqlType::Decimal || b == KqlType::Decimal) return KqlType::Decimal;
    if (a == KqlType::Int && b == KqlType::Int) return KqlType::Int;
    return KqlType::Long;
}

std::string pair_types(KqlType a, KqlType b) {
    return std::string(kql_type_name(a)) + " and " + std::string(kql_type_name(b));
}

KqlType literal_type(const KqlExpr& e) {
    switch (e.lit) {
        case KqlExpr::Lit::Long: return KqlType::Long;
        case KqlExpr::Lit::Real: return KqlType::Real;
        case KqlExpr::Lit::String: return KqlType::String;
        case KqlExpr::Lit::Bool: return KqlType::Bool;
        case KqlExpr::Lit::Timespan: return KqlType::TimeSpan;
        case KqlExpr::Lit::Datetime: return KqlType::DateTime;
        case KqlExpr::Lit::Dynamic: return KqlType::Dynamic;
        case KqlExpr::Lit::Guid: return KqlType::Guid;
        case KqlExpr::Lit::Typed: return kql_type_from_name(e.text).value_or(KqlType::Unknown);
        default: return KqlType::Unknown;
    }
}

}  // namespace

const KqlColumn* KqlRowType::find(std::string_view name) const {
    for (const KqlColumn& c : columns)
        if (c.name == name) return &c;
    return nullptr;
}

size_t kql_edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                                std::tolower(static_cast<unsigned char>(b[j - 1]))
                                            ? 0
                                            : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string KqlChecker::suggest(const std::string& name, const std::vector<std::string>& candidates) const {
    std::string best;
    size_t best_d = SIZE_MAX;
    for (const std::string& c : candidates) {
        if (c == name) continue;
        size_t d = kql_edit_distance(name, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    size_t limit = std::max<size_t>(2, (name.size() + 1) / 2);
    if (best.empty() || best_d > limit) return {};
    return " Did you mean '" + best + "'?";
}

std::vector<std::string> KqlChecker::scope_names(const KqlRowType* row) const {
    std::vector<std::string> out;
    if (row)
        for (const KqlColumn& c : row->columns) out.push_back(c.name);
    for (const auto& scope : scopes_)
        for (const auto& [name, sym] : scope)
            if (!sym.tabular && !sym.lambda) out.push_back(name);
    return out;
}

KqlType KqlChecker::type_of(const KqlExpr& e, const KqlRowType& row, Ctx ctx) {
    if (failed()) return KqlType::Unknown;
    switch (e.kind) {
        case KqlExpr::Kind::Literal: return literal_type(e);
        case KqlExpr::Kind::Name: return name_type(e, row);
        case KqlExpr::Kind::Call: return call_type(e, row, ctx);
        case KqlExpr::Kind::Star: return KqlType::Unknown;
        case KqlExpr::Kind::Tabular:
            if (e.sub) pipeline(*e.sub);
            return KqlType::Unknown;
        case KqlExpr::Kind::Unary: {
            KqlType t = type_of(*e.args[0], row, ctx);
            if (t == KqlType::String || t == KqlType::Bool || t == KqlType::Guid) {
                error_op(e, "The operator '" + e.text + "' is not defined for the operand type " +
                                std::string(kql_type_name(t)) + ".");
            }
            return t;
        }
        case KqlExpr::Kind::Binary: return binary_type(e, row, ctx);
        case KqlExpr::Kind::Member: {
            const KqlExpr& base = *e.args[0];
            if (base.kind == KqlExpr::Kind::Name && (base.text == "$left" || base.text == "$right")) {
                error_op(base, "The name '" + base.text + "' can only be used in join and lookup conditions");
                return KqlType::Unknown;
            }
            KqlType t = type_of(base, row, ctx);
            if (!loose(t)) {
                error_op(e,
                         "The name '" + e.text + "' does not refer to any known column, table, variable or function.");
            }
            return t == KqlType::Unknown ? t : KqlType::Dynamic;
        }
        case KqlExpr::Kind::Index: {
            KqlType t = type_of(*e.args[0], row, ctx);
            type_of(*e.args[1], row, ctx);
            if (!loose(t)) error_op(e, "The element access operator [] is not allowed in this context.");
            return t == KqlType::Unknown ? t : KqlType::Dynamic;
        }
        case KqlExpr::Kind::In: {
            KqlType left = type_of(*e.args[0], row, ctx);
            bool any_all = e.text.find("has_a") != std::string::npos;
            if (any_all && !stringish(left)) {
                error(*e.args[0], "A value of type string or dynamic expected.");
                return KqlType::Bool;
            }
            if (e.sub) pipeline(*e.sub);
            for (size_t i = 1; i < e.args.size() && !failed(); ++i) {
                const KqlExpr& a = *e.args[i];
                if (a.kind == KqlExpr::Kind::Name && !row.find(a.text)) {
                    const Symbol* s = lookup(a.text);
                    if ((s && s->tabular) || (!s && schema_.find_table(a.text))) continue;  // x in (T)
                }
                type_of(a, row, ctx);
            }
            return KqlType::Bool;
        }
        case KqlExpr::Kind::Between: {
            KqlType v = type_of(*e.args[0], row, ctx);
            KqlType lo = type_of(*e.args[1], row, ctx);
            KqlType hi = type_of(*e.args[2], row, ctx);
            if (failed()) return KqlType::Bool;
            if (v == KqlType::String || v == KqlType::Bool) {
                error_op(e, "The operator 'between' is not defined for the operand types " +
                                std::string(kql_type_name(v)) + ", " + std::string(kql_type_name(lo)) + " and " +
                                std::string(kql_type_name(hi)) + ".");
            } else if (category(v) != 0) {
                for (const KqlExpr* b : {e.args[1].get(), e.args[2].get()}) {
                    KqlType bt = b == e.args[1].get() ? lo : hi;
                    // a datetime range may be given as a timespan width: between (t .. 1h)
                    bool width = v == KqlType::DateTime && bt == KqlType::TimeSpan && b == e.args[2].get();
                    if (category(bt) != 0 && category(bt) != category(v) && !width) {
                        error(*b, "The expression must have the type " + std::string(kql_type_name(v)) + ".");
                        break;
                    }
                    if (bt == KqlType::Bool) {
                        error(*b, "The expression must have the type " + std::string(kql_type_name(v)) + ".");
                        break;
                    }
                }
            }
            return KqlType::Bool;
        }
    }
    return KqlType::Unknown;
}

KqlType KqlChecker::name_type(const KqlExpr& e, const KqlRowType& row) {
    if (const KqlColumn* c = row.find(e.text)) return c->type;
    if (const Symbol* s = lookup(e.text)) {
        if (s->lambda) {
            error_op(e, "The function '" + e.text + "' must be called with ( )");
            return KqlType::Unknown;
        }
        return s->tabular ? KqlType::Unknown : s->type;
    }
    if (row.open) return KqlType::Unknown;
    if (schema_.find_table(e.text)) {
        error_op(e, "The table '" + e.text + "' cannot be used as a scalar value here");
        return KqlType::Unknown;
    }
    error_op(e, "The name '" + e.text + "' does not refer to any known column, table, variable or function." +
                    suggest(e.text, scope_names(&row)));
    return KqlType::Unknown;
}

bool KqlChecker::check_arg(const KqlFunction& f, size_t i, KqlType t, const KqlExpr& arg,
                           const std::vector<KqlType>& all, const KqlExpr& call) {
    std::string_view kinds = f.args;
    const bool repeat = !kinds.empty() && kinds.back() == '+';
    if (repeat) kinds.remove_suffix(1);
    if (kinds.empty() || t == KqlType::Unknown) return true;
    if (i >= kinds.size() && !repeat) return true;
    const char kind = kinds[std::min(i, kinds.size() - 1)];
    auto fail = [&](const std::string& msg) {
        error(arg, msg);
        return false;
    };
    auto fail_call = [&](const std::string& msg) {  // Kusto marks the function name for these
        error_op(call, msg);
        return false;
    };
    const bool dyn = t == KqlType::Dynamic;
    switch (kind) {
        case 'b':
            if (t != KqlType::Bool) return fail("A value of type bool expected.");
            break;
        case 's':
            if (!stringish(t)) return fail("The expression must have one of the types: string or dynamic.");
            break;
        case 'w':
            if (t != KqlType::String) return fail("A value of type string expected.");
            break;
        case 'd':
            if (t != KqlType::DateTime) return fail("A value of type datetime expected.");
            break;
        case 't':
            if (t != KqlType::TimeSpan) return fail("A value of type timespan expected.");
            break;
        case 'n':
            if (!kql_is_numeric(t)) return fail("The expression value must be a number.");
            break;
        case 'I':
            if (t != KqlType::Int && t != KqlType::Long) return fail("The expression value must be an integer.");
            break;
        case 'T':
            if (t == KqlType::String || t == KqlType::Bool || t == KqlType::Guid)
                return fail_call("The function '" + std::string(f.name) + "' is not compatible with arguments (" +
                                 std::string(kql_type_name(t)) + ")");
            break;
        case 'S':
            if (t == KqlType::String || t == KqlType::Bool || t == KqlType::Guid || dyn) {
                if (std::string_view(f.name).rfind("avg", 0) == 0)
                    return fail_call("The function '" + std::string(f.name) + "' is not compatible with arguments (" +
                                     std::string(kql_type_name(t)) + ")");
                return fail("The argument value must be summable: a number, timespan or datetime.");
            }
            break;
        case 'o':
            if (dyn)
                return fail("The argument value must be orderable: a number, timespan, datetime, string or boolean.");
            break;
        case 'y':
            if (!dyn) return fail("The expression value must be a dynamic array or bag.");
            break;
        case 'B': {
            if (all.size() < 2) break;
            KqlType v = all[0], w = all[1];
            bool ok = true;
            if (!kql_is_numeric(v) && v != KqlType::DateTime && v != KqlType::TimeSpan) ok = false;
            if ((v == KqlType::DateTime || v == KqlType::TimeSpan) && w != KqlType::Unknown && w != KqlType::TimeSpan)
                ok = false;
            if (kql_is_numeric(v) && w != KqlType::Unknown && !kql_is_numeric(w)) ok = false;
            if (!ok)
                return fail_call("The function '" + std::string(f.name) + "' is not compatible with arguments (" +
                                 std::string(kql_type_name(v)) + ", " + std::string(kql_type_name(w)) + ")");
            break;
        }
        default: break;
    }
    // datetime_diff('minutes', ...): the part name is checked when written as a literal.
    if (kind == 'w' && i == 0 && arg.kind == KqlExpr::Kind::Literal &&
        (std::string_view(f.name) == "datetime_diff" || std::string_view(f.name) == "datetime_add" ||
         std::string_view(f.name) == "datetime_part")) {
        static const char* kParts[] = {"year",   "quarter", "month",       "week",        "day",       "hour",
                                       "minute", "second",  "millisecond", "microsecond", "nanosecond"};
        std::string v = arg.text;
        for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool known = std::find(std::begin(kParts), std::end(kParts), v) != std::end(kParts);
        if (std::string_view(f.name) == "datetime_part" &&
            (v == "dayofyear" || v == "weekofyear" || v == "week_of_year"))
            known = true;
        if (!known)
            return fail(
                "The expression must be one of the values: year, quarter, month, week, day, hour, minute, "
                "second, millisecond, microsecond, nanosecond.");
    }
    return true;
}

KqlType KqlChecker::call_type(const KqlExpr& e, const KqlRowType& row, Ctx ctx) {
    const std::string& name = e.text;
    if (const Symbol* s = lookup(name); s && s->lambda) {
        for (const auto& a : e.args) {
            if (a->kind == KqlExpr::Kind::Tabular ||
                (a->kind == KqlExpr::Kind::Name &&
                 (schema_.find_table(a->text) || (lookup(a->text) && lookup(a->text)->tabular))))
                source(*a);
            else type_of(*a, row, Ctx::Scalar);
        }
        if (e.args.size() > s->lambda->params.size())
            error_op(e,
                     "The function '" + name + "' expects " + std::to_string(s->lambda->params.size()) + " arguments.");
        return s->tabular ? KqlType::Unknown : s->type;
    }
    const KqlFunction* f = kql_find_function(name);
    if (!f) {
        if (name == "materialize" || name == "table" || name == "view") {
            error_op(e, "The tabular function '" + name + "' cannot be used as a scalar value here");
            return KqlType::Unknown;
        }
        error_op(e,
                 "The name '" + name + "' does not refer to any known function." + suggest(name, kql_function_names()));
        return KqlType::Unknown;
    }
    if (f->aggregate && ctx != Ctx::Aggregate) {
        error_op(e, "The aggregate function '" + name + "' is not allowed in this context.");
        return KqlType::Unknown;
    }
    const int n = static_cast<int>(e.args.size());
    if (n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
        std::string expect;
        if (f->min_args == f->max_args)
            expect = std::to_string(f->min_args) + (f->min_args == 1 ? " argument." : " arguments.");
        else if (f->max_args < 0)
            expect = "at least " + std::to_string(f->min_args) + (f->min_args == 1 ? " argument." : " arguments.");
        else expect = "between " + std::to_string(f->min_args) + " and " + std::to_string(f->max_args) + " arguments.";
        error_op(e, "The function '" + name + "' expects " + expect);
        return KqlType::Unknown;
    }
    if ((name == "case" && n % 2 == 0) || ((name == "pack" || name == "bag_pack") && n % 2 == 1)) {
        error_op(e, "The function call has an incorrect number of arguments.");
        return KqlType::Unknown;
    }
    const Ctx inner = f->aggregate ? Ctx::InsideAggregate : ctx;
    std::vector<KqlType> types;
    for (size_t i = 0; i < e.args.size(); ++i) {
        const auto& a = e.args[i];
        if (a->kind == KqlExpr::Kind::Star) {
            // * stands for "the other columns" in arg_max/arg_min and for any column in any/take_any
            bool allowed = ((name == "arg_max" || name == "arg_min") && i > 0) || name == "any" || name == "take_any";
            if (!allowed) {
                error(*a, "The * syntax is not allowed here.");
                return KqlType::Unknown;
            }
            types.push_back(KqlType::Unknown);
            continue;
        }
        types.push_back(a->kind == KqlExpr::Kind::Tabular ? (pipeline(*a->sub), KqlType::Unknown)
                                                          : type_of(*a, row, inner));
        if (failed()) return KqlType::Unknown;
    }
    for (size_t i = 0; i < types.size(); ++i)
        if (!check_arg(*f, i, types[i], *e.args[i], types, e)) return KqlType::Unknown;
    auto arg = [&](size_t i) { return i < types.size() ? types[i] : KqlType::Unknown; };
    switch (f->result) {
        case 'b': return KqlType::Bool;
        case 'i': return KqlType::Int;
        case 'l': return KqlType::Long;
        case 'r': return KqlType::Real;
        case 'm': return KqlType::Decimal;
        case 's': return KqlType::String;
        case 'd': return KqlType::DateTime;
        case 't': return KqlType::TimeSpan;
        case 'y': return KqlType::Dynamic;
        case 'g': return KqlType::Guid;
        case '0': return arg(0);
        case '1': return arg(1);
        case 'A': {
            KqlType t = arg(0);
            return (t == KqlType::DateTime || t == KqlType::TimeSpan || t == KqlType::Unknown) ? t : KqlType::Real;
        }
        case 'U': {
            KqlType t = arg(0);
            return t == KqlType::Int ? KqlType::Long : t;
        }
        case 'C': {
            std::vector<KqlType> vals;
            if (name == "iff" || name == "iif") {
                vals = {arg(1), arg(2)};
            } else if (name == "case") {
                for (size_t i = 1; i < types.size(); i += 2) vals.push_back(types[i]);
                vals.push_back(types.back());
            } else {
                vals = types;
            }
            KqlType common = KqlType::Unknown;
            for (KqlType v : vals) {
                if (v == KqlType::Unknown) return KqlType::Unknown;
                if (common == KqlType::Unknown || common == v) {
                    common = v;
                } else if (kql_is_numeric(common) && kql_is_numeric(v)) {
                    common = numeric_join(common, v);
                } else {
                    if (name == "coalesce" || name == "max_of" || name == "min_of") {
                        error_op(e, "No common type can be determined from the arguments.");
                        return KqlType::Unknown;
                    }
                    return KqlType::Dynamic;
                }
            }
            return common;
        }
        default: return KqlType::Unknown;
    }
}

KqlType KqlChecker::binary_type(const KqlExpr& e, const KqlRowType& row, Ctx ctx) {
    KqlType l = type_of(*e.args[0], row, ctx);
    KqlType r = type_of(*e.args[1], row, ctx);
    if (failed()) return KqlType::Unknown;
    const std::string& op = e.text;
    auto undefined = [&]() {
        error_op(e, "The operator '" + op + "' is not defined for the operand types " + pair_types(l, r) + ".");
        return KqlType::Unknown;
    };
    if (op == "and" || op == "or") {
        bool ok_l = loose(l) || l == KqlType::Bool, ok_r = loose(r) || r == KqlType::Bool;
        if (!ok_l || !ok_r) undefined();
        return KqlType::Bool;
    }
    if (op == "==" || op == "!=" || op == "<>" || op == ":") return KqlType::Bool;
    if (op == "<" || op == ">" || op == "<=" || op == ">=") {
        int cl = category(l), cr = category(r);
        if (cl != 0 && cr != 0 && (cl != cr || cl == 4)) undefined();
        if (l == KqlType::Guid || r == KqlType::Guid) undefined();
        // dynamic orders against numbers only
        if ((l == KqlType::Dynamic && cr >= 2) || (r == KqlType::Dynamic && cl >= 2)) undefined();
        return KqlType::Bool;
    }
    if (is_string_operator(op)) {
        if (!stringish(l) || !stringish(r)) undefined();
        return KqlType::Bool;
    }
    if (op == "like" || op == "notlike" || op == "notcontains" || op == "notcontainscs") {
        return KqlType::Bool;
    }
    // arithmetic
    for (KqlType t : {l, r})
        if (t == KqlType::String || t == KqlType::Bool || t == KqlType::Guid) {
            if (l == KqlType::Unknown || r == KqlType::Unknown) return KqlType::Unknown;
            return undefined();
        }
    if (l == KqlType::Unknown || r == KqlType::Unknown) return KqlType::Unknown;
    if (l == KqlType::Dynamic || r == KqlType::Dynamic) return KqlType::Dynamic;
    if (l == KqlType::DateTime && r == KqlType::DateTime) {
        if (op == "-") return KqlType::TimeSpan;
        if (op == "+") return KqlType::DateTime;
        return undefined();
    }
    if (l == KqlType::DateTime || r == KqlType::DateTime) {
        if (l == KqlType::TimeSpan || r == KqlType::TimeSpan) return op == "/" ? KqlType::Real : KqlType::DateTime;
        if (op == "+" || op == "-") return undefined();
        if (r == KqlType::DateTime && op != "*") return undefined();  // 2 / TimeGenerated
        return KqlType::DateTime;
    }
    if (l == KqlType::TimeSpan && r == KqlType::TimeSpan) {
        if (op == "/") return KqlType::Real;
        return KqlType::TimeSpan;
    }
    if (l == KqlType::TimeSpan || r == KqlType::TimeSpan) {
        if (op == "*" || (op == "/" && l == KqlType::TimeSpan)) return KqlType::TimeSpan;
        return undefined();
    }
    return numeric_join(l, r);
}

std::string KqlChecker::inferred_name(const KqlExpr& e) const {
    if (e.kind == KqlExpr::Kind::Name) return e.text;
    if (e.kind != KqlExpr::Kind::Call) return {};
    const KqlFunction* f = kql_find_function(e.text);
    if (!f) return {};
    if (f->naming == 'f') return e.args.empty() ? std::string() : inferred_name(*e.args[0]);
    if (f->naming == 'p') {
        std::string inner =
            e.args.empty() || e.args[0]->kind == KqlExpr::Kind::Star ? std::string() : inferred_name(*e.args[0]);
        return std::string(f->prefix) + "_" + inner;
    }
    return {};
}

std::string KqlChecker::aggregate_name(const KqlExpr& e) const { return inferred_name(e); }

}  // namespace sigma::domain
