// sigma-bench-constraint: how much constrained decoding costs. Part 1 generates with the default model
// (resources/models/sigma-ops.gguf, or argv[1]) with and without a JSON-ish constraint and prints the
// mask time per token beside the decode step; part 2 times masks on a synthetic 128k-token vocabulary
// (the model's pieces glued in twos and threes) at the permissive and the selective states of the
// constraints, against the brute-force twin.
// Not a test: it prints numbers and never fails on them. Other work on the machine skews them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "inference/chat_template.h"
#include "inference/constraint.h"
#include "inference/context.h"
#include "inference/generate.h"
#include "inference/model.h"
#include "inference/predicate_constraint.h"
#include "inference/token_trie.h"
#include "inference/tokenizer.h"

namespace {

using namespace sigma;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// {"command":"<JSON string body>","risk":"low|medium|high"}: the string body allows almost every
// token (the permissive case), the rest only a few (the selective case).
class JsonCommandConstraint : public Constraint {
public:
    class Cursor : public ConstraintCursor {
    public:
        bool feed(std::string_view bytes) override {
            for (const char c : bytes) {
                if (!step(static_cast<unsigned char>(c))) return false;
            }
            return true;
        }
        bool complete() const override { return phase_ == kDone; }
        std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(*this); }
        void copy_from(const ConstraintCursor& other) override { *this = static_cast<const Cursor&>(other); }
        // Inside the string, every byte but the quote, the backslash and control bytes is free, while
        // the length limit leaves room for a whole piece.
        bool free_bytes(size_t max_length, ByteSet& bytes) const override {
            if (!use_free_bytes || phase_ != kBody || body_ + static_cast<int>(max_length) > 200) return false;
            bytes = {0, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};
            bytes[0] = ~uint64_t{0} << 32 & ~(uint64_t{1} << '"');
            bytes[1] &= ~(uint64_t{1} << ('\\' - 64));
            return true;
        }
        bool use_free_bytes = true;

    private:
        static constexpr std::string_view kHead = "{\"command\":\"";
        static constexpr std::string_view kMiddle = "\",\"risk\":\"";
        static constexpr std::string_view kRisks[3] = {"low\"}", "medium\"}", "high\"}"};
        enum Phase { kHeadPhase, kBody, kEscape, kMiddlePhase, kRisk, kDone };
        bool step(unsigned char c) {
            switch (phase_) {
                case kHeadPhase:
                    if (c != static_cast<unsigned char>(kHead[pos_])) return false;
                    if (++pos_ == kHead.size()) phase_ = kBody;
                    return true;
                case kBody:
                    if (c == '"') {
                        if (body_ == 0) return false;
                        phase_ = kMiddlePhase;
                        pos_ = 1;
                        return true;
                    }
                    if (c == '\\') {
                        phase_ = kEscape;
                        return true;
                    }
                    if (c < 0x20 || ++body_ > 200) return false;
                    return true;
                case kEscape:
                    if (c != '"' && c != '\\' && c != '/' && c != 'n' && c != 't') return false;
                    ++body_;
                    phase_ = kBody;
                    return true;
                case kMiddlePhase:
                    if (c != static_cast<unsigned char>(kMiddle[pos_])) return false;
                    if (++pos_ == kMiddle.size()) {
                        phase_ = kRisk;
                        pos_ = 0;
                        risks_ = 0b111;
                    }
                    return true;
                case kRisk: {
                    unsigned left = 0;
                    for (unsigned r = 0; r < 3; ++r) {
                        if ((risks_ >> r & 1u) && pos_ < kRisks[r].size() &&
                            c == static_cast<unsigned char>(kRisks[r][pos_])) {
                            left |= 1u << r;
                        }
                    }
                    if (!left) return false;
                    risks_ = left;
                    ++pos_;
                    for (unsigned r = 0; r < 3; ++r) {
                        if ((risks_ >> r & 1u) && pos_ == kRisks[r].size()) phase_ = kDone;
                    }
                    return true;
                }
                case kDone: return false;
            }
            return false;
        }
        Phase phase_ = kHeadPhase;
        size_t pos_ = 0;
        int body_ = 0;
        unsigned risks_ = 0;
    };
    // use_free_bytes = false times the plain walk, byte by byte through the string.
    explicit JsonCommandConstraint(bool use_free_bytes = true) : use_free_bytes_(use_free_bytes) {}
    std::unique_ptr<ConstraintCursor> start() const override {
        auto c = std::make_unique<Cursor>();
        c->use_free_bytes = use_free_bytes_;
        return c;
    }

private:
    bool use_free_bytes_;
};

