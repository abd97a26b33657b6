// Catalogue proposals: the nvidia-smi queries composed for a request's words, the requests that get
// none (changes, other views, files, requests not about a GPU), that every proposal over the project's
// held-out requests validates as read-only, and how the reranker weighs proposals against answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "app/domain/cmd_compare.h"
#include "app/domain/command_proposals.h"
#include "app/domain/command_rerank.h"
#include "app/domain/command_validator.h"
#include "app/domain/json_parse.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

std::string proposal(const std::string& request) {
    const std::vector<std::string> p = propose_commands(request, sigma_test::nvsmi_catalog());
    return p.empty() ? std::string() : p.front();
}

}  // namespace

TEST(CommandProposals, FieldsIdsLoopsAndFormatFromTheRequest) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"show memory used on every GPU", "nvidia-smi --query-gpu=memory.used --format=csv"},
        {"gpu temps", "nvidia-smi --query-gpu=temperature.gpu --format=csv"},
        {"power draw vs power cap on gpus 0 and 1, every 5 s",
         "nvidia-smi -i 0,1 --query-gpu=power.draw,power.limit --format=csv -l 5"},
        {"gpu 3 util and memory util, no units",
         "nvidia-smi -i 3 --query-gpu=utilization.gpu,utilization.memory --format=csv,nounits"},
        {"gpu temps every 250 ms as bare values",
         "nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits -lms 250"},
        {"sm and memory clocks on gpu 2, refresh every two seconds",
         "nvidia-smi -i 2 --query-gpu=clocks.sm,clocks.mem --format=csv -l 2"},
        {"max clocks of the cards (sm, mem, graphics)",
         "nvidia-smi --query-gpu=clocks.max.sm,clocks.max.memory,clocks.max.graphics --format=csv"},
        {"report memory clock, maximum PCIe generation on device 2",
         "nvidia-smi -i 2 --query-gpu=clocks.mem,pcie.link.gen.max --format=csv"},
        {"driver version on this box?", "nvidia-smi --query-gpu=driver_version --format=csv"},
        {"which processes are using GPU 1",
         "nvidia-smi -i 1 --query-compute-apps=pid,process_name,used_memory --format=csv"},
        {"which processes are using the GPU? show GPU name and PID",
         "nvidia-smi --query-compute-apps=gpu_name,pid --format=csv"},
        {"uuid of the gpu at 0000:3b:00.0", "nvidia-smi -i 0000:3b:00.0 --query-gpu=uuid --format=csv"},
    };
    for (const auto& [request, expected] : cases) {
        const std::string got = proposal(request);
        EXPECT_TRUE(commands_equivalent(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), got, expected))
            << request << "\n  got:      " << got << "\n  expected: " << expected;
    }
}

TEST(CommandProposals, NoneForChangesOtherViewsFilesAndOtherTools) {
    for (const char* request : {
             "set the power limit of gpu 0 to 250 W",         // a change
             "persistence off on gpu 2 only",                 // a change with no action verb
             "flip persistence mode on everywhere",           // idem
             "dmon power and temp for gpu 1",                 // another view
             "show me the topology matrix",                   // idem
             "which gpu is the hottest? sort by temp",        // needs a sort
             "how many gpus does this node have",             // needs a count
             "log gpu 7 temp every 10 s into /tmp/gpu7.csv",  // a file
             "ping 10.20.0.15 five times",                    // not about a GPU
             "is the clock synced with ntp",                  // idem
             "nvidia-smi --query-gpu=memory.used",            // already a command
         })
        EXPECT_EQ(proposal(request), "") << request;
}

// Request text reaches the command only as digits, catalogue field names and bus ids or UUIDs.
TEST(CommandProposals, NoShellWordFromTheRequestReachesTheCommand) {
    int proposed = 0;
    for (const char* request :
         {"uuid of GPU-$(reboot) please", "uuid of the gpu at 0000:3b:00.0;rm", "temps of gpu `id`",
          "gpu temps every 5 s > /etc/passwd", "gpu temps | sh", "gpu temps && reboot"}) {
        for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog())) {
            ++proposed;
            EXPECT_EQ(p.find_first_of("$`;|&><()'\"\\"), std::string::npos) << request << " -> " << p;
            EXPECT_EQ(check_command(p).risk, Risk::ReadOnly) << request << " -> " << p;
        }
    }
    EXPECT_GE(proposed, 3);  // the queries are still proposed, without the shell words
}

