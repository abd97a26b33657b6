// The schema slice of a KQL prompt: the few tables (and their columns) most relevant to a question,
// as NL2KQL-style schema refinement. Not a validator: the full schema still checks the answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/kql_schema.h"

namespace sigma::domain {

struct KqlTableHints {
    // table -> words operators use for its data (resources/knowledge/kql/table-hints.json)
    std::vector<std::pair<std::string, std::vector<std::string>>> hints;
    static KqlTableHints load_default();  // empty when the file is missing or malformed
};

struct KqlSchemaSlice {
    std::vector<std::string> tables;  // best first
    std::string text;                 // one line per table: "Table(col:type, col:type, ...)"
};

// Orders tables with rank_kql_tables (name words and phrases, hints, columns, weighted by rarity) and
// keeps the best `max_tables` (at least one when the schema has any table).
KqlSchemaSlice kql_schema_slice(std::string_view question, const KqlSchema& schema, const KqlTableHints& hints,
                                size_t max_tables = 3);

// Splits an identifier into lower-case words: "KubePodInventory" -> kube, pod, inventory;
// "PodRestartCount" -> pod, restart, count; "_ResourceId" -> resource, id.
std::vector<std::string> identifier_words(std::string_view identifier);

}  // namespace sigma::domain
