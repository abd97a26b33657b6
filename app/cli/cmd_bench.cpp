// sigma bench -m FILE [-p 128] [-n 32] [-d N] [-t N] [-r REPS] [--fill F] [--backend B] [--json]: prompt-processing and decode
// speed in llama-bench's table shape, with decode's bytes per token against the measured read bandwidth.
// Not the measuring code (inference/bench.h) and not a comparison tool: it prints one run's numbers.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "inference/bench.h"
#include "inference/cpu_features.h"
#include "inference/model.h"
#include "inference/peak_memory.h"

namespace sigma::cli {

namespace {

// bench's options as given; its own parser (inference/bench.h) checks them, so the library and CLI agree.
struct BenchArgs {
    std::vector<std::pair<std::string, std::optional<std::string>>> values;  // (option, value if given)
    bool json = false;
};

int bench_command(const BenchArgs& args) {
    std::vector<std::string> forwarded;
    for (const auto& [option, value] : args.values) {
        if (!value) continue;
        forwarded.push_back(option);
        forwarded.push_back(*value);
    }
    // The CLI's default is auto, as for every model command; the library's is the CPU.
    if (std::find(forwarded.begin(), forwarded.end(), "--backend") == forwarded.end()) {
        forwarded.push_back("--backend");
        forwarded.push_back("auto");
    }
    if (args.json) forwarded.push_back("--json");
    auto options = parse_bench_args(forwarded);
    if (!options) return fail("bench", options.error().message + "\n" + bench_usage(), kExitUsage);

    // The bandwidth probe's array comes and goes before the model loads, and the peak restarts
    // after it, so the memory line counts the model's run alone.
    const double bandwidth = measure_read_bandwidth_gbps(options->threads, options->bandwidth_bytes);
    const bool peak_known = reset_peak_rss();
    auto model = Model::load(options->model_path);
    if (!model) return fail("bench", model.error().message);
    auto results = run_bench(*model, *options, bandwidth);
    if (!results) return fail("bench", results.error().message);
    const uint64_t peak = peak_known ? peak_rss_bytes() : 0;
    if (!results->empty()) {
        const BenchResult& first = results->front();
        print_backend_line(options->backend, first.backend == "cuda" ? ComputeBackend::Cuda : ComputeBackend::Cpu,
                           first.backend_note);
    }

    const std::string name = std::filesystem::path(options->model_path).filename().string();
    if (options->json) {
        for (const BenchResult& r : *results) std::printf("%s\n", bench_json_line(r, name).c_str());
        std::printf("{\"test\": \"read_bandwidth\", \"threads\": %d, \"gbps\": %.3f}\n", options->threads, bandwidth);
        if (peak > 0 && !results->empty())
            std::printf(
                "{\"test\": \"memory\", \"peak_rss_bytes\": %llu, \"model_bytes\": %llu, \"kv_cache_bytes\": %llu}\n",
                static_cast<unsigned long long>(peak), static_cast<unsigned long long>(results->front().model_bytes),
                static_cast<unsigned long long>(results->front().kv_cache_bytes));
        return kExitOk;
    }
    std::printf("%s\n", bench_table_header().c_str());
    for (const BenchResult& r : *results) std::printf("%s\n", bench_table_row(r, name).c_str());
    if (!results->empty() && results->front().backend == "cuda")
        std::printf("\nbackend: cuda (%s); host memory read bandwidth (%d threads): %.1f GB/s\n",
                    results->front().backend_note.c_str(), options->threads, bandwidth);
    else
        std::printf("\nbackend: cpu; CPU path: %s; memory read bandwidth (%d threads): %.1f GB/s\n",
                    cpu_features_string().c_str(), options->threads, bandwidth);
    if (peak > 0 && !results->empty()) {
        // Weights stay mmapped: the peak should be the file, the KV cache and a little more.
        const double file = static_cast<double>(results->front().model_bytes);
        const double kv = static_cast<double>(results->front().kv_cache_bytes);
        std::printf("memory: peak RSS %.1f MiB = model file %.1f MiB + KV cache %.1f MiB %+.1f%%\n",
                    static_cast<double>(peak) / 1048576.0, file / 1048576.0, kv / 1048576.0,
                    100.0 * (static_cast<double>(peak) / (file + kv) - 1.0));
    }
    return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<BenchArgs>();
    CLI::App* sub =
        root.add_subcommand("bench", "prompt and decode speed in llama-bench's table, against the memory bandwidth");
    const struct {
        const char* name;
        const char* type;
        const char* help;
    } options[] = {
        {"-m", "FILE", "the GGUF model (required)"},
        {"-p", "N", "prompt tokens for the pp test (default 128; 0: no pp test)"},
        {"-n", "N", "decode steps for the tg test (default 32; 0: no tg test)"},
        {"-d", "N", "tokens already in the context before each test (default 0)"},
        {"-t", "N", "CPU threads (default 2)"},
        {"-r", "N", "repetitions (default 3)"},
        {"--fill", "prefill|synthetic", "how the -d positions are filled (synthetic: random K/V rows, CPU only)"},
        {"--backend", "auto|cpu|cuda", "where the model runs (default auto: CUDA when it can, else the CPU)"},
    };
    a->values.reserve(std::size(options));  // the options hold pointers into it
    for (const auto& o : options) {
        a->values.emplace_back(o.name, std::nullopt);
        sub->add_option(o.name, a->values.back().second, o.help)->type_name(o.type);
    }
    sub->add_flag("--json", a->json, "one JSON object per test and line on stdout");
    sub->footer(
        "Examples:\n"
        "  sigma bench -m model.gguf\n"
        "  sigma bench -m model.gguf -p 512 -n 64 -d 4096 --fill synthetic -t 8 --json");
    on_parsed(*sub, action, [a] { return bench_command(*a); });
}

}  // namespace sigma::cli