TEST(CommandProposals, MatchesFieldsByShorthandAndKeepsListItemsApart) {
    // The fields as a sorted list: their order is the order they were found in.
    const auto fields = [](const std::string& request) {
        std::vector<std::string> names;
        for (const FieldMatch& f : match_query_fields(request, sigma_test::nvsmi_catalog())) names.push_back(f.field);
        std::sort(names.begin(), names.end());
        std::string out;
        for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
        return out;
    };
    EXPECT_EQ(fields("vram free"), "memory.free");
    EXPECT_EQ(fields("avg and instantaneous power"), "power.draw.average,power.draw.instant");
    // "memory" belongs to the clock, not to the ECC counter of the other list item.
    const std::string f = fields("memory clock and lifetime uncorrected ECC errors");
    EXPECT_NE(f.find("ecc.errors.uncorrected.aggregate.total"), std::string::npos) << f;
    EXPECT_NE(f.find("clocks.mem"), std::string::npos) << f;
    // A short part is no prefix of a longer word: "might" does not name MIG.
    EXPECT_EQ(fields("vbios version of gpu 1, might need a flash"), "vbios_version");
    EXPECT_EQ(fields("restart the web server"), "");
}

// Over every request of the project's held-out command suites, a proposal always validates and is
// read-only, and none is made for a request whose reference changes the system.
TEST(CommandProposals, EveryProposalOnTheHeldOutSuitesIsAValidReadOnlyQuery) {
    int proposed = 0, cases = 0;
    for (const char* suite :
         {"/resources/train/heldout.cmdgen.jsonl", "/resources/train/heldout.handwritten.cmdgen.jsonl"}) {
        std::ifstream in(std::string(SIGMA_SOURCE_DIR) + suite);
        ASSERT_TRUE(in) << suite;
        std::string line;
        while (std::getline(in, line)) {
            const auto c = parse_json(line);
            ASSERT_TRUE(c) << line;
            ++cases;
            const std::string request = json_string(*c, "prompt");
            for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog())) {
                ++proposed;
                const CommandCheck check = check_command(p);
                EXPECT_TRUE(check.valid) << request << " -> " << p;
                EXPECT_EQ(check.risk, Risk::ReadOnly) << request << " -> " << p;
                EXPECT_NE(json_string(*c, "risk"), "destructive") << request << " -> " << p;
            }
        }
    }
    EXPECT_GT(cases, 700);
    EXPECT_GT(proposed, 50);
}

TEST(CommandProposals, RerankerWeighsAgreementWithTheCatalogue) {
    // The model's answers miss the field; the catalogue's proposal names it and wins.
    CommandCandidate help{"nvidia-smi --help-query-gpu", "", -2.0, 0, {}};
    CommandCandidate wrong{"nvidia-smi --query-gpu=index,temperature.memory --format=csv", "", -3.0, 1, {}};
    CommandCandidate proposed{"nvidia-smi --query-gpu=temperature.gpu --format=csv", "", 0.0, 2, {}};
    proposed.proposed = true;
    auto ranked = rerank_commands("gpu temps", {help, wrong, proposed});
    ASSERT_EQ(ranked.size(), 3u);
    EXPECT_EQ(ranked[0].candidate.command, proposed.command);
    // An answer of the model that agrees with the proposal's fields (row labels aside) gains as much.
    CommandCandidate agrees{"nvidia-smi --query-gpu=index,temperature.gpu --format=csv", "", -3.0, 1, {}};
    ranked = rerank_commands("gpu temps", {help, agrees});
    const double alone = ranked[0].candidate.command == agrees.command ? ranked[0].score : ranked[1].score;
    ranked = rerank_commands("gpu temps", {help, agrees, proposed});
    const double with = ranked[0].candidate.command == agrees.command   ? ranked[0].score
                        : ranked[1].candidate.command == agrees.command ? ranked[1].score
                                                                        : ranked[2].score;
    EXPECT_NEAR(with - alone, 4.0, 1e-9);
    EXPECT_NE(ranked.back().candidate.command, agrees.command);
    // With reranking off, proposals carry no agreement and the model's first answer leads.
    ranked = rerank_commands("gpu temps", {help, wrong, proposed}, {false, false, false, false, 0.0});
    EXPECT_EQ(ranked[0].candidate.command, help.command);
}
