// KqlSchema loaders for the short and the `.show database schema as json` forms, with errors that
// name the offending table or column. Not tolerant of unknown column types: a typo in a type would
// otherwise silently turn a column into "anything".
#include "app/domain/kql_schema.h"

#include <fstream>
#include <mutex>
#include <sstream>

#include "app/domain/json_parse.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

using nlohmann::ordered_json;

namespace {

bool set_error(std::string* error, std::string msg) {
    if (error) *error = std::move(msg);
    return false;
}

bool add_column(KqlTable& t, const std::string& name, const std::string& type, std::string* error) {
    if (name.empty()) return set_error(error, "table '" + t.name + "' has a column with an empty name");
    auto ty = kql_type_from_name(type);
    if (!ty) return set_error(error, "column '" + t.name + "." + name + "' has an unknown type '" + type + "'");
    if (t.find_column(name)) return set_error(error, "column '" + t.name + "." + name + "' is declared twice");
    t.columns.push_back({name, *ty});
    return true;
}

}  // namespace

std::string_view kql_type_name(KqlType t) {
    switch (t) {
        case KqlType::Bool: return "bool";
        case KqlType::Int: return "int";
        case KqlType::Long: return "long";
        case KqlType::Real: return "real";
        case KqlType::Decimal: return "decimal";
        case KqlType::String: return "string";
        case KqlType::DateTime: return "datetime";
        case KqlType::TimeSpan: return "timespan";
        case KqlType::Dynamic: return "dynamic";
        case KqlType::Guid: return "guid";
        case KqlType::Unknown: break;
    }
    return "unknown";
}

std::optional<KqlType> kql_type_from_name(std::string_view n) {
    if (n == "string" || n == "System.String") return KqlType::String;
    if (n == "int" || n == "System.Int32" || n == "int32") return KqlType::Int;
    if (n == "long" || n == "System.Int64" || n == "int64") return KqlType::Long;
    if (n == "real" || n == "double" || n == "System.Double") return KqlType::Real;
    if (n == "decimal" || n == "System.Data.SqlTypes.SqlDecimal") return KqlType::Decimal;
    if (n == "bool" || n == "boolean" || n == "System.Boolean") return KqlType::Bool;
    if (n == "datetime" || n == "date" || n == "System.DateTime") return KqlType::DateTime;
    if (n == "timespan" || n == "time" || n == "System.TimeSpan") return KqlType::TimeSpan;
    if (n == "dynamic" || n == "System.Object") return KqlType::Dynamic;
    if (n == "guid" || n == "uniqueid" || n == "System.Guid") return KqlType::Guid;
    return std::nullopt;
}

bool kql_is_numeric(KqlType t) {
    return t == KqlType::Int || t == KqlType::Long || t == KqlType::Real || t == KqlType::Decimal;
}

const KqlColumn* KqlTable::find_column(std::string_view name) const {
    for (const KqlColumn& c : columns)
        if (c.name == name) return &c;
    return nullptr;
}

const KqlTable* KqlSchema::find_table(std::string_view name) const {
    for (const KqlTable& t : tables)
        if (t.name == name) return &t;
    return nullptr;
}

std::optional<KqlSchema> KqlSchema::from_json(const ordered_json& j, std::string* error) {
    KqlSchema s;
    if (!j.is_object()) {
        set_error(error, "a KQL schema must be a JSON object");
        return std::nullopt;
    }
    if (const ordered_json* dbs = json_find(j, "Databases")) {
        if (!dbs->is_object() || dbs->empty()) {
            set_error(error, "\"Databases\" must be an object with at least one database");
            return std::nullopt;
        }
        bool first = true;
        for (const auto& [db_key, db] : dbs->items()) {
            if (first) s.database = json_string(db, "Name", db_key);
            first = false;
            const ordered_json* tables = json_find(db, "Tables");
            if (tables && !tables->is_object()) {
                set_error(error, "database '" + db_key + "': \"Tables\" must be an object");
                return std::nullopt;
            }
            if (!tables) continue;
            for (const auto& [t_key, tj] : tables->items()) {
                KqlTable t;
                t.name = json_string(tj, "Name", t_key);
                const ordered_json* cols = json_find(tj, "OrderedColumns");
                if (!cols || !cols->is_array()) {
                    set_error(error, "table '" + t.name + "' has no \"OrderedColumns\" array");
                    return std::nullopt;
                }
                for (const ordered_json& c : *cols) {
                    std::string type = json_string(c, "CslType");
                    if (type.empty()) type = json_string(c, "Type");
                    if (!add_column(t, json_string(c, "Name"), type, error)) return std::nullopt;
                }
                if (s.find_table(t.name)) continue;  // the same table in two databases: keep the first
                s.tables.push_back(std::move(t));
            }
        }
        return s;
    }
    const ordered_json* tables = json_find(j, "tables");
    if (!tables || !tables->is_object()) {
        set_error(error, "a KQL schema needs \"tables\" (short form) or \"Databases\" (Kusto form)");
        return std::nullopt;
    }
    s.database = json_string(j, "database", "db");
    for (const auto& [name, cols] : tables->items()) {
        KqlTable t;
        t.name = name;
        if (!cols.is_object()) {
            set_error(error, "table '" + name + "' must map column names to types");
            return std::nullopt;
        }
        for (const auto& [cname, ctype] : cols.items()) {
            if (!ctype.is_string()) {
                set_error(error, "column '" + name + "." + cname + "' must have a type name string");
                return std::nullopt;
            }
            if (!add_column(t, cname, json_text(ctype), error)) return std::nullopt;
        }
        s.tables.push_back(std::move(t));
    }
    return s;
}

std::optional<KqlSchema> KqlSchema::parse(std::string_view text, std::string* error) {
    std::string perr;
    auto j = parse_json(text, &perr);
    if (!j) {
        set_error(error, "the KQL schema is not valid JSON: " + perr);
        return std::nullopt;
    }
    return from_json(*j, error);
}

std::optional<KqlSchema> KqlSchema::load(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        set_error(error, "cannot open KQL schema file '" + path + "'");
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string inner;
    auto s = parse(ss.str(), &inner);
    if (!s) set_error(error, path + ": " + inner);
    return s;
}

const KqlSchema& KqlSchema::builtin(std::string* error) {
    static std::once_flag once;
    static KqlSchema schema;
    static std::string load_error;
    std::call_once(once, [] {
        std::string dir = knowledge_path("kql");
        if (dir.empty()) {
            load_error = "the resources folder was not found (set SIGMA_RESOURCES)";
            return;
        }
        auto s = load(dir + "/azure-monitor.json", &load_error);
        if (s) schema = std::move(*s);
    });
    if (error) *error = load_error;
    return schema;
}

}  // namespace sigma::domain
