// Grounding pieces of the command and KQL pipelines: request literals and their copy, the request
// intent and its risk guard, the command reranker's order, explanation checks, the KQL table ranker
// (measured on the held-out split) and deterministic KQL repair.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "app/domain/command_explanation.h"
#include "app/domain/command_rerank.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_repair.h"
#include "app/domain/kql_table_ranker.h"
#include "app/domain/kql_validator.h"
#include "app/domain/request_intent.h"
#include "app/domain/request_literals.h"

using namespace sigma::domain;

TEST(RequestLiterals, FindsKindsAndNumberWords) {
    const auto lits = request_literals("show the last ten lines of /var/log/syslog on gpu-node-7 port 8080, GPUs 4,5");
    std::vector<std::string> texts;
    for (const auto& l : lits) texts.push_back(l.text);
    EXPECT_EQ(texts, (std::vector<std::string>{"10", "/var/log/syslog", "gpu-node-7", "8080", "4", "5"}));
    EXPECT_EQ(lits[1].kind, LiteralKind::Path);
    EXPECT_EQ(lits[2].kind, LiteralKind::Name);
    // English hyphenated words are not names.
    EXPECT_TRUE(request_literals("list read-only mounts").empty());
}

TEST(RequestLiterals, CopiesRequestValuesKindByKind) {
    EXPECT_EQ(copy_request_literals("show the last ten lines of /var/log/syslog", "tail -n 20 /var/log/syslog"),
              "tail -n 10 /var/log/syslog");
    EXPECT_EQ(copy_request_literals("ssh into gpu-node-7 and show uptime", "ssh gpu-node-3 uptime"),
              "ssh gpu-node-7 uptime");
    EXPECT_EQ(copy_request_literals("who listens on port 8080", "ss -ltnp 'sport = :3000'"),
              "ss -ltnp 'sport = :3000'");
    EXPECT_EQ(copy_request_literals("what is listening on port 8080", "lsof -i :3000"), "lsof -i :8080");
    // An enum value (-pm 0) is not a request value; the GPU id is.
    EXPECT_EQ(copy_request_literals("disable persistence mode on GPU 4", "nvidia-smi -i 3 -pm 0"),
              "nvidia-smi -i 4 -pm 0");
    EXPECT_EQ(copy_request_literals("scale deployment llm-serve in ml-train to 7 replicas",
                                    "kubectl scale deployment web-app -n kube-system --replicas=3"),
              "kubectl scale deployment llm-serve -n ml-train --replicas=7");
    // Nothing to copy: unchanged.
    EXPECT_EQ(copy_request_literals("show memory used on every GPU", "nvidia-smi --query-gpu=memory.used --format=csv"),
              "nvidia-smi --query-gpu=memory.used --format=csv");
    // awk's $2 is not a value.
    EXPECT_EQ(copy_request_literals("print column 3 of data.csv", "awk '{print $2}' data.csv"),
              "awk '{print $2}' data.csv");
}

TEST(RequestLiterals, Coverage) {
    const LiteralCoverage c = literal_coverage("show GPU 2 every 5 seconds", "nvidia-smi -i 2 -l 5");
    EXPECT_EQ(c.request_total, 2);
    EXPECT_EQ(c.covered, 2);
    EXPECT_EQ(c.ungrounded, 0);
    EXPECT_EQ(literal_coverage("show memory used on every GPU", "nvidia-smi -i 0 --query-gpu=memory.used --format=csv")
                  .ungrounded,
              1);
}

