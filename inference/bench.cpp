// sigma bench's measurements and formatting. Timings come from std::chrono::steady_clock.
// Not asserted anywhere: tests check parsing and byte accounting, never speeds.
#include "inference/bench.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <thread>

#include "inference/context.h"
#include "inference/tensor_types.h"

namespace sigma {

namespace {

Error bad(const std::string& m) { return make_error(ErrorCode::InvalidArgument, m); }

bool parse_int(const std::string& text, long long lo, long long hi, long long& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtoll(text.c_str(), &end, 10);
    return *end == '\0' && errno == 0 && out >= lo && out <= hi;
}

uint64_t view_bytes(const TensorView* t) { return t ? static_cast<uint64_t>(t->nbytes) : 0; }
uint64_t view_elements(const TensorView* t) { return t ? static_cast<uint64_t>(t->elements()) : 0; }

template <typename F>
void for_each_layer_tensor(const LayerWeights& l, F&& f) {
    for (const TensorView* t : {l.attn_norm, l.wq, l.wk, l.wv, l.wo, l.bq, l.bk, l.bv, l.q_gate, l.q_up, l.q_down,
                                l.k_up, l.ffn_norm, l.ffn_gate, l.ffn_up, l.ffn_down})
        f(t);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string human_bytes(uint64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(b) / (1024.0 * 1024.0 * 1024.0));
    if (b < (uint64_t{1} << 30)) std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(b) / (1024.0 * 1024.0));
    return buf;
}

std::string human_params(uint64_t p) {
    char buf[32];
    if (p >= 1000000000ull) std::snprintf(buf, sizeof buf, "%.2f B", static_cast<double>(p) / 1e9);
    else std::snprintf(buf, sizeof buf, "%.2f M", static_cast<double>(p) / 1e6);
    return buf;
}

}  // namespace

const char* bench_fill_name(BenchFill f) { return f == BenchFill::Synthetic ? "synthetic" : "prefill"; }

const char* bench_usage() {
    return "usage: sigma bench -m FILE [-p N] [-n N] [-d N] [-t N] [-r REPS] [--fill prefill|synthetic]\n"
           "                   [--backend auto|cpu|cuda] [--json]\n"
           "  -p prompt tokens (pp test, default 128)   -n decode steps (tg test, default 32)\n"
           "  -d tokens already in the context (default 0)   -t threads (default 2)   -r repetitions (default 3)\n"
           "  --fill how the -d positions are filled: prefill (decode random tokens, default) or synthetic\n"
           "         (random K/V rows written straight into the cache; CPU backend only; same decode work)\n";
}

Expected<BenchOptions> parse_bench_args(const std::vector<std::string>& args) {
    BenchOptions o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--json") {
            o.json = true;
            continue;
        }
        struct IntOpt {
            const char* name;
            int* field;
            long long lo, hi;
        };
        const IntOpt ints[] = {{"-p", &o.n_prompt, 0, 1 << 20},
                               {"-n", &o.n_gen, 0, 1 << 20},
                               {"-d", &o.depth, 0, 1 << 22},
                               {"-t", &o.threads, 1, 1024},
                               {"-r", &o.reps, 1, 1000}};
        bool known = false;
        if (a == "--backend") {
            if (i + 1 >= args.size()) return bad("--backend needs a value: auto, cpu or cuda");
            const auto b = parse_backend_request(args[i + 1]);
            if (!b) return bad("--backend must be auto, cpu or cuda, got '" + args[i + 1] + "'");
            o.backend = *b;
            ++i;
            continue;
        }
        if (a == "--fill") {
            if (i + 1 >= args.size()) return bad("--fill needs a value: prefill or synthetic");
            const std::string& v = args[++i];
            if (v == "prefill") o.fill = BenchFill::Prefill;
            else if (v == "synthetic") o.fill = BenchFill::Synthetic;
            else return bad("--fill must be prefill or synthetic, got '" + v + "'");
            continue;
        }
        if (a == "-m") {
            if (i + 1 >= args.size()) return bad("-m needs a model file");
            o.model_path = args[++i];
            continue;
        }
        for (const IntOpt& opt : ints) {
            if (a != opt.name) continue;
            known = true;
            if (i + 1 >= args.size()) return bad(a + " needs a value");
            long long v = 0;
            if (!parse_int(args[i + 1], opt.lo, opt.hi, v))
                return bad(a + ": '" + args[i + 1] + "' is not an integer in [" + std::to_string(opt.lo) + ", " +
                           std::to_string(opt.hi) + "]");
            *opt.field = static_cast<int>(v);
            ++i;
        }
        if (!known) return bad("unknown option '" + a + "'");
    }
    if (o.model_path.empty()) return bad("-m FILE is required");
    if (o.n_prompt == 0 && o.n_gen == 0) return bad("-p 0 and -n 0 leave nothing to measure");
    return o;
}

