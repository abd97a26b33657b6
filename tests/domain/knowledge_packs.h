// The knowledge packs as the domain tests load them: the shell and nvidia-smi catalogues and the
// diagnosis signatures from this source tree's resources/knowledge and the eval KQL schema from
// tests/data, each loaded once per test binary.
// Not the product's lookup (ShellCatalog::builtin, NvsmiCatalog::builtin): these never read an install.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "app/domain/diag_signatures.h"
#include "app/domain/kql_schema.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

namespace sigma_test {

// A pack that does not load fails the test that asked for it (with the loader's message) and
// leaves an empty pack, so the tests after it fail on their checks rather than crash.
template <class Pack>
Pack load_or_empty(const std::string& path) {
    std::string err;
    auto loaded = Pack::load(path, &err);
    EXPECT_TRUE(loaded) << err;
    return loaded ? std::move(*loaded) : Pack{};
}

inline const sigma::domain::ShellCatalog& shell_catalog() {
    static const auto c = load_or_empty<sigma::domain::ShellCatalog>(std::string(SIGMA_SOURCE_DIR) +
                                                                     "/resources/knowledge/shell/tools.json");
    return c;
}

inline const sigma::domain::NvsmiCatalog& nvsmi_catalog() {
    static const auto c = load_or_empty<sigma::domain::NvsmiCatalog>(std::string(SIGMA_SOURCE_DIR) +
                                                                     "/resources/knowledge/nvidia-smi/nvidia-smi.json");
    return c;
}

inline const sigma::domain::SignaturePack& diagnosis_pack() {
    static const auto p =
        load_or_empty<sigma::domain::SignaturePack>(std::string(SIGMA_SOURCE_DIR) + "/resources/knowledge/diagnosis");
    return p;
}

// The schema the KQL eval suites are written against (not the builtin pack, which covers it).
inline std::string eval_kql_schema_path() { return std::string(SIGMA_SOURCE_DIR) + "/tests/data/kql/schema.json"; }

inline const sigma::domain::KqlSchema& eval_kql_schema() {
    static const auto s = load_or_empty<sigma::domain::KqlSchema>(eval_kql_schema_path());
    return s;
}

// A line parsed (a parse failure fails the test) and classified against the packs above.
inline sigma::domain::RiskReport classify(const std::string& line) {
    const sigma::domain::ShellParseResult p = sigma::domain::parse_shell(line);
    EXPECT_TRUE(p.ok) << line << ": " << p.error;
    return sigma::domain::classify_line(shell_catalog(), nvsmi_catalog(), p);
}

// A verdict's reasons on one line, for failure messages and substring checks.
inline std::string joined_reasons(const sigma::domain::RiskReport& r) {
    std::string s;
    for (const auto& x : r.reasons) s += x + " | ";
    return s;
}

}  // namespace sigma_test
