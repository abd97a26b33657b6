// KQL schema checks: unknown names with suggestions and exact positions, column flow through every
// operator (what each one keeps, adds, renames and drops), Kusto's result column names, and the
// type errors Microsoft's parser reports.
#include <gtest/gtest.h>

#include <string>

#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

KqlValidation check(const std::string& q) { return validate_kql(q, sigma_test::eval_kql_schema()); }

::testing::AssertionResult valid(const std::string& q) {
    KqlValidation v = check(q);
    if (v.valid) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << q << "\n  -> " << v.diagnostics[0].message << " at "
                                         << v.diagnostics[0].start;
}

// The query is invalid and its first error covers `token` (its first occurrence at or after `from`)
// and mentions `part`.
::testing::AssertionResult error_at(const std::string& q, const std::string& token, const std::string& part = "",
                                    size_t from = 0) {
    KqlValidation v = check(q);
    if (v.valid) return ::testing::AssertionFailure() << "valid: " << q;
    const KqlDiagnostic& d = v.diagnostics[0];
    size_t at = q.find(token, from);
    if (d.start != at || d.length != token.size())
        return ::testing::AssertionFailure() << q << "\n  -> " << d.message << " at " << d.start << "+" << d.length
                                             << ", expected '" << token << "' at " << at;
    if (d.message.find(part) == std::string::npos)
        return ::testing::AssertionFailure() << q << "\n  -> '" << d.message << "' lacks '" << part << "'";
    if (d.severity != "Error") return ::testing::AssertionFailure() << "severity " << d.severity;
    return ::testing::AssertionSuccess();
}

}  // namespace

TEST(KqlChecker, UnknownNamesComeWithSuggestions) {
    EXPECT_TRUE(error_at("Heartbeats | take 1", "Heartbeats", "Did you mean 'Heartbeat'?"));
    EXPECT_TRUE(error_at("Heartbeat | where Computr == 'a'", "Computr", "Did you mean 'Computer'?"));
    EXPECT_TRUE(error_at("Perf | summarize averge(CounterValue)", "averge", "Did you mean 'avg'"));
    EXPECT_TRUE(error_at("Perf | extend x = strlenn(Computer)", "strlenn", "Did you mean 'strlen'?"));
    EXPECT_TRUE(error_at("Perf | where Zzzzzzzz > 1", "Zzzzzzzz", "does not refer to any known column"));
    KqlValidation far = check("Perf | where Zzzzzzzz > 1");
    EXPECT_EQ(far.diagnostics[0].message.find("Did you mean"), std::string::npos);
}

TEST(KqlChecker, ColumnsDroppedEarlierAreErrorsLater) {
    EXPECT_TRUE(error_at("Heartbeat | project Computer | where OSType == 'x'", "OSType"));
    EXPECT_TRUE(error_at("Heartbeat | project-away Computer | summarize count() by Computer", "Computer", "", 30));
    EXPECT_TRUE(error_at("Heartbeat | project-rename Host = Computer | where Computer == 'a'", "Computer", "", 40));
    EXPECT_TRUE(error_at("Heartbeat | distinct Computer | project OSType", "OSType"));
    EXPECT_TRUE(error_at("Heartbeat | count | project Computer", "Computer", "", 20));
    EXPECT_TRUE(error_at("Heartbeat | getschema | project Computer", "Computer"));
    EXPECT_TRUE(
        error_at("Perf | summarize avg(CounterValue) by Computer | where CounterValue > 1", "CounterValue", "", 45));
    EXPECT_TRUE(error_at("Perf | summarize c = count() by Computer | order by count_", "count_"));
    EXPECT_TRUE(error_at("Heartbeat | project-keep Comp* | project OSType", "OSType"));
    EXPECT_TRUE(valid(
        "Heartbeat | where TimeGenerated > ago(1h) | top 5 by TimeGenerated | order by Computer | project OSType"));
}

