// Shell parser against a corpus of operator one-liners (tests/data/shell/oneliners.txt, simple and
// compound) and of lines with real syntax errors (invalid.txt). Not a risk test: it checks what the
// parser lists (programs, depths, redirections, loops), which the risk classifier then judges.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/domain/shell_parser.h"

using namespace sigma::domain;

namespace {

struct Entry {
    std::string text;
    bool compound = false;  // after the "## compound" marker
    int line = 0;
};

std::string data_path(const std::string& name) { return std::string(SIGMA_SOURCE_DIR) + "/tests/data/shell/" + name; }

// One entry a line; ">>>" ... "<<<" holds a multi-line entry; "## " lines and blank lines are comments.
std::vector<Entry> read_oneliners() {
    std::ifstream in(data_path("oneliners.txt"));
    std::vector<Entry> out;
    std::string line;
    bool compound = false;
    bool block = false;
    bool first = true;
    Entry cur;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (block) {
            if (line == "<<<") {
                out.push_back(cur);
                block = false;
            } else {
                if (!first) cur.text += '\n';
                cur.text += line;
                first = false;
            }
            continue;
        }
        if (line == ">>>") {
            block = true;
            first = true;
            cur = Entry{"", compound, n};
            continue;
        }
        if (line.rfind("## ", 0) == 0) {
            if (line == "## compound") compound = true;
            continue;
        }
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        out.push_back(Entry{line, compound, n});
    }
    return out;
}

struct Invalid {
    std::string text;
    std::string expect;
    int line = 0;
};

std::vector<Invalid> read_invalid() {
    std::ifstream in(data_path("invalid.txt"));
    std::vector<Invalid> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line.rfind("## ", 0) == 0) continue;
        const size_t sep = line.find(" ##! ");
        Invalid v;
        v.line = n;
        v.text = line.substr(0, sep);
        if (sep != std::string::npos) v.expect = line.substr(sep + 5);
        size_t p = 0;
        while ((p = v.text.find("\\n", p)) != std::string::npos) v.text.replace(p, 2, "\n");
        p = 0;
        while ((p = v.text.find("\\t", p)) != std::string::npos) v.text.replace(p, 2, "\t");
        out.push_back(std::move(v));
    }
    return out;
}

const Entry* find_entry(const std::vector<Entry>& all, const std::string& text) {
    for (const Entry& e : all)
        if (e.text == text) return &e;
    return nullptr;
}

std::vector<std::string> programs(const ShellParseResult& r) {
    std::vector<std::string> out;
    for (const SimpleCommand& c : r.commands) out.push_back(c.program.text);
    return out;
}

std::vector<int> depths(const ShellParseResult& r) {
    std::vector<int> out;
    for (const SimpleCommand& c : r.commands) out.push_back(c.depth);
    return out;
}

// Parses a line that must be in the corpus, so the spot checks below stay tied to it.
ShellParseResult corpus_parse(const std::vector<Entry>& all, const std::string& text) {
    EXPECT_NE(find_entry(all, text), nullptr) << "not in oneliners.txt: " << text;
    return parse_shell(text);
}

}  // namespace

TEST(ShellOneliners, CorpusParses) {
    const std::vector<Entry> all = read_oneliners();
    size_t compound = 0;
    for (const Entry& e : all) compound += e.compound ? 1 : 0;
    ASSERT_GE(all.size(), 500u);
    EXPECT_GE(compound, 120u);
    size_t ok = 0;
    for (const Entry& e : all) {
        const ShellParseResult r = parse_shell(e.text);
        if (r.ok) {
            ++ok;
            continue;
        }
        ADD_FAILURE() << "oneliners.txt:" << e.line << " refused: " << e.text << "\n  error at " << r.error_pos << ": "
                      << r.error;
    }
    std::printf("[ corpus   ] %zu of %zu one-liners parse (%zu compound)\n", ok, all.size(), compound);
    EXPECT_GE(ok * 100, all.size() * 99);
}

