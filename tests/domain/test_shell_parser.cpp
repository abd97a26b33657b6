// ShellParser: words, quotes, operators, redirections, sudo/env prefixes, substitutions, compound
// commands (if/for/while/until/case, groups, [[ ]], (( )), functions, here-documents), loops, and errors
// with positions for what it refuses (unterminated quotes and compounds, dangling operators, hostile input).
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

namespace {
std::vector<std::string> programs(const ShellParseResult& r) {
    std::vector<std::string> out;
    for (const auto& c : r.commands) out.push_back(c.program.text);
    return out;
}
std::vector<int> depths(const ShellParseResult& r) {
    std::vector<int> out;
    for (const auto& c : r.commands) out.push_back(c.depth);
    return out;
}
}  // namespace

TEST(ShellParserCompound, ForInLoop) {
    auto r = parse_shell("for h in node{1..4}; do ssh $h nvidia-smi -L; done");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 1u);
    EXPECT_EQ(r.commands[0].program.text, "ssh");
    EXPECT_EQ(r.commands[0].depth, 1);
    ASSERT_EQ(r.loops.size(), 1u);
    EXPECT_EQ(r.loops[0].keyword, "for");
    EXPECT_FALSE(r.loops[0].unbounded);
    EXPECT_EQ(r.loops[0].start, 0u);
    EXPECT_EQ(r.loops[0].length, 50u);

    // Substitutions in the word list run too; reserved words there are words; `for x do` has no list.
    r = parse_shell("for f in $(ls /var/log) do done; do echo $f; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"ls", "echo"}));
    r = parse_shell("for x do echo $x; done");
    ASSERT_TRUE(r.ok) << r.error;
    r = parse_shell("for x in a b\ndo\n  echo $x\ndone");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"echo"}));
    r = parse_shell("select s in a b; do echo $s; break; done");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.loops.size(), 1u);
    EXPECT_EQ(r.loops[0].keyword, "select");
    EXPECT_TRUE(r.loops[0].break_seen);
}

TEST(ShellParserCompound, ArithmeticForLoop) {
    auto r = parse_shell("for ((i=0; i<3; i++)); do nvidia-smi -i $i -q; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"nvidia-smi"}));
    ASSERT_EQ(r.loops.size(), 1u);
    EXPECT_FALSE(r.loops[0].unbounded);
    r = parse_shell("for ((;;)); do date; sleep 1; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.loops[0].unbounded);
    r = parse_shell("for ((i=0;;i++)) { echo $i; }");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.loops[0].unbounded);
    r = parse_shell("for ((i=0; i<3)); do :; done");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("three expressions"), std::string::npos) << r.error;
}

TEST(ShellParserCompound, WhileUntilAndUnboundedLoops) {
    auto r = parse_shell("while true; do nvidia-smi; sleep 5; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"true", "nvidia-smi", "sleep"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 1}));
    ASSERT_EQ(r.loops.size(), 1u);
    EXPECT_EQ(r.loops[0].keyword, "while");
    EXPECT_TRUE(r.loops[0].unbounded);
    EXPECT_FALSE(r.loops[0].break_seen);

    const char* unbounded[] = {"while :; do date; done",           "while [ 1 ]; do date; done",
                               "while [ true ]; do date; done",    "while sleep 2; do date; done",
                               "while ((1)); do date; done",       "until false; do date; done",
                               "while true; do date; break; done", "while /bin/true; do date; done"};
    for (const char* line : unbounded) {
        r = parse_shell(line);
        ASSERT_TRUE(r.ok) << line << ": " << r.error;
        ASSERT_EQ(r.loops.size(), 1u) << line;
        EXPECT_TRUE(r.loops[0].unbounded) << line;
    }
    const char* bounded[] = {"while read -r l; do echo $l; done < f",
                             "until [ -f /tmp/ready ]; do sleep 1; done",
                             "while ! true; do date; done",
                             "until true; do date; done",
                             "while [ $n -lt 3 ]; do date; done",
                             "while false; do date; done",
                             "for x in a; do date; done"};
    for (const char* line : bounded) {
        r = parse_shell(line);
        ASSERT_TRUE(r.ok) << line << ": " << r.error;
        ASSERT_EQ(r.loops.size(), 1u) << line;
        EXPECT_FALSE(r.loops[0].unbounded) << line;
    }
    r = parse_shell("while true; do if ping -c1 h; then break; fi; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.loops[0].unbounded);
    EXPECT_TRUE(r.loops[0].break_seen);

    // Nested loops are listed outer first.
    r = parse_shell("for a in 1 2; do while read x; do echo $a $x; done < f; done");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.loops.size(), 2u);
    EXPECT_EQ(r.loops[0].keyword, "for");
    EXPECT_EQ(r.loops[1].keyword, "while");
    EXPECT_EQ(depths(r), (std::vector<int>{2, 2}));
}

TEST(ShellParserCompound, IfElifElse) {
    auto r = parse_shell(
        "if systemctl is-active -q nginx; then echo up; elif pgrep nginx; then echo odd; else systemctl start nginx; "
        "fi");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"systemctl", "echo", "pgrep", "echo", "systemctl"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 1, 1, 1}));
    EXPECT_EQ(r.commands[4].args[0].text, "start");
    r = parse_shell("if ! grep -q x f; then echo missing; fi && echo done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"grep", "echo", "echo"}));
    EXPECT_EQ(r.commands[2].depth, 0);
    EXPECT_EQ(r.commands[2].args[0].text, "done");
    r = parse_shell("if true\nthen\n  ls\nfi");
    ASSERT_TRUE(r.ok) << r.error;
}

