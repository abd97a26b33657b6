// The answer constraints' prefix checks: every prefix of every held-out reference answer (commands
// and KQL) is viable and the whole answer complete (a constraint must never cut off a right answer),
// and what each provider rejects: unknown programs, options, fields, sections, GPU ids the request
// did not name, a state-changing command for a question, unknown KQL names, an unfinished query.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "app/domain/command_answer_constraint.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_answer_constraint.h"
#include "app/domain/kql_schema.h"
#include "app/domain/task_prompt.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

namespace {

std::vector<ordered_json> read_jsonl(const std::string& path) {
    std::vector<ordered_json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto j = parse_json(line);
        if (j) out.push_back(std::move(*j));
    }
    return out;
}

const std::string kResources = std::string(SIGMA_SOURCE_DIR) + "/resources/train/";

// The first prefix of `text` the constraint rejects, or -1; feeding byte by byte.
long first_rejected(const AnswerConstraint& c, std::string_view text) {
    auto cur = c.start();
    for (size_t i = 0; i < text.size(); ++i)
        if (!cur->feed(text.substr(i, 1))) return static_cast<long>(i);
    return -1;
}

std::string answer(std::string_view command) { return format_command_answer(command, "shows it."); }

}  // namespace

TEST(CommandConstraint, EveryPrefixOfEveryHeldOutReferenceIsViable) {
    auto grammar = builtin_command_grammar();
    ASSERT_TRUE(grammar);
    const auto cases = read_jsonl(kResources + "heldout.cmdgen.jsonl");
    ASSERT_GT(cases.size(), 500u);
    int failures = 0;
    for (const ordered_json& c : cases) {
        const std::string prompt = json_string(c, "prompt");
        auto constraint = make_command_constraint(grammar, prompt);
        std::vector<std::string> refs{json_string(c, "reference")};
        if (const ordered_json* acc = json_find(c, "accept"); acc && acc->is_array())
            for (const ordered_json& a : *acc) refs.push_back(json_text(a));
        for (const std::string& ref : refs) {
            const std::string text = answer(ref);
            const long at = first_rejected(*constraint, text);
            const bool complete = at < 0 && constraint->complete(text);
            if (at >= 0 || !complete) {
                if (++failures <= 20)
                    ADD_FAILURE() << json_string(c, "id") << ": " << prompt << "\n  " << ref << "\n  rejected at byte "
                                  << at << ": '" << text.substr(0, static_cast<size_t>(std::max(0L, at + 1))) << "'";
            }
        }
    }
    EXPECT_EQ(failures, 0);
}

