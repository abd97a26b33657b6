// Tests of the generator's explanation examples: each answer is in the command job's format, its
// command passes the validator with the risk the record states, and the question quotes it.
#include <gtest/gtest.h>

#include "app/domain/command_validator.h"
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
