// CUDA matmul against a double-precision reference over the CPU's own dequantised weights: the GEMV
// kernels (decode) and the cuBLAS path (prefill) for F32, F16, BF16 and Q8_0, over a sweep of shapes
// and token counts, with poisoned outputs; ggml's K-quants (Q4_K, Q5_K, Q6_K) on random blocks against
// the engine's reference dequantiser (dequantize_row, quant_k.h).
// Not a speed test: sigma-bench-cuda measures that.
#include "inference/tensor_types.h"
#include "tests/cuda/harness.h"

using namespace sigma;
using namespace sigma::cuda_test;

namespace {

struct Case {
    int64_t in, out;
    int tokens;
};

void run_case(Runner& r, std::mt19937& rng, cuda::MatmulContext* ctx, TensorType type, const Case& c, bool gemv_only) {
    const size_t rb = row_bytes(type, c.in);
    auto wf = random_floats(rng, static_cast<size_t>(c.in * c.out));
    std::vector<uint8_t> w(rb * static_cast<size_t>(c.out));
    for (int64_t o = 0; o < c.out; ++o)
        quantize_row(type, wf.data() + o * c.in, w.data() + static_cast<size_t>(o) * rb, c.in);
    auto x = random_floats(rng, static_cast<size_t>(c.in) * c.tokens);
    // reference: the weights as the CPU reads them, products summed in double
    std::vector<float> row(static_cast<size_t>(c.in));
    std::vector<double> ref(static_cast<size_t>(c.out) * c.tokens);
    for (int64_t o = 0; o < c.out; ++o) {
        dequantize_row(type, w.data() + static_cast<size_t>(o) * rb, row.data(), c.in);
        for (int t = 0; t < c.tokens; ++t) {
            double s = 0.0;
            for (int64_t i = 0; i < c.in; ++i)
                s += static_cast<double>(row[static_cast<size_t>(i)]) * x[static_cast<size_t>(t * c.in + i)];
            ref[static_cast<size_t>(t * c.out + o)] = s;
        }
    }
    DeviceBuffer<uint8_t> dw(w.size());
    DeviceBuffer<float> dx(x.size()), dy(ref.size());
    dw.upload(w);
    dx.upload(x);
    poison(dy);
    const Status st = gemv_only ? cuda::gemv(dy.get(), dw.get(), type, c.in, c.out, dx.get(), c.tokens, nullptr)
                                : cuda::matmul(ctx, dy.get(), dw.get(), type, c.in, c.out, dx.get(), c.tokens);
    r.ok(st, "matmul launch");
    r.ok(cuda::device_sync(), "matmul sync");
    // GEMV reads weights exactly (f32 sums); cuBLAS rounds activations to the weight's 16-bit type.
    const bool exactish = gemv_only || c.tokens <= cuda::kGemvMaxTokens || type == TensorType::F32;
    const double limit = exactish ? 1e-9 : (type == TensorType::BF16 ? 1e-4 : 1e-5);
    r.below(nmse(dy.download(), ref), limit,
            std::string(gemv_only ? "gemv " : "matmul ") + type_name(type) + " in=" + std::to_string(c.in) +
                " out=" + std::to_string(c.out) + " tokens=" + std::to_string(c.tokens));
}

// K-quants: random well-formed blocks, reference rows from the engine's plain dequantiser.
void run_kquant(Runner& r, std::mt19937& rng, cuda::MatmulContext* ctx, TensorType type, const Case& c,
                bool gemv_only) {
    auto w = random_kquant(rng, type, c.in * c.out);
    const size_t rb = row_bytes(type, c.in);
    auto x = random_floats(rng, static_cast<size_t>(c.in) * c.tokens);
    std::vector<float> row(static_cast<size_t>(c.in));
    std::vector<double> ref(static_cast<size_t>(c.out) * c.tokens);
    for (int64_t o = 0; o < c.out; ++o) {
        r.check(dequantize_row(type, w.data() + static_cast<size_t>(o) * rb, row.data(), c.in),
                std::string("CPU dequantiser ") + type_name(type));
        for (int t = 0; t < c.tokens; ++t) {
            double s = 0.0;
            for (int64_t i = 0; i < c.in; ++i)
                s += static_cast<double>(row[static_cast<size_t>(i)]) * x[static_cast<size_t>(t * c.in + i)];
            ref[static_cast<size_t>(t * c.out + o)] = s;
        }
    }
    DeviceBuffer<uint8_t> dw(w.size());
    DeviceBuffer<float> dx(x.size()), dy(ref.size());
    dw.upload(w);
    dx.upload(x);
    poison(dy);
    const Status st = gemv_only ? cuda::gemv(dy.get(), dw.get(), type, c.in, c.out, dx.get(), c.tokens, nullptr)
                                : cuda::matmul(ctx, dy.get(), dw.get(), type, c.in, c.out, dx.get(), c.tokens);
    r.ok(st, "k-quant matmul launch");
    r.ok(cuda::device_sync(), "k-quant matmul sync");
    const bool exactish = gemv_only || c.tokens <= cuda::kGemvMaxTokens;
    r.below(nmse(dy.download(), ref), exactish ? 1e-9 : 1e-5,
            std::string(gemv_only ? "gemv " : "matmul ") + type_name(type) + " in=" + std::to_string(c.in) +
                " out=" + std::to_string(c.out) + " tokens=" + std::to_string(c.tokens));
}

}  // namespace

