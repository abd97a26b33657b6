// Tests of the generator's KQL examples: every answer passes validate_kql() against the built-in
// schema, the system prompt carries the schema slice the KQL pipeline would build for the question
// and holds the answer's tables, and repair dialogues quote real validator messages.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/domain/kql_validator.h"
#include "tools/datagen/datagen.h"

namespace sigma::datagen {
namespace {

DatagenResult kql_sample(uint64_t seed) {
    static const auto corpus = [] {
        std::string err;
        auto c = domain::ExampleCorpus::load_default(&err);
        EXPECT_TRUE(c.has_value()) << err;
        return c ? *c : domain::ExampleCorpus{};
    }();
    DatagenOptions o;
    o.seed = seed;
    o.scale = 0.34;
    o.commands = o.diagnosis = o.explain = false;
    DatagenResult r;
    std::string err;
    EXPECT_TRUE(generate_all(corpus, o, &r, &err)) << err;
    return r;
}

TEST(DatagenKql, EveryQueryIsValidAndItsTablesAreInTheSlice) {
    const auto r = kql_sample(21);
    const auto& schema = domain::KqlSchema::builtin();
    const auto hints = domain::KqlTableHints::load_default();
    size_t repairs = 0;
    ASSERT_GT(r.writer->records().size(), 500u);
    for (const Record& rec : r.writer->records()) {
        const auto& m = rec.example.messages;
        const std::string answer = m.back().content;
        EXPECT_TRUE(domain::validate_kql(answer, schema).valid) << answer;
        const auto slice = domain::kql_schema_slice(rec.example.request, schema, hints, 3);
        EXPECT_NE(m.front().content.find(slice.text), std::string::npos);
        for (const auto& t : domain::kql_referenced_tables(answer, schema))
            EXPECT_NE(std::find(slice.tables.begin(), slice.tables.end(), t), slice.tables.end()) << t;
        if (rec.example.family.starts_with("kql/repair/")) {
            ++repairs;
            const std::string broken = m[m.size() - 3].content;
            const auto v = domain::validate_kql(broken, schema);
            ASSERT_FALSE(v.valid) << broken;
            EXPECT_NE(m[m.size() - 2].content.find(v.diagnostics.front().message), std::string::npos);
            EXPECT_TRUE(rec.example.eval.is_null());
        } else {
            EXPECT_EQ(m[m.size() - 2].content, rec.example.request);
            EXPECT_EQ(domain::json_string(rec.example.eval, "reference"), answer);
        }
    }
    EXPECT_GT(repairs, 0u);
}

TEST(DatagenKql, Deterministic) {
    EXPECT_EQ(kql_sample(4).writer->corpus_jsonl(), kql_sample(4).writer->corpus_jsonl());
}

}  // namespace
}  // namespace sigma::datagen
