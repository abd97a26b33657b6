// sigma bench's measuring logic: argument parsing, byte accounting of a decode step, a memory-read
// bandwidth probe, prompt-processing and decode timings, and llama-bench-shaped table/JSON lines.
// Not a profiler and not the CLI: the command prints what these functions return.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "inference/context.h"
#include "inference/core/expected.h"
#include "inference/kv_cache.h"
#include "inference/model.h"

namespace sigma {

// How the -d positions get into the context before the tests: Prefill decodes -d random tokens (the
// real thing, minutes at long depths on a CPU); Synthetic writes random K/V rows straight into the
// cache (Context::fill_synthetic, CPU only), which costs seconds and leaves decode the same work.
enum class BenchFill { Prefill, Synthetic };
const char* bench_fill_name(BenchFill f);  // "prefill", "synthetic"

struct BenchOptions {
    std::string model_path;                        // -m FILE
    int n_prompt = 128;                            // -p: prompt tokens for the pp test (0 = no pp test)
    int n_gen = 32;                                // -n: decode steps for the tg test (0 = no tg test)
    int depth = 0;                                 // -d: tokens already in the context before each test
    int threads = 2;                               // -t
    int reps = 3;                                  // -r
    BenchFill fill = BenchFill::Prefill;           // --fill prefill|synthetic
    bool json = false;                             // --json: one JSON object per test and line
    BackendRequest backend = BackendRequest::Cpu;  // --backend auto|cpu|cuda
    int64_t bandwidth_bytes = int64_t{1} << 30;    // size of the array the bandwidth probe sums
};

// Parses `sigma bench` arguments (without the command name); errors name the option.
Expected<BenchOptions> parse_bench_args(const std::vector<std::string>& args);
const char* bench_usage();

// Bytes one decode step reads: every weight once (the embedding only one row, unless it doubles as
// the output projection), plus the K and V rows of `depth` cached positions in every layer.
struct DecodeBytes {
    uint64_t weights = 0;
    uint64_t kv = 0;
    uint64_t total() const { return weights + kv; }
};
DecodeBytes decode_bytes_per_token(const ModelConfig& config, const ModelWeights& weights, KvType kv_type, int depth);
// Parameters of all weight tensors (a tied embedding counted once).
uint64_t parameter_count(const ModelWeights& weights);

// Reads an array of `bytes` bytes with `threads` threads summing their parts, best of `reps`: GB/s.
double measure_read_bandwidth_gbps(int threads, int64_t bytes, int reps = 3);

struct BenchResult {
    std::string test;  // "pp128", "tg32"
    int n_tokens = 0;
    int depth = 0;
    int threads = 0;
    std::string fill = "prefill";  // how the depth positions were filled: "prefill" or "synthetic"
    std::string backend = "cpu";   // where it ran: "cpu" or "cuda"
    std::string backend_note;      // auto on the CPU: why not CUDA; on CUDA: the device
    double tokens_per_s = 0;
    double stddev = 0;  // over repetitions
    uint64_t model_bytes = 0;
    uint64_t params = 0;
    uint64_t bytes_per_token = 0;  // tg only: DecodeBytes::total at this depth
    double achieved_gbps = 0;      // tg only: bytes_per_token * tokens_per_s
    double bandwidth_share = 0;    // tg only: achieved / measured bandwidth (0 when none measured)
    uint64_t kv_cache_bytes = 0;   // the K and V caches of the context the tests ran in
};

// Mean and sample standard deviation of per-repetition rates.
void mean_and_stddev(const std::vector<double>& values, double& mean, double& stddev);

// Runs the pp and tg tests on `model` (random token ids; the context holds depth + the longer test).
// bandwidth_gbps (0 = unknown) sets bandwidth_share.
Expected<std::vector<BenchResult>> run_bench(std::shared_ptr<const Model> model, const BenchOptions& options,
                                             double bandwidth_gbps);

// llama-bench's table: header, separator, one row per result.
std::string bench_table_header();
std::string bench_table_row(const BenchResult& r, const std::string& model_name);
std::string bench_json_line(const BenchResult& r, const std::string& model_name);

}  // namespace sigma