TEST(ShellOneliners, CommandsAndPositionsStayInsideTheLine) {
    for (const Entry& e : read_oneliners()) {
        const ShellParseResult r = parse_shell(e.text);
        if (!r.ok) continue;
        ASSERT_FALSE(r.commands.empty()) << e.text;
        for (const SimpleCommand& c : r.commands) {
            EXPECT_LE(c.start + c.length, e.text.size()) << e.text;
            EXPECT_LE(c.program.start + c.program.length, e.text.size()) << e.text;
            for (const ShellWord& w : c.args) EXPECT_LE(w.start + w.length, e.text.size()) << e.text;
            for (const ShellRedirection& d : c.redirections) EXPECT_LE(d.start + d.length, e.text.size()) << e.text;
            EXPECT_LE(c.depth, kShellMaxDepth) << e.text;
        }
        for (const ShellLoop& l : r.loops) EXPECT_LE(l.start + l.length, e.text.size()) << e.text;
    }
}

TEST(ShellOneliners, SpotChecks) {
    const std::vector<Entry> all = read_oneliners();

    auto r = corpus_parse(all, "for h in node{1..4}; do ssh $h nvidia-smi -L; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"ssh"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1}));
    ASSERT_EQ(r.loops.size(), 1u);
    EXPECT_FALSE(r.loops[0].unbounded);

    r = corpus_parse(all,
                     "for pod in $(kubectl get pods -n prod -o name); do kubectl logs \"$pod\" -n prod --tail=5; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"kubectl", "kubectl"}));
    EXPECT_EQ(r.commands[0].args[0].text, "get");
    EXPECT_EQ(r.commands[1].args[0].text, "logs");

    r = corpus_parse(
        all, "while true; do nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader; sleep 2; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"true", "nvidia-smi", "sleep"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 1}));
    ASSERT_EQ(r.loops.size(), 1u);
    EXPECT_TRUE(r.loops[0].unbounded);
    EXPECT_FALSE(r.loops[0].break_seen);

    r = corpus_parse(all, "while true; do if curl -sf http://localhost:8080/healthz; then break; fi; sleep 2; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"true", "curl", "break", "sleep"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 2, 2, 1}));
    EXPECT_TRUE(r.loops[0].unbounded);
    EXPECT_TRUE(r.loops[0].break_seen);

    r = corpus_parse(all,
                     "for ((;;)); do date; nvidia-smi --query-gpu=power.draw --format=csv,noheader; sleep 10; done");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.loops[0].unbounded);
    r = corpus_parse(all, "until [ -f /tmp/ready ]; do sleep 1; done && ./start.sh");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_FALSE(r.loops[0].unbounded);
    EXPECT_EQ(r.commands.back().program.text, "./start.sh");
    EXPECT_EQ(r.commands.back().depth, 0);
    r = corpus_parse(all, "while read -r host; do ssh -n \"$host\" 'df -h /' ; done < hosts.txt");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_FALSE(r.loops[0].unbounded);
    for (const SimpleCommand& c : r.commands) {
        ASSERT_EQ(c.redirections.size(), 1u) << c.program.text;
        EXPECT_EQ(c.redirections[0].target, "hosts.txt");
        EXPECT_FALSE(c.redirections[0].writes());
    }

    // A write after a compound command reaches every command inside it.
    r = corpus_parse(all, "{ date; uptime; free -h; df -h /; } > /tmp/snapshot.txt");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"date", "uptime", "free", "df"}));
    for (const SimpleCommand& c : r.commands) {
        ASSERT_EQ(c.redirections.size(), 1u) << c.program.text;
        EXPECT_TRUE(c.redirections[0].writes());
        EXPECT_TRUE(c.redirections[0].inherited);
        EXPECT_EQ(c.redirections[0].target, "/tmp/snapshot.txt");
        EXPECT_EQ(c.depth, 1);
    }
    r = corpus_parse(all, "for f in *.csv; do tail -n +2 \"$f\"; done > combined.csv");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.commands.size(), 1u);
    EXPECT_TRUE(r.commands[0].redirections.at(0).writes());

    r = corpus_parse(all,
                     "if ping -c1 -W1 gw >/dev/null; then echo up; elif ping -c1 -W1 8.8.8.8 >/dev/null; then echo "
                     "\"gw down, internet up\"; else echo \"no network\"; fi");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"ping", "echo", "ping", "echo", "echo"}));

    r = corpus_parse(
        all,
        "case \"$(hostname)\" in gpu-*|dgx-*) nvidia-smi -L ;; login*) echo \"login node\" ;; *) echo unknown ;; esac");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"hostname", "nvidia-smi", "echo", "echo"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 1, 1}));

    r = corpus_parse(all, "[[ -e /dev/nvidia0 && -r /dev/nvidia0 ]] && nvidia-smi -L");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"[[", "nvidia-smi"}));
    EXPECT_EQ(r.commands[0].args.size(), 5u);
    EXPECT_EQ(r.commands[0].args[2].text, "&&");

    r = corpus_parse(all, "(( $(nvidia-smi -L | wc -l) == 8 )) || echo \"missing GPUs\"");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"nvidia-smi", "wc", "((", "echo"}));
    EXPECT_EQ(r.commands[2].args.at(0).text, "$(nvidia-smi -L | wc -l) == 8");

    r = corpus_parse(all,
                     "function drain_node { kubectl cordon \"$1\" && kubectl drain \"$1\" --ignore-daemonsets; }; "
                     "drain_node gpu-node-04");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"kubectl", "kubectl", "drain_node"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 0}));

    r = corpus_parse(
        all, "cat <<'EOF' | kubectl apply -f -\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml-batch\nEOF");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"cat", "kubectl"}));
    ASSERT_EQ(r.commands[0].redirections.size(), 1u);
    EXPECT_TRUE(r.commands[0].redirections[0].heredoc);
    EXPECT_EQ(r.commands[0].redirections[0].op, "<<");
    EXPECT_EQ(r.commands[0].redirections[0].target, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml-batch\n");
    EXPECT_TRUE(r.commands[1].stdin_from_pipe);

    r = corpus_parse(all, "cat > /tmp/report.txt <<-EOT\n\thost: $(hostname)\n\tkernel: $(uname -r)\n\tEOT");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"cat", "hostname", "uname"}));
    EXPECT_EQ(r.commands[0].redirections.at(1).op, "<<-");
    EXPECT_EQ(r.commands[0].redirections.at(1).target, "host: $(hostname)\nkernel: $(uname -r)\n");

    r = corpus_parse(all,
                     "while read -r ns pod; do kubectl delete pod \"$pod\" -n \"$ns\"; done < <(kubectl get pods -A "
                     "--no-headers | awk '$4==\"Evicted\"{print $1, $2}')");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(programs(r), (std::vector<std::string>{"read", "kubectl", "kubectl", "awk"}));
    EXPECT_EQ(depths(r), (std::vector<int>{1, 1, 1, 1}));
    EXPECT_EQ(r.commands[1].args.at(0).text, "delete");
}

TEST(ShellOneliners, InvalidLinesAreRefusedWithTheProblemNamed) {
    const std::vector<Invalid> all = read_invalid();
    ASSERT_GE(all.size(), 40u);
    for (const Invalid& v : all) {
        const ShellParseResult r = parse_shell(v.text);
        EXPECT_FALSE(r.ok) << "invalid.txt:" << v.line << " accepted: " << v.text;
        if (r.ok) continue;
        EXPECT_FALSE(r.error.empty()) << v.text;
        EXPECT_LE(r.error_pos, v.text.size()) << v.text;
        EXPECT_TRUE(r.commands.empty()) << v.text;
        EXPECT_FALSE(v.expect.empty()) << "invalid.txt:" << v.line << " names no expected message";
        EXPECT_NE(r.error.find(v.expect), std::string::npos)
            << "invalid.txt:" << v.line << ": " << v.text << "\n  error: " << r.error << "\n  expected: " << v.expect;
    }
}