TEST(RequestLiterals, ApostrophesBusIdsSignsAndQuotedCounts) {
    // "who's" opens no quote: the GPU number after it is still found.
    auto lits = request_literals("who's eating vram on gpu 3? don't restart it");
    ASSERT_EQ(lits.size(), 1u);
    EXPECT_EQ(lits[0].text, "3");
    // A bus id is one name, not numbers.
    lits = request_literals("reset the GPU at 0000:3b:00.0 and the one at 86:00.0");
    ASSERT_EQ(lits.size(), 2u);
    EXPECT_EQ(lits[0].kind, LiteralKind::Name);
    EXPECT_EQ(lits[0].text, "0000:3b:00.0");
    EXPECT_EQ(lits[1].text, "86:00.0");
    // "one" as a pronoun is no count; as a count it is.
    EXPECT_TRUE(request_literals("quick one: which one uses the most memory").empty());
    lits = request_literals("show one sample");
    ASSERT_EQ(lits.size(), 1u);
    EXPECT_EQ(lits[0].text, "1");
    auto c = literal_coverage("drain state of 0000:18:00.0", "nvidia-smi drain -p 0000:18:00.0 -q");
    EXPECT_EQ(c.covered, 1);
    EXPECT_EQ(c.ungrounded, 0);
    // A signed count and a count inside a quoted value cover the request's numbers.
    c = literal_coverage("files in /data untouched for 3 days", "find /data -type f -mtime +3");
    EXPECT_EQ(c.covered, 2);
    EXPECT_EQ(c.ungrounded, 0);
    c = literal_coverage("kubelet logs from the last 5 minutes", "journalctl -u kubelet --since '5 minutes ago'");
    EXPECT_EQ(c.covered, 1);
    EXPECT_EQ(copy_request_literals("files in /data untouched for 3 days", "find /data -type f -mtime +7"),
              "find /data -type f -mtime +3");
}

TEST(RequestLiterals, GpuNumbersKeepTheirRole) {
    EXPECT_TRUE(number_names_gpu("pmon for gpu 6 only", 15));
    EXPECT_TRUE(number_names_gpu("devices 4, 5 and 6", 17));
    EXPECT_FALSE(number_names_gpu("Take 15 samples of gpu stats", 5));
    // A GPU's number as a count, a count as a GPU id: both misplaced; the right roles are not.
    EXPECT_EQ(misplaced_gpu_numbers("pmon for gpu 6 only", "nvidia-smi pmon -c 6"), 1);
    EXPECT_EQ(misplaced_gpu_numbers("pmon for gpu 6 only", "nvidia-smi pmon -i 6"), 0);
    EXPECT_EQ(misplaced_gpu_numbers("Take 15 samples of gpu stats with dmon", "nvidia-smi dmon -i 15"), 1);
    EXPECT_EQ(misplaced_gpu_numbers("Take 15 samples of gpu stats with dmon", "nvidia-smi dmon -c 15"), 0);
    EXPECT_EQ(misplaced_gpu_numbers("collect twenty samples", "nvidia-smi --id=20 dmon"), 1);
    EXPECT_EQ(misplaced_gpu_numbers("sm clock on devices 2,5 every 5 seconds",
                                    "nvidia-smi -i 2,5 -l 5 --query-gpu=clocks.sm --format=csv"),
              0);
    EXPECT_EQ(
        misplaced_gpu_numbers("sm clock on devices 2,5", "nvidia-smi -i 0 -l 5 --query-gpu=clocks.sm --format=csv"), 1);
    // A number given both ways is not judged; numbers of other programs are not ids.
    EXPECT_EQ(misplaced_gpu_numbers("gpu 2 every 2 seconds", "nvidia-smi -l 2 -i 2"), 0);
    EXPECT_EQ(misplaced_gpu_numbers("last 6 lines for gpu 6", "tail -n 6 gpu.log"), 0);
}

TEST(RequestIntent, ReadsAndChanges) {
    EXPECT_EQ(read_intent("which processes are using GPU 1").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("show memory used on every GPU").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("Hey, list pods that were deleted").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("need help: how many lines in train.log contain ERROR?").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("Please scale deployment llm-serve in prod to 10 replicas").intent, RequestIntent::Change);
    EXPECT_EQ(read_intent("disable persistence mode on GPU 4").allowed, Risk::ChangesState);
    EXPECT_EQ(read_intent("delete pod trainer-0 in staging").allowed, Risk::Destructive);
    EXPECT_EQ(read_intent("Hey, give ./start.sh execute permission").intent, RequestIntent::Change);
    EXPECT_EQ(read_intent("give me the GPU temperatures").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("pmon for gpu 6 only").intent, RequestIntent::Read);
}

