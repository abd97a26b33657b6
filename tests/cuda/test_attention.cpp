// CUDA DiffQKV attention against references: flash-decoding over a sweep of head layouts (n_k != n_v,
// d_k != d_v, MQA, MHA), ragged batches, both cache types and causal prefill rows; selective V against
// the engine's CPU attention_selective (F16 cache) on integer-valued inputs, so scores are exact on
// both sides and the same positions are kept, ties included.
// Not the KV store or RoPE: test_ops.cpp covers those.
#include <algorithm>

#include "inference/kv_cache.h"
#include "inference/ops_attention.h"
#include "inference/tensor_types.h"
#include "tests/cuda/harness.h"

using namespace sigma;
using namespace sigma::cuda_test;

namespace {

struct Layout {
    int n_q, n_k, n_v, d_k, d_v;
    HeadCounts heads() const { return {n_q, n_k, n_v}; }
};

std::string name_of(const Layout& l) {
    return std::to_string(l.n_q) + "q/" + std::to_string(l.n_k) + "k/" + std::to_string(l.n_v) + "v d" +
           std::to_string(l.d_k) + "/" + std::to_string(l.d_v);
}

uint16_t to_cache(float v, cuda::CacheType t) { return t == cuda::CacheType::F16 ? fp32_to_fp16(v) : fp32_to_bf16(v); }
double from_cache(uint16_t b, cuda::CacheType t) {
    return t == cuda::CacheType::F16 ? fp16_to_fp32(b) : bf16_to_fp32(b);
}

// Dense reference in double for row b: query q [n_q][d_k], positions [0, len) of caches k/v.
void reference_row(std::vector<double>& out, const float* q, const uint16_t* k, const uint16_t* v, cuda::CacheType t,
                   const Layout& l, int len, double scale) {
    std::vector<double> s(static_cast<size_t>(len));
    for (int h = 0; h < l.n_q; ++h) {
        const int kh = l.heads().k_head(h), vh = l.heads().v_head(h);
        double mx = -1e300;
        for (int p = 0; p < len; ++p) {
            double acc = 0.0;
            for (int d = 0; d < l.d_k; ++d)
                acc += static_cast<double>(q[h * l.d_k + d]) *
                       from_cache(k[(static_cast<size_t>(p) * l.n_k + kh) * l.d_k + d], t);
            s[static_cast<size_t>(p)] = acc * scale;
            mx = std::max(mx, s[static_cast<size_t>(p)]);
        }
        double sum = 0.0;
        for (auto& x : s) sum += (x = std::exp(x - mx));
        for (int d = 0; d < l.d_v; ++d) {
            double o = 0.0;
            for (int p = 0; p < len; ++p)
                o += s[static_cast<size_t>(p)] * from_cache(v[(static_cast<size_t>(p) * l.n_v + vh) * l.d_v + d], t);
            out.push_back(o / sum);
        }
    }
}

// rows with their own caches (decode batch) when `shared` is false, else one cache and seq_len[t] = pos0+t+1.
void run_dense(Runner& r, std::mt19937& rng, const Layout& l, cuda::CacheType type, const std::vector<int>& lens,
               bool shared, int sm_count) {
    const int rows = static_cast<int>(lens.size());
    const int T = *std::max_element(lens.begin(), lens.end());
    const int n_caches = shared ? 1 : rows;
    const size_t kw = static_cast<size_t>(l.n_k) * l.d_k, vw = static_cast<size_t>(l.n_v) * l.d_v;
    std::vector<uint16_t> k(static_cast<size_t>(n_caches) * T * kw), v(static_cast<size_t>(n_caches) * T * vw);
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    for (auto& x : k) x = to_cache(dist(rng), type);
    for (auto& x : v) x = to_cache(dist(rng), type);
    auto q = random_floats(rng, static_cast<size_t>(rows) * l.n_q * l.d_k, -1.5f, 1.5f);
    const double scale = 1.0 / std::sqrt(static_cast<double>(l.d_k));
    std::vector<double> ref;
    for (int b = 0; b < rows; ++b) {
        const size_t c = shared ? 0 : static_cast<size_t>(b);
        reference_row(ref, q.data() + static_cast<size_t>(b) * l.n_q * l.d_k, k.data() + c * T * kw,
                      v.data() + c * T * vw, type, l, lens[static_cast<size_t>(b)], scale);
    }
    DeviceBuffer<uint16_t> dk(k.size()), dv(v.size());
    DeviceBuffer<float> dq(q.size()), dout(ref.size());
    DeviceBuffer<int32_t> dlen(lens.size());
    dk.upload(k);
    dv.upload(v);
    dq.upload(q);
    dlen.upload(std::vector<int32_t>(lens.begin(), lens.end()));
    poison(dout);
    cuda::AttentionShape sh;
    sh.rows = rows;
    sh.heads = l.heads();
    sh.d_k = l.d_k;
    sh.d_v = l.d_v;
    sh.k_seq_stride = shared ? 0 : static_cast<int64_t>(T) * static_cast<int64_t>(kw);
    sh.v_seq_stride = shared ? 0 : static_cast<int64_t>(T) * static_cast<int64_t>(vw);
    sh.max_seq_len = T;
    sh.scale = static_cast<float>(scale);
    const size_t scratch_bytes = cuda::attention_scratch_bytes(rows, l.n_q, l.d_v);
    DeviceBuffer<float> scratch(scratch_bytes / sizeof(float));
    poison(scratch);
    r.ok(cuda::attention(dout.get(), dq.get(), dk.get(), dv.get(), type, dlen.get(), sh, scratch.get(), scratch_bytes,
                         sm_count, nullptr),
         "attention launch");
    r.ok(cuda::device_sync(), "attention sync");
    std::string lens_s;
    for (int x : lens) lens_s += (lens_s.empty() ? "" : ",") + std::to_string(x);
    r.below(nmse(dout.download(), ref), 1e-9,
            std::string(shared ? "prefill " : "decode ") + (type == cuda::CacheType::F16 ? "f16 " : "bf16 ") +
                name_of(l) + " len " + (lens_s.size() > 24 ? lens_s.substr(0, 24) + "..." : lens_s));
}

// Selective V on exact integer inputs, against the engine's CPU op (F16 cache, per query head).
void run_selective(Runner& r, std::mt19937& rng, const Layout& l, int len, int top_k, int rows) {
    const size_t kw = static_cast<size_t>(l.n_k) * l.d_k, vw = static_cast<size_t>(l.n_v) * l.d_v;
    std::vector<uint16_t> k(static_cast<size_t>(rows) * len * kw), v(static_cast<size_t>(rows) * len * vw);
    std::uniform_int_distribution<int> small(-2, 2);  // few distinct scores: many ties at the cut
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (auto& x : k) x = fp32_to_fp16(static_cast<float>(small(rng)));
    for (auto& x : v) x = fp32_to_fp16(dist(rng));
    std::vector<float> q(static_cast<size_t>(rows) * l.n_q * l.d_k);
    for (auto& x : q) x = static_cast<float>(small(rng));
    const float scale = 0.125f;  // a power of two keeps the scaled scores exact
    std::vector<double> ref;
    std::vector<float> out(static_cast<size_t>(l.d_v)), scores(static_cast<size_t>(len));
    std::vector<int32_t> index(static_cast<size_t>(len));
    for (int b = 0; b < rows; ++b) {
        for (int h = 0; h < l.n_q; ++h) {
            const int kh = l.heads().k_head(h), vh = l.heads().v_head(h);
            const KvRows kr{k.data() + static_cast<size_t>(b) * len * kw + static_cast<size_t>(kh) * l.d_k, KvType::F16,
                            static_cast<int64_t>(kw)};
            const KvRows vr{v.data() + static_cast<size_t>(b) * len * vw + static_cast<size_t>(vh) * l.d_v, KvType::F16,
                            static_cast<int64_t>(vw)};
            attention_selective(out.data(), q.data() + (static_cast<size_t>(b) * l.n_q + h) * l.d_k, kr, l.d_k, vr,
                                l.d_v, len, scale, top_k, scores.data(), index.data());
            ref.insert(ref.end(), out.begin(), out.end());
        }
    }
    DeviceBuffer<uint16_t> dk(k.size()), dv(v.size());
    DeviceBuffer<float> dq(q.size()), dout(ref.size());
    DeviceBuffer<int32_t> dlen(static_cast<size_t>(rows));
    dk.upload(k);
    dv.upload(v);
    dq.upload(q);
    dlen.upload(std::vector<int32_t>(static_cast<size_t>(rows), len));
    poison(dout);
    cuda::AttentionShape sh;
    sh.rows = rows;
    sh.heads = l.heads();
    sh.d_k = l.d_k;
    sh.d_v = l.d_v;
    sh.k_seq_stride = static_cast<int64_t>(len) * static_cast<int64_t>(kw);
    sh.v_seq_stride = static_cast<int64_t>(len) * static_cast<int64_t>(vw);
    sh.max_seq_len = len;
    sh.scale = scale;
    const size_t bytes = cuda::selective_scratch_bytes(rows, l.n_q, len);
    DeviceBuffer<uint8_t> scratch(bytes);
    r.ok(cuda::attention_selective(dout.get(), dq.get(), dk.get(), dv.get(), cuda::CacheType::F16, dlen.get(), sh,
                                   top_k, scratch.get(), bytes, nullptr),
         "selective launch");
    r.ok(cuda::device_sync(), "selective sync");
    r.below(nmse(dout.download(), ref), 1e-10,
            "selective " + name_of(l) + " len " + std::to_string(len) + " top_k " + std::to_string(top_k));
}

}  // namespace