TEST(CommandConstraint, EveryPrefixOfTheDevSuiteIsViable) {
    auto grammar = builtin_command_grammar();
    for (const ordered_json& c : read_jsonl(std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval/cmdgen.dev.jsonl")) {
        auto constraint = make_command_constraint(grammar, json_string(c, "prompt"));
        EXPECT_EQ(first_rejected(*constraint, answer(json_string(c, "reference"))), -1) << json_string(c, "reference");
    }
}

TEST(KqlConstraint, EveryPrefixOfEveryHeldOutReferenceIsViable) {
    const KqlSchema& schema = KqlSchema::builtin();
    ASSERT_FALSE(schema.tables.empty());
    auto constraint = make_kql_constraint(schema);
    const auto cases = read_jsonl(kResources + "heldout.kql.jsonl");
    ASSERT_GT(cases.size(), 600u);
    int failures = 0;
    for (const ordered_json& c : cases) {
        const std::string ref = json_string(c, "reference");
        const long at = first_rejected(*constraint, ref);
        const bool complete = at < 0 && constraint->complete(ref);
        if (at >= 0 || !complete) {
            if (++failures <= 20)
                ADD_FAILURE() << json_string(c, "id") << ": " << ref << "\n  rejected at byte " << at << ": '"
                              << ref.substr(0, static_cast<size_t>(std::max(0L, at + 1))) << "'"
                              << (at < 0 ? " (not complete)" : "");
        }
    }
    EXPECT_EQ(failures, 0);
}

TEST(CommandConstraint, RejectsWhatTheCataloguesDoNotHave) {
    auto grammar = builtin_command_grammar();
    auto c = make_command_constraint(grammar, "show memory used on GPUs 4,5 as csv");
    EXPECT_TRUE(c->viable("command: nvidia-smi -i 4,5 --query-gpu=memory.u"));
    EXPECT_TRUE(c->complete(answer("nvidia-smi -i 4,5 --query-gpu=memory.used --format=csv")));
    EXPECT_FALSE(c->viable("command: nvidai"));                                     // no such program
    EXPECT_FALSE(c->viable("command: nvidia-smi --query-gpu=memory.usd,"));         // no such field
    EXPECT_FALSE(c->viable("command: nvidia-smi --query-compute-apps=clocks.gr"));  // a field of another family
    EXPECT_FALSE(c->viable("command: nvidia-smi -q -d CLOKK"));                     // no such section
    EXPECT_FALSE(c->viable("command: nvidia-smi --format=json"));                   // no such format value
    EXPECT_FALSE(c->viable("command: nvidia-smi -i 3 "));                           // the request names 4 and 5
    // With no GPU named by number, ids are indexes or PCI bus ids (a count is not taken for an id).
    auto samples = make_command_constraint(grammar, "take 10 samples of gpu stats with dmon");
    EXPECT_TRUE(samples->viable("command: nvidia-smi dmon -c 10 "));
    EXPECT_TRUE(samples->viable("command: nvidia-smi dmon -i 0 "));
    EXPECT_TRUE(samples->viable("command: nvidia-smi -i 00000000:3B:00.0 "));
    EXPECT_FALSE(samples->viable("command: nvidia-smi dmon -i 15explanation"));
    EXPECT_FALSE(c->viable("command: nvidia-smi --bogus"));
    EXPECT_FALSE(c->viable("command: ls --colr"));  // ls is fully catalogued
    EXPECT_TRUE(c->viable("command: ls -la /tmp | grep x"));
    EXPECT_FALSE(c->viable("command: ls -la /tmp\nexplanation: two\nlines"));
    EXPECT_FALSE(c->viable("cmd: ls"));
    EXPECT_FALSE(c->complete("command: ls -la /tmp\nexplanation: "));  // an explanation must follow
    // A question gets a read-only command: the line cannot end on a state-changing one.
    auto q = make_command_constraint(grammar, "which processes are using GPU 1");
    EXPECT_TRUE(q->viable("command: nvidia-smi -i 1 --query-compute-apps=pid --format=csv\n"));
    EXPECT_FALSE(q->viable("command: nvidia-smi -i 1 -r "));  // the reset option itself is refused
    EXPECT_FALSE(q->viable("command: nvidia-smi -i 1 --gpu-reset"));
    EXPECT_FALSE(q->viable("command: wipefs "));
    EXPECT_TRUE(make_command_constraint(grammar, "reset GPU 1")->viable("command: nvidia-smi -i 1 -r\n"));
    // A request that asks for no destruction never gets a destructive option.
    EXPECT_FALSE(
        make_command_constraint(grammar, "enable persistence mode on GPU 0")->viable("command: nvidia-smi -i 0 -r "));
    EXPECT_TRUE(make_command_constraint(grammar, "enable persistence mode on GPU 0")
                    ->viable("command: nvidia-smi -i 0 -pm 1\n"));
    // Off switches.
    CommandConstraintOptions loose;
    loose.options = false;
    loose.check_at_end = false;
    auto l = make_command_constraint(grammar, "show memory", loose);
    EXPECT_TRUE(l->viable("command: nvidia-smi --bogus\n"));
    EXPECT_FALSE(l->viable("command: nvidai"));
}

TEST(CommandConstraint, AQuestionStartsOnlyProgramsThatCanRunReadOnly) {
    auto grammar = builtin_command_grammar();
    // pkill always signals: for a question its line could never end, so its first word is refused.
    auto q = make_command_constraint(grammar, "rss of process 7781");
    EXPECT_FALSE(q->viable("command: pkill "));
    EXPECT_FALSE(q->viable("command: ps aux | pkill "));
    EXPECT_FALSE(q->viable("command: ps aux; wipefs "));
    EXPECT_TRUE(q->viable("command: pk"));  // pkg-config, pkexec: still possible
    EXPECT_TRUE(q->viable("command: ps -o rss= -p 7781\n"));
    EXPECT_TRUE(q->viable("command: kill -l\n"));  // kill lists its signals read-only
    EXPECT_TRUE(q->viable("command: tar -tzf x.tgz\n"));
    // A request to change something may start it; only a request to destroy starts wipefs.
    auto kill = make_command_constraint(grammar, "kill the python processes of user bob");
    EXPECT_TRUE(kill->viable("command: pkill -u bob python\n"));
    auto change = make_command_constraint(grammar, "reload nginx's configuration");
    EXPECT_TRUE(change->viable("command: pkill -HUP nginx\n"));
    EXPECT_FALSE(change->viable("command: wipefs "));
    EXPECT_TRUE(make_command_constraint(grammar, "wipe the signatures off /dev/sdb")->viable("command: wipefs "));
    // Nor a subcommand that always changes something, named right after its program.
    auto node = make_command_constraint(grammar, "what does slurm think of node gpu-a07");
    EXPECT_FALSE(node->viable("command: systemctl stop "));
    EXPECT_FALSE(node->viable("command: ls | systemctl stop "));
    EXPECT_TRUE(node->viable("command: systemctl st"));       // status
    EXPECT_FALSE(node->viable("command: systemctl stopp "));  // not catalogued: never read-only
    EXPECT_FALSE(node->viable("command: systemctl sto"));     // no read-only subcommand begins so
    EXPECT_TRUE(node->viable("command: systemctl --no-pager status slurmd\n"));
    EXPECT_TRUE(node->viable("command: systemctl status slurmd\n"));
    EXPECT_TRUE(node->viable("command: scontrol show node gpu-a07\n"));
    EXPECT_TRUE(make_command_constraint(grammar, "stop slurmd on this node")->viable("command: systemctl stop "));
    // Without the intent hold every catalogued program may start a line.
    CommandConstraintOptions free;
    free.hold_to_intent = false;
    EXPECT_TRUE(make_command_constraint(grammar, "rss of process 7781", free)->viable("command: pkill "));
}

TEST(CommandConstraint, FreeBytesInsideQuotesAndExplanations) {
    auto c = make_command_constraint(builtin_command_grammar(), "count lines with error");
    auto cur = c->start();
    ASSERT_TRUE(cur->feed("command: grep -c 'err"));
    AnswerByteSet bytes{};
    ASSERT_TRUE(cur->free_bytes(16, bytes));
    EXPECT_TRUE(byte_set_has(bytes, 'x'));
    EXPECT_FALSE(byte_set_has(bytes, '\''));
    EXPECT_FALSE(byte_set_has(bytes, '\n'));
    ASSERT_TRUE(cur->feed("or' /var/log/syslog\nexplanation: counts"));
    ASSERT_TRUE(cur->free_bytes(16, bytes));
    EXPECT_FALSE(byte_set_has(bytes, '\n'));
    auto fresh = c->start();
    ASSERT_TRUE(fresh->feed("command: grep"));
    EXPECT_FALSE(fresh->free_bytes(16, bytes));  // a program name is checked byte by byte
}

TEST(KqlConstraint, RejectsUnknownNamesAndUnfinishedQueries) {
    const KqlSchema& schema = KqlSchema::builtin();
    auto c = make_kql_constraint(schema);
    EXPECT_TRUE(c->complete("Heartbeat | where TimeGenerated > ago(1h) | summarize count() by Computer"));
    EXPECT_TRUE(c->viable("Heartbeat | summarize n = count() by Computer | order by n desc"));
    EXPECT_TRUE(c->viable("Heartbeat | summarize count() by Computer | order by count_ desc"));
    EXPECT_FALSE(c->viable("Heartbeet"));                            // no such table
    EXPECT_FALSE(c->viable("Heartbeat | whre"));                     // no such operator
    EXPECT_FALSE(c->viable("Heartbeat | where PodName"));            // a column of another table
    EXPECT_FALSE(c->viable("Heartbeat | where Computer == 'a'\n"));  // one line
    EXPECT_FALSE(c->viable("Heartbeat | where Nope == 1"));
    EXPECT_FALSE(c->complete("Heartbeat | where"));  // does not validate yet
    EXPECT_FALSE(c->complete("Heartbeat | where Computer == 'a"));
    EXPECT_TRUE(c->viable("Heartbeat | where Computer has 'free text \" here"));
    KqlConstraintOptions loose;
    loose.names = false;
    EXPECT_TRUE(make_kql_constraint(schema, loose)->viable("Heartbeat | where Nope == 1"));
}
