// Prompts carry the rules and examples; parsers recover answers from the taught format and from
// the shapes instruct models commonly produce, and say so when there is nothing to recover.
#include <gtest/gtest.h>

#include "app/domain/task_prompt.h"

using namespace sigma::domain;

TEST(CommandPrompt, ExamplesBecomeTurnPairsBeforeTheRequest) {
    auto turns = build_command_messages("show gpu memory", "bash", "Linux",
                                        {{"list gpus", "nvidia-smi -L", "Lists GPUs.", "read-only"}});
    ASSERT_EQ(turns.size(), 4u);
    EXPECT_EQ(turns[0].role, "system");
    EXPECT_NE(turns[0].content.find("bash"), std::string::npos);
    EXPECT_EQ(turns[1].content, "list gpus");
    EXPECT_EQ(turns[2].content, "command: nvidia-smi -L\nexplanation: Lists GPUs.");
    EXPECT_EQ(turns[3].role, "user");
    EXPECT_EQ(turns[3].content, "show gpu memory");
}

struct CommandCase {
    const char* text;
    const char* command;
    const char* explanation;
};

class CommandAnswer : public ::testing::TestWithParam<CommandCase> {};

TEST_P(CommandAnswer, Parses) {
    const auto& c = GetParam();
    ParsedCommand p = parse_command_answer(c.text);
    ASSERT_TRUE(p.found) << c.text;
    EXPECT_EQ(p.command, c.command);
    EXPECT_EQ(p.explanation, c.explanation);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, CommandAnswer,
    ::testing::Values(CommandCase{"command: nvidia-smi -L\nexplanation: Lists GPUs.", "nvidia-smi -L", "Lists GPUs."},
                      CommandCase{"Command: `df -h /`\nExplanation: disk use", "df -h /", "disk use"},
                      CommandCase{"**Command:** `free -m`", "free -m", ""},
                      CommandCase{"Here you go:\n```bash\n$ nvidia-smi topo -m\n```\nThis shows topology.",
                                  "nvidia-smi topo -m", ""},
                      CommandCase{"```\nfind /var/log \\\n  -name '*.gz'\n```", "find /var/log -name '*.gz'", ""},
                      CommandCase{"command:\n```sh\nls -la\n```\nexplanation: lists", "ls -la", "lists"},
                      CommandCase{"\n  uptime  \n", "uptime", ""}));

TEST(CommandAnswer, EmptyAnswerSaysWhy) {
    ParsedCommand p = parse_command_answer("   \n\n");
    EXPECT_FALSE(p.found);
    EXPECT_NE(p.problem.find("no command"), std::string::npos);
}

TEST(KqlAnswer, ParsesFencedPrefixedAndBare) {
    EXPECT_EQ(parse_kql_answer("```kql\nHeartbeat\n| take 10\n```").query, "Heartbeat | take 10");
    EXPECT_EQ(parse_kql_answer("query: Perf | count").query, "Perf | count");
    EXPECT_EQ(parse_kql_answer("Syslog | take 5\n\nThis returns five rows.").query, "Syslog | take 5");
    EXPECT_FALSE(parse_kql_answer("").found);
}

TEST(KqlPrompt, RepairTurnListsDiagnostics) {
    ChatTurn t = build_kql_repair_turn("Perf | where Foo > 1", {"unknown column 'Foo'"});
    EXPECT_EQ(t.role, "user");
    EXPECT_NE(t.content.find("- unknown column 'Foo'"), std::string::npos);
    EXPECT_NE(t.content.find("Perf | where Foo > 1"), std::string::npos);
    auto turns = build_kql_messages("q", "Perf(Computer:string)", {{"a", "Perf | take 1", {"Perf"}}});
    ASSERT_EQ(turns.size(), 4u);
    EXPECT_NE(turns[0].content.find("Perf(Computer:string)"), std::string::npos);
}

TEST(DiagnosisAnswer, RoundTripsTheTaughtFormat) {
    const std::string text =
        format_diagnosis_answer("disk_full", "The root volume is full.", {"Run df -h", "Clean /var/log"});
    ParsedDiagnosis p = parse_diagnosis_answer(text);
    ASSERT_TRUE(p.found);
    EXPECT_EQ(p.category, "disk_full");
    EXPECT_EQ(p.root_cause, "The root volume is full.");
    ASSERT_EQ(p.next_steps.size(), 2u);
    EXPECT_EQ(p.next_steps[1], "Clean /var/log");
    ParsedDiagnosis numbered = parse_diagnosis_answer("Root cause: x\nNext steps:\n1. a\n2. b");
    EXPECT_EQ(numbered.next_steps.size(), 2u);
    EXPECT_FALSE(parse_diagnosis_answer("nothing useful").found);
}
