// The CUDA tests' own small harness: skip with exit code 77 when there is no device, device buffers
// that free themselves, random inputs, NaN-poisoned outputs and the normalised error of an op.
// Not GoogleTest: the GPU host may lack it, so each test is a plain main() returning 0, 1 or 77.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "inference/quant_k.h"
#include "inference/tensor_types.h"
#include "kernels/cuda_backend.h"

namespace sigma::cuda_test {

constexpr int kSkipCode = 77;

// Prints the device or the reason for skipping; returns true when tests can run.
inline bool have_device() {
    if (cuda::device_count() == 0) {
        std::printf("skipped: no CUDA device\n");
        return false;
    }
    auto info = cuda::device_info(0);
    if (!info) {
        std::printf("skipped: no CUDA device (%s)\n", info.error().message.c_str());
        return false;
    }
    std::printf("device: %s, %d SMs, %.1f GiB\n", info->name.c_str(), info->sm_count,
                static_cast<double>(info->total_bytes) / (1u << 30));
    return true;
}

class Runner {
public:
    // Records one named check; prints failures (and passes when verbose).
    bool check(bool ok, const std::string& what) {
        ++checks_;
        if (!ok) {
            ++failures_;
            std::printf("FAIL %s\n", what.c_str());
        }
        return ok;
    }
    // A Status must be ok; its message is printed otherwise.
    bool ok(const Status& st, const std::string& what) {
        return check(st.ok(), what + (st.ok() ? "" : ": " + st.error().message));
    }
    // err <= limit, printing the value either way so logs show the margins.
    bool below(double err, double limit, const std::string& what) {
        std::printf("  %-70s nmse %.3e (limit %.0e)\n", what.c_str(), err, limit);
        return check(err <= limit, what + " nmse " + std::to_string(err));
    }
    int failures() const { return failures_; }
    int finish(const char* name) const {
        std::printf("%s: %d checks, %d failed\n", name, checks_, failures_);
        return failures_ == 0 ? 0 : 1;
    }

private:
    int checks_ = 0, failures_ = 0;
};

// sum (out - ref)^2 / sum ref^2; any NaN or infinity in out (an unwritten poisoned element) is +inf.
inline double nmse(const std::vector<float>& out, const std::vector<double>& ref) {
    if (out.size() != ref.size()) return std::numeric_limits<double>::infinity();
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < out.size(); ++i) {
        if (!std::isfinite(out[i])) return std::numeric_limits<double>::infinity();
        const double d = static_cast<double>(out[i]) - ref[i];
        num += d * d;
        den += ref[i] * ref[i];
    }
    return den > 0.0 ? num / den : num;
}

// A device buffer of n elements of T, freed on scope exit.
template <typename T>
class DeviceBuffer {
public:
    explicit DeviceBuffer(size_t n) : n_(n) {
        auto p = cuda::device_alloc(n * sizeof(T) + 16);
        if (p) ptr_ = static_cast<T*>(*p);
    }
    ~DeviceBuffer() { cuda::device_free(ptr_); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    T* get() const { return ptr_; }
    size_t size() const { return n_; }
    bool upload(const std::vector<T>& host) const {
        return host.size() <= n_ && cuda::copy_to_device(ptr_, host.data(), host.size() * sizeof(T)).ok();
    }
    std::vector<T> download() const {
        std::vector<T> host(n_);
        if (!cuda::copy_to_host(host.data(), ptr_, n_ * sizeof(T)).ok()) host.clear();
        return host;
    }

private:
    T* ptr_ = nullptr;
    size_t n_ = 0;
};

// Fills a float buffer with NaN so unwritten outputs fail the comparison.
inline bool poison(const DeviceBuffer<float>& b) {
    return cuda::fill_f32(b.get(), std::numeric_limits<float>::quiet_NaN(), b.size()).ok() && cuda::device_sync().ok();
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

// n weights (a multiple of 256) of ggml's K-quant type t (Q4_K, Q5_K, Q6_K) as random well-formed
// blocks: every quant and scale byte random, the f16 super-block scales small and positive. The
// engine's dequantize_row (quant_k.h) is the oracle the CUDA kernels are held to on them.
inline std::vector<uint8_t> random_kquant(std::mt19937& rng, TensorType t, int64_t n) {
    const size_t block_bytes = row_bytes(t, kQKBlockSize);
    std::vector<uint8_t> bytes(static_cast<size_t>(n / kQKBlockSize) * block_bytes);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.0005f, 0.004f);
    for (auto& b : bytes) b = static_cast<uint8_t>(byte(rng));
    for (size_t b = 0; b < bytes.size() / block_bytes; ++b) {
        uint8_t* x = bytes.data() + b * block_bytes;
        // d (and dmin) at the start of Q4_K/Q5_K blocks; Q6_K's d is its last two bytes
        for (size_t off : t == TensorType::Q6_K ? std::vector<size_t>{208} : std::vector<size_t>{0, 2}) {
            const uint16_t h = fp32_to_fp16(scale(rng));
            x[off] = static_cast<uint8_t>(h & 0xff);
            x[off + 1] = static_cast<uint8_t>(h >> 8);
        }
    }
    return bytes;
}

}  // namespace sigma::cuda_test
