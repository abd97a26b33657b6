// Deterministic KQL repair: the query's table replaced by the ranker's table when the question is
// plainly about another one, each unknown column or table replaced by the nearest valid name (the
// question's words first, spelling second) and checked again, and as a last resort the failing
// pipeline stages dropped, so what the pipeline returns validates.
// Not a generator and not a rewriter of meaning beyond names: operators and literals stay as written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"

namespace sigma::domain {

struct KqlRepair {
    std::string query;                 // the repaired query (the input when nothing changed)
    bool valid = false;                // whether it validates against the schema
    std::vector<std::string> changes;  // "table Perf -> Syslog", "column Foo -> FooBar", "dropped: | ..."
};

struct KqlRepairOptions {
    bool retable = true;      // swap the table for the ranker's when the question is about another
    bool rename = true;       // nearest valid name for unknown columns and tables
    bool drop_stages = true;  // drop failing stages from the end as a last resort
};

KqlRepair repair_kql(std::string_view question, std::string_view query, const KqlSchema& schema,
                     const KqlTableHints& hints, const KqlRepairOptions& options = {});

// A warning when the query's first table is not what the question is about (the ranker's clear
// favourite is another table); empty otherwise.
std::string kql_table_warning(std::string_view question, std::string_view query, const KqlSchema& schema,
                              const KqlTableHints& hints);

}  // namespace sigma::domain
