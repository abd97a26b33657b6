// Catalogue proposals: the nvidia-smi queries composed for a request's words, the requests that get
// none (changes, other views, files, requests not about a GPU), the views (-q sections, dmon, pmon,
// topo, MIG and NVLink listings) and settings composed from the catalogue, that every proposal over
// the project's held-out requests validates and changes nothing unless the request asks for a change,
// and how the reranker weighs proposals against answers.
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
#include "app/domain/request_intent.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

std::string proposal(const std::string& request) {
    const std::vector<std::string> p = propose_commands(request, sigma_test::nvsmi_catalog());
    return p.empty() ? std::string() : p.front();
}

// The --query-* proposal of a request, or "".
std::string query_proposal(const std::string& request) {
    for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog()))
        if (p.find("--query-") != std::string::npos) return p;
    return {};
}

// Is one of the request's proposals equivalent to `expected`? The proposals are listed on failure.
testing::AssertionResult proposes(const std::string& request, const std::string& expected) {
    std::string all;
    for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog())) {
        if (commands_equivalent(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), p, expected))
            return testing::AssertionSuccess();
        all += "\n  proposed: " + p;
    }
    return testing::AssertionFailure() << request << "\n  expected: " << expected << (all.empty() ? "\n  (none)" : all);
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

TEST(CommandProposals, NoQueryForChangesOtherViewsFilesAndOtherTools) {
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
             "show detailed ECC error counts for all GPUs",   // the -q report
         })
        EXPECT_EQ(query_proposal(request), "") << request;
    // Nothing at all for requests about other tools or no GPU (ping gets its shell idiom only).
    EXPECT_EQ(propose_commands("ping 10.20.0.15 five times", sigma_test::nvsmi_catalog()),
              std::vector<std::string>{"ping -c 5 10.20.0.15"});
    for (const char* request : {"is the clock synced with ntp", "how many gpus does gpu-node-4 advertise to kubernetes",
                                "which pods on node 7 use gpus", "log gpu 7 temp every 10 s into /tmp/gpu7.csv"})
        EXPECT_TRUE(propose_commands(request, sigma_test::nvsmi_catalog()).empty()) << request;
}

TEST(CommandProposals, ViewsFromTheCataloguesSectionsLettersAndSubcommands) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Show detailed ECC error counts for all GPUs", "nvidia-smi -q -d ECC"},
        {"memory + utilization sections of the long report, gpu 4", "nvidia-smi -q -d MEMORY,UTILIZATION -i 4"},
        {"clocks section for gpu 0, repeat every 5 sec", "nvidia-smi -q -d CLOCK -i 0 -l 5"},
        {"supported clocks section of gpu 1", "nvidia-smi -q -d SUPPORTED_CLOCKS -i 1"},
        {"I need the -q output in xml for gpu 0", "nvidia-smi -q -x -i 0"},
        {"full details for GPU-5b2e6f0a-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
         "nvidia-smi -q -i GPU-5b2e6f0a-1c3d-4e5f-8a9b-0c1d2e3f4a5b"},
        {"Take 15 samples of gpu stats with dmon", "nvidia-smi dmon -c 15"},
        {"collect 6 device monitoring samples", "nvidia-smi dmon -c 6"},
        {"dmon power & temp for gpu 1, every 5s, 12 samples", "nvidia-smi dmon -i 1 -s p -d 5 -c 12"},
        {"pcie rx/tx throughput via dmon, thirty samples", "nvidia-smi dmon -s t -c 30"},
        {"dmon with date and time columns", "nvidia-smi dmon -o DT"},
        {"pmon for gpu 4 only", "nvidia-smi pmon -i 4"},
        {"pmon on gpu 0 every 2 sec, sm util + fb mem", "nvidia-smi pmon -i 0 -s um -d 2"},
        {"show how the GPUs are connected to each other (topology matrix)", "nvidia-smi topo -m"},
        {"can the cards do p2p reads with each other", "nvidia-smi topo -p2p r"},
        {"numa node of the memory nearest gpu 0", "nvidia-smi topo -M -i 0"},
        {"mig slices on this box? list em", "nvidia-smi mig -lgi"},
        {"list compute instances inside the mig slices on gpu 0", "nvidia-smi mig -lci -i 0"},
        {"which mig profiles can i carve gpu 1 into", "nvidia-smi mig -lgip -i 1"},
        {"nvlink capabilities of link 0 on gpu 1", "nvidia-smi nvlink -c -i 1 -l 0"},
        {"nvlink error counters on gpu 3", "nvidia-smi nvlink -e -i 3"},
        {"any active nvenc sessions?", "nvidia-smi encodersessions"},
        {"how many gpus does this node have", "nvidia-smi -L | wc -l"},
        {"list the gpus", "nvidia-smi -L"},
        {"nvidia-smi version", "nvidia-smi --version"},
        {"power draw of every gpu, refresh each 2 seconds", "nvidia-smi --query-gpu=power.draw --format=csv -l 2"},
        {"current graphics and memory clocks, gpu 1, values only",
         "nvidia-smi -i 1 --query-gpu=clocks.gr,clocks.mem --format=csv,noheader,nounits"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
    // "report" is a verb, not the -q report; "encoder session count" is a query field.
    EXPECT_EQ(propose_commands("report UUID and graphics clock on devices 4,5", sigma_test::nvsmi_catalog()).size(),
              1u);
    EXPECT_EQ(propose_commands("report encoder session count on devices 1,3", sigma_test::nvsmi_catalog()).size(), 1u);
}