TEST(KqlChecker, SummarizeNamesColumnsAsKustoDoes) {
    EXPECT_TRUE(
        valid("Perf | summarize count(), avg(CounterValue), dcount(Computer), countif(CounterValue > 1) by "
              "bin(TimeGenerated, 1h) | project TimeGenerated, count_, avg_CounterValue, dcount_Computer, countif_"));
    EXPECT_TRUE(
        valid("Perf | summarize make_list(Computer), make_set(ObjectName), percentile(CounterValue, 95), "
              "percentiles(CounterValue, 50, 99.5) | project list_Computer, set_ObjectName, "
              "percentile_CounterValue_95, percentile_CounterValue_50, percentile_CounterValue_99_5"));
    EXPECT_TRUE(valid("Perf | summarize arg_max(TimeGenerated, *) by Computer | project CounterValue, ObjectName"));
    EXPECT_TRUE(valid("Perf | summarize arg_min(CounterValue, TimeGenerated) by Computer | project TimeGenerated"));
    EXPECT_TRUE(valid("Perf | summarize avg(CounterValue), avg(CounterValue) | project avg_CounterValue1"));
    EXPECT_TRUE(
        valid("Perf | summarize count() by tostring(CounterValue), tolower(Computer) | project CounterValue, Column1"));
    EXPECT_TRUE(
        valid("Perf | summarize max(strlen(Computer)), sum(CounterValue * 2) | project max_strlen_Computer, sum_"));
    EXPECT_TRUE(error_at("Perf | summarize count() by tolower(Computer) | project Computer", "Computer", "", 45));
    EXPECT_TRUE(error_at("Perf | summarize Computer = count() by Computer", "Computer", "already declared"));
    EXPECT_TRUE(error_at("Perf | summarize strlen(Computer)", "strlen(Computer)", "aggregate"));
    EXPECT_TRUE(error_at("Perf | extend c = count()", "count", "not allowed in this context"));
}

TEST(KqlChecker, JoinLookupUnionAndFriendsShapeTheirOutput) {
    EXPECT_TRUE(valid("Perf | join (Heartbeat) on Computer | project Computer1, TimeGenerated1, OSType, CounterValue"));
    EXPECT_TRUE(error_at("Perf | join kind=leftanti (Heartbeat) on Computer | project OSType", "OSType"));
    EXPECT_TRUE(valid("Perf | join kind=rightsemi (Heartbeat) on Computer | project OSType"));
    EXPECT_TRUE(error_at("Perf | join kind=rightsemi (Heartbeat) on Computer | project CounterValue", "CounterValue"));
    EXPECT_TRUE(error_at("Perf | join (Heartbeat) on OSType", "OSType", "both sides"));
    EXPECT_TRUE(error_at("Perf | join (Heartbeat) on $left.Computer == $right.Host", "Host"));
    EXPECT_TRUE(error_at("Perf | join kind=outer (Heartbeat) on Computer", "outer", "kind"));
    EXPECT_TRUE(error_at("Perf | lookup (Heartbeat) on Computer | project Computer1", "Computer1"));
    EXPECT_TRUE(valid("Perf | union Heartbeat | project OSType, CounterValue"));
    EXPECT_TRUE(
        valid("Perf | project Computer, CounterValue | union (Heartbeat | project Computer, CounterValue = 1) "
              "| project CounterValue_real, CounterValue_long"));
    EXPECT_TRUE(valid("union withsource=T Perf, Heartbeat | summarize count() by T"));
    EXPECT_TRUE(error_at("union Perf, Heartbeatt", "Heartbeatt"));
    EXPECT_TRUE(error_at("union Foo*", "Foo*"));
    EXPECT_TRUE(valid("Perf | mv-expand with_itemindex=i x = split(Computer, '.') | project i, x"));
    EXPECT_TRUE(error_at("Perf | mv-expand Computer", "Computer", "dynamic"));
    EXPECT_TRUE(valid("Perf | parse Computer with a:int '.' b | where a > 1 | project b"));
    EXPECT_TRUE(
        valid("Perf | make-series avg(CounterValue) on TimeGenerated step 1h by Computer | project Computer, "
              "avg_CounterValue, TimeGenerated"));
    EXPECT_TRUE(
        error_at("Perf | make-series avg(CounterValue) on TimeGenerated step 1 by Computer", "1", "interval", 52));
    EXPECT_TRUE(valid("Perf | as P | join (P | take 1) on Computer | count"));
    EXPECT_TRUE(valid("Perf | serialize n = row_number() | project n"));
    EXPECT_TRUE(valid("print x = 1, 'a' | project x, print_1"));
    EXPECT_TRUE(valid("range n from 1 to 3 step 1 | project n"));
    EXPECT_TRUE(valid("datatable(a: int, b: string) [1, 'x'] | where a > 0 | project b"));
    EXPECT_TRUE(valid("Perf | evaluate bag_unpack(CounterPath) | project anything"));
}

TEST(KqlChecker, LetStatementsAndFunctions) {
    EXPECT_TRUE(valid("let t = 1h; let T = Perf | where TimeGenerated > ago(t); T | project Computer"));
    EXPECT_TRUE(error_at("let T = Perf | project Computer; T | project CounterValue", "CounterValue"));
    EXPECT_TRUE(error_at("let x = 5; Perf | where CounterValue > y", "y"));
    EXPECT_TRUE(valid("let f = (n: long) { Perf | take n }; f(3) | project Computer"));
    EXPECT_TRUE(valid("let names = dynamic(['a']); Perf | where Computer in (names)"));
    EXPECT_TRUE(valid("let Busy = Perf | distinct Computer; Heartbeat | where Computer in (Busy)"));
}

