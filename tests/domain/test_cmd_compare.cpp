// CmdCompare: exact after whitespace normalisation, equivalence per the cmdgen README (short/long
// spellings, option order, comma lists as sets, aliases), and token F1.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "app/domain/cmd_compare.h"
#include "app/domain/json_parse.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/shell_catalog.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

bool eq(const char* a, const char* b) {
    return commands_equivalent(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), a, b);
}

}  // namespace

TEST(CmdCompare, Exact) {
    EXPECT_TRUE(commands_exact("df  -h", " df -h "));
    EXPECT_TRUE(commands_exact("grep 'a  b' f", "grep  'a  b'  f"));
    EXPECT_FALSE(commands_exact("grep 'a  b' f", "grep 'a b' f"));
    EXPECT_FALSE(commands_exact("df -h", "df -H"));
}

TEST(CmdCompare, EquivalentPerReadme) {
    // Short and long spellings, = or space, option order.
    EXPECT_TRUE(eq("nvidia-smi -i 0 --query-gpu=temperature.gpu --format=csv",
                   "nvidia-smi --id=0 --query-gpu=temperature.gpu --format=csv"));
    EXPECT_TRUE(eq("nvidia-smi -i 0 --query-gpu=temperature.gpu --format=csv,noheader,nounits",
                   "nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits -i 0"));
    EXPECT_TRUE(eq("nvidia-smi --query-gpu=a,b --format=csv", "nvidia-smi --query-gpu=a,b --format=csv"));
    EXPECT_TRUE(eq("nvidia-smi --query-gpu=name,memory.used --format=csv",
                   "nvidia-smi --query-gpu=memory.used,name --format=csv"));
    EXPECT_TRUE(
        eq("nvidia-smi --query-gpu=name --format=csv,noheader", "nvidia-smi --format=noheader,csv --query-gpu name"));
    EXPECT_TRUE(eq("nvidia-smi --query-gpu=gpu_name --format=csv", "nvidia-smi --query-gpu=name --format=csv"));
    EXPECT_TRUE(eq("nvidia-smi topo -m", "nvidia-smi topo --matrix"));
    EXPECT_TRUE(eq("nvidia-smi -i 2 -pm 1", "nvidia-smi --id=2 --persistence-mode=ENABLED"));
    EXPECT_TRUE(eq("nvidia-smi -r -i 1", "nvidia-smi --gpu-reset --id=1"));
    EXPECT_TRUE(eq("nvidia-smi -q -d ECC", "nvidia-smi --query --display=ECC"));
    EXPECT_TRUE(eq("nvidia-smi -q -d ECC,POWER", "nvidia-smi -q -d power,ECC"));
    EXPECT_TRUE(eq("journalctl -u nginx --since \"1 hour ago\"", "journalctl --unit=nginx --since '1 hour ago'"));
    EXPECT_TRUE(eq("ps aux --sort=-%mem | head -n 11", "ps aux --sort=-%mem | head -11"));
    EXPECT_TRUE(eq("rm -rf /tmp/x", "rm -r -f /tmp/x"));
    EXPECT_TRUE(eq("rm -rf /tmp/x", "rm --recursive --force /tmp/x"));
    EXPECT_TRUE(eq("df -h", "df --human-readable"));
    EXPECT_TRUE(eq("kubectl -n prod get pods", "kubectl get pods --namespace=prod"));
    EXPECT_TRUE(eq("tail -n 50 -f app.log", "tail -f --lines=50 app.log"));

    EXPECT_FALSE(eq("nvidia-smi -i 0 -q", "nvidia-smi -i 1 -q"));
    EXPECT_FALSE(eq("nvidia-smi --query-gpu=name --format=csv", "nvidia-smi --query-gpu=name,uuid --format=csv"));
    EXPECT_FALSE(eq("nvidia-smi topo -m", "nvidia-smi nvlink -m"));
    EXPECT_FALSE(eq("nvidia-smi -q -d ECC", "nvidia-smi -q"));
    EXPECT_FALSE(eq("df -h", "du -h"));
    EXPECT_FALSE(eq("cp a b", "cp b a"));  // positionals keep their order
    EXPECT_FALSE(eq("ps aux | head", "ps aux ; head"));
    EXPECT_FALSE(eq("ls", "ls | wc -l"));
    EXPECT_FALSE(eq("ls 'x",
                    "ls 'x"
                    " y"));
    EXPECT_FALSE(eq("systemctl restart docker", "systemctl stop docker"));
}

TEST(CmdCompare, DevSuiteAcceptsAreEquivalentToTheirReference) {
    std::ifstream in(std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval/cmdgen.dev.jsonl");
    ASSERT_TRUE(in) << "no tests/data/eval/cmdgen.dev.jsonl";
    std::string line;
    size_t checked = 0;
    while (std::getline(in, line)) {
        auto j = parse_json(line);
        if (!j) continue;
        const std::string ref = json_string(*j, "reference");
        EXPECT_TRUE(commands_exact(ref, ref));
        EXPECT_DOUBLE_EQ(cmd_token_f1(ref, ref), 1.0);
        for (const std::string& a : json_strings(*j, "accept")) {
            // Variants with a different value (-n 10, nginx.service), an extra filter (-type f) or another
            // option set (ps -eo) are accepted by exact match only; the rest differ in spelling, order
            // or sudo and are equivalent.
            const bool differs = a.find("-n 10") != std::string::npos || a.find(".service") != std::string::npos ||
                                 a.find("-type f") != std::string::npos || a.find("-eo") != std::string::npos;
            EXPECT_EQ(commands_equivalent(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), ref, a), !differs)
                << ref << " vs " << a;
            ++checked;
        }
    }
    EXPECT_GE(checked, 10u);
}

TEST(CmdCompare, TokenF1) {
    EXPECT_DOUBLE_EQ(cmd_token_f1("df -h", "df -h"), 1.0);
    EXPECT_DOUBLE_EQ(cmd_token_f1("", ""), 1.0);
    EXPECT_DOUBLE_EQ(cmd_token_f1("df -h", ""), 0.0);
    EXPECT_DOUBLE_EQ(cmd_token_f1("ls", "df"), 0.0);
    // generated: df -h / (3 tokens), reference: df -h (2 tokens): P = 2/3, R = 1, F1 = 0.8
    EXPECT_NEAR(cmd_token_f1("df -h /", "df -h"), 0.8, 1e-12);
    EXPECT_NEAR(cmd_token_f1("journalctl -u nginx --since \"1 hour ago\"", "journalctl -u nginx --since '1 hour ago'"),
                1.0, 1e-12);
    EXPECT_GT(cmd_token_f1("ps aux | head -n 10", "ps aux | head -n 11"), 0.8);
    std::string garbage(1 << 20, '|');
    EXPECT_GE(cmd_token_f1(garbage, "ls"), 0.0);
}
