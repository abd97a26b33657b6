// Tests of the generator's diagnosis examples: the real rules engine gives each synthesised log
// its intended category, the prompt equals what the diagnose pipeline builds for that log, every
// category id of the pack is covered, and answers parse in the taught format.
#include <gtest/gtest.h>

#include <set>

#include "app/domain/diag_engine.h"
#include "app/domain/diag_prompt.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/task_prompt.h"
#include "tools/datagen/datagen.h"

namespace sigma::datagen {
namespace {

DatagenResult diag_sample(uint64_t seed) {
    DatagenOptions o;
    o.seed = seed;
    o.scale = 0.1;
    o.commands = o.kql = o.explain = false;
    DatagenResult r;
    std::string err;
    EXPECT_TRUE(generate_all(domain::ExampleCorpus{}, o, &r, &err)) << err;
    return r;
}

TEST(DatagenDiagnosis, EngineAgreesAndPromptMatchesThePipeline) {
    std::string err;
    const auto pack = domain::SignaturePack::load_default(&err);
    ASSERT_TRUE(pack) << err;
    const auto r = diag_sample(13);
    std::set<std::string> categories;
    for (const Record& rec : r.writer->records()) {
        const auto& m = rec.example.messages;
        ASSERT_EQ(m.size(), 3u);
        const std::string intended = domain::json_string(rec.example.eval, "category");
        auto report = domain::diagnose_text(rec.example.request, *pack);
        EXPECT_EQ(report.category, intended);
        domain::redact_report_evidence(report);
        const auto text = domain::build_diagnosis_prompt_text(report);
        const auto expected = domain::build_diagnosis_messages(text.findings, text.excerpt);
        EXPECT_EQ(m[0].content, expected[0].content);
        EXPECT_EQ(m[1].content, expected[1].content);
        const auto parsed = domain::parse_diagnosis_answer(m[2].content);
        ASSERT_TRUE(parsed.found) << m[2].content;
        EXPECT_EQ(parsed.category, intended);
        EXPECT_FALSE(parsed.next_steps.empty());
        for (const auto& ev : domain::json_array(rec.example.eval, "evidence"))
            EXPECT_NE(rec.example.request.find(domain::json_text(ev)), std::string::npos) << domain::json_text(ev);
        categories.insert(intended);
    }
    for (const auto& id : domain::diagnosis_category_ids()) EXPECT_TRUE(categories.count(id)) << id;
}

TEST(DatagenDiagnosis, Deterministic) {
    EXPECT_EQ(diag_sample(2).writer->corpus_jsonl(), diag_sample(2).writer->corpus_jsonl());
}

}  // namespace
}  // namespace sigma::datagen
