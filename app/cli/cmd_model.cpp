// sigma model info FILE: what a GGUF holds (config, tensor types, tokenizer) and what running it costs
// in memory. Not a validator of weights' values: it loads and checks shapes only, like Model::load.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "inference/tensor_types.h"

namespace sigma::cli {

namespace {

std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024.0 && u < 4) {
        b /= 1024.0;
        ++u;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", b, units[u]);
    return buf;
}

std::string human_count(double n) {
    char buf[64];
    if (n >= 1e9) std::snprintf(buf, sizeof buf, "%.2f B", n / 1e9);
    else if (n >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", n / 1e6);
    else if (n >= 1e3) std::snprintf(buf, sizeof buf, "%.2f K", n / 1e3);
    else std::snprintf(buf, sizeof buf, "%.0f", n);
    return buf;
}

// A token's text for display: control characters escaped, long ones shortened.
std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '\n') out += "\\n";
        else if (c < 0x20 || c == 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        } else out += static_cast<char>(c);
        if (out.size() > 80) return out + "...";
    }
    return out;
}

void print_token(const GgufFile& g, const char* label, const char* key) {
    const auto id = g.get_int(key);
    if (!id) return;
    const auto* tokens = g.get_string_array("tokenizer.ggml.tokens");
    std::string text;
    if (tokens && *id >= 0 && static_cast<size_t>(*id) < tokens->size())
        text = " '" + printable((*tokens)[static_cast<size_t>(*id)]) + "'";
    std::printf("  %-15s %lld%s\n", label, static_cast<long long>(*id), text.c_str());
}

void print_tokenizer(const GgufFile& g) {
    const auto* tokens = g.get_string_array("tokenizer.ggml.tokens");
    std::printf("tokenizer:\n");
    std::printf("  %-15s %s\n", "model", g.get_string("tokenizer.ggml.model").value_or("(none)").c_str());
    std::printf("  %-15s %s\n", "pre", g.get_string("tokenizer.ggml.pre").value_or("(none)").c_str());
    std::printf("  %-15s %zu\n", "vocab size", tokens ? tokens->size() : size_t{0});
    if (const auto* merges = g.get_string_array("tokenizer.ggml.merges"))
        std::printf("  %-15s %zu\n", "merges", merges->size());
    print_token(g, "bos", "tokenizer.ggml.bos_token_id");
    print_token(g, "eos", "tokenizer.ggml.eos_token_id");
    if (const auto add_bos = g.get_bool("tokenizer.ggml.add_bos_token"))
        std::printf("  %-15s %s\n", "add bos", *add_bos ? "yes" : "no");
    const auto tmpl = g.get_string("tokenizer.chat_template");
    if (!tmpl) {
        std::printf("  %-15s none\n", "chat template");
    } else {
        const std::string first = tmpl->substr(0, tmpl->find('\n'));
        std::printf("  %-15s present (%zu bytes), first line: %s\n", "chat template", tmpl->size(),
                    printable(first).c_str());
    }
}

void print_file(const GgufFile& g, const std::string& path) {
    std::printf("file:             %s\n", path.c_str());
    std::printf("file size:        %s (%zu bytes)\n", human_bytes(static_cast<double>(g.size())).c_str(), g.size());
    std::printf("gguf:             version %u, %zu metadata keys, %zu tensors, alignment %zu\n", g.version(),
                g.metadata().size(), g.tensors().size(), g.alignment());
    std::printf("architecture:     %s\n", g.get_string("general.architecture").value_or("(none)").c_str());
    if (const auto name = g.get_string("general.name")) std::printf("name:             %s\n", name->c_str());
}

void print_tensors(const GgufFile& g) {
    struct Totals {
        size_t count = 0;
        size_t bytes = 0;
    };
    std::map<std::string, Totals> by_type;
    double params = 0;
    for (const TensorView& t : g.tensors()) {
        Totals& s = by_type[type_name(t.type)];
        ++s.count;
        s.bytes += t.nbytes;
        params += static_cast<double>(t.elements());
    }
    std::printf("tensors:          %zu, %s parameters (%.0f)\n", g.tensors().size(), human_count(params).c_str(),
                params);
    for (const auto& [name, s] : by_type) {
        std::printf("  %-6s %5zu tensors  %s\n", name.c_str(), s.count,
                    human_bytes(static_cast<double>(s.bytes)).c_str());
    }
}