TEST(ShellParserCompound, CaseItems) {
    auto r = parse_shell(
        "case \"$1\" in start|stop) systemctl $1 nginx ;; (status) systemctl status nginx;& *) echo usage ;;& esac");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"systemctl", "systemctl", "echo"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 1}));
    r = parse_shell("case $x in\n  a) echo a ;;\n  *.log) rm \"$x\" ;;\nesac");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"echo", "rm"}));
    r = parse_shell("case $x in a) ;; esac");  // no command, still valid
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.commands.empty());
    r = parse_shell("case $x in a) echo a; esac");  // the last ;; is optional
    ASSERT_TRUE(r.ok) << r.error;
    r = parse_shell("case $(hostname) in gpu*) nvidia-smi;; esac");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"hostname", "nvidia-smi"}));
}

TEST(ShellParserCompound, GroupsAndSubshells) {
    auto r = parse_shell("{ echo a; echo b; } 2>&1 | tee log");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"echo", "echo", "tee"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 0}));
    EXPECT_TRUE(r.commands[2].stdin_from_pipe);
    // `{a,b}` and `{}` are words, not groups; `}` closes only in command position.
    r = parse_shell("echo {a,b} } {}");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[0].args.size(), 3u);
    EXPECT_TRUE(r.commands[0].args[0].brace);
    EXPECT_FALSE(r.commands[0].args[2].brace);
    r = parse_shell("(cd /tmp; ls) > out");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 2u);
    for (const auto& c : r.commands) {
        ASSERT_EQ(c.redirections.size(), 1u);
        EXPECT_TRUE(c.redirections[0].writes());
        EXPECT_TRUE(c.redirections[0].inherited);
    }
    // A subshell inside a subshell is not arithmetic.
    r = parse_shell("((cd /tmp && ls) | wc -l)");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"cd", "ls", "wc"}));
}

TEST(ShellParserCompound, RedirectionsAfterCompoundsReachEveryInnerCommand) {
    auto r = parse_shell("for h in a b; do ssh $h uptime; echo $(date); done > /etc/hosts");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"ssh", "date", "echo"}));
    EXPECT_EQ(r.commands[0].redirections.size(), 1u);
    EXPECT_EQ(r.commands[0].redirections[0].target, "/etc/hosts");
    EXPECT_TRUE(r.commands[0].redirections[0].inherited);
    EXPECT_TRUE(r.commands[1].redirections.empty());  // its output goes into a word
    EXPECT_EQ(r.commands[2].redirections.size(), 1u);

    r = parse_shell("while read -r l; do echo \"$l\"; done < <(kubectl get pods -A)");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"read", "echo", "kubectl"}));
    EXPECT_EQ(r.commands[0].redirections[0].op, "<");
    EXPECT_EQ(r.commands[0].redirections[0].target, "<(kubectl get pods -A)");
    EXPECT_FALSE(r.commands[0].redirections[0].writes());
}

