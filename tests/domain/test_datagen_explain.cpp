// Tests of the generator's explanation examples: each answer is in the command job's format, its
// command passes the validator with the risk the record states, and the question quotes it; and the
// committed held-out suites load with the product's suite loader.
#include <gtest/gtest.h>

#include <set>

#include "app/domain/command_validator.h"
#include "app/domain/eval_suite.h"
#include "app/domain/task_prompt.h"
#include "tools/datagen/datagen.h"

namespace sigma::datagen {
namespace {

TEST(DatagenExplain, ValidCommandsWithTheirRiskQuotedInTheQuestion) {
    std::string err;
    auto corpus = domain::ExampleCorpus::load_default(&err);
    ASSERT_TRUE(corpus) << err;
    DatagenOptions o;
    o.seed = 17;
    o.scale = 0.25;
    o.kql = o.diagnosis = false;
    DatagenResult r;
    ASSERT_TRUE(generate_all(*corpus, o, &r, &err)) << err;
    size_t n = 0, field_questions = 0;
    for (const Record& rec : r.writer->records()) {
        if (rec.example.task != "explain") continue;
        ++n;
        const auto parsed = domain::parse_command_answer(rec.example.messages.back().content);
        ASSERT_TRUE(parsed.found);
        EXPECT_FALSE(parsed.explanation.empty());
        const auto check = domain::check_command(parsed.command);
        EXPECT_TRUE(check.valid) << parsed.command;
        EXPECT_EQ(domain::risk_text(check.risk), rec.example.risk) << parsed.command;
        if (rec.example.family.starts_with("explain/nvsmi-field/")) ++field_questions;
        else EXPECT_NE(rec.example.request.find(parsed.command), std::string::npos) << rec.example.request;
    }
    EXPECT_GT(n, 100u);
    EXPECT_GT(field_questions, 20u);
}

}  // namespace
}  // namespace sigma::datagen

namespace sigma::datagen {
namespace {

// The committed held-out suites (resources/train/heldout.*.jsonl) load as `sigma eval` loads suites,
// each as its own kind, and none of their prompts is an eval-suite prompt.
TEST(DatagenHeldOutSuites, CommittedFilesLoadAsSuites) {
    const std::string dir = std::string(SIGMA_SOURCE_DIR) + "/resources/train/";
    std::vector<std::string> eval_prompts;
    std::string err;
    ASSERT_TRUE(
        CorpusWriter::load_eval_prompts(std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval", &eval_prompts, &err))
        << err;
    std::set<std::string> banned;
    for (const auto& p : eval_prompts) banned.insert(normalise(p));
    const std::pair<const char*, domain::SuiteKind> files[] = {
        {"heldout.cmdgen.jsonl", domain::SuiteKind::CmdGen},
        {"heldout.kql.jsonl", domain::SuiteKind::Kql},
        {"heldout.diagnosis.jsonl", domain::SuiteKind::Diagnosis}};
    for (const auto& [name, kind] : files) {
        const auto suite = domain::load_suite(dir + name, &err);
        ASSERT_TRUE(suite.has_value()) << name << ": " << err;
        EXPECT_EQ(suite->kind, kind) << name;
        EXPECT_GT(suite->cases.size(), 20u) << name;
        for (const auto& c : suite->cases) {
            EXPECT_FALSE(banned.count(normalise(domain::json_string(c, "prompt")))) << domain::json_string(c, "prompt");
            EXPECT_FALSE(banned.count(normalise(domain::json_string(c, "log"))));
        }
    }
}

}  // namespace
}  // namespace sigma::datagen
