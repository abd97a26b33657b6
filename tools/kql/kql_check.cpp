// sigma-kql-check: the project's KQL validator over JSONL, in the same line format as the oracle's
// check.js ({"id", "ok", "diagnostics"} per input line), so the two can be compared line by line.
// Not part of the product: a development tool for labelling and measuring the query corpus.
#include <iostream>
#include <string>

#include "app/domain/json.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"

using namespace sigma::domain;

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
        auto item = Json::parse(line, &error);
        Json out = Json::object();
        if (!item) {
            out.set("ok", false);
            out.set("error", "bad input line: " + error);
            std::cout << out.dump() << "\n";
            continue;
        }
        KqlValidation v = validate_kql((*item)["query"].as_string(), *schema);
        Json j = kql_validation_json(v);
        if (const Json* id = item->find("id")) out.set("id", *id);
        out.set("ok", v.valid);
        out.set("diagnostics", j["diagnostics"]);
        std::cout << out.dump() << "\n";
    }
    return 0;
}
