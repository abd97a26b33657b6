// The schema slice keeps the table a question is about, using names, columns and operator hints.
#include <gtest/gtest.h>

#include "app/domain/eval_suite.h"
#include "app/domain/kql_schema_slice.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

TEST(KqlSchemaSlice, SplitsIdentifiersIntoWords) {
    EXPECT_EQ(identifier_words("KubePodInventory"), (std::vector<std::string>{"kube", "pod", "inventory"}));
    EXPECT_EQ(identifier_words("PodRestartCount"), (std::vector<std::string>{"pod", "restart", "count"}));
    EXPECT_EQ(identifier_words("AADNonInteractiveUserSignInLogs").front(), "aad");
    EXPECT_EQ(identifier_words("_ResourceId"), (std::vector<std::string>{"resource", "id"}));
}

TEST(KqlSchemaSlice, PicksTheQuestionsTable) {
    std::string err;
    const KqlSchema& schema = KqlSchema::builtin(&err);
    ASSERT_FALSE(schema.tables.empty()) << err;
    const KqlTableHints hints = KqlTableHints::load_default();
    ASSERT_FALSE(hints.hints.empty());
    struct Case {
        const char* question;
        const char* table;
    };
    for (const Case& c : {Case{"Which computers stopped sending heartbeats?", "Heartbeat"},
                          Case{"average processor time per machine", "Perf"},
                          Case{"pods restarting the most in namespace prod", "KubePodInventory"},
                          Case{"failed sign-ins by user today", "SigninLogs"},
                          Case{"slowest http requests by endpoint", "AppRequests"}}) {
        const KqlSchemaSlice s = kql_schema_slice(c.question, schema, hints, 3);
        ASSERT_FALSE(s.tables.empty());
        EXPECT_NE(std::find(s.tables.begin(), s.tables.end(), c.table), s.tables.end())
            << c.question << " -> " << s.text;
        EXPECT_NE(s.text.find(std::string(c.table) + "("), std::string::npos);
    }
}

TEST(KqlSchemaSlice, CoversTheDevSuitesTables) {
    std::string err;
    auto suite = load_suite(std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval/kql.dev.jsonl", &err);
    ASSERT_TRUE(suite) << err;
    const KqlSchema& schema = KqlSchema::builtin(&err);
    const KqlTableHints hints = KqlTableHints::load_default();
    size_t covered = 0, expected = 0;
    for (const ordered_json& c : suite->cases) {
        const KqlSchemaSlice s = kql_schema_slice(json_string(c, "prompt"), schema, hints, 3);
        for (const std::string& t : json_strings(c, "tables")) {
            ++expected;
            if (std::find(s.tables.begin(), s.tables.end(), t) != s.tables.end()) ++covered;
        }
    }
    // Recall of the slice over the dev suite's tables; every table the slice misses is one the
    // model cannot use.
    EXPECT_GE(static_cast<double>(covered) / static_cast<double>(expected), 0.9) << covered << "/" << expected;
}
