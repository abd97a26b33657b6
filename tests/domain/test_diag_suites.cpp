// Accuracy of the rules engine on the shared development suite and on the project's own suite.
// Not a benchmark: it asserts quality floors (category and evidence >= 90%).
#include <gtest/gtest.h>

#include <cstdio>

#include "app/domain/diag_engine.h"
#include "app/domain/redactor.h"
#include "diag_suite_util.h"

using namespace sigma::domain;

namespace {
SignaturePack load_pack() {
    std::string err;
    auto pack = SignaturePack::load(std::string(SIGMA_SOURCE_DIR) + "/resources/knowledge/diagnosis", &err);
    EXPECT_TRUE(pack) << err;
    return pack ? *pack : SignaturePack{};
}

void check_suite(const std::string& path, size_t min_cases) {
    std::string err;
    auto cases = diagtest::load_cases(path, &err);
    ASSERT_TRUE(err.empty()) << err;
    ASSERT_GE(cases.size(), min_cases) << path;
    const SignaturePack pack = load_pack();
    DiagEngine engine(pack);
    const auto s = diagtest::score(cases, engine);
    std::printf("%s: %zu cases, category %.1f%%, evidence %.1f%%\n", path.c_str(), s.total, 100 * s.category_rate(),
                100 * s.evidence_rate());
    EXPECT_GE(s.category_rate(), 0.90) << s.failures;
    EXPECT_GE(s.evidence_rate(), 0.90) << s.failures;
    if (!s.failures.empty()) std::printf("misses:\n%s", s.failures.c_str());
}
}  // namespace

TEST(DiagSuites, SharedDevelopmentSuite) {
    const std::string path = std::string(SIGMA_SHARED_DIR) + "/eval/diagnosis.dev.jsonl";
    if (!std::ifstream(path)) GTEST_SKIP() << "shared suite not present: " << path;
    check_suite(path, 10);
}

TEST(DiagSuites, OwnSuiteCoversEveryCategoryTwice) {
    std::string err;
    auto cases = diagtest::load_cases(std::string(SIGMA_SOURCE_DIR) + "/tests/data/diagnosis/cases.jsonl", &err);
    ASSERT_TRUE(err.empty()) << err;
    for (const std::string& id : diagnosis_category_ids()) {
        size_t n = 0;
        for (const auto& c : cases) n += c.category == id;
        EXPECT_GE(n, 2u) << id;
    }
    for (const auto& c : cases) {
        const auto& ids = diagnosis_category_ids();
        EXPECT_NE(std::find(ids.begin(), ids.end(), c.category), ids.end()) << c.id << ": " << c.category;
    }
}

TEST(DiagSuites, OwnSuite) { check_suite(std::string(SIGMA_SOURCE_DIR) + "/tests/data/diagnosis/cases.jsonl", 60); }

// The product redacts a log before diagnosing it: redaction must not change the category or the
// cited line numbers.
TEST(DiagSuites, RedactionKeepsTheDiagnosis) {
    std::string err;
    auto cases = diagtest::load_cases(std::string(SIGMA_SOURCE_DIR) + "/tests/data/diagnosis/cases.jsonl", &err);
    ASSERT_TRUE(err.empty()) << err;
    const SignaturePack pack = load_pack();
    DiagEngine engine(pack);
    for (const auto& c : cases) {
        Redactor redactor;
        const std::string redacted = redactor.redact(c.log);
        const auto plain = engine.run_text(c.log);
        const auto scrubbed = engine.run_text(redacted);
        EXPECT_EQ(plain.category, scrubbed.category) << c.id;
        EXPECT_EQ(plain.cited_lines(), scrubbed.cited_lines()) << c.id;
        EXPECT_EQ(redactor.restore(redacted), c.log) << c.id;
    }
}
