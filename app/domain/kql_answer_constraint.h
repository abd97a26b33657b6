// The KQL answer's prefix check: one query on one line whose words are KQL keywords and operators
// (a tabular operator after every pipe), the schema's tables, columns of the tables the query named
// (or, before any, of the whole schema), names the query defines (extend X = ...) and the columns
// aggregates name (count_, avg_X), and built-in functions; string literals are free text; the whole
// query must validate against the schema before it may end.
// Not a parser: it lexes tokens and tracks parentheses and definition positions only.
#pragma once

#include <memory>
#include <string_view>

#include "app/domain/answer_constraint.h"
#include "app/domain/kql_schema.h"

namespace sigma::domain {

struct KqlConstraintOptions {
    bool names = true;            // identifiers from keywords, functions, the schema and the query
    bool validate_at_end = true;  // the query must validate before it may end
};

// `schema` is borrowed and must outlive the constraint and its cursors.
std::unique_ptr<AnswerConstraint> make_kql_constraint(const KqlSchema& schema,
                                                      const KqlConstraintOptions& options = {});

}  // namespace sigma::domain