TEST(ShellParserCompound, PipesIntoCompounds) {
    auto r = parse_shell("curl -s http://x/install.sh | { bash; }");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_TRUE(r.commands[1].stdin_from_pipe);
    EXPECT_EQ(r.commands[1].pipeline_first, 0u);
    r = parse_shell("ls | while read f; do echo \"$f\" | sh; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"ls", "read", "echo", "sh"}));
    for (size_t i = 1; i < 4; ++i) {
        EXPECT_TRUE(r.commands[i].stdin_from_pipe) << i;
        EXPECT_EQ(r.commands[i].pipeline_first, 0u) << i;
    }
}

TEST(ShellParserCompound, DoubleBracketTest) {
    auto r = parse_shell("[[ -f /etc/os-release && $ID == ubuntu || ( $a < $b ) ]] && cat /etc/os-release");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 2u);
    const auto& t = r.commands[0];
    EXPECT_EQ(t.program.text, "[[");
    EXPECT_EQ(texts(t), (std::vector<std::string>{"[[", "-f", "/etc/os-release", "&&", "$ID", "==", "ubuntu", "||", "(",
                                                  "$a", "<", "$b", ")"}));
    EXPECT_TRUE(t.redirections.empty());  // '<' is a comparison here
    EXPECT_EQ(t.next, ShellOp::And);
    EXPECT_EQ(r.commands[1].depth, 0);

    r = parse_shell("[[ $host =~ ^gpu-(a|b)[0-9]+$ ]]");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands[0].args.size(), 3u);
    EXPECT_EQ(r.commands[0].args[2].text, "^gpu-(a|b)[0-9]+$");
    r = parse_shell("[[ \"]]\" == x ]]");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[0].args[0].text, "]]");
    r = parse_shell("echo [[ x ]]");  // not in command position: plain words
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[0].program.text, "echo");
}

TEST(ShellParserCompound, ArithmeticCommandAndExpansion) {
    auto r = parse_shell("(( count > 3 )) && echo many");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_EQ(r.commands[0].program.text, "((");
    ASSERT_EQ(r.commands[0].args.size(), 1u);
    EXPECT_EQ(r.commands[0].args[0].text, "count > 3");
    EXPECT_EQ(r.commands[0].args[0].start, 3u);
    EXPECT_TRUE(r.commands[0].redirections.empty());

    // $(( )) stays one word; command substitutions inside it still run and are listed.
    r = parse_shell("echo $(( $(wc -l < f) + 1 ))");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"wc", "echo"}));
    EXPECT_EQ(r.commands[1].args[0].text, "$(( $(wc -l < f) + 1 ))");
    EXPECT_TRUE(r.commands[1].args[0].expands);
    r = parse_shell("n=$(( (1+2)*3 ))");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands[0].env.size(), 1u);
    EXPECT_EQ(r.commands[0].env[0].second, "$(( (1+2)*3 ))");
}

TEST(ShellParserCompound, FunctionDefinitions) {
    auto r = parse_shell("gpus() { nvidia-smi -L | wc -l; }; gpus");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"nvidia-smi", "wc", "gpus"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 0}));
    r = parse_shell("function cleanup { rm -rf /tmp/job; } ; trap cleanup EXIT");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"rm", "trap"}));
    r = parse_shell("function f() (cd /tmp && ls)");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"cd", "ls"}));
    r = parse_shell("f ()\n{\n  date\n}");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"date"}));
}

TEST(ShellParserCompound, HereDocuments) {
    auto r = parse_shell("cat <<EOF > /tmp/job.sh\n#!/bin/bash\necho $HOME $(hostname)\nEOF\nbash /tmp/job.sh");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"cat", "hostname", "bash"}));
    const auto& rs = r.commands[0].redirections;
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(rs[0].op, "<<");
    EXPECT_TRUE(rs[0].heredoc);
    EXPECT_EQ(rs[0].target, "#!/bin/bash\necho $HOME $(hostname)\n");
    EXPECT_FALSE(rs[0].writes());
    EXPECT_TRUE(rs[1].writes());
    EXPECT_EQ(r.commands[1].depth, 1);  // the unquoted body's substitution runs

    r = parse_shell("cat <<'EOF'\n$(rm -rf /)\nEOF");  // quoted: the body is text
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 1u);
    EXPECT_EQ(r.commands[0].redirections[0].target, "$(rm -rf /)\n");

    r = parse_shell("sbatch <<-END\n\t#SBATCH -N 2\n\tsrun hostname\n\tEND\necho queued");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"sbatch", "echo"}));
    EXPECT_EQ(r.commands[0].redirections[0].op, "<<-");
    EXPECT_EQ(r.commands[0].redirections[0].target, "#SBATCH -N 2\nsrun hostname\n");

    // Two here-documents on one line: bodies in order. One on a loop reaches its inner commands.
    r = parse_shell("paste <<A /dev/stdin <<B\n1\nA\n2\nB");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands[0].redirections.size(), 2u);
    EXPECT_EQ(r.commands[0].redirections[0].target, "1\n");
    EXPECT_EQ(r.commands[0].redirections[1].target, "2\n");
    r = parse_shell("while read h; do ssh \"$h\" uptime; done <<EOF\nnode1\nnode2\nEOF");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 2u);
    EXPECT_EQ(r.commands[1].redirections[0].target, "node1\nnode2\n");
    EXPECT_TRUE(r.commands[1].redirections[0].inherited);

    r = parse_shell("cat <<<\"$x\" | wc -c");  // here-strings are unchanged
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_FALSE(r.commands[0].redirections[0].heredoc);
}

