// KQL schema loading (both JSON forms, errors that name the problem, the built-in Azure Monitor
// pack) and the validator's helpers: referenced tables and columns, token Jaccard, JSON output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

TEST(KqlSchema, LoadsTheShortForm) {
    std::string err;
    auto s =
        KqlSchema::parse(R"({"database": "d", "tables": {"T": {"a": "string", "b": "long", "c": "datetime"}}})", &err);
    ASSERT_TRUE(s) << err;
    EXPECT_EQ(s->database, "d");
    ASSERT_NE(s->find_table("T"), nullptr);
    EXPECT_EQ(s->find_table("T")->columns.size(), 3u);
    EXPECT_EQ(s->find_table("T")->find_column("c")->type, KqlType::DateTime);
    EXPECT_EQ(s->find_table("t"), nullptr);  // names are case-sensitive
}

TEST(KqlSchema, LoadsKustosShowSchemaForm) {
    std::string err;
    auto s = KqlSchema::parse(R"({"Databases": {"db1": {"Name": "db1", "Tables": {
        "T": {"Name": "T", "OrderedColumns": [{"Name": "a", "Type": "System.String", "CslType": "string"},
                                              {"Name": "n", "Type": "System.Double", "CslType": "real"}]}}}}})",
                              &err);
    ASSERT_TRUE(s) << err;
    EXPECT_EQ(s->database, "db1");
    ASSERT_NE(s->find_table("T"), nullptr);
    EXPECT_EQ(s->find_table("T")->find_column("n")->type, KqlType::Real);
    EXPECT_TRUE(validate_kql("T | where n > 1 | project a", *s).valid);
    EXPECT_FALSE(validate_kql("T | project b", *s).valid);
}

TEST(KqlSchema, ErrorsNameTheProblem) {
    struct Case {
        const char* text;
        const char* part;
    };
    const Case cases[] = {
        {"[1]", "JSON object"},
        {"{", "not valid JSON"},
        {R"({"x": 1})", "\"tables\""},
        {R"({"tables": {"T": {"a": "strnig"}}})", "'T.a' has an unknown type 'strnig'"},
        {R"({"tables": {"T": {"a": 5}}})", "'T.a'"},
        {R"({"tables": {"T": ["a"]}})", "table 'T'"},
        {R"({"Databases": {"d": {"Tables": {"T": {"Name": "T"}}}}})", "OrderedColumns"},
        {R"({"Databases": {}})", "at least one database"},
    };
    for (const Case& c : cases) {
        std::string err;
        EXPECT_FALSE(KqlSchema::parse(c.text, &err)) << c.text;
        EXPECT_NE(err.find(c.part), std::string::npos) << c.text << " -> " << err;
    }
    std::string err;
    EXPECT_FALSE(KqlSchema::load("/nonexistent/schema.json", &err));
    EXPECT_NE(err.find("/nonexistent/schema.json"), std::string::npos);
}

TEST(KqlSchema, BuiltinPackCoversTheEvalSchemaExactly) {
    std::string err;
    const KqlSchema& pack = KqlSchema::builtin(&err);
    ASSERT_FALSE(pack.tables.empty()) << err;
    for (const char* t :
         {"AzureDiagnostics", "SecurityEvent", "SigninLogs", "AuditLogs", "ContainerInventory", "KubeNodeInventory",
          "KubeEvents", "InsightsMetrics", "AppTraces", "AppExceptions", "AppDependencies", "Usage", "Update",
          "W3CIISLog", "CommonSecurityLog", "Alert", "AzureMetrics", "VMConnection"})
        EXPECT_NE(pack.find_table(t), nullptr) << t;
    // Every table of the eval schema is in the pack with the same columns and types, so that a query
    // valid against one is valid against the other.
    auto eval = KqlSchema::load(std::string(SIGMA_SOURCE_DIR) + "/tests/data/kql/schema.json", &err);
    ASSERT_TRUE(eval) << err;
    for (const KqlTable& t : eval->tables) {
        const KqlTable* p = pack.find_table(t.name);
        ASSERT_NE(p, nullptr) << t.name;
        ASSERT_EQ(p->columns.size(), t.columns.size()) << t.name;
        for (size_t i = 0; i < t.columns.size(); ++i) {
            EXPECT_EQ(p->columns[i].name, t.columns[i].name);
            EXPECT_EQ(p->columns[i].type, t.columns[i].type) << t.name << "." << t.columns[i].name;
        }
    }
    EXPECT_TRUE(
        validate_kql("AzureDiagnostics | where TimeGenerated > ago(1h) | summarize count() by ResourceProvider", pack)
            .valid);
    EXPECT_TRUE(validate_kql("W3CIISLog | where scStatus == '500' | summarize count() by csUriStem", pack).valid);
    EXPECT_FALSE(validate_kql("AzureMetrics | where MetricName == 'x' | project Foo", pack).valid);
}

TEST(KqlValidator, ReferencedTablesAndColumns) {
    std::string err;
    auto s = KqlSchema::load(std::string(SIGMA_SOURCE_DIR) + "/tests/data/kql/schema.json", &err);
    ASSERT_TRUE(s) << err;
    const char* q =
        "Perf | where CounterName == 'x' | join (Heartbeat | project Computer, OSType) on Computer "
        "| summarize n = count() by ['OSType'], Computer | where n > 1";
    EXPECT_EQ(kql_referenced_tables(q, *s), (std::vector<std::string>{"Perf", "Heartbeat"}));
    EXPECT_EQ(kql_referenced_columns(q, *s), (std::vector<std::string>{"CounterName", "Computer", "OSType"}));
    EXPECT_TRUE(kql_referenced_tables("Nothing | take 1", *s).empty());
    EXPECT_TRUE(kql_referenced_columns("", *s).empty());
}

TEST(KqlValidator, TokenJaccard) {
    EXPECT_DOUBLE_EQ(kql_token_jaccard("Perf | take 5", "Perf | take 5"), 1.0);
    EXPECT_DOUBLE_EQ(kql_token_jaccard("", ""), 1.0);
    EXPECT_DOUBLE_EQ(kql_token_jaccard("Perf", ""), 0.0);
    // {Perf, |, take, 5} vs {Perf, |, take, 10}: 3 shared of 5.
    EXPECT_DOUBLE_EQ(kql_token_jaccard("Perf | take 5", "Perf|take 10"), 3.0 / 5.0);
    EXPECT_DOUBLE_EQ(kql_token_jaccard("a b a", "b a"), 1.0);  // sets, not bags
}

TEST(KqlValidator, JsonOutputShape) {
    std::string err;
    auto s = KqlSchema::load(std::string(SIGMA_SOURCE_DIR) + "/tests/data/kql/schema.json", &err);
    ASSERT_TRUE(s) << err;
    ordered_json ok = kql_validation_json(validate_kql("Perf | take 1", *s));
    EXPECT_EQ(dump_json(ok), R"({"valid":true,"diagnostics":[]})");
    ordered_json bad = kql_validation_json(validate_kql("Perf | take x", *s));
    EXPECT_FALSE(json_bool(bad, "valid", true));
    ASSERT_EQ(json_array(bad, "diagnostics").size(), 1u);
    const ordered_json& d = json_array(bad, "diagnostics")[0];
    EXPECT_EQ(json_int(d, "start"), 12);
    EXPECT_EQ(json_int(d, "length"), 1);
    EXPECT_EQ(json_string(d, "severity"), "Error");
    EXPECT_NE(json_string(d, "message").find("'x'"), std::string::npos);
}
