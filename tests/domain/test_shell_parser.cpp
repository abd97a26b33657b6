// ShellParser: words, quotes, operators, redirections, sudo/env prefixes, substitutions, and errors
// with positions for what it refuses (unterminated quotes, dangling operators, here-docs, hostile input).
#include <gtest/gtest.h>

#include <string>

#include "app/domain/shell_parser.h"
#include "app/domain/shell_tokens.h"

using namespace sigma::domain;

namespace {
std::vector<std::string> texts(const SimpleCommand& c) { return c.argv(); }
}  // namespace

TEST(ShellParser, SimpleWordsAndPositions) {
    auto r = parse_shell("nvidia-smi  -i 0   --query-gpu=name");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 1u);
    const auto& c = r.commands[0];
    EXPECT_EQ(c.program.text, "nvidia-smi");
    ASSERT_EQ(c.args.size(), 3u);
    EXPECT_EQ(c.args[0].text, "-i");
    EXPECT_EQ(c.args[0].start, 12u);
    EXPECT_EQ(c.args[2].text, "--query-gpu=name");
    EXPECT_EQ(c.args[2].start, 19u);
    EXPECT_EQ(c.args[2].length, 16u);
}

TEST(ShellParser, QuotesAndEscapes) {
    auto r = parse_shell(R"(echo 'a b' "c \"d\" $HOME" e\ f "x"'y'z)");
    ASSERT_TRUE(r.ok) << r.error;
    const auto& a = r.commands[0].args;
    ASSERT_EQ(a.size(), 4u);
    EXPECT_EQ(a[0].text, "a b");
    EXPECT_TRUE(a[0].quoted);
    EXPECT_EQ(a[1].text, "c \"d\" $HOME");
    EXPECT_TRUE(a[1].expands);
    EXPECT_EQ(a[2].text, "e f");
    EXPECT_EQ(a[3].text, "xyz");
}

TEST(ShellParser, OperatorsBetweenCommands) {
    auto r = parse_shell("a | b && c || d ; e & f");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 6u);
    EXPECT_EQ(r.commands[0].next, ShellOp::Pipe);
    EXPECT_EQ(r.commands[1].next, ShellOp::And);
    EXPECT_TRUE(r.commands[1].stdin_from_pipe);
    EXPECT_EQ(r.commands[1].pipeline_first, 0u);
    EXPECT_EQ(r.commands[2].next, ShellOp::Or);
    EXPECT_EQ(r.commands[3].next, ShellOp::Seq);
    EXPECT_EQ(r.commands[4].next, ShellOp::Background);
    EXPECT_EQ(r.commands[5].next, ShellOp::None);
    EXPECT_EQ(r.commands[5].program.text, "f");
    EXPECT_FALSE(r.commands[2].stdin_from_pipe);
}

TEST(ShellParser, Redirections) {
    auto r = parse_shell("cmd > out.txt 2>&1 < in >> log 2>/dev/null &> all");
    ASSERT_TRUE(r.ok) << r.error;
    const auto& rs = r.commands[0].redirections;
    ASSERT_EQ(rs.size(), 6u);
    EXPECT_EQ(rs[0].op, ">");
    EXPECT_EQ(rs[0].target, "out.txt");
    EXPECT_TRUE(rs[0].writes());
    EXPECT_EQ(rs[1].op, "2>&");
    EXPECT_EQ(rs[1].target, "1");
    EXPECT_TRUE(rs[1].dup);
    EXPECT_FALSE(rs[1].writes());
    EXPECT_EQ(rs[2].op, "<");
    EXPECT_FALSE(rs[2].writes());
    EXPECT_EQ(rs[3].op, ">>");
    EXPECT_EQ(rs[4].op, "2>");
    EXPECT_EQ(rs[4].target, "/dev/null");
    EXPECT_EQ(rs[5].op, "&>");
    EXPECT_EQ(r.commands[0].args.size(), 0u);
}

TEST(ShellParser, RedirectionWithoutSpaceAndBeforeProgram) {
    auto r = parse_shell(">/tmp/x echo hi");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[0].program.text, "echo");
    EXPECT_EQ(r.commands[0].redirections[0].target, "/tmp/x");
}

