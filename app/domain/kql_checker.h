// KqlChecker: resolves names against a KqlSchema and follows the columns of every tabular operator
// through a parsed query, reporting unknown tables, columns and functions (with suggestions), wrong
// arity, and the type errors Kusto itself reports. Not a parser (kql_parser.h) and not an engine:
// it never evaluates data. Where it cannot know a result's shape (plugins, unmodelled operators) it
// stops checking columns rather than guess.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/domain/kql_ast.h"
#include "app/domain/kql_functions.h"
#include "app/domain/kql_schema.h"

namespace sigma::domain {

// The columns flowing between two operators. `open` means "unknown shape": any name is accepted.
struct KqlRowType {
    std::vector<KqlColumn> columns;
    bool open = false;
    const KqlColumn* find(std::string_view name) const;
};

class KqlChecker {
public:
    explicit KqlChecker(const KqlSchema& schema) : schema_(schema) {}

    // Diagnostics for the whole query (empty when it is valid). Only the first error is kept.
    std::vector<KqlDiagnostic> check(const KqlQuery& query);

private:
    struct Symbol {
        bool tabular = false;
        KqlRowType row;
        KqlType type = KqlType::Unknown;
        const KqlStatement* lambda = nullptr;  // a user function
    };
    enum class Ctx { Scalar, Aggregate, InsideAggregate };

    // statements and pipelines (kql_checker.cpp)
    KqlRowType pipeline(const KqlPipeline& pl);
    KqlRowType source(const KqlExpr& e);
    KqlRowType table_ref(const KqlExpr& e);
    KqlRowType apply(const KqlOperator& op, KqlRowType in, bool has_input);
    KqlRowType op_project(const KqlOperator& op, const KqlRowType& in);
    KqlRowType op_extend(const std::vector<KqlNamedExpr>& items, const KqlRowType& in);
    KqlRowType op_summarize(const KqlOperator& op, const KqlRowType& in);
    KqlRowType op_join(const KqlOperator& op, const KqlRowType& in);
    KqlRowType op_union(const KqlOperator& op, const KqlRowType& in, bool has_input);
    KqlRowType op_make_series(const KqlOperator& op, const KqlRowType& in);
    KqlRowType op_columns(const KqlOperator& op, const KqlRowType& in);
    KqlRowType op_mv_expand(const KqlOperator& op, const KqlRowType& in);
    void aggregate_columns(const KqlNamedExpr& it, const KqlRowType& in, KqlRowType& out, bool series);
    void add_column(KqlRowType& out, const std::string& name, KqlType t, bool explicit_name, const KqlNamedExpr& it);
    void check_integer(const KqlExpr* e, const KqlRowType& row);

    // expressions (kql_checker_expr.cpp)
    KqlType type_of(const KqlExpr& e, const KqlRowType& row, Ctx ctx);
    KqlType name_type(const KqlExpr& e, const KqlRowType& row);
    KqlType call_type(const KqlExpr& e, const KqlRowType& row, Ctx ctx);
    KqlType binary_type(const KqlExpr& e, const KqlRowType& row, Ctx ctx);
    bool check_arg(const KqlFunction& f, size_t i, KqlType t, const KqlExpr& arg, const std::vector<KqlType>& all,
                   const KqlExpr& call);
    std::string inferred_name(const KqlExpr& e) const;
    std::string aggregate_name(const KqlExpr& e) const;

    // diagnostics
    void error(const KqlExpr& e, std::string msg) { error(e.start, e.length, std::move(msg)); }
    void error_op(const KqlExpr& e, std::string msg) { error(e.op_start, e.op_length, std::move(msg)); }
    void error(size_t start, size_t length, std::string msg);
    bool failed() const { return !diags_.empty(); }
    std::string suggest(const std::string& name, const std::vector<std::string>& candidates) const;
    std::vector<std::string> scope_names(const KqlRowType* row) const;

    const KqlSchema& schema_;
    std::vector<std::map<std::string, Symbol>> scopes_{1};
    std::vector<KqlDiagnostic> diags_;
    int depth_ = 0;
    int column_counter_ = 0;  // Kusto's Column1, Column2... within one operator

    const Symbol* lookup(const std::string& name) const;
};

// Levenshtein distance (bytes), for suggestions.
size_t kql_edit_distance(std::string_view a, std::string_view b);

}  // namespace sigma::domain