void print_config(const ModelConfig& c) {
    std::printf("config:\n");
    auto row = [](const char* k, long long v) { std::printf("  %-15s %lld\n", k, v); };
    row("n_layer", c.n_layer);
    row("n_embd", c.n_embd);
    row("n_ff", c.n_ff);
    row("n_q (heads)", c.heads.n_q);
    row("n_k (heads)", c.heads.n_k);
    row("n_v (heads)", c.heads.n_v);
    row("d_k", c.d_k);
    row("d_k_cache", c.d_k_cache);
    row("d_v", c.d_v);
    row("d_aug (AugQ)", c.d_aug);
    std::printf("  %-15s %s\n", "half-K", c.half_k ? "yes" : "no");
    row("n_vocab", c.n_vocab);
    row("n_ctx_train", c.n_ctx_train);
    std::printf("  %-15s %g\n", "rms_eps", static_cast<double>(c.rms_eps));
    std::printf("  %-15s %g\n", "rope_theta", static_cast<double>(c.rope_theta));
    std::printf("  %-15s %s\n", "rope style", c.rope_style == RopeStyle::NeoX ? "neox" : "normal");
    std::printf("  %-15s %s\n", "qkv bias", c.qkv_bias ? "yes" : "no");
    std::printf("  %-15s %s\n", "output", c.tied_output ? "tied to token_embd" : "separate");
}

void print_memory(const Model& m) {
    const ModelConfig& c = m.config();
    const double ctx = c.n_ctx_train;
    // K: [n_layer, n_ctx, n_k, d_k_cache]; V: [n_layer, n_ctx, n_v, d_v].
    const double elements = c.n_layer * ctx * (double{1} * c.heads.n_k * c.d_k_cache + double{1} * c.heads.n_v * c.d_v);
    std::printf("context length:   %d tokens\n", c.n_ctx_train);
    std::printf("memory:\n");
    std::printf("  %-28s %s\n", "weights (file, mmapped)", human_bytes(static_cast<double>(m.file_bytes())).c_str());
    std::printf("  %-28s %s\n", ("KV cache f16 @ " + std::to_string(c.n_ctx_train)).c_str(),
                human_bytes(elements * 2).c_str());
    std::printf("  %-28s %s\n", ("KV cache f32 @ " + std::to_string(c.n_ctx_train)).c_str(),
                human_bytes(elements * 4).c_str());
    std::printf("  %-28s %s\n", "total with f16 KV",
                human_bytes(static_cast<double>(m.file_bytes()) + elements * 2).c_str());
}

struct ModelArgs {
    std::string action;  // "info", the only one
    std::string path;
};

int run_model(const ModelArgs& args, const CLI::App& sub) {
    if (args.action != "info" || sub.count("FILE") == 0)
        return fail("model", "usage: sigma model info FILE", kExitUsage);
    const std::string& path = args.path;

    auto model = Model::load(path);
    if (model) {
        const Model& m = **model;
        print_file(m.gguf(), path);
        print_config(m.config());
        print_tensors(m.gguf());
        print_tokenizer(m.gguf());
        print_memory(m);
        return kExitOk;
    }
    // A vocabulary-only GGUF (no tensors) is still worth describing.
    auto file = GgufFile::open(path);
    if (file && (*file)->tensors().empty()) {
        print_file(**file, path);
        print_tokenizer(**file);
        std::printf("vocabulary only: no weights\n");
        return kExitOk;
    }
    return fail("model", model.error().message, kExitFailure);
}

}  // namespace

void add_model_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<ModelArgs>();
    CLI::App* sub =
        root.add_subcommand("model", "what a GGUF holds (config, tensors, tokenizer) and the memory it needs");
    sub->add_option("ACTION", a->action, "info (the only one)")->type_name("");
    sub->add_option("FILE", a->path, "the GGUF file")->type_name("");
    sub->footer("Example:\n  sigma model info resources/models/sigma-ops.gguf");
    on_parsed(*sub, action, [a, sub] { return run_model(*a, *sub); });
}

}  // namespace sigma::cli