TEST(ShellParser, EnvAndSudoPrefixes) {
    auto r = parse_shell("CUDA_VISIBLE_DEVICES=0,1 NCCL_DEBUG=INFO python train.py");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands[0].env.size(), 2u);
    EXPECT_EQ(r.commands[0].env[0].first, "CUDA_VISIBLE_DEVICES");
    EXPECT_EQ(r.commands[0].env[0].second, "0,1");
    EXPECT_EQ(r.commands[0].program.text, "python");

    r = parse_shell("sudo -u postgres -E psql -c 'select 1'");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.commands[0].sudo);
    EXPECT_EQ(r.commands[0].sudo_user, "postgres");
    EXPECT_EQ(r.commands[0].program.text, "psql");
    EXPECT_EQ(r.commands[0].sudo_args.size(), 3u);

    r = parse_shell("sudo FOO=1 systemctl restart docker");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.commands[0].sudo);
    EXPECT_EQ(r.commands[0].env.size(), 1u);
    EXPECT_EQ(r.commands[0].program.text, "systemctl");

    r = parse_shell("sudo -i");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[0].program.text, "sudo");
    EXPECT_TRUE(r.commands[0].sudo);

    r = parse_shell("sudo -u");
    EXPECT_FALSE(r.ok);
}

TEST(ShellParser, AssignmentOnlyAfterProgramIsAnArgument) {
    auto r = parse_shell("make CC=clang");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.commands[0].env.size(), 0u);
    EXPECT_EQ(texts(r.commands[0]), (std::vector<std::string>{"make", "CC=clang"}));
}

TEST(ShellParser, SubshellsAndSubstitutions) {
    auto r = parse_shell("(cd /tmp && ls) | wc -l");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 3u);
    EXPECT_EQ(r.commands[0].depth, 1);
    EXPECT_EQ(r.commands[1].program.text, "ls");
    EXPECT_EQ(r.commands[1].next, ShellOp::Pipe);
    EXPECT_TRUE(r.commands[2].stdin_from_pipe);
    EXPECT_EQ(r.commands[2].depth, 0);

    r = parse_shell("kill -9 $(pgrep -f \"python train\") `cat pids`");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 3u);
    EXPECT_EQ(r.commands[0].program.text, "pgrep");
    EXPECT_EQ(r.commands[0].depth, 1);
    EXPECT_EQ(r.commands[1].program.text, "cat");
    EXPECT_EQ(r.commands[2].program.text, "kill");
    EXPECT_EQ(r.commands[2].args[1].text, "$(pgrep -f \"python train\")");
    EXPECT_TRUE(r.commands[2].args[1].expands);

    r = parse_shell("echo \"now: $(date +%s)\"");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_EQ(r.commands[0].program.text, "date");

    r = parse_shell("diff <(sort a) <(sort b)");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands.size(), 3u);
    EXPECT_EQ(r.commands[2].program.text, "diff");
}

TEST(ShellParser, CommentsAndNewlines) {
    auto r = parse_shell("ls -l # list files");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.commands[0].args.size(), 1u);
    r = parse_shell("echo a#b");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.commands[0].args[0].text, "a#b");
    r = parse_shell("a\nb");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.commands.size(), 2u);
    r = parse_shell("a && \\\n b");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands.size(), 2u);
}

TEST(ShellParser, GlobsAndTilde) {
    auto r = parse_shell("rm -rf ~/cache *.log '*.txt'");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(r.commands[0].args[1].expands);
    EXPECT_TRUE(r.commands[0].args[2].glob);
    EXPECT_FALSE(r.commands[0].args[3].glob);
}

struct ErrorCase {
    const char* line;
    size_t pos;
    const char* contains;
};

