// The domain's answer constraints on the engine, through app/constraint_adapter: the token trie's
// mask equals its brute-force twin at prefixes of real answers under every provider (the shipped
// model's 8,192-token vocabulary), and 1,000 generations per provider on random-weight tiny models
// only ever produce viable text that ends only where it is complete.
// Not a quality test: the weights are random; only the mechanics of masking are checked.
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <random>

#include "app/constraint_adapter.h"
#include "app/domain/command_answer_constraint.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_answer_constraint.h"
#include "app/domain/kql_schema.h"
#include "app/domain/task_prompt.h"
#include "inference/context.h"
#include "inference/generate.h"
#include "inference/model.h"
#include "inference/token_trie.h"
#include "inference/tokenizer.h"
#include "tiny_model.h"

using namespace sigma;

namespace {

std::vector<std::string> references(const char* file, bool commands, size_t limit) {
    std::vector<std::string> out;
    std::ifstream in(std::string(SIGMA_SOURCE_DIR) + "/resources/train/" + file);
    std::string line;
    while (std::getline(in, line) && out.size() < limit) {
        auto j = domain::parse_json(line);
        if (!j) continue;
        const std::string ref = domain::json_string(*j, "reference");
        out.push_back(commands ? domain::format_command_answer(ref, "shows it.") : ref);
    }
    return out;
}

struct Provider {
    const char* name;
    std::shared_ptr<const domain::AnswerConstraint> constraint;
    std::vector<std::string> answers;  // real answers whose prefixes are probed
};

std::vector<Provider> providers() {
    std::vector<Provider> out;
    auto grammar = domain::builtin_command_grammar();
    const domain::KqlSchema& schema = domain::KqlSchema::builtin();
    out.push_back({"command", domain::make_command_constraint(grammar, "show memory used on GPUs 0,1 as csv"),
                   references("heldout.cmdgen.jsonl", true, 200)});
    out.push_back({"command (question)", domain::make_command_constraint(grammar, "which processes are using GPU 1"),
                   references("heldout.cmdgen.jsonl", true, 200)});
    out.push_back({"kql", domain::make_kql_constraint(schema), references("heldout.kql.jsonl", false, 200)});
    domain::KqlConstraintOptions names_only;
    names_only.validate_at_end = false;
    out.push_back({"kql (names only)", domain::make_kql_constraint(schema, names_only),
                   references("heldout.kql.jsonl", false, 200)});
    return out;
}

// The longest prefix of `text` (at most `cut` bytes) the constraint still calls viable.
std::string viable_prefix(const domain::AnswerConstraint& c, const std::string& text, size_t cut) {
    auto cursor = c.start();
    size_t i = 0;
    for (; i < std::min(cut, text.size()); ++i)
        if (!cursor->feed(text.substr(i, 1))) break;
    return text.substr(0, i);
}

}  // namespace

class TestAnswerConstraintEngine : public QObject {
    Q_OBJECT
private slots:
    void maskEqualsBruteForceOnTheShippedVocabulary() {
        auto model = Model::load(std::string(SIGMA_SOURCE_DIR) + "/resources/models/sigma-ops.gguf");
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        auto tokenizer = Tokenizer::from_gguf((*model)->gguf());
        QVERIFY(tokenizer.ok());
        auto trie = TokenTrie::from_tokenizer(**tokenizer);
        QVERIFY(trie.ok());
        std::mt19937 rng(20261206);
        std::vector<uint8_t> fast(static_cast<size_t>(trie->n_vocab())), slow(fast.size());
        TokenTrie::CursorStack stack;
        for (const Provider& p : providers()) {
            const app::DomainConstraint engine(p.constraint);
            int probes = 0, free_probes = 0;
            for (int k = 0; k < 40; ++k) {
                const std::string& answer = p.answers[rng() % p.answers.size()];
                const std::string prefix = viable_prefix(*p.constraint, answer, rng() % (answer.size() + 1));
                auto cursor = engine.start();
                QVERIFY(cursor->feed(prefix));
                ByteSet free{};
                if (cursor->free_bytes(static_cast<size_t>(trie->max_depth()), free)) ++free_probes;
                auto a = trie->mask(*cursor, fast, stack);
                auto b = trie->mask_brute_force(*cursor, slow);
                QVERIFY(a.ok() && b.ok());
                QVERIFY2(fast == slow, (std::string(p.name) + " at '" + prefix + "'").c_str());
                QCOMPARE(*a, *b);
                ++probes;
            }
            // The free-text states: an explanation, a quoted pattern, a KQL string.
            for (const char* text : {"command: ls -la\nexplanation: lists fi", "command: grep -c 'err",
                                     "Heartbeat | where Computer has 'ab"}) {
                auto cursor = engine.start();
                if (!cursor->feed(text)) continue;
                auto a = trie->mask(*cursor, fast, stack);
                auto b = trie->mask_brute_force(*cursor, slow);
                QVERIFY(a.ok() && b.ok());
                QVERIFY2(fast == slow, (std::string(p.name) + " at '" + text + "'").c_str());
                ++probes;
            }
            qInfo("%s: %d prefixes, %d of them in a free-text state", p.name, probes, free_probes);
        }
    }