TEST(RequestIntent, TyposAndFragments) {
    EXPECT_EQ(read_intent("restrat nginx").intent, RequestIntent::Change);
    EXPECT_EQ(read_intent("delte pod web-0").allowed, Risk::Destructive);
    EXPECT_EQ(read_intent("slurmd stauts").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("any zombie procs").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("whats eating space in /var/lib/docker").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("gpu utilization per card").intent, RequestIntent::Read);
    // An inflection describes: "restarts" is no request to restart, and a phrase that names no
    // change asks to look.
    EXPECT_EQ(read_intent("pods with restarts in prod").intent, RequestIntent::Read);
    EXPECT_EQ(read_intent("scale deployment api to 3 replicas").intent, RequestIntent::Change);
    EXPECT_EQ(read_intent("restsrt kubelet").intent, RequestIntent::Change);
    // Nouns a letter away from a verb stay nouns.
    for (const char* q : {"default power limit on gpu 0", "pci bus ids so i can match them to lspci",
                          "addresses + cause of retired pages on gpu 2", "graphics clock on gpu 3",
                          "thermal headroom before slowdown (tlimit) on each gpu"})
        EXPECT_NE(read_intent(q).intent, RequestIntent::Change) << q;
}

TEST(RequestIntent, GuardWarnsAboveIntent) {
    EXPECT_FALSE(intent_risk_warning(read_intent("show the GPUs"), Risk::Destructive).empty());
    EXPECT_FALSE(intent_risk_warning(read_intent("show the GPUs"), Risk::ChangesState).empty());
    EXPECT_TRUE(intent_risk_warning(read_intent("show the GPUs"), Risk::ReadOnly).empty());
    EXPECT_TRUE(intent_risk_warning(read_intent("reset GPU 0"), Risk::Destructive).empty());
    EXPECT_FALSE(intent_risk_warning(read_intent("enable persistence mode"), Risk::Destructive).empty());
}

TEST(CommandRerank, OrderFollowsValidityIntentLiteralsAndRelevance) {
    // A question must not get the destructive reset, even when the model answered it first.
    auto ranked =
        rerank_commands("which processes are using GPU 1",
                        {{"nvidia-smi -i 1 -r", "", 0.0, 0, {}},
                         {"nvidia-smi -i 1 --query-compute-apps=pid,process_name --format=csv", "", 0.0, 1, {}}});
    ASSERT_EQ(ranked.size(), 2u);
    EXPECT_EQ(ranked[0].check.risk, Risk::ReadOnly);
    // Relevance: memory.used answers "memory used", a clock section does not.
    ranked = rerank_commands("show memory used on every GPU",
                             {{"nvidia-smi -q -d CLOCK", "", 0.0, 0, {}},
                              {"nvidia-smi --query-gpu=memory.used --format=csv", "", 0.0, 1, {}}});
    EXPECT_EQ(ranked[0].candidate.command, "nvidia-smi --query-gpu=memory.used --format=csv");
    // Literals: the request's GPU id beats another.
    ranked = rerank_commands("show utilization of GPU 3",
                             {{"nvidia-smi -i 2 --query-gpu=utilization.gpu --format=csv", "", 0, 0, {}},
                              {"nvidia-smi -i 3 --query-gpu=utilization.gpu --format=csv", "", 0, 1, {}}});
    EXPECT_EQ(ranked[0].candidate.command, "nvidia-smi -i 3 --query-gpu=utilization.gpu --format=csv");
    // Numbers in their roles: the GPU named stays an id, a count stays a count.
    ranked = rerank_commands("pmon for gpu 6 only",
                             {{"nvidia-smi pmon -c 6", "", -1.0, 0, {}}, {"nvidia-smi pmon -i 6", "", -1.5, 1, {}}});
    EXPECT_EQ(ranked[0].candidate.command, "nvidia-smi pmon -i 6");
    ranked = rerank_commands("collect 20 device monitoring samples",
                             {{"nvidia-smi dmon -i 20", "", -1.0, 0, {}}, {"nvidia-smi dmon -c 20", "", -1.5, 1, {}}});
    EXPECT_EQ(ranked[0].candidate.command, "nvidia-smi dmon -c 20");
    // Invalid ranks last; a change request prefers the state-changing answer over a no-op.
    ranked = rerank_commands("enable persistence mode on GPU 0",
                             {{"nvidia-smi --query-gpu=bogus.field --format=csv", "", 0, 0, {}},
                              {"nvidia-smi -i 0 -q", "", 0, 1, {}},
                              {"nvidia-smi -i 0 -pm 1", "", 0, 2, {}}});
    EXPECT_EQ(ranked[0].candidate.command, "nvidia-smi -i 0 -pm 1");
    EXPECT_FALSE(ranked.back().check.valid);
    // Duplicates merge into votes.
    ranked = rerank_commands("list files", {{"ls -la", "", 0, 0, {}}, {"ls  -la", "", 0, 1, {}}, {"ls", "", 0, 2, {}}});
    EXPECT_EQ(ranked.size(), 2u);
    EXPECT_EQ(ranked[0].votes, 2);
}