TEST(ShellParser, ErrorsCarryPositions) {
    const ErrorCase cases[] = {
        {"echo 'abc", 5, "unterminated single quote"},
        {"echo \"abc", 5, "unterminated double quote"},
        {"ls |", 3, "'|' is not followed"},
        {"ls &&", 3, "'&&' is not followed"},
        {"ls ||  ", 3, "'||' is not followed"},
        {"| ls", 0, "expected a command before '|'"},
        {"ls ; ; ls", 5, "expected a command before ';'"},
        {"cat <<EOF", 4, "here-documents"},
        {"(ls", 0, "missing ')'"},
        {"ls )", 3, "unexpected ')'"},
        {"echo $(ls", 5, "missing ')'"},
        {"echo `ls", 5, "unterminated backquote"},
        {"for i in 1 2; do echo $i; done", 0, "keyword 'for'"},
        {"ls > ", 3, "has no target"},
        {"echo \\", 5, "backslash"},
        {"", 0, "empty"},
        {"   # only a comment", 0, "empty"},
        {"echo ${HOME", 5, "unterminated '${'"},
        {"ls ;; ls", 3, "';;'"},
    };
    for (const auto& c : cases) {
        auto r = parse_shell(c.line);
        EXPECT_FALSE(r.ok) << c.line;
        EXPECT_EQ(r.error_pos, c.pos) << c.line << " -> " << r.error;
        EXPECT_NE(r.error.find(c.contains), std::string::npos) << c.line << " -> " << r.error;
        EXPECT_TRUE(r.commands.empty());
    }
}

TEST(ShellParser, HostileInputIsAnErrorNotACrash) {
    std::string big(1 << 20, 'a');
    auto r = parse_shell(big);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("too long"), std::string::npos);

    std::string deep;
    for (int i = 0; i < 5000; ++i) deep += "$(";
    r = parse_shell(deep);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("nesting"), std::string::npos) << r.error;

    std::string parens;
    for (int i = 0; i < 5000; ++i) parens += "( ";
    r = parse_shell(parens);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("nesting"), std::string::npos) << r.error;

    std::string ticks;
    for (int i = 0; i < 40; ++i) ticks = "echo `" + ticks + "`";
    r = parse_shell(ticks);  // backquotes do not nest unescaped: any verdict, no crash
    if (!r.ok) {
        EXPECT_LE(r.error_pos, ticks.size());
    }

    r = parse_shell("echo \xC3\x28 ok");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error_pos, 5u);
    EXPECT_NE(r.error.find("UTF-8"), std::string::npos);

    r = parse_shell(std::string_view("ls\0-l", 5));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error_pos, 2u);

    // Binary garbage: any verdict, no crash; an error has a position inside the input.
    uint32_t x = 12345;
    for (int round = 0; round < 200; ++round) {
        std::string g;
        for (int i = 0; i < 64; ++i) {
            x = x * 1103515245u + 12345u;
            g += static_cast<char>((x >> 16) & 0xFF);
        }
        auto gr = parse_shell(g);
        if (!gr.ok) {
            EXPECT_LE(gr.error_pos, g.size());
        }
        (void)shell_tokens(g);
        (void)normalize_whitespace(g);
    }
}

TEST(ShellParser, ValidUtf8IsAccepted) {
    auto r = parse_shell("echo 'caf\xC3\xA9' \xF0\x9F\x98\x80");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[0].args[0].text, "caf\xC3\xA9");
}

TEST(ShellTokens, LenientTokenisation) {
    EXPECT_EQ(shell_tokens("ps aux --sort=-%mem | head -n 11"),
              (std::vector<std::string>{"ps", "aux", "--sort=-%mem", "|", "head", "-n", "11"}));
    EXPECT_EQ(shell_tokens("journalctl --since \"1 hour ago\" 2>&1 >out"),
              (std::vector<std::string>{"journalctl", "--since", "1 hour ago", "2>&1", ">", "out"}));
    EXPECT_EQ(shell_tokens("a && b"), (std::vector<std::string>{"a", "&&", "b"}));
    EXPECT_EQ(shell_tokens("echo 'unterminated"), (std::vector<std::string>{"echo", "unterminated"}));
}

TEST(ShellTokens, NormalizeWhitespaceKeepsQuotedSpaces) {
    EXPECT_EQ(normalize_whitespace("  ls   -l  'a   b'\t x "), "ls -l 'a   b' x");
}
