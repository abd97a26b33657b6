// Suite loading: kinds detected from fields, every malformed input named with its line, metrics averaged.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/domain/eval_suite.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path) << text;
    return path.string();
}
}  // namespace

TEST(EvalSuite, DetectsTheKindOfEachSharedDevSuite) {
    const std::string dir = std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval/";
    std::string err;
    auto cmd = load_suite(dir + "cmdgen.dev.jsonl", &err);
    ASSERT_TRUE(cmd) << err;
    EXPECT_EQ(cmd->kind, SuiteKind::CmdGen);
    EXPECT_EQ(cmd->name, "cmdgen.dev");
    EXPECT_GE(cmd->cases.size(), 10u);
    auto kql = load_suite(dir + "kql.dev.jsonl", &err);
    ASSERT_TRUE(kql) << err;
    EXPECT_EQ(kql->kind, SuiteKind::Kql);
    auto diag = load_suite(dir + "diagnosis.dev.jsonl", &err);
    ASSERT_TRUE(diag) << err;
    EXPECT_EQ(diag->kind, SuiteKind::Diagnosis);
}

TEST(EvalSuite, NamesTheBadLine) {
    std::string err;
    EXPECT_FALSE(load_suite("/nonexistent/suite.jsonl", &err));
    EXPECT_NE(err.find("cannot open"), std::string::npos);

    auto p = write_temp("sigma-eval-bad.jsonl",
                        "{\"id\":\"a\",\"log\":\"x\",\"category\":\"disk_full\",\"evidence\":[]}\n{oops\n");
    EXPECT_FALSE(load_suite(p, &err));
    EXPECT_NE(err.find(":2: malformed JSON"), std::string::npos) << err;

    p = write_temp("sigma-eval-mixed.jsonl",
                   "{\"id\":\"a\",\"log\":\"x\",\"category\":\"disk_full\"}\n\n"
                   "{\"id\":\"b\",\"prompt\":\"p\",\"reference\":\"ls\",\"risk\":\"read-only\"}\n");
    EXPECT_FALSE(load_suite(p, &err));
    EXPECT_NE(err.find(":3: a cmdgen case in a diagnosis suite"), std::string::npos) << err;

    p = write_temp("sigma-eval-noid.jsonl", "{\"prompt\":\"p\",\"reference\":\"q\",\"tables\":[]}\n");
    EXPECT_FALSE(load_suite(p, &err));
    EXPECT_NE(err.find("no \"id\""), std::string::npos) << err;

    p = write_temp("sigma-eval-empty.jsonl", "\n\n");
    EXPECT_FALSE(load_suite(p, &err));
    EXPECT_NE(err.find("no cases"), std::string::npos) << err;
}

TEST(EvalSuite, AggregatesMeansPerMetric) {
    SuiteReport r;
    r.suite = "s";
    r.kind = SuiteKind::Kql;
    r.cases.push_back({"a", "q1", {{"valid", 1.0}, {"tables", 0.5}}, ordered_json::object()});
    r.cases.push_back({"b", "q2", {{"valid", 0.0}, {"tables", 1.0}}, ordered_json::object()});
    r.cases.push_back({"c", "q3", {{"valid", 1.0}}, ordered_json::object()});
    aggregate(r);
    ASSERT_EQ(r.metrics.size(), 2u);
    EXPECT_EQ(r.metrics[0].first, "valid");
    EXPECT_NEAR(r.metrics[0].second, 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(r.metrics[1].second, 0.75, 1e-12);
    const ordered_json j = report_to_json(r);
    EXPECT_EQ(json_int(j, "cases"), 3);
    EXPECT_EQ(json_string(json_array(j, "results")[1], "output"), "q2");
    // Means to 10 significant digits, whole values without a fraction: the --json report's bytes.
    EXPECT_NE(
        dump_json(j).find(
            R"("metrics":{"valid":0.6666666667,"tables":0.75},"results":[{"id":"a","output":"q1","valid":1,"tables":0.5})"),
        std::string::npos)
        << dump_json(j);
    EXPECT_NE(report_to_table(r).find("| tables | 75.0% |"), std::string::npos);
}
