// libFuzzer target for the KQL validator: any bytes must give a verdict (never a crash, hang or
// out-of-range diagnostic), and the helpers must accept the same bytes.
// Not a correctness oracle: agreement with Microsoft's parser is tests/domain/test_kql_corpus.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"

namespace {

const sigma::domain::KqlSchema& fuzz_schema() {
    static const sigma::domain::KqlSchema schema = [] {
        auto s = sigma::domain::KqlSchema::parse(
            R"({"database": "db", "tables": {
                "Heartbeat": {"TimeGenerated": "datetime", "Computer": "string", "OSType": "string"},
                "Perf": {"TimeGenerated": "datetime", "Computer": "string", "CounterName": "string",
                         "CounterValue": "real", "Tags": "dynamic"}}})");
        return s ? *s : sigma::domain::KqlSchema{};
    }();
    return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view query(reinterpret_cast<const char*>(data), size);
    const auto& schema = fuzz_schema();
    sigma::domain::KqlValidation v = sigma::domain::validate_kql(query, schema);
    if (!v.valid && v.diagnostics.empty()) std::abort();  // an invalid verdict always says why
    for (const auto& d : v.diagnostics)
        if (d.start > size || d.length > size - d.start) std::abort();  // diagnostics stay inside the query
    (void)sigma::domain::kql_referenced_tables(query, schema);
    (void)sigma::domain::kql_referenced_columns(query, schema);
    double j = sigma::domain::kql_token_jaccard(query, "Perf | take 1");
    if (j < 0.0 || j > 1.0) std::abort();
    return 0;
}
