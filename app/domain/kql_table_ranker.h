// Table ranker for KQL questions: every schema table scored by the question's words in its name (as
// a phrase and word by word), its hint words and its column names, each word weighted by how few
// tables share it, so "exceptions" outweighs "app" and "pod inventory" finds KubePodInventory.
// Not the slice text and not a validator: it only orders tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"

namespace sigma::domain {

// Singular form for matching ("pods" -> "pod", "requests" -> "request"); short words stay.
std::string stem_word(std::string w);

struct KqlTableScore {
    std::string table;
    double score = 0.0;
};

// All tables, best first (ties keep schema order).
std::vector<KqlTableScore> rank_kql_tables(std::string_view question, const KqlSchema& schema,
                                           const KqlTableHints& hints);

// Columns of `table` ordered by how well their words match the question (best first), for repair
// and for the slice's column order. Columns with no matching word keep schema order after the rest.
std::vector<std::string> rank_kql_columns(std::string_view question, const KqlTable& table);

}  // namespace sigma::domain