TEST(CommandRepair, UnknownFieldBecomesNearestValid) {
    const std::string fixed = repair_command("show used memory", "nvidia-smi --query-gpu=memory.usedd --format=csv");
    EXPECT_EQ(fixed, "nvidia-smi --query-gpu=memory.used --format=csv");
    EXPECT_TRUE(check_command(fixed).valid);
}

TEST(CommandExplanation, ComposedFromFlagsAndChecked) {
    const std::string e = compose_explanation("nvidia-smi --query-gpu=memory.used --format=csv");
    EXPECT_NE(e.find("memory.used"), std::string::npos);
    EXPECT_TRUE(explanation_matches("Shows the memory used on every GPU as CSV.",
                                    "nvidia-smi --query-gpu=memory.used --format=csv"));
    EXPECT_FALSE(
        explanation_matches("Shows the PCIe link generation.", "nvidia-smi --query-gpu=memory.used --format=csv"));
    EXPECT_FALSE(explanation_matches("Resets GPU 3.", "nvidia-smi -i 1 -r"));
}

namespace {
const KqlSchema& schema() {
    static const KqlSchema& s = KqlSchema::builtin();
    return s;
}
}  // namespace

TEST(KqlTableRanker, RightTableFirstOnTheHeldOutSplit) {
    const KqlTableHints hints = KqlTableHints::load_default();
    std::ifstream in(std::string(SIGMA_SOURCE_DIR) + "/resources/train/heldout.kql.jsonl");
    ASSERT_TRUE(in.good());
    std::string line;
    int total = 0, first = 0;
    while (std::getline(in, line)) {
        auto j = parse_json(line);
        ASSERT_TRUE(j.has_value());
        const auto& tables = json_array(*j, "tables");
        if (tables.empty()) continue;
        const auto ranked = rank_kql_tables(json_string(*j, "prompt"), schema(), hints);
        ++total;
        if (ranked.front().table == json_text(tables.front())) ++first;
    }
    ASSERT_GT(total, 100);
    const double share = static_cast<double>(first) / total;
    std::printf("table ranker top-1 on heldout.kql: %d/%d = %.1f%%\n", first, total, 100.0 * share);
    EXPECT_GE(share, 0.80);  // measured 83.0% (547/659); repair and N-best lift the pipeline's tables further
}

TEST(KqlRepair, TableColumnAndStage) {
    const KqlTableHints hints = KqlTableHints::load_default();
    // The wrong table for the question is swapped, and its column follows.
    KqlRepair r =
        repair_kql("syslog messages from the kernel facility in the last hour",
                   "InsightsMetrics | where TimeGenerated > ago(1h) | where Facility == \"kern\"", schema(), hints);
    EXPECT_TRUE(r.valid);
    EXPECT_EQ(kql_referenced_tables(r.query, schema()).front(), "Syslog");
    // A misspelt column becomes the nearest valid one.
    r = repair_kql("count heartbeats per computer", "Heartbeat | summarize count() by Computr", schema(), hints);
    EXPECT_TRUE(r.valid);
    EXPECT_EQ(r.query, "Heartbeat | summarize count() by Computer");
    // What cannot be renamed is dropped stage by stage, so the answer validates.
    r = repair_kql("count heartbeats", "Heartbeat | count | where (((", schema(), hints);
    EXPECT_TRUE(r.valid);
    EXPECT_TRUE(
        kql_table_warning("syslog messages from the kernel", "InsightsMetrics | take 5", schema(), hints).size() > 0);
    EXPECT_TRUE(kql_table_warning("syslog messages from the kernel", "Syslog | take 5", schema(), hints).empty());
}
