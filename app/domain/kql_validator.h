// The KQL validation facade: parse + schema check in one call, plus the measures the evaluator
// needs (tables and columns a query uses, token similarity). Not a generator and not a repair
// loop: it judges a query, it never changes one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/domain/kql_ast.h"
#include "app/domain/kql_schema.h"

namespace sigma::domain {

struct KqlValidation {
    bool valid = false;
    std::vector<KqlDiagnostic> diagnostics;  // Error first; empty when valid
};

// Queries longer than this are refused with a diagnostic rather than analysed.
constexpr size_t kKqlMaxQueryBytes = 1u << 20;

KqlValidation validate_kql(std::string_view query, const KqlSchema& schema);

// {"valid": bool, "diagnostics": [{"message", "start", "length", "severity"}]}
nlohmann::ordered_json kql_validation_json(const KqlValidation& v);

// Schema tables named in the query, in order of first use, without duplicates.
std::vector<std::string> kql_referenced_tables(std::string_view query, const KqlSchema& schema);
// Identifiers in the query that are columns of the tables it references, in order, no duplicates.
std::vector<std::string> kql_referenced_columns(std::string_view query, const KqlSchema& schema);
// |A ∩ B| / |A ∪ B| over the sets of token texts of two queries (1.0 when both are empty).
double kql_token_jaccard(std::string_view a, std::string_view b);

}  // namespace sigma::domain
