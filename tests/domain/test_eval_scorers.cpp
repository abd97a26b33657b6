// Per-case metrics as the suites' README defines them, for generated outputs and for --no-model.
#include <gtest/gtest.h>

#include "app/domain/diag_signatures.h"
#include "app/domain/eval_scorers.h"
#include "app/domain/kql_validator.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

namespace {
double metric(const CaseScore& s, const std::string& name) {
    for (const auto& [n, v] : s.metrics)
        if (n == name) return v;
    ADD_FAILURE() << "no metric " << name;
    return -1;
}
ordered_json parse(const char* text) {
    auto j = parse_json(text);
    EXPECT_TRUE(j.has_value()) << text;
    return j ? *j : ordered_json();
}
}  // namespace

TEST(EvalScorers, CmdgenGeneratedOutputs) {
    const ordered_json item = parse(R"({"id":"c1","kind":"nvidia-smi","risk":"read-only",
        "prompt":"temp of gpu 0","reference":"nvidia-smi -i 0 --query-gpu=temperature.gpu --format=csv,noheader,nounits",
        "accept":["nvidia-smi --id=0 --query-gpu=temperature.gpu --format=csv,noheader,nounits"]})");
    // Same options in another order and spelling: equivalent, not exact.
    CaseScore s = score_cmdgen_case(item, "nvidia-smi --format=csv,nounits,noheader --query-gpu=temperature.gpu --id=0",
                                    EvalMode::Generated);
    EXPECT_EQ(metric(s, "exact"), 0.0);
    EXPECT_EQ(metric(s, "equivalent"), 1.0);
    EXPECT_EQ(metric(s, "valid"), 1.0);
    EXPECT_EQ(metric(s, "risk"), 1.0);
    // Shared tokens: nvidia-smi and --query-gpu=temperature.gpu, of 4 generated and 5 reference tokens.
    EXPECT_NEAR(metric(s, "cmd_score"), 2.0 * (2.0 / 4) * (2.0 / 5) / (2.0 / 4 + 2.0 / 5), 1e-9);

    // An accept variant matches exactly.
    s = score_cmdgen_case(item, "nvidia-smi  --id=0 --query-gpu=temperature.gpu --format=csv,noheader,nounits",
                          EvalMode::Generated);
    EXPECT_EQ(metric(s, "exact"), 1.0);

    // An invented field: invalid, not equivalent.
    s = score_cmdgen_case(item, "nvidia-smi -i 0 --query-gpu=temperature.gpuu --format=csv", EvalMode::Generated);
    EXPECT_EQ(metric(s, "valid"), 0.0);
    EXPECT_EQ(metric(s, "equivalent"), 0.0);

    // A program the catalogue does not know is a warning for users, but not "valid" for the suites.
    s = score_cmdgen_case(item, "frobnicate --all", EvalMode::Generated);
    EXPECT_EQ(metric(s, "valid"), 0.0);

    // A destructive command where read-only was asked: the risk metric fails.
    s = score_cmdgen_case(item, "nvidia-smi -r -i 0", EvalMode::Generated);
    EXPECT_EQ(metric(s, "risk"), 0.0);
    EXPECT_EQ(json_string(s.details, "risk_class"), "destructive");
}

TEST(EvalScorers, CmdgenNoModelReportsOnlyDeterministicMetrics) {
    const ordered_json item =
        parse(R"({"id":"c2","kind":"shell","risk":"read-only","prompt":"disk","reference":"df -h","accept":[]})");
    const CaseScore s = score_cmdgen_case(item, "df -h", EvalMode::Deterministic);
    ASSERT_EQ(s.metrics.size(), 2u);
    EXPECT_EQ(s.metrics[0].first, "valid");
    EXPECT_EQ(s.metrics[1].first, "risk");
}

TEST(EvalScorers, KqlRecallAndSimilarity) {
    std::string err;
    const KqlSchema& schema = KqlSchema::builtin(&err);
    ASSERT_FALSE(schema.tables.empty()) << err;
    const ordered_json item = parse(
        R"({"id":"k1","prompt":"p","reference":"Perf | where CounterName == \"x\" | summarize avg(CounterValue) by Computer",
        "tables":["Perf"],"columns":["CounterName","CounterValue","Computer"]})");
    CaseScore s = score_kql_case(item, "Perf | summarize avg(CounterValue) by Computer", schema, EvalMode::Generated);
    EXPECT_EQ(metric(s, "valid"), 1.0);
    EXPECT_EQ(metric(s, "tables"), 1.0);
    EXPECT_NEAR(metric(s, "columns"), 2.0 / 3.0, 1e-9);
    EXPECT_GT(metric(s, "similarity"), 0.3);
    EXPECT_LT(metric(s, "similarity"), 1.0);

    s = score_kql_case(item, "Perff | take 1", schema, EvalMode::Generated);
    EXPECT_EQ(metric(s, "valid"), 0.0);
    EXPECT_EQ(metric(s, "tables"), 0.0);
    EXPECT_FALSE(json_array(s.details, "diagnostics").empty());
}

TEST(EvalScorers, DiagnosisCategoryAndEvidence) {
    std::string err;
    auto pack = SignaturePack::load_default(&err);
    ASSERT_TRUE(pack) << err;
    const ordered_json item =
        parse(R"({"id":"d1","category":"disk_full","evidence":["No space left on device","missing text"],
        "log":"starting job\nwrite /data/out.bin: No space left on device\ndone"})");
    const DiagnosisReport report = diagnose_text(json_string(item, "log"), *pack);
    const CaseScore s = score_diagnosis_case(item, report);
    EXPECT_EQ(metric(s, "category"), 1.0);
    EXPECT_EQ(metric(s, "evidence"), 0.5);  // one of the two evidence strings is in a cited line

    DiagnosisReport empty;
    const CaseScore u = score_diagnosis_case(item, empty);
    EXPECT_EQ(metric(u, "category"), 0.0);
    EXPECT_EQ(metric(u, "evidence"), 0.0);
}