DecodeBytes decode_bytes_per_token(const ModelConfig& c, const ModelWeights& w, KvType kv_type, int depth) {
    DecodeBytes b;
    for (const LayerWeights& l : w.layers)
        for_each_layer_tensor(l, [&](const TensorView* t) { b.weights += view_bytes(t); });
    b.weights += view_bytes(w.output_norm) + view_bytes(w.output);
    if (w.token_embd && w.token_embd != w.output) b.weights += row_bytes(w.token_embd->type, w.token_embd->ne[0]);
    const uint64_t elem = kv_type == KvType::F16 ? 2 : 4;
    const uint64_t per_position = static_cast<uint64_t>(c.heads.n_k) * static_cast<uint64_t>(c.d_k_cache) +
                                  static_cast<uint64_t>(c.heads.n_v) * static_cast<uint64_t>(c.d_v);
    b.kv = static_cast<uint64_t>(c.n_layer) * static_cast<uint64_t>(depth) * per_position * elem;
    return b;
}

uint64_t parameter_count(const ModelWeights& w) {
    uint64_t p = view_elements(w.token_embd) + view_elements(w.output_norm);
    if (w.output != w.token_embd) p += view_elements(w.output);
    for (const LayerWeights& l : w.layers)
        for_each_layer_tensor(l, [&](const TensorView* t) { p += view_elements(t); });
    return p;
}

double measure_read_bandwidth_gbps(int threads, int64_t bytes, int reps) {
    if (threads < 1 || bytes < 1024 || reps < 1) return 0;
    const int64_t n = bytes / static_cast<int64_t>(sizeof(float));
    std::vector<float> data(static_cast<size_t>(n), 1.0f);  // written once, so the pages are really there
    std::vector<double> sums(static_cast<size_t>(threads));
    double best = 0;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                const int64_t begin = n * t / threads, end = n * (t + 1) / threads;
                float acc[16] = {};
                int64_t i = begin;
                for (; i + 16 <= end; i += 16)
                    for (int j = 0; j < 16; ++j) acc[j] += data[static_cast<size_t>(i + j)];
                double s = 0;
                for (float a : acc) s += a;
                for (; i < end; ++i) s += data[static_cast<size_t>(i)];
                sums[static_cast<size_t>(t)] = s;
            });
        for (auto& w : workers) w.join();
        const double secs = seconds_since(t0);
        if (secs > 0) best = std::max(best, static_cast<double>(n) * sizeof(float) / secs / 1e9);
    }
    double total = 0;
    for (double s : sums) total += s;
    return total == static_cast<double>(n) ? best : best;  // the sums are read so the loop is not elided
}

void mean_and_stddev(const std::vector<double>& v, double& mean, double& stddev) {
    mean = 0;
    stddev = 0;
    if (v.empty()) return;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    if (v.size() < 2) return;
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    stddev = std::sqrt(ss / static_cast<double>(v.size() - 1));
}

