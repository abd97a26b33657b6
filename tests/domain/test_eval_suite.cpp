// Suite loading: kinds detected from fields, every malformed input named with its line, metrics averaged.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/domain/eval_suite.h"

using namespace sigma::domain;

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
    r.cases.push_back({"a", "q1", {{"valid", 1.0}, {"tables", 0.5}}, Json::object()});
    r.cases.push_back({"b", "q2", {{"valid", 0.0}, {"tables", 1.0}}, Json::object()});
    r.cases.push_back({"c", "q3", {{"valid", 1.0}}, Json::object()});
    aggregate(r);
    ASSERT_EQ(r.metrics.size(), 2u);
    EXPECT_EQ(r.metrics[0].first, "valid");
    EXPECT_NEAR(r.metrics[0].second, 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(r.metrics[1].second, 0.75, 1e-12);
    const Json j = report_to_json(r);
    EXPECT_EQ(j["cases"].as_int(), 3);
    EXPECT_EQ(j["results"].as_array()[1].get_string("output"), "q2");
    EXPECT_NE(report_to_table(r).find("| tables | 75.0% |"), std::string::npos);
}
