// sigma-kql-check: the project's KQL validator over JSONL, in the same line format as the oracle's
// check.js ({"id", "ok", "diagnostics"} per input line), so the two can be compared line by line.
// Not part of the product: a development tool for labelling and measuring the query corpus.
#include <iostream>
#include <string>

#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

int main(int argc, char** argv) {
    std::string error;
    std::optional<KqlSchema> schema;
    if (argc > 1) {
        schema = KqlSchema::load(argv[1], &error);
    } else {
        schema = KqlSchema::builtin(&error);
        if (schema->tables.empty()) schema.reset();
    }
    if (!schema) {
        std::cerr << "sigma-kql-check: " << error << "\n";
        return 2;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto item = parse_json(line, &error);
        ordered_json out = ordered_json::object();
        if (!item) {
            out["ok"] = false;
            out["error"] = "bad input line: " + error;
            std::cout << dump_json(out) << "\n";
            continue;
        }
        KqlValidation v = validate_kql(json_string(*item, "query"), *schema);
        ordered_json j = kql_validation_json(v);
        if (const ordered_json* id = json_find(*item, "id")) out["id"] = *id;
        out["ok"] = v.valid;
        out["diagnostics"] = std::move(j["diagnostics"]);
        std::cout << dump_json(out) << "\n";
    }
    return 0;
}