// A shell-like prefix constraint through the whole-text adapter: one of a few nvidia-smi lines.
std::unique_ptr<Constraint> make_shell_constraint() {
    static const std::vector<std::string> lines = {
        "nvidia-smi --query-gpu=index,name,memory.used,memory.total,utilization.gpu --format=csv",
        "nvidia-smi --query-gpu=index,temperature.gpu,power.draw --format=csv,noheader", "nvidia-smi -q -d MEMORY,ECC",
        "nvidia-smi topo -m", "nvidia-smi -L"};
    auto strip = [](std::string_view t) { return !t.empty() && t[0] == ' ' ? t.substr(1) : t; };
    return std::make_unique<PredicateConstraint>(
        [=](std::string_view t) {
            t = strip(t);
            return std::any_of(lines.begin(), lines.end(),
                               [&](const std::string& l) { return std::string_view(l).substr(0, t.size()) == t; });
        },
        [=](std::string_view t) {
            t = strip(t);
            return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l == t; });
        });
}

class AnythingConstraint : public Constraint {
public:
    class Cursor : public ConstraintCursor {
    public:
        bool feed(std::string_view) override { return true; }
        bool complete() const override { return true; }
        std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(); }
        void copy_from(const ConstraintCursor&) override {}
    };
    std::unique_ptr<ConstraintCursor> start() const override { return std::make_unique<Cursor>(); }
};

struct MaskTiming {
    double median_us = 0.0;
    double brute_us = 0.0;
    int allowed = 0;
};

// The median of `reps` trie masks at the state after `prefix`, and one brute-force mask.
MaskTiming time_mask(const TokenTrie& trie, const Constraint& c, std::string_view prefix, int reps) {
    auto cursor = c.start();
    cursor->feed(prefix);
    std::vector<uint8_t> mask(static_cast<size_t>(trie.n_vocab()));
    TokenTrie::CursorStack stack;
    MaskTiming t;
    t.allowed = trie.mask(*cursor, mask, stack).value();  // warms the stack
    std::vector<double> us;
    for (int r = 0; r < reps; ++r) {
        const auto start = Clock::now();
        (void)trie.mask(*cursor, mask, stack);
        us.push_back(ms_since(start) * 1000.0);
    }
    std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(us.size() / 2), us.end());
    t.median_us = us[us.size() / 2];
    const auto start = Clock::now();
    (void)trie.mask_brute_force(*cursor, mask);
    t.brute_us = ms_since(start) * 1000.0;
    return t;
}

void print_mask(const char* vocab, const char* state, const MaskTiming& t) {
    std::printf(
        "{\"vocab\": \"%s\", \"state\": \"%s\", \"allowed\": %d, \"mask_us\": %.1f, \"brute_force_us\": %.1f}\n", vocab,
        state, t.allowed, t.median_us, t.brute_us);
}

void mask_table(const char* vocab, const TokenTrie& trie, int reps) {
    const JsonCommandConstraint json;
    const auto shell = make_shell_constraint();
    const AnythingConstraint anything;
    print_mask(vocab, "json start", time_mask(trie, json, "", reps));
    const JsonCommandConstraint json_plain(/*use_free_bytes=*/false);
    print_mask(vocab, "json string body", time_mask(trie, json, "{\"command\":\"nvidia-smi -q", reps));
    print_mask(vocab, "json string body, no free bytes",
               time_mask(trie, json_plain, "{\"command\":\"nvidia-smi -q", reps));
    print_mask(vocab, "json risk enum", time_mask(trie, json, "{\"command\":\"df -h\",\"risk\":\"", reps));
    print_mask(vocab, "shell (whole-text adapter) start", time_mask(trie, *shell, "", reps));
    print_mask(vocab, "shell (whole-text adapter) mid", time_mask(trie, *shell, " nvidia-smi --query-gpu=", reps));
    print_mask(vocab, "anything, plain walk of the whole trie", time_mask(trie, anything, "", reps));
}

struct RunTiming {
    GenerateStats stats;
    std::string text;
};

