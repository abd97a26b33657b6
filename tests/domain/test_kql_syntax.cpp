// KQL lexer and parser: tokens and their byte ranges, operator grammar, syntax errors with the
// position of the token at fault, and hostile input (deep nesting, huge or binary queries).
#include <gtest/gtest.h>

#include <string>

#include "app/domain/kql_lexer.h"
#include "app/domain/kql_parser.h"

using namespace sigma::domain;

namespace {

std::vector<std::string> texts(std::string_view q) {
    std::vector<std::string> out;
    for (const KqlToken& t : kql_tokenize(q))
        if (t.kind != KqlTok::End) out.push_back(t.text);
    return out;
}

}  // namespace

TEST(KqlLexer, SplitsOperatorsLiteralsAndHyphenatedNames) {
    auto toks = kql_tokenize("T | project-away a | where b !has 'x' and c in~ (1) and d !in ('y') | mv-expand e");
    std::vector<std::string> expect = {
        "T", "|", "project-away", "a", "|",   "where", "b",   "!has", "'x'", "and",       "c", "in~", "(",
        "1", ")", "and",          "d", "!in", "(",     "'y'", ")",    "|",   "mv-expand", "e"};
    EXPECT_EQ(texts("T | project-away a | where b !has 'x' and c in~ (1) and d !in ('y') | mv-expand e"), expect);
    EXPECT_EQ(toks.back().kind, KqlTok::End);
    EXPECT_EQ(toks[2].start, 4u);
    EXPECT_EQ(toks[2].length, 12u);
}

TEST(KqlLexer, ReadsTimespansNumbersAndStrings) {
    auto toks = kql_tokenize("5m 1.5h 100ms 2d 42 2.5 1e3 0x1F @'c:\\x' \"a\\\"b\" h'secret' ```multi\nline```");
    std::vector<KqlTok> kinds;
    for (const auto& t : toks) kinds.push_back(t.kind);
    std::vector<KqlTok> expect = {KqlTok::Timespan, KqlTok::Timespan, KqlTok::Timespan, KqlTok::Timespan,
                                  KqlTok::Number,   KqlTok::Number,   KqlTok::Number,   KqlTok::Number,
                                  KqlTok::String,   KqlTok::String,   KqlTok::String,   KqlTok::String,
                                  KqlTok::End};
    EXPECT_EQ(kinds, expect);
    EXPECT_EQ(toks[8].value, "c:\\x");
    EXPECT_EQ(toks[9].value, "a\"b");
    EXPECT_EQ(toks[10].value, "secret");
    EXPECT_EQ(toks[11].value, "multi\nline");
}

TEST(KqlLexer, ReportsBadLiteralsAndCharactersAsErrorTokens) {
    for (const char* q :
         {"T | where a == 'open", "T | extend x = 5xyz", "T | where a == # 1", "T | where a == '\\q'", "T\x01"}) {
        auto toks = kql_tokenize(q);
        bool has_error = false;
        for (const auto& t : toks) has_error = has_error || t.kind == KqlTok::Error;
        EXPECT_TRUE(has_error) << q;
    }
    for (const char* q : {"T | where a == 'it\\", "x '\\", "'"}) {  // ranges never pass the end
        for (const auto& t : kql_tokenize(q)) EXPECT_LE(t.start + t.length, std::string_view(q).size()) << q;
    }
    auto toks = kql_tokenize("T | extend x = 5xyz");
    EXPECT_EQ(toks[5].kind, KqlTok::Error);
    EXPECT_EQ(toks[5].start, 15u);
    EXPECT_EQ(toks[5].length, 4u);
}

TEST(KqlLexer, SkipsComments) {
    EXPECT_EQ(texts("T // all rows\n| take 1 // done"), (std::vector<std::string>{"T", "|", "take", "1"}));
}

TEST(KqlParser, ParsesEveryTabularOperator) {
    const char* queries[] = {
        "let x = 5; let T = Perf | where CounterValue > x; T | take 1",
        "let f = (n: long, t: (*)) { t | take n }; f(3, Perf)",
        "Perf | project a = Computer, b = CounterValue * 2, ['c d'] = 1",
        "Perf | project-away a, b* | project-keep c | project-rename x = y | project-reorder z asc",
        "Perf | extend x = iff(a > 1, 'big', 'small') | summarize count(), avg(v) by bin(TimeGenerated, 5m), c",
        "Perf | top 10 by v desc nulls last | order by a asc, b desc nulls first | sort by c | take 5 | limit 2",
        "Perf | distinct a, b | count | getschema | serialize | sample 5 | sample-distinct 3 of a",
        "Perf | join kind=leftouter hint.strategy=shuffle (Heartbeat | project a) on a, $left.b == $right.c",
        "Perf | lookup kind=inner (T) on a | union withsource=S kind=outer T1, (T2 | take 1) | as X",
        "union isfuzzy=true T1, T2* | render timechart with (title='x', ytitle='y')",
        "Perf | parse kind=regex flags=i a with * 'x=' x:int ' ' y | parse-where b with 'a' c",
        "Perf | mv-expand with_itemindex=i x = split(a, ',') to typeof(string), y limit 10",
        "Perf | make-series avg(v) default=0, c = count() on t from ago(1d) to now() step 1h by a",
        "Perf | make-series sum(v) on t in range(ago(1d), now(), 1h)",
        "search 'x' | take 1",
        "search in (T1, T2) a has 'x'",
        "print x = 1, 'two'",
        "range n from 1 to 10 step 1",
        "datatable(a: int, b: string) [1, 'x', 2, 'y']",
        "Perf | where a between (1 .. 10) and b !between (ago(1d) .. now()) and c matches regex '^x'",
        "Perf | where a in (dynamic([1, 2])) and b has_any ('x', 'y') and d.e[0].f == 1",
        "Perf | evaluate bag_unpack(d) | mv-apply x = y on (take 1) | fork (take 1) (take 2)",
        "T | extend x = datetime(2024-01-01 10:00), y = time(1.02:03:04), z = dynamic({\"a\": [1]}), g = "
        "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
    };
    for (const char* q : queries) {
        auto r = kql_parse(q);
        EXPECT_TRUE(r.ok()) << q << "\n  -> " << (r.ok() ? "" : r.diagnostics[0].message);
    }
}

