// KqlSchema: the tables and typed columns a KQL query is checked against, loaded from either of the
// two JSON forms Kusto tooling uses. Not a catalogue of functions (kql_functions.h) and not a
// connection to a cluster: it is a snapshot file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sigma::domain {

// Scalar types of KQL. Unknown is the checker's "could be anything" (never an error).
enum class KqlType { Unknown, Bool, Int, Long, Real, Decimal, String, DateTime, TimeSpan, Dynamic, Guid };

std::string_view kql_type_name(KqlType t);
// Parses a CslType name (string, int, long, real/double, bool/boolean, datetime/date, timespan/time,
// dynamic, guid, decimal); nullopt when it is none of them.
std::optional<KqlType> kql_type_from_name(std::string_view name);
bool kql_is_numeric(KqlType t);  // int, long, real, decimal

struct KqlColumn {
    std::string name;
    KqlType type = KqlType::Unknown;
};

struct KqlTable {
    std::string name;
    std::vector<KqlColumn> columns;
    const KqlColumn* find_column(std::string_view name) const;
};

class KqlSchema {
public:
    std::string database = "db";
    std::vector<KqlTable> tables;

    const KqlTable* find_table(std::string_view name) const;

    // Either `{"database": "db", "tables": {"T": {"col": "type"}}}` or Kusto's
    // `.show database schema as json`: `{"Databases": {"db": {"Name", "Tables": {"T": {"Name",
    // "OrderedColumns": [{"Name", "CslType"}]}}}}}` (tables of every database are merged).
    static std::optional<KqlSchema> from_json(const nlohmann::ordered_json& j, std::string* error = nullptr);
    static std::optional<KqlSchema> parse(std::string_view text, std::string* error = nullptr);
    static std::optional<KqlSchema> load(const std::string& path, std::string* error = nullptr);

    // The Azure Monitor / Log Analytics pack from resources/knowledge/kql/azure-monitor.json, loaded
    // once. Empty (no tables) when the pack cannot be found; the error then says why.
    static const KqlSchema& builtin(std::string* error = nullptr);
};

}  // namespace sigma::domain
