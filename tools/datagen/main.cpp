// sigma-datagen: writes the embedded model's training corpus (JSONL) and the held-out eval suites.
// Not a compressor and not a trainer: gzip the corpus with `gzip -n`; tools/train reads it.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "app/domain/example_corpus.h"
#include "tools/datagen/datagen.h"

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: sigma-datagen --out DIR [--seed N] [--scale X] [--heldout SHARE] [--eval-dir DIR]\n"
                 "  writes DIR/corpus.jsonl (train split), DIR/corpus-heldout.jsonl (held-out chats) and\n"
                 "  DIR/heldout.{cmdgen,kql,diagnosis}.jsonl (held-out cases in the eval suites' format)\n"
                 "  --scale multiplies the examples drawn per template (default 1.0)\n"
                 "  --eval-dir: eval suites whose prompts must not appear (default: none)\n");
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
    sigma::datagen::DatagenOptions opt;
    std::string out_dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--out" && has_value) out_dir = argv[++i];
        else if (a == "--seed" && has_value) opt.seed = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--scale" && has_value) opt.scale = std::strtod(argv[++i], nullptr);
        else if (a == "--heldout" && has_value) opt.heldout_share = std::strtod(argv[++i], nullptr);
        else if (a == "--eval-dir" && has_value) opt.eval_dir = argv[++i];
        else {
            usage();
            return a == "--help" || a == "-h" ? 0 : 2;
        }
    }
    if (out_dir.empty() || opt.scale <= 0.0 || opt.heldout_share < 0.0 || opt.heldout_share >= 1.0) {
        usage();
        return 2;
    }
    std::string error;
    auto corpus = sigma::domain::ExampleCorpus::load_default(&error);
    if (!corpus) {
        std::fprintf(stderr, "sigma-datagen: cannot load the example corpus: %s\n", error.c_str());
        return 1;
    }
    sigma::datagen::DatagenResult result;
    if (!sigma::datagen::generate_all(*corpus, opt, &result, &error)) {
        std::fprintf(stderr, "sigma-datagen: %s\n", error.c_str());
        return 1;
    }
    const auto& w = *result.writer;
    const std::string corpus_text = w.corpus_jsonl();
    if (!write_file(out_dir + "/corpus.jsonl", corpus_text) ||
        !write_file(out_dir + "/corpus-heldout.jsonl", w.corpus_jsonl(true)) ||
        !write_file(out_dir + "/heldout.cmdgen.jsonl", w.heldout_suite_jsonl("cmd", "held-cmd")) ||
        !write_file(out_dir + "/heldout.kql.jsonl", w.heldout_suite_jsonl("kql", "held-kql")) ||
        !write_file(out_dir + "/heldout.diagnosis.jsonl", w.heldout_suite_jsonl("diagnosis", "held-diag"))) {
        std::fprintf(stderr, "sigma-datagen: cannot write into %s\n", out_dir.c_str());
        return 1;
    }
    size_t heldout = 0;
    for (const auto& r : w.records()) heldout += r.heldout ? 1 : 0;
    for (const auto& [name, c] : result.counts) {
        const double rate = c.generated + c.dropped
                                ? 100.0 * static_cast<double>(c.dropped) / static_cast<double>(c.generated + c.dropped)
                                : 0.0;
        std::printf("%-12s generated %7zu  dropped %6zu (%.1f%%)\n", name.c_str(), c.generated, c.dropped, rate);
        for (const auto& [why, n] : c.drop_reasons) std::printf("    %6zu  %s\n", n, why.c_str());
    }
    std::printf("total %zu examples (%zu held out), %zu bytes of training JSONL\n", w.records().size(), heldout,
                corpus_text.size());
    return 0;
}