TEST(KqlParser, BuildsPipelinesAndNamedItems) {
    auto r = kql_parse("Perf | summarize n = count() by Computer, bin(TimeGenerated, 1h) | order by n desc");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.query.statements.size(), 1u);
    const KqlPipeline& p = *r.query.statements[0].body;
    EXPECT_EQ(p.source->text, "Perf");
    ASSERT_EQ(p.ops.size(), 2u);
    EXPECT_EQ(p.ops[0].name, "summarize");
    ASSERT_EQ(p.ops[0].items.size(), 1u);
    EXPECT_EQ(p.ops[0].items[0].names[0], "n");
    EXPECT_EQ(p.ops[0].by.size(), 2u);
    EXPECT_EQ(p.ops[1].sort.size(), 1u);
    EXPECT_TRUE(p.ops[1].sort[0].desc);
}

TEST(KqlParser, PrecedenceBindsAndTighterThanOr) {
    auto r = kql_parse("T | where a == 1 or b == 2 and c + 1 * 2 > 3");
    ASSERT_TRUE(r.ok());
    const KqlExpr& e = *r.query.statements[0].body->ops[0].expr;
    EXPECT_EQ(e.text, "or");
    EXPECT_EQ(e.args[1]->text, "and");
    const KqlExpr& cmp = *e.args[1]->args[1];
    EXPECT_EQ(cmp.text, ">");
    EXPECT_EQ(cmp.args[0]->text, "+");
    EXPECT_EQ(cmp.args[0]->args[1]->text, "*");
}

TEST(KqlParser, ReportsSyntaxErrorsAtTheFaultyToken) {
    struct Case {
        const char* query;
        size_t start;
        const char* message_part;
    };
    const Case cases[] = {
        {"Heartbeat | wher x == 1", 12, "not a tabular operator"},
        {"Heartbeat where x == 1", 10, "Expected"},
        {"Heartbeat | where (x == 1", 25, "Expected: )"},
        {"Heartbeat | where x == 1)", 24, "Expected"},
        {"Heartbeat | take 1 |", 20, "Query operator expected"},
        {"Heartbeat | where", 17, "expression"},
        {"Heartbeat | summarize count( by x", 28, "expression"},
        {"Heartbeat | join kind=inner (T)", 31, "Expected: on"},
        {"Heartbeat | order x", 18, "Expected: by"},
        {"Heartbeat | where x between (1, 2)", 30, "Expected: .."},
        {"", 0, "A query is expected"},
    };
    for (const Case& c : cases) {
        auto r = kql_parse(c.query);
        ASSERT_FALSE(r.ok()) << c.query;
        EXPECT_EQ(r.diagnostics[0].start, c.start) << c.query << " -> " << r.diagnostics[0].message;
        EXPECT_NE(r.diagnostics[0].message.find(c.message_part), std::string::npos)
            << c.query << " -> " << r.diagnostics[0].message;
    }
}

TEST(KqlParser, DeepNestingIsAnErrorNotACrash) {
    for (const std::string& open :
         {std::string("("), std::string("f("), std::string("-"), std::string("(T | where ")}) {
        std::string q = "T | where ";
        for (int i = 0; i < 10000; ++i) q += open;
        q += "1";
        auto r = kql_parse(q);
        ASSERT_FALSE(r.ok()) << open;
        EXPECT_NE(r.diagnostics[0].message.find("deep"), std::string::npos) << r.diagnostics[0].message;
    }
}

TEST(KqlParser, LongChainsAreBoundedNotACrash) {
    std::string sum = "T | extend x = 1";
    for (int i = 0; i < 200000; ++i) sum += "+1";
    auto r = kql_parse(sum);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.diagnostics[0].message.find("deep"), std::string::npos) << r.diagnostics[0].message;
    std::string members = "T | extend x = d";
    for (int i = 0; i < 200000; ++i) members += ".a";
    EXPECT_FALSE(kql_parse(members).ok());
}

TEST(KqlParser, HugeFlatQueryParses) {
    std::string q = "Perf";
    while (q.size() < 1000000) q += " | where CounterValue > 1";
    auto r = kql_parse(q);
    EXPECT_TRUE(r.ok());
    EXPECT_GT(r.query.statements[0].body->ops.size(), 30000u);
}

TEST(KqlParser, BinaryGarbageIsAnErrorNotACrash) {
    std::string garbage;
    uint32_t x = 12345;
    for (int i = 0; i < 100000; ++i) {
        x = x * 1103515245u + 12345u;
        garbage += static_cast<char>((x >> 16) & 0xFF);
    }
    auto r = kql_parse(garbage);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.diagnostics.empty());
    EXPECT_LE(r.diagnostics[0].start + r.diagnostics[0].length, garbage.size());
}