    // What is asserted, per generation (random prompt, temperature 1, a seed per run): generate()
    // either succeeds or stops with ConstraintDeadEnd; the text (the tokens' pieces) is a viable
    // prefix of the provider's answers in every case (the mask admits only viable tokens); and when
    // generation ended by an end token or by the constraint, the text is complete (end tokens are
    // admitted only at complete texts). At n_predict the text need only be viable. Why: these are
    // the two promises the pipeline relies on (never an impossible answer; never a cut one reported
    // as finished), and random weights visit states that a trained model never would. With a token
    // for every byte no run may dead-end: every state called viable has a continuation.
    void thousandGenerationsPerProviderStayViable() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tiny.gguf"));
        QCOMPARE(make_tiny_model(path, 256, 32, 1), QString());
        auto model = Model::load(path.toStdString());
        QVERIFY(model.ok());
        auto tokenizer = Tokenizer::from_gguf((*model)->gguf());
        QVERIFY(tokenizer.ok());
        auto trie = TokenTrie::from_tokenizer(**tokenizer);
        QVERIFY(trie.ok());
        ContextParams cp;
        cp.n_threads = 1;
        auto ctx = Context::create(*model, cp);
        QVERIFY(ctx.ok());
        const Tokenizer& tok = **tokenizer;
        auto is_eog = [&](int32_t t) { return tok.is_eog(t); };
        std::mt19937 rng(7);
        for (const Provider& p : providers()) {
            const app::DomainConstraint engine(p.constraint);
            int completes = 0, at_limit = 0, dead_ends = 0;
            for (int run = 0; run < 1000; ++run) {
                std::vector<int32_t> prompt(1 + rng() % 6);
                for (int32_t& t : prompt)
                    t = static_cast<int32_t>(3 + rng() % static_cast<unsigned>(trie->n_vocab() - 3));
                GenerateParams g;
                g.n_predict = 40;
                g.sampler.temperature = 1.0f;
                g.sampler.top_k = 0;
                g.sampler.top_p = 1.0f;
                g.sampler.min_p = 0.0f;
                g.sampler.seed = static_cast<uint64_t>(run);
                g.constraint = &engine;
                g.token_trie = &*trie;
                std::string text;
                auto stats = generate(**ctx, prompt, g, is_eog, [&](int32_t t) {
                    text += trie->piece(t);
                    return true;
                });
                QVERIFY2(stats.ok() || stats.error().code == ErrorCode::ConstraintDeadEnd,
                         stats.ok() ? "" : stats.error().message.c_str());
                QVERIFY2(p.constraint->viable(text), (std::string(p.name) + ": '" + text + "'").c_str());
                if (!stats.ok()) {
                    if (dead_ends == 0) qInfo("%s: first dead end: %s", p.name, stats.error().message.c_str());
                    ++dead_ends;
                } else if (stats->stopped_by_eog || stats->stopped_by_constraint) {
                    QVERIFY2(p.constraint->complete(text), (std::string(p.name) + ": ended at '" + text + "'").c_str());
                    ++completes;
                } else {
                    ++at_limit;
                }
            }
            qInfo("%s: 1000 runs, %d complete, %d viable at the limit, %d dead ends", p.name, completes, at_limit,
                  dead_ends);
            // The vocabulary has a token for every byte, so a viable text always has a next token:
            // a dead end would mean a state called viable that no answer continues.
            QCOMPARE(dead_ends, 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestAnswerConstraintEngine)
#include "test_answer_constraint_engine.moc"