TEST(KqlChecker, TypeErrorsMicrosoftsParserAlsoReports) {
    EXPECT_TRUE(error_at("Perf | where Computer", "Computer", "bool", 13));
    EXPECT_TRUE(error_at("Perf | where TimeGenerated > 5", ">", "datetime and long"));
    EXPECT_TRUE(error_at("Perf | where Computer > 'a'", ">", "string and string"));
    EXPECT_TRUE(error_at("Perf | where CounterValue has 'x'", "has", "real and string"));
    EXPECT_TRUE(error_at("Perf | extend x = Computer + 1", "+", "string and long"));
    EXPECT_TRUE(error_at("Perf | summarize sum(Computer)", "Computer", "summable", 20));
    EXPECT_TRUE(error_at("Perf | summarize avg(Computer)", "avg", "not compatible"));
    EXPECT_TRUE(error_at("Perf | extend x = bin(TimeGenerated, 5)", "bin", "not compatible"));
    EXPECT_TRUE(error_at("Perf | extend x = Computer[0]", "[0]", "element access"));
    EXPECT_TRUE(error_at("Perf | where Computer = 'a'", "Computer = 'a'", "bool"));
    EXPECT_TRUE(error_at("Perf | mv-expand x = CounterValue", "x = CounterValue", "dynamic"));
    EXPECT_TRUE(error_at("Perf | extend x = startofday(Computer)", "Computer", "datetime", 20));
    EXPECT_TRUE(error_at("Perf | extend x = ago(5)", "5", "timespan"));
    EXPECT_TRUE(error_at("Perf | take 'ten'", "'ten'", "integer"));
    EXPECT_TRUE(error_at("Perf | extend x = array_length(Computer)", "Computer", "dynamic", 20));
    EXPECT_TRUE(error_at("Perf | extend x = datetime_diff('minutes', now(), TimeGenerated)", "'minutes'", "one of"));
    EXPECT_TRUE(error_at("Perf | where Computer between ('a' .. 'b')", "between", "not defined"));
    EXPECT_TRUE(error_at("Perf | extend x = strlen(Computer, 1)", "strlen", "expects 1 argument"));
    EXPECT_TRUE(error_at("Perf | extend x = case(true, 1)", "case", "at least 3"));
    EXPECT_TRUE(valid("Perf | where TimeGenerated between (ago(2h) .. ago(1h)) and CounterValue between (1 .. 2.5)"));
    EXPECT_TRUE(
        valid("Perf | extend age = now() - TimeGenerated | where age > 1h | extend d = todynamic(Computer) | "
              "where d.x > 1 and d['y'] has 'z' | extend e = d[0] + 1"));
    EXPECT_TRUE(valid("Perf | where Computer == 1 and TimeGenerated == 1"));  // == is lenient in Kusto
}

TEST(KqlChecker, ErrorPositionsPointIntoMultiLineQueries) {
    const std::string q = "Heartbeat\n| summarize count() by Computer\n| project OSType";
    KqlValidation v = check(q);
    ASSERT_FALSE(v.valid);
    EXPECT_EQ(q.substr(v.diagnostics[0].start, v.diagnostics[0].length), "OSType");
}

TEST(KqlChecker, HostileQueriesGiveErrorsNotCrashes) {
    std::string deep = "Perf | where ";
    for (int i = 0; i < 10000; ++i) deep += "(";
    KqlValidation v = check(deep + "1");
    ASSERT_FALSE(v.valid);
    EXPECT_NE(v.diagnostics[0].message.find("deep"), std::string::npos);

    std::string big = "Perf";
    while (big.size() < 1000000) big += " | where CounterValue > 1 | extend x = strlen(Computer)";
    EXPECT_TRUE(check(big).valid);
    std::string huge(kKqlMaxQueryBytes + 1, ' ');
    v = check(huge);
    ASSERT_FALSE(v.valid);
    EXPECT_NE(v.diagnostics[0].message.find("too long"), std::string::npos);

    std::string garbage;
    for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 7919) & 0xFF);
    EXPECT_FALSE(check(garbage).valid);
}

TEST(KqlChecker, WildcardPatternsMatchLikeGlobsAndStayCheap) {
    EXPECT_TRUE(valid("Perf | project-away *Name, Counter* | project Computer, TimeGenerated, _ResourceId"));
    EXPECT_TRUE(error_at("Perf | project-away *Name | project ObjectName", "ObjectName", "", 25));
    EXPECT_TRUE(valid("Perf | project-keep *ounter*alu* | project CounterValue"));
    std::string pat = "Perf | project-away ";
    for (int i = 0; i < 20000; ++i) pat += "C*";
    pat += "x";
    KqlValidation v = check(pat);
    ASSERT_FALSE(v.valid);
    EXPECT_NE(v.diagnostics[0].message.find("does not refer"), std::string::npos) << v.diagnostics[0].message;
}