RunTiming run(Context& ctx, const Tokenizer& tok, const TokenTrie& trie, const std::vector<int32_t>& prompt,
              const Constraint* c, int n_predict) {
    GenerateParams g;
    g.n_predict = n_predict;
    g.sampler.temperature = 0.7f;
    g.sampler.seed = 3;
    g.constraint = c;
    g.token_trie = c ? &trie : nullptr;
    RunTiming r;
    auto stats = generate(
        ctx, prompt, g, [&](int32_t t) { return tok.is_eog(t); },
        [&](int32_t t) {
            r.text += tok.token_to_piece(t);
            return true;
        });
    if (!stats) {
        std::printf("{\"error\": \"%s\"}\n", stats.error().message.c_str());
        return r;
    }
    r.stats = *stats;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : std::string(SIGMA_SOURCE_DIR) + "/resources/models/sigma-ops.gguf";
    auto model = Model::load(path);
    if (!model) {
        std::fprintf(stderr, "sigma-bench-constraint: %s\n", model.error().message.c_str());
        return 1;
    }
    auto tokenizer = Tokenizer::from_gguf((*model)->gguf());
    if (!tokenizer) {
        std::fprintf(stderr, "sigma-bench-constraint: %s\n", tokenizer.error().message.c_str());
        return 1;
    }
    const Tokenizer& tok = **tokenizer;
    auto start = Clock::now();
    auto trie = TokenTrie::from_tokenizer(tok);
    const double build_ms = ms_since(start);
    if (!trie) {
        std::fprintf(stderr, "sigma-bench-constraint: %s\n", trie.error().message.c_str());
        return 1;
    }
    std::printf(
        "{\"model\": \"%s\", \"n_vocab\": %d, \"trie_nodes\": %d, \"trie_depth\": %d, \"trie_build_ms\": %.2f}\n",
        path.c_str(), trie->n_vocab(), trie->n_node(), trie->max_depth(), build_ms);

    ContextParams cp;
    cp.n_ctx = 512;
    auto ctx = Context::create(*model, cp);
    if (!ctx) {
        std::fprintf(stderr, "sigma-bench-constraint: %s\n", ctx.error().message.c_str());
        return 1;
    }
    const std::vector<int32_t> prompt = encode_chat(
        tok, ChatTemplate::Sigma,
        {{"user", "Give the nvidia-smi command that lists GPU memory use, as JSON with command and risk."}}, true);
    const JsonCommandConstraint json;
    const auto shell = make_shell_constraint();
    struct Case {
        const char* name;
        const Constraint* c;
    };
    for (int round = 0; round < 2; ++round) {  // the first round warms caches and the thread pool
        for (const Case& k : {Case{"none", nullptr}, Case{"json", &json}, Case{"shell", shell.get()}}) {
            const RunTiming r = run(**ctx, tok, *trie, prompt, k.c, 96);
            if (round == 0) continue;
            const GenerateStats& s = r.stats;
            const double step_ms = s.generated_tokens > 0 ? (s.decode_ms - s.mask_ms) / s.generated_tokens : 0.0;
            const double mask_ms = s.mask_ms_per_token();
            std::string shown = r.text.substr(0, 70);
            for (char& ch : shown) {
                if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ch = '\'';
            }
            std::printf(
                "{\"default_model_generation\": \"%s\", \"threads\": %d, \"tokens\": %d, \"decode_step_ms\": %.3f, "
                "\"mask_ms_per_token\": %.4f, \"mask_share_of_step\": %.3f, \"complete\": %s, \"text\": \"%s\"}\n",
                k.name, (*ctx)->n_threads(), s.generated_tokens, step_ms, mask_ms,
                step_ms > 0 ? mask_ms / step_ms : 0.0, s.constraint_complete ? "true" : "false", shown.c_str());
        }
    }
    mask_table("default model", *trie, 200);

    // Synthetic 128k vocabulary: the model's pieces, then pieces glued from two or three of them.
    std::vector<std::string> pieces;
    std::vector<std::string> base;
    for (int32_t id = 0; id < tok.n_vocab(); ++id) {
        pieces.push_back(trie->piece(id));
        if (!trie->piece(id).empty()) base.push_back(trie->piece(id));
    }
    std::mt19937_64 rng(7);
    while (pieces.size() < 128000) {
        std::string p = base[rng() % base.size()];
        const int parts = 1 + static_cast<int>(rng() % 2);
        for (int k = 0; k < parts; ++k) p += base[rng() % base.size()];
        if (p.size() > 24) p.resize(24);
        pieces.push_back(p);
    }
    const std::vector<int32_t> eog(trie->end_of_generation().begin(), trie->end_of_generation().end());
    start = Clock::now();
    auto big = TokenTrie::build(std::move(pieces), eog);
    const double big_build_ms = ms_since(start);
    if (!big) {
        std::fprintf(stderr, "sigma-bench-constraint: %s\n", big.error().message.c_str());
        return 1;
    }
    std::printf(
        "{\"vocab\": \"synthetic\", \"n_vocab\": %d, \"trie_nodes\": %d, \"trie_depth\": %d, \"trie_build_ms\": "
        "%.1f}\n",
        big->n_vocab(), big->n_node(), big->max_depth(), big_build_ms);
    mask_table("synthetic 128k", *big, 50);
    return 0;
}
