// libFuzzer target for JSON a user hands over (a KQL schema file, an eval suite line, a diagnosis
// pack): parse_json on any bytes gives a value or an error naming a byte offset, never an exception
// or a crash; a value dumps to text that parses back to the same value; the readers of schemas,
// signature packs and suite cases take any parsed value without throwing.
// Not a conformance test of nlohmann/json: only this project's limits and readers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/domain/diag_signatures.h"
#include "app/domain/eval_suite.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sigma::domain;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto j = parse_json(text, &error, 64);  // a small limit, so deep input is reached quickly
    if (!j) {
        if (error.find(" at byte ") == std::string::npos) std::abort();
        return 0;
    }
    const auto again = parse_json(dump_json(*j), &error, 64);
    if (!again || *again != *j) std::abort();

    (void)KqlSchema::from_json(*j, &error);
    (void)SignaturePack::from_json(*j, *j, &error);
    (void)detect_case_kind(*j);
    if (j->is_object()) {
        for (const auto& [key, value] : j->items()) {
            (void)json_string(*j, key, "fallback");
            (void)json_strings(*j, key);
            (void)json_int(*j, key, -1);
            (void)json_double(*j, key, -1.0);
            (void)json_bool(*j, key);
            (void)json_array(*j, key).size();
            (void)json_object(*j, key).size();
            (void)json_text(value);
        }
    }
    return 0;
}
