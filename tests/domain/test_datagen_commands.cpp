// Tests of the training-data generator's command examples and of the corpus writer: determinism,
// validity and risk of every command, few-shot hygiene, dedup, eval-prompt exclusion and a
// held-out split disjoint from training. Not a test of the model: no model runs here.
#include <gtest/gtest.h>

#include <set>

#include "app/domain/command_validator.h"
#include "app/domain/example_corpus.h"
#include "tools/datagen/datagen.h"

namespace sigma::datagen {
namespace {

const domain::ExampleCorpus& corpus() {
    static const auto c = [] {
        std::string err;
        auto loaded = domain::ExampleCorpus::load_default(&err);
        EXPECT_TRUE(loaded.has_value()) << err;
        return loaded ? *loaded : domain::ExampleCorpus{};
    }();
    return c;
}

DatagenOptions commands_only(uint64_t seed) {
    DatagenOptions o;
    o.seed = seed;
    o.scale = 0.25;
    o.kql = o.diagnosis = o.explain = false;
    return o;
}

DatagenResult run(const DatagenOptions& o) {
    DatagenResult r;
    std::string err;
    EXPECT_TRUE(generate_all(corpus(), o, &r, &err)) << err;
    return r;
}

TEST(DatagenCommands, SameSeedSameBytesOtherSeedDiffers) {
    const auto a = run(commands_only(7)), b = run(commands_only(7)), c = run(commands_only(8));
    ASSERT_GT(a.writer->records().size(), 200u);
    EXPECT_EQ(a.writer->corpus_jsonl(), b.writer->corpus_jsonl());
    EXPECT_NE(a.writer->corpus_jsonl(), c.writer->corpus_jsonl());
}

TEST(DatagenCommands, EveryCommandIsValidWithTheStatedRisk) {
    const auto r = run(commands_only(11));
    std::set<std::string> risks;
    for (const Record& rec : r.writer->records()) {
        const auto& msgs = rec.example.messages;
        ASSERT_GE(msgs.size(), 3u);
        EXPECT_EQ(msgs.front().role, "system");
        EXPECT_EQ(msgs.back().role, "assistant");
        EXPECT_EQ(msgs[msgs.size() - 2].content, rec.example.request);
        const auto parsed = domain::parse_command_answer(msgs.back().content);
        ASSERT_TRUE(parsed.found) << msgs.back().content;
        EXPECT_FALSE(parsed.explanation.empty());
        const auto check = domain::check_command(parsed.command);
        EXPECT_TRUE(check.valid) << parsed.command;
        EXPECT_EQ(domain::risk_text(check.risk), rec.example.risk) << parsed.command;
        risks.insert(rec.example.risk);
        // Few-shot pairs never show the target command itself.
        for (size_t i = 2; i + 2 < msgs.size(); i += 2) {
            const auto shot = domain::parse_command_answer(msgs[i].content);
            EXPECT_NE(shot.command, parsed.command);
        }
    }
    EXPECT_EQ(risks.size(), 3u);  // read-only, changes-state and destructive all present
}

TEST(DatagenCommands, FewShotCountVariesFromZeroToFour) {
    const auto r = run(commands_only(3));
    std::set<size_t> shots;
    for (const Record& rec : r.writer->records()) shots.insert((rec.example.messages.size() - 3) / 2);
    EXPECT_TRUE(shots.count(0));
    EXPECT_TRUE(shots.count(4));
    EXPECT_LE(*shots.rbegin(), 4u);
}

TEST(DatagenWriter, DuplicatesAndEvalPromptsAreDropped) {
    CorpusWriter w(1, 0.05);
    w.add_eval_prompts({"  Show   the GPUs  "});
    GenCounts c;
    Example e;
    e.task = "cmd";
    e.family = "cmd/x/p0";
    e.request = "list gpus";
    e.messages = {{"system", "s"}, {"user", "list gpus"}, {"assistant", "command: nvidia-smi -L\nexplanation: x"}};
    EXPECT_TRUE(w.add(e, c));
    Example dup = e;
    dup.request = "LIST   gpus";  // same after normalisation
    EXPECT_FALSE(w.add(dup, c));
    Example other = e;
    other.messages.back().content = "command: nvidia-smi\nexplanation: y";
    EXPECT_TRUE(w.add(other, c));  // same request, different answer: kept
    Example evalp = e;
    evalp.request = "show the gpus";
    EXPECT_FALSE(w.add(evalp, c));
    EXPECT_EQ(c.generated, 2u);
    EXPECT_EQ(c.drop_reasons["duplicate"], 1u);
    EXPECT_EQ(c.drop_reasons["equals an eval prompt"], 1u);
}

TEST(DatagenWriter, NoEvalSuitePromptAppears) {
    const std::string dir = std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval";
    std::vector<std::string> prompts;
    std::string err;
    ASSERT_TRUE(CorpusWriter::load_eval_prompts(dir, &prompts, &err)) << err;
    // Plant one eval prompt as a generated request: the writer must refuse exactly that one.
    DatagenOptions o = commands_only(5);
    o.eval_dir = dir;
    const auto r = run(o);
    std::set<std::string> norm;
    for (const auto& p : prompts) norm.insert(normalise(p));
    for (const Record& rec : r.writer->records())
        EXPECT_FALSE(norm.count(normalise(rec.example.request))) << rec.example.request;
    if (!r.writer->records().empty()) {
        CorpusWriter w(5, 0.05);
        w.add_eval_prompts({r.writer->records().front().example.request});
        GenCounts c;
        EXPECT_FALSE(w.add(r.writer->records().front().example, c));
    }
}

TEST(DatagenWriter, HeldOutFamiliesAreDisjointFromTraining) {
    const auto r = run(commands_only(9));
    std::set<std::string> train_fam, held_fam, train_req, held_req;
    for (const Record& rec : r.writer->records()) {
        (rec.heldout ? held_fam : train_fam).insert(rec.example.family);
        (rec.heldout ? held_req : train_req).insert(normalise(rec.example.request));
    }
    EXPECT_FALSE(held_fam.empty());
    for (const auto& f : held_fam) EXPECT_FALSE(train_fam.count(f)) << f;
    for (const auto& q : held_req) EXPECT_FALSE(train_req.count(q)) << q;
    // The suite-format file holds exactly the held-out command records.
    const std::string suite = r.writer->heldout_suite_jsonl("cmd", "h");
    size_t lines = 0;
    for (char ch : suite) lines += ch == '\n';
    size_t held = 0;
    for (const Record& rec : r.writer->records()) held += rec.heldout && rec.example.task == "cmd";
    EXPECT_EQ(lines, held);
    // The training file holds the train split only: the trainer reads every line it is given.
    EXPECT_EQ(r.writer->corpus_jsonl().find("\"split\":\"heldout\""), std::string::npos);
    EXPECT_EQ(r.writer->corpus_jsonl(true).find("\"split\":\"train\""), std::string::npos);
    EXPECT_NE(r.writer->corpus_jsonl(true).find("\"split\":\"heldout\""), std::string::npos);
}

}  // namespace
}  // namespace sigma::datagen
