// The syntax tree of a KQL query as KqlParser builds it: statements, pipelines of tabular operators,
// scalar expressions. Not typed: names are resolved and types computed by KqlChecker.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace sigma::domain {

struct KqlPipeline;

struct KqlExpr {
    enum class Kind {
        Literal,  // text holds the literal; lit says which kind
        Name,     // a column, table, variable or ['bracketed'] name; text is the name
        Call,     // text(args...)
        Unary,    // text is "-" or "+"; args[0]
        Binary,   // args[0] text args[1] (arithmetic, comparison, string operators, and/or)
        In,       // args[0] text (in, !in, in~, !in~, has_any, has_all) (args[1..]); or a subquery in sub
        Between,  // args[0] [!]between (args[1] .. args[2])
        Member,   // args[0].text
        Index,    // args[0][args[1]]
        Star,     // * in count(*), arg_max(x, *), project-away wildcards
        Tabular,  // a parenthesised pipeline; sub
    };
    enum class Lit { None, Long, Real, String, Bool, Null, Timespan, Datetime, Dynamic, Guid, Typed };

    Kind kind = Kind::Literal;
    Lit lit = Lit::None;
    std::string text;
    size_t start = 0, length = 0;        // the whole expression's bytes
    size_t op_start = 0, op_length = 0;  // the operator or name token (for diagnostics)
    std::vector<std::unique_ptr<KqlExpr>> args;
    std::unique_ptr<KqlPipeline> sub;
};
using KqlExprPtr = std::unique_ptr<KqlExpr>;

// `name = expr` or a bare expr (name empty) in project, extend, summarize, by, distinct...
struct KqlNamedExpr {
    std::vector<std::string> names;  // (a, b) = expr gives two
    size_t name_start = 0, name_length = 0;
    KqlExprPtr expr;
    std::string type_name;  // parse's `b:int`, mv-expand's `to typeof(long)`
};

struct KqlSortKey {
    KqlExprPtr expr;
    bool desc = true;  // Kusto's default for order by and top
};

struct KqlParam {  // kind=inner, withsource=T, hint.strategy=shuffle, bagexpansion=array
    std::string name, value;
    size_t start = 0, length = 0;              // the whole name=value
    size_t value_start = 0, value_length = 0;  // the value alone
};

struct KqlOperator {
    std::string name;              // lower case: where, project, project-away, summarize, join...
    size_t start = 0, length = 0;  // the operator keyword
    std::vector<KqlParam> params;
    std::vector<KqlNamedExpr> items;  // project/extend/summarize aggregates/distinct/mv-expand/serialize
    std::vector<KqlNamedExpr> by;     // summarize/make-series by; parse's pattern captures
    std::vector<KqlSortKey> sort;     // order/top
    KqlExprPtr expr;                  // where predicate, take/top/sample count, parse source, as name
    KqlExprPtr axis;                  // make-series on
    std::vector<KqlExprPtr> range;    // make-series from/to/step
    std::vector<KqlExprPtr> on;       // join/lookup keys
    std::vector<KqlExprPtr> tables;   // join/lookup right side, union legs
    bool open = false;                // an operator whose output columns are not modelled
};

struct KqlPipeline {
    KqlExprPtr source;  // a table or variable name, call, parenthesised pipeline; null for a union/print head
    std::vector<KqlOperator> ops;
    size_t start = 0, length = 0;
};

struct KqlLambdaParam {
    std::string name, type;  // type "" for a tabular parameter (T:(*))
    bool tabular = false;
};

struct KqlStatement {
    enum class Kind { Let, Query, Set } kind = Kind::Query;
    std::string name;  // let name
    size_t name_start = 0, name_length = 0;
    std::unique_ptr<KqlPipeline> body;  // query, let value, or lambda body's last statement
    bool is_lambda = false;
    std::vector<KqlLambdaParam> params;
    std::vector<KqlStatement> lambda_lets;  // lets inside a lambda body
};

// One finding about a query: severity is "Error" or "Warning", as Kusto spells them.
struct KqlDiagnostic {
    std::string message;
    size_t start = 0, length = 0;
    std::string severity = "Error";
};

struct KqlQuery {
    std::vector<KqlStatement> statements;
};

}  // namespace sigma::domain