TEST(CommandProposals, SettingsOnlyForRequestsThatAskForAChange) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Enable persistence mode on GPU 2", "nvidia-smi -i 2 -pm 1"},
        {"turn off persistence mode on gpu 1", "nvidia-smi -i 1 -pm 0"},
        {"Reset GPU 1", "nvidia-smi -i 1 -r"},
        {"PDU keeps tripping, cap gpus 4,5,6,7 at 300 watts", "nvidia-smi -i 4,5,6,7 -pl 300"},
        {"put gpu 2 in exclusive process mode", "nvidia-smi -i 2 -c EXCLUSIVE_PROCESS"},
        {"gpu 5 is stuck in exclusive mode. put it back to DEFAULT", "nvidia-smi -i 5 -c DEFAULT"},
        {"set compute mode prohibited on gpu 7", "nvidia-smi -i 7 -c PROHIBITED"},
        {"pin gpu 0 graphics clock at 1410 MHz", "nvidia-smi -i 0 -lgc 1410,1410"},
        {"lock memory clock on gpu 1 to 1593", "nvidia-smi -i 1 -lmc 1593,1593"},
        {"set app clocks on gpu 2 to mem 1215 / graphics 1410", "nvidia-smi -i 2 -ac 1215,1410"},
        {"unlock the gpu clocks on gpu 0 again", "nvidia-smi -i 0 -rgc"},
        {"reset the memory clocks on gpu 0", "nvidia-smi -i 0 -rmc"},
        {"put the application clocks on gpu 3 back to stock", "nvidia-smi -i 3 -rac"},
        {"disable mig on gpu 0", "nvidia-smi -i 0 -mig 0"},
        {"turn on accounting on all gpus", "nvidia-smi -am 1"},
        {"clear the nvlink error counters on gpu 2", "nvidia-smi nvlink -re -i 2"},
        {"tear down the compute instances on gpu 3", "nvidia-smi mig -dci -i 3"},
        {"kill off mig gpu instance id 2 on gpu 0", "nvidia-smi mig -dgi -gi 2 -i 0"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
    // Questions about the same settings, and changes whose value the request does not give, get no
    // command that changes anything.
    for (const char* request :
         {"is persistence mode on for gpu 2?", "what's the power cap on gpu 0 in watts",
          "which compute mode is gpu 7 in, exclusive or default?", "are the app clocks on gpu 2 locked?",
          "is mig enabled on gpu 0", "set the power limit on gpu 0", "lock the memory clock on gpu 1"}) {
        for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog()))
            EXPECT_EQ(check_command(p).risk, Risk::ReadOnly) << request << " -> " << p;
    }
}