int main() {
    if (!have_device()) return kSkipCode;
    Runner r;
    std::mt19937 rng(7);
    const int sm = cuda::device_info(0)->sm_count;
    const std::vector<Layout> layouts = {
        {32, 4, 16, 64, 64},   // Sigma-1.5B
        {32, 16, 16, 64, 64},  // its STD twin
        {8, 2, 4, 16, 32},     // d_k != d_v
        {8, 4, 2, 32, 16},     // n_v < n_k
        {6, 4, 3, 8, 8},       // groups that do not divide evenly
        {4, 4, 4, 128, 128},   // MHA
        {32, 1, 1, 64, 64},    // MQA: one K head for two blocks of 16
        {12, 3, 12, 24, 40},
    };
    for (const Layout& l : layouts) {
        for (cuda::CacheType t : {cuda::CacheType::F16, cuda::CacheType::BF16}) {
            run_dense(r, rng, l, t, {1}, false, sm);
            run_dense(r, rng, l, t, {129}, false, sm);
            run_dense(r, rng, l, t, {3000, 1, 128, 700}, false, sm);  // ragged batch
            run_dense(r, rng, l, t, {7, 8, 9, 10, 11}, true, sm);     // prefill rows over one cache
        }
    }
    run_dense(r, rng, layouts[0], cuda::CacheType::BF16, {20000}, false, sm);  // many splits per row
    std::vector<int> prefill(64);
    for (int i = 0; i < 64; ++i) prefill[static_cast<size_t>(i)] = 200 + i;  // chunk at pos0 = 199
    run_dense(r, rng, layouts[0], cuda::CacheType::F16, prefill, true, sm);

    for (const Layout& l : {layouts[0], layouts[2], layouts[4]}) {
        run_selective(r, rng, l, 300, 100, 2);
        run_selective(r, rng, l, 50, 100, 1);  // top_k >= len: dense
        run_selective(r, rng, l, 1000, 1, 1);
        run_selective(r, rng, l, 257, 0, 1);  // 0 keeps all
    }

    DeviceBuffer<float> d(16);
    cuda::AttentionShape bad;
    bad.heads = {4, 4, 4};
    bad.d_k = 12;
    bad.d_v = 8;
    bad.max_seq_len = 1;
    r.check(!cuda::attention(d.get(), d.get(), d.get(), d.get(), cuda::CacheType::F16,
                             reinterpret_cast<const int32_t*>(d.get()), bad, d.get(), 64, sm, nullptr)
                 .ok(),
            "d_k not a multiple of 8 is an error");
    return r.finish("test_attention");
}