TEST(ShellParserCompound, ReservedWordsOnlyInCommandPosition) {
    auto r = parse_shell("echo for while done if then fi esac { }");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 1u);
    EXPECT_EQ(r.commands[0].args.size(), 9u);
    r = parse_shell("grep -w done log && \"for\" x");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.commands[1].program.text, "for");  // quoted: a program name
}

TEST(ShellParserCompound, DeepCompoundNestingIsAnError) {
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "if true; then ";
    deep += "ls";
    for (int i = 0; i < 100; ++i) deep += "; fi";
    auto r = parse_shell(deep);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("nesting"), std::string::npos) << r.error;
    std::string groups;
    for (int i = 0; i < 5000; ++i) groups += "{ ";
    r = parse_shell(groups);
    EXPECT_FALSE(r.ok);
    std::string arith = "echo ";
    for (int i = 0; i < 5000; ++i) arith += "$((";
    r = parse_shell(arith);
    EXPECT_FALSE(r.ok);
    EXPECT_LE(r.error_pos, arith.size());
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
        {"cat <<EOF", 4, "here-document delimited by 'EOF' is not terminated"},
        {"(ls", 0, "missing ')'"},
        {"ls )", 3, "unexpected ')'"},
        {"echo $(ls", 5, "missing ')'"},
        {"echo `ls", 5, "unterminated backquote"},
        {"for i in 1 2; do echo $i", 0, "unterminated 'for': 'done' expected"},
        {"ls > ", 3, "has no target"},
        {"echo \\", 5, "backslash"},
        {"", 0, "empty"},
        {"   # only a comment", 0, "empty"},
        {"echo ${HOME", 5, "unterminated '${'"},
        {"ls ;; ls", 3, "';;'"},
        {"if true; then ls", 0, "unterminated 'if': 'fi' expected"},
        {"if true; ls; fi", 13, "'fi' where 'then' was expected"},
        {"if true; ls", 0, "unterminated 'if': 'then' expected"},
        {"if true; then ls; done", 18, "'done' where 'fi' was expected"},
        {"for x in a b c", 0, "'do' expected after 'for NAME in ...'"},
        {"for x in a b; echo $x; done", 14, "'do' expected after 'for NAME in ...'"},
        {"for 1x in a; do :; done", 4, "variable name"},
        {"while true; do ls", 0, "unterminated 'while': 'done' expected"},
        {"while; do ls; done", 5, "expected a command before ';'"},
        {"until false ls; done", 16, "'done' where 'do' was expected"},
        {"done", 0, "'done' without a matching"},
        {"ls; fi", 4, "'fi' without a matching 'if'"},
        {"echo a | }", 9, "'}' without a matching '{'"},
        {"case x in a) ls;;", 0, "unterminated 'case': 'esac' expected"},
        {"case x a) ls;; esac", 7, "'in' expected"},
        {"case x in a ls;; esac", 12, "')' expected after the case pattern"},
        {"{ ls; ", 0, "unterminated '{': '}' expected"},
        {"{ ls }", 0, "unterminated '{': '}' expected"},
        {"{ }", 0, "empty group"},
        {"[[ -f x ", 0, "unterminated '[['"},
        {"[[ a ; b ]]", 5, "';' is not valid inside '[[ ]]'"},
        {"(( x + 1 ", 0, "unterminated arithmetic command"},
        {"echo $(( 1 + 2 )", 5, "arithmetic '$((' opened here; '))' expected"},
        {"echo $(( 1 + 2 ", 5, "unterminated arithmetic expansion"},
        {"f() ls", 4, "needs a compound command"},
        {"function { ls; }", 9, "'function' needs a name"},
        {"cat <<EOF\nhello\n", 4, "here-document delimited by 'EOF' is not terminated"},
        {"cat <<", 4, "has no delimiter word"},
        {"{ ls; } foo", 8, "unexpected word 'foo' after '}'"},
        {"x=1 for y in a; do :; done", 4, "'for' must start the command"},
        {"if true; then fi", 14, "empty 'then' branch"},
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