// Request text reaches the command only as digits, catalogue field names and bus ids or UUIDs.
TEST(CommandProposals, NoShellWordFromTheRequestReachesTheCommand) {
    int proposed = 0;
    for (const char* request :
         {"uuid of GPU-$(reboot) please", "uuid of the gpu at 0000:3b:00.0;rm", "temps of gpu `id`",
          "gpu temps every 5 s > /etc/passwd", "gpu temps | sh", "gpu temps && reboot", "dmon for gpu $(id), 5 samples",
          "ecc section of the -q report; rm -rf / for gpu 1", "nvlink errors on gpu 2 `reboot`"}) {
        for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog())) {
            ++proposed;
            EXPECT_EQ(p.find_first_of("$`;|&><()'\"\\"), std::string::npos) << request << " -> " << p;
            EXPECT_EQ(check_command(p).risk, Risk::ReadOnly) << request << " -> " << p;
        }
    }
    EXPECT_GE(proposed, 4);  // the queries and views are still proposed, without the shell words
    // A change request's values are digits and catalogue names only.
    for (const char* request : {"set the power limit of gpu 0 to $(reboot) 250 watts; rm -rf /",
                                "carve a 3g.40gb;reboot instance out of gpu 0", "reset gpu 1 && reboot",
                                "lock gpu 0 graphics clock at `id` 1410 MHz"}) {
        for (const std::string& p : propose_commands(request, sigma_test::nvsmi_catalog()))
            EXPECT_EQ(p.find_first_of("$`;&><()'\"\\"), std::string::npos) << request << " -> " << p;
    }
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

// Over every request of the project's held-out command suites, a proposal always validates; it is
// read-only unless the request reads as a change, a request whose reference is read-only gets no
// change, and only a request whose reference is destructive gets a destructive proposal.
TEST(CommandProposals, EveryProposalOnTheHeldOutSuitesValidatesAndChangesOnlyWhenAsked) {
    int proposed = 0, cases = 0, changes = 0, stricter = 0;
    for (const char* suite :
         {"/resources/train/heldout.cmdgen.jsonl", "/resources/train/heldout.handwritten.cmdgen.jsonl",
          "/resources/train/heldout.handwritten2.cmdgen.jsonl"}) {
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
                const std::string expected = json_string(*c, "risk");
                if (read_intent(request).intent != RequestIntent::Change || expected == "read-only") {
                    EXPECT_EQ(check.risk, Risk::ReadOnly) << request << " -> " << p;
                } else {
                    ++changes;
                }
                // A destructive proposal only where the request asked to destroy something, or where the
                // classifier is stricter than the label (tar -x into /opt overwrites system files).
                if (check.risk == Risk::Destructive && expected != "destructive") {
                    EXPECT_EQ(expected, "changes-state") << request << " -> " << p;
                    ++stricter;
                }
            }
        }
    }
    EXPECT_GT(cases, 850);
    EXPECT_GT(proposed, 150);
    EXPECT_GT(changes, 10);
    EXPECT_LE(stricter, 1);
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

TEST(CommandProposals, RerankerWeighsAgreementWithAView) {
    // The model's dmon answers pick metrics and ids the request did not ask for; the proposal, which
    // agrees with the request, leads, and an answer sharing its options gains in proportion.
    CommandCandidate metrics{"nvidia-smi dmon -s m -c 15", "", -1.0, 0, {}};
    CommandCandidate ids{"nvidia-smi -i 15", "", -1.5, 1, {}};
    CommandCandidate proposed{"nvidia-smi dmon -c 15", "", 0.0, 2, {}};
    proposed.proposed = true;
    const std::string request = "take 15 samples of gpu stats with dmon";
    auto ranked = rerank_commands(request, {metrics, ids, proposed});
    ASSERT_EQ(ranked.size(), 3u);
    EXPECT_EQ(ranked[0].candidate.command, proposed.command);
    const auto score_of = [](const std::vector<RankedCommand>& r, const std::string& command) {
        for (const RankedCommand& c : r)
            if (c.candidate.command == command) return c.score;
        return -1e9;
    };
    const double alone = score_of(rerank_commands(request, {metrics, ids}), metrics.command);
    // dmon and -c=15 shared, -s=m not: Jaccard 2/3 of the weight 4.
    EXPECT_NEAR(score_of(ranked, metrics.command) - alone, 4.0 * 2.0 / 3.0, 1e-9);
}
