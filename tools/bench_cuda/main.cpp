// sigma-bench-cuda: measures, in one run on one GPU, (0) the copy bandwidth (device-to-device memcpy
// and a read-only kernel), (1) DiffQKV decode attention of one layer, STD 16K/16V vs Sigma 4K/16V,
// (2) whole decode steps of Sigma-1.5B-shaped random models vs their STD twin against the bytes floor,
// (3) prefill tok/s and TFLOP/s. Prints tables (a summary last) and writes JSON with --json.
// Not a test: it asserts nothing; numbers hold only for the card it ran on.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "inference/cuda_forward.h"
#include "kernels/cuda_backend.h"
#include "tools/bench_cuda/bench_report.h"
#include "tools/bench_cuda/random_model.h"

using namespace sigma;
using sigma::bench::Report;
using sigma::bench::Row;

namespace {

struct Options {
    std::string json;
    std::string phases = "bw,attn,decode,prefill";
    bool quick = false;
    bool f16_cache = false;  // attention phase: bf16 unless --cache f16
};

bool has_phase(const Options& o, const char* p) {
    return ("," + o.phases + ",").find(std::string(",") + p + ",") != std::string::npos;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

#define BENCH_TRY(expr)                                                       \
    do {                                                                      \
        Status st_ = (expr);                                                  \
        if (!st_) {                                                           \
            std::fprintf(stderr, "error: %s\n", st_.error().message.c_str()); \
            return false;                                                     \
        }                                                                     \
    } while (0)

template <typename T>
bool take(Expected<T> e, T& out) {
    if (!e) {
        std::fprintf(stderr, "error: %s\n", e.error().message.c_str());
        return false;
    }
    out = *e;
    return true;
}

// Median milliseconds of `iters` event-timed runs of f after `warm` untimed ones.
template <typename F>
bool time_events(cuda::Stream s, cuda::Timer* timer, int warm, int iters, F&& f, double& ms_out) {
    for (int i = 0; i < warm; ++i) BENCH_TRY(f(i));
    std::vector<double> ms;
    for (int i = 0; i < iters; ++i) {
        BENCH_TRY(cuda::timer_start(timer, s));
        BENCH_TRY(f(i));
        float t = 0.0f;
        if (!take(cuda::timer_stop_ms(timer, s), t)) return false;
        ms.push_back(t);
    }
    ms_out = median(ms);
    return true;
}

struct Bandwidth {
    double copy_gbs = 0.0, read_gbs = 0.0;
};

bool phase_bandwidth(const Options& o, cuda::Stream s, cuda::Timer* timer, int sm, Report& report, Bandwidth& bw) {
    const size_t bytes = size_t{1} << 30;
    void *a = nullptr, *b = nullptr, *sink = nullptr;
    if (!take(cuda::device_alloc(bytes), a) || !take(cuda::device_alloc(bytes), b) ||
        !take(cuda::device_alloc(64), sink))
        return false;
    BENCH_TRY(cuda::fill_random_weights(a, TensorType::F32, static_cast<int64_t>(bytes / 4), 1.0f, 3, s));
    const int iters = o.quick ? 5 : 20;
    double ms = 0.0;
    bool ok = time_events(
        s, timer, 2, iters, [&](int) { return cuda::copy_device(b, a, bytes, s); }, ms);
    bw.copy_gbs = ok ? 2.0 * bytes / (ms * 1e-3) / 1e9 : 0.0;
    ok = ok &&
         time_events(
             s, timer, 2, iters,
             [&](int) {
                 return cuda::read_probe(static_cast<float*>(sink), static_cast<const float*>(a), bytes / 4, sm, s);
             },
             ms);
    bw.read_gbs = ok ? bytes / (ms * 1e-3) / 1e9 : 0.0;
    cuda::device_free(a);
    cuda::device_free(b);
    cuda::device_free(sink);
    if (!ok) return false;
    report.add("bandwidth", Row().str("what", "d2d memcpy (read+write)").num("GB/s", bw.copy_gbs, 0));
    report.add("bandwidth", Row().str("what", "read-only kernel").num("GB/s", bw.read_gbs, 0));
    return true;
}

struct AttnLayout {
    const char* name;
    int n_k, n_v;
};

bool phase_attention(const Options& o, cuda::Stream s, cuda::Timer* timer, int sm, const Bandwidth& bw,
                     Report& report) {
    const int n_q = 32, d = 64;
    const std::vector<int> prefixes = {2048, 4096, 16384, 32768, 65536};
    const std::vector<int> batches = {1, 16};
    const AttnLayout layouts[2] = {{"STD 16K/16V", 16, 16}, {"Sigma 4K/16V", 4, 16}};
    const cuda::CacheType ct = o.f16_cache ? cuda::CacheType::F16 : cuda::CacheType::BF16;
    const TensorType tt = o.f16_cache ? TensorType::F16 : TensorType::BF16;
    // One K and one V buffer big enough for the largest case; small cases rotate through it so their
    // bytes come from memory, not from L2.
    const size_t max_elems = size_t{16} * 65536 * 16 * d;
    void *k = nullptr, *v = nullptr, *q = nullptr, *out = nullptr, *scratch = nullptr, *lens = nullptr;
    const size_t scratch_bytes = cuda::attention_scratch_bytes(16, n_q, d);
    if (!take(cuda::device_alloc(max_elems * 2), k) || !take(cuda::device_alloc(max_elems * 2), v) ||
        !take(cuda::device_alloc(size_t{16} * n_q * d * 4), q) ||
        !take(cuda::device_alloc(size_t{16} * n_q * d * 4), out) || !take(cuda::device_alloc(scratch_bytes), scratch) ||
        !take(cuda::device_alloc(16 * 4), lens))
        return false;
    BENCH_TRY(cuda::fill_random_weights(k, tt, static_cast<int64_t>(max_elems), 1.0f, 5, s));
    BENCH_TRY(cuda::fill_random_weights(v, tt, static_cast<int64_t>(max_elems), 1.0f, 6, s));
    BENCH_TRY(cuda::fill_random_weights(q, TensorType::F32, int64_t{16} * n_q * d, 1.0f, 7, s));
    for (int batch : batches) {
        for (int prefix : prefixes) {
            double std_us = 0.0;
            for (const AttnLayout& l : layouts) {
                std::vector<int32_t> host_lens(static_cast<size_t>(batch), prefix);
                BENCH_TRY(cuda::copy_to_device(lens, host_lens.data(), host_lens.size() * 4));
                cuda::AttentionShape sh;
                sh.rows = batch;
                sh.heads = {n_q, l.n_k, l.n_v};
                sh.d_k = d;
                sh.d_v = d;
                sh.k_seq_stride = int64_t{prefix} * l.n_k * d;
                sh.v_seq_stride = int64_t{prefix} * l.n_v * d;
                sh.max_seq_len = prefix;
                sh.scale = 0.125f;
                const size_t k_elems = size_t{16} * 65536 * l.n_k * d;  // this layout's share of the buffer
                const size_t case_k = static_cast<size_t>(batch) * prefix * l.n_k * d;
                const size_t case_v = static_cast<size_t>(batch) * prefix * l.n_v * d;
                const size_t bytes = (case_k + case_v) * 2;
                const int rot = static_cast<int>(
                    std::clamp<size_t>((size_t{512} << 20) / bytes, 1, std::min<size_t>(k_elems / case_k, 32)));
                const int iters = o.quick ? 20 : 100;
                double ms = 0.0;
                bool ok = time_events(
                    s, timer, 5, iters,
                    [&](int i) {
                        const size_t r = static_cast<size_t>(i % rot);
                        return cuda::attention(static_cast<float*>(out), static_cast<const float*>(q),
                                               static_cast<const uint16_t*>(k) + r * case_k,
                                               static_cast<const uint16_t*>(v) + r * case_v, ct,
                                               static_cast<const int32_t*>(lens), sh, static_cast<float*>(scratch),
                                               scratch_bytes, sm, s);
                    },
                    ms);
                if (!ok) return false;
                const double us = ms * 1e3, gbs = bytes / (ms * 1e-3) / 1e9;
                Row row;
                row.str("layout", l.name)
                    .num("batch", batch, 0)
                    .num("prefix", prefix, 0)
                    .num("KV MB", bytes / 1e6, 1)
                    .num("us", us, 1)
                    .num("GB/s", gbs, 0)
                    .num("% read bw", 100.0 * gbs / bw.read_gbs, 0)
                    .num("% copy bw", 100.0 * gbs / bw.copy_gbs, 0);
                if (l.n_k == 16) {
                    std_us = us;
                    row.str("gain vs STD %", "-");
                } else {
                    row.num("gain vs STD %", 100.0 * (std_us - us) / std_us, 1);
                }
                report.add(o.f16_cache ? "attention (f16 cache)" : "attention (bf16 cache)", row);
            }
        }
    }
    for (void* p : {k, v, q, out, scratch, lens}) cuda::device_free(p);
    return true;
}

ModelConfig sigma_15b(bool std_twin) {
    ModelConfig c;
    c.arch = Arch::Sigma;
    c.arch_name = std_twin ? "std" : "sigma";
    c.n_layer = 26;
    c.n_embd = 2048;
    c.n_ff = 6144;
    c.heads = {32, std_twin ? 16 : 4, 16};
    c.d_k = c.d_k_cache = c.d_v = 64;
    c.d_aug = std_twin ? 0 : 3072;
    c.n_vocab = 128256;
    c.n_ctx_train = 32768 + 64;
    c.rope_theta = 50000.0f;
    return c;
}

bool phase_model(const Options& o, const Bandwidth& bw, Report& report) {
    const bool decode = has_phase(o, "decode"), prefill = has_phase(o, "prefill");
    const std::vector<int> prefixes = o.quick ? std::vector<int>{2048, 32768} : std::vector<int>{2048, 16384, 32768};
    for (TensorType type : {TensorType::F16, TensorType::Q8_0}) {
        for (bool std_twin : {true, false}) {
            const ModelConfig c = sigma_15b(std_twin);
            const std::string name = std::string(std_twin ? "STD 16/16" : "Sigma 4/16+AugQ") + " " +
                                     (type == TensorType::F16 ? "f16" : "q8_0");
            CudaForwardParams p;
            p.n_ctx = c.n_ctx_train;
            p.n_batch = 512;
            const double t0 = now_s();
            auto m = bench::make_random_model(c, type, p, 42);
            if (!m) {
                std::fprintf(stderr, "error: %s: %s\n", name.c_str(), m.error().message.c_str());
                return false;
            }
            std::printf("  %s: created in %.1f s\n", name.c_str(), now_s() - t0);
            const bench::RandomModel& model = **m;
            CudaForward& f = *model.forward;
            if (decode) {
                for (int prefix : prefixes) {
                    BENCH_TRY(f.fill_cache_random(prefix, 9));
                    std::vector<double> ms;
                    const int steps = o.quick ? 10 : 30;
                    for (int i = 0; i < steps + 3; ++i) {
                        f.truncate(prefix);
                        const double a = now_s();
                        auto tok = f.decode_sample(1000 + i, 0.0f, 1);
                        const double b = now_s();
                        if (!tok) {
                            std::fprintf(stderr, "error: %s\n", tok.error().message.c_str());
                            return false;
                        }
                        if (i >= 3) ms.push_back((b - a) * 1e3);  // the first steps capture the graph
                    }
                    f.truncate(prefix);
                    const double bytes = static_cast<double>(bench::decode_step_bytes(model));
                    const double floor_ms = bytes / (bw.copy_gbs * 1e9) * 1e3;
                    const double med = median(ms);
                    report.add("decode step (batch 1, token in, token out)", Row()
                                                                                 .str("model", name)
                                                                                 .num("prefix", prefix, 0)
                                                                                 .num("GB read", bytes / 1e9, 2)
                                                                                 .num("floor ms", floor_ms, 3)
                                                                                 .num("ms/token", med, 3)
                                                                                 .num("x floor", med / floor_ms, 2)
                                                                                 .num("tok/s", 1e3 / med, 0));
                }
            }
            if (prefill) {
                const int n = 2048;
                std::vector<int32_t> prompt(static_cast<size_t>(n));
                for (int i = 0; i < n; ++i) prompt[static_cast<size_t>(i)] = (i * 7919) % c.n_vocab;
                f.truncate(0);
                const double flops = bench::forward_flops(model, n);
                std::vector<double> sec;
                for (int r = 0; r < (o.quick ? 2 : 4); ++r) {
                    f.truncate(0);
                    const double a = now_s();
                    auto l = f.decode(prompt);
                    const double b = now_s();
                    if (!l) {
                        std::fprintf(stderr, "error: %s\n", l.error().message.c_str());
                        return false;
                    }
                    if (r > 0) sec.push_back(b - a);  // the first run warms cuBLAS up
                }
                const double s = median(sec);
                report.add(
                    "prefill (2048-token prompt, chunks of 512)",
                    Row().str("model", name).num("s", s, 3).num("tok/s", n / s, 0).num("TFLOP/s", flops / s / 1e12, 1));
            }
        }
    }
    return true;
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc) o.json = argv[++i];
        else if (a == "--phases" && i + 1 < argc) o.phases = argv[++i];
        else if (a == "--quick") o.quick = true;
        else if (a == "--cache" && i + 1 < argc) {
            const std::string v = argv[++i];
            if (v != "f16" && v != "bf16") return false;
            o.f16_cache = v == "f16";
        } else return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: sigma-bench-cuda [--json FILE] [--phases bw,attn,decode,prefill] [--quick] "
                     "[--cache bf16|f16]\n");
        return 2;
    }
    if (cuda::device_count() == 0) {
        std::fprintf(stderr, "sigma-bench-cuda: no CUDA device\n");
        return 3;
    }
    auto info = cuda::device_info(0);
    if (!info) {
        std::fprintf(stderr, "error: %s\n", info.error().message.c_str());
        return 1;
    }
    std::printf("device: %s, %d SMs, %.1f GiB\n", info->name.c_str(), info->sm_count,
                static_cast<double>(info->total_bytes) / (1u << 30));
    cuda::Stream s = nullptr;
    cuda::Timer* timer = nullptr;
    if (!take(cuda::stream_create(), s) || !take(cuda::timer_create(), timer)) return 1;
    Report report;
    report.add("device", Row()
                             .str("name", info->name)
                             .num("SMs", info->sm_count, 0)
                             .num("GiB", static_cast<double>(info->total_bytes) / (1u << 30), 1));
    Bandwidth bw;
    bool ok = true;
    const double t0 = now_s();
    double t = t0;
    auto lap = [&](const char* phase) {
        const double n = now_s();
        std::printf("phase %s: %.1f s\n", phase, n - t);
        report.add("phase seconds", Row().str("phase", phase).num("s", n - t, 1));
        t = n;
    };
    ok = phase_bandwidth(o, s, timer, info->sm_count, report, bw);  // the other phases divide by it
    lap("bandwidth");
    if (ok && has_phase(o, "attn")) {
        ok = phase_attention(o, s, timer, info->sm_count, bw, report);
        lap("attention");
    }
    if (ok && (has_phase(o, "decode") || has_phase(o, "prefill"))) {
        ok = phase_model(o, bw, report);
        lap("model");
    }
    cuda::timer_destroy(timer);
    cuda::stream_destroy(s);
    if (!o.json.empty()) {
        std::ofstream(o.json) << report.json();
    }
    std::printf("\n%s", report.text().c_str());
    std::printf("total %.1f s%s\n", now_s() - t0, ok ? "" : " (stopped by an error, see above)");
    return ok ? 0 : 1;
}