int main() {
    if (!have_device()) return kSkipCode;
    Runner r;
    std::mt19937 rng(99);
    auto stream = cuda::stream_create();
    if (!r.ok(stream ? Status{} : Status{stream.error()}, "stream")) return r.finish("test_matmul");
    auto ctx = cuda::matmul_context_create(*stream, cuda::matmul_scratch_bytes(2048, 1000, 64));
    if (!r.ok(ctx ? Status{} : Status{ctx.error()}, "matmul context")) return r.finish("test_matmul");
    // A stream-ordered context: the default-stream uploads above must be visible before it runs.
    const std::vector<Case> cases = {{32, 1, 1},     {64, 17, 1},  {96, 33, 2},     {256, 100, 4},  {2048, 130, 1},
                                     {512, 1000, 3}, {128, 64, 5}, {1024, 257, 33}, {2048, 300, 64}};
    for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0}) {
        for (const Case& c : cases) {
            run_case(r, rng, *ctx, type, c, false);
            if (c.tokens > cuda::kGemvMaxTokens) run_case(r, rng, *ctx, type, c, true);
        }
    }
    for (TensorType type : {TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K}) {
        for (const Case& c :
             {Case{256, 1, 1}, Case{256, 70, 3}, Case{2048, 129, 1}, Case{1536, 40, 4}, Case{512, 300, 20}}) {
            run_kquant(r, rng, *ctx, type, c, false);
            if (c.tokens > cuda::kGemvMaxTokens) run_kquant(r, rng, *ctx, type, c, true);
        }
    }
    r.check(!cuda::gemv(nullptr, nullptr, TensorType::Q4_K, 128, 1, nullptr, 1, nullptr).ok(),
            "a K-quant row shorter than a super-block is an error");
    // rows not a multiple of 8 take the scalar GEMV path
    for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16})
        run_case(r, rng, *ctx, type, Case{13, 9, 2}, true);
    DeviceBuffer<float> d(64);
    r.check(!cuda::gemv(d.get(), d.get(), TensorType::Q8_0, 40, 1, d.get(), 1, nullptr).ok(),
            "Q8_0 with a row length not a multiple of 32 is an error");
    r.check(!cuda::gemv(d.get(), d.get(), TensorType::Q4_0, 32, 1, d.get(), 1, nullptr).ok(),
            "an unsupported weight type is an error");
    cuda::matmul_context_destroy(*ctx);
    cuda::stream_destroy(*stream);
    return r.finish("test_matmul");
}