Expected<std::vector<BenchResult>> run_bench(std::shared_ptr<const Model> model, const BenchOptions& o,
                                             double bandwidth_gbps) {
    if (!model) return bad("no model");
    const ModelConfig& c = model->config();
    const int longest = std::max(o.n_prompt, o.n_gen);
    if (o.depth + longest > c.n_ctx_train)
        return bad("-d " + std::to_string(o.depth) + " plus " + std::to_string(longest) +
                   " tokens exceeds the model's context of " + std::to_string(c.n_ctx_train));
    ContextParams p;
    p.n_ctx = o.depth + longest;
    p.n_threads = o.threads;
    p.backend = o.backend;
    auto ctx_or = Context::create(model, p);
    if (!ctx_or) return ctx_or.error();
    Context& ctx = **ctx_or;
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int32_t> token(0, c.n_vocab - 1);
    auto random_tokens = [&](int n) {
        std::vector<int32_t> t(static_cast<size_t>(n));
        for (auto& v : t) v = token(rng);
        return t;
    };
    if (o.depth > 0 && o.fill == BenchFill::Synthetic) {
        if (ctx.backend() != ComputeBackend::Cpu)
            return bad("--fill synthetic runs on the CPU backend only; pass --backend cpu or --fill prefill");
        if (Status st = ctx.fill_synthetic(o.depth, 1234); !st) return st.error();
    } else if (o.depth > 0) {
        auto r = ctx.decode(random_tokens(o.depth));
        if (!r) return r.error();
    }
    BenchResult base;
    base.depth = o.depth;
    base.fill = bench_fill_name(o.fill);
    base.threads = ctx.n_threads();
    base.backend = backend_name(ctx.backend());
    base.backend_note = ctx.backend_note();
    base.model_bytes = model->file_bytes();
    base.params = parameter_count(model->weights());
    base.kv_cache_bytes = decode_bytes_per_token(c, model->weights(), p.kv_type, p.n_ctx).kv;
    std::vector<BenchResult> out;
    // One untimed pass first, as llama-bench does: it faults the mmapped weights in and warms the
    // caches, so the first timed repetition measures the same thing as the others.
    {
        const auto warm = random_tokens(std::max(1, std::min(o.n_prompt, 16)));
        auto res = ctx.decode(warm);
        if (!res) return res.error();
        ctx.truncate(o.depth);
    }
    if (o.n_prompt > 0) {
        std::vector<double> rates;
        for (int r = 0; r < o.reps; ++r) {
            ctx.truncate(o.depth);
            const auto prompt = random_tokens(o.n_prompt);
            const auto t0 = std::chrono::steady_clock::now();
            auto res = ctx.decode(prompt);
            if (!res) return res.error();
            rates.push_back(o.n_prompt / seconds_since(t0));
        }
        BenchResult b = base;
        b.test = "pp" + std::to_string(o.n_prompt);
        b.n_tokens = o.n_prompt;
        mean_and_stddev(rates, b.tokens_per_s, b.stddev);
        out.push_back(b);
    }
    if (o.n_gen > 0) {
        std::vector<double> rates;
        for (int r = 0; r < o.reps; ++r) {
            ctx.truncate(o.depth);
            const auto steps = random_tokens(o.n_gen);
            const auto t0 = std::chrono::steady_clock::now();
            for (int32_t t : steps) {
                auto res = ctx.decode(std::span<const int32_t>(&t, 1));
                if (!res) return res.error();
            }
            rates.push_back(o.n_gen / seconds_since(t0));
        }
        BenchResult b = base;
        b.test = "tg" + std::to_string(o.n_gen);
        b.n_tokens = o.n_gen;
        mean_and_stddev(rates, b.tokens_per_s, b.stddev);
        // Bytes at the middle of the run: the cache grows from depth to depth + n_gen.
        b.bytes_per_token = decode_bytes_per_token(c, model->weights(), p.kv_type, o.depth + o.n_gen / 2).total();
        b.achieved_gbps = static_cast<double>(b.bytes_per_token) * b.tokens_per_s / 1e9;
        // The probe measures host memory: a share of it means nothing for a run on the device.
        const bool on_host = ctx.backend() == ComputeBackend::Cpu;
        b.bandwidth_share = on_host && bandwidth_gbps > 0 ? b.achieved_gbps / bandwidth_gbps : 0;
        out.push_back(b);
    }
    return out;
}

std::string bench_table_header() {
    return "| model                          |       size |     params | backend | threads |                        "
           "test |                  t/s |    GB/s | of bw |\n"
           "| ------------------------------ | ---------: | ---------: | ------- | ------: | "
           "--------------------------: | -------------------: | ------: | ----: |";
}

std::string bench_table_row(const BenchResult& r, const std::string& model_name) {
    char buf[512];
    std::string test = r.depth > 0 ? r.test + " @ d" + std::to_string(r.depth) : r.test;
    if (r.depth > 0 && r.fill != "prefill") test += " (" + r.fill + ")";
    char gbps[32] = "", share[32] = "";
    if (r.bytes_per_token > 0) std::snprintf(gbps, sizeof gbps, "%.1f", r.achieved_gbps);
    if (r.bandwidth_share > 0) std::snprintf(share, sizeof share, "%.0f%%", 100.0 * r.bandwidth_share);
    std::snprintf(buf, sizeof buf, "| %-30s | %10s | %10s | %-7s | %7d | %27s | %11.2f ± %6.2f | %7s | %5s |",
                  model_name.c_str(), human_bytes(r.model_bytes).c_str(), human_params(r.params).c_str(),
                  r.backend.c_str(), r.threads, test.c_str(), r.tokens_per_s, r.stddev, gbps, share);
    return buf;
}

std::string bench_json_line(const BenchResult& r, const std::string& model_name) {
    std::string name;
    for (char ch : model_name) {
        if (ch == '"' || ch == '\\') name += '\\';
        if (static_cast<unsigned char>(ch) >= 0x20) name += ch;
    }
    char buf[1024];
    std::snprintf(
        buf, sizeof buf,
        "{\"model\": \"%s\", \"test\": \"%s\", \"n_tokens\": %d, \"depth\": %d, \"threads\": %d, \"backend\": \"%s\", "
        "\"fill\": \"%s\", \"tokens_per_s\": %.4f, \"stddev\": %.4f, \"model_bytes\": %llu, \"params\": %llu, "
        "\"bytes_per_token\": %llu, "
        "\"achieved_gbps\": %.3f, \"bandwidth_share\": %.4f}",
        name.c_str(), r.test.c_str(), r.n_tokens, r.depth, r.threads, r.backend.c_str(), r.fill.c_str(), r.tokens_per_s,
        r.stddev, static_cast<unsigned long long>(r.model_bytes), static_cast<unsigned long long>(r.params),
        static_cast<unsigned long long>(r.bytes_per_token), r.achieved_gbps, r.bandwidth_share);
    return buf;
}

}  // namespace sigma
