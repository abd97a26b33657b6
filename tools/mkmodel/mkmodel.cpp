// sigma-mkmodel's model builder: options, checks, llama.cpp-compatible metadata and seeded weights.
// Not a quantiser of real weights: every tensor is seeded noise, so the same options give the same bytes.
#include "tools/mkmodel/mkmodel.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

#include "inference/tensor_types.h"

namespace sigma::mkmodel {

namespace {

// splitmix64: expands one seed into well-mixed state words.
uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// xoshiro256**: fast and good enough for weights; seeded per tensor so tensors do not depend on order.
class Rng {
public:
    Rng(uint64_t seed, const std::string& stream) {
        uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a of the tensor name
        for (unsigned char c : stream) h = (h ^ c) * 0x100000001b3ull;
        uint64_t x = seed ^ h;
        for (uint64_t& w : s_) w = splitmix64(x);
    }
    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Two uniform floats in [-1, 1) from one draw (24 bits each).
    void next_pair(float& a, float& b) {
        const uint64_t r = next();
        constexpr float kScale = 1.0f / 8388608.0f;  // 2^-23
        a = static_cast<float>(r >> 40) * kScale - 1.0f;
        b = static_cast<float>((r >> 8) & 0xffffffu) * kScale - 1.0f;
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

enum class Kind { Linear, Norm, Bias };

// Fills `rows` rows of `in` values of `type` at dst: linear weights uniform in +-sqrt(3/in)
// (unit variance after a matmul), norms 1 +- 0.1, biases +-0.02.
void fill_tensor(uint64_t seed, const std::string& name, Kind kind, TensorType type, int64_t in, int64_t rows,
                 void* dst) {
    Rng rng(seed, name);
    const float scale = kind == Kind::Linear ? std::sqrt(3.0f / static_cast<float>(in))
                        : kind == Kind::Norm ? 0.1f
                                             : 0.02f;
    const float offset = kind == Kind::Norm ? 1.0f : 0.0f;
    std::vector<float> row(static_cast<size_t>(in) + 1);
    const size_t stride = row_bytes(type, in);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < in; i += 2) {
            float a, b;
            rng.next_pair(a, b);
            row[static_cast<size_t>(i)] = offset + scale * a;
            row[static_cast<size_t>(i) + 1] = offset + scale * b;
        }
        quantize_row(type, row.data(), out + static_cast<size_t>(r) * stride, in);
    }
}

Expected<long long> to_integer(const std::string& opt, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE) {
        return make_error(ErrorCode::InvalidArgument, opt + ": '" + text + "' is not an integer");
    }
    return v;
}

uint32_t file_type_of(TensorType t) {
    switch (t) {  // llama.cpp's LLAMA_FTYPE ids
        case TensorType::F16: return 1;
        case TensorType::Q8_0: return 7;
        case TensorType::BF16: return 32;
        case TensorType::Q4_0: return 2;
        case TensorType::Q4_K: return 14;  // MOSTLY_Q4_K_S: every weight Q4_K
        case TensorType::Q5_K: return 16;  // MOSTLY_Q5_K_S
        case TensorType::Q6_K: return 18;
        default: return 0;
    }
}

uint32_t file_type_of(const Options& o) {
    if (o.k_mix) return o.type == TensorType::Q4_K ? 15 : 17;  // MOSTLY_Q4_K_M / MOSTLY_Q5_K_M
    return file_type_of(o.type);
}

struct Dims {
    int heads_k, heads_v, ffn, d_v, d_k, d_k_cache;
};

Dims derive(const Options& o) {
    Dims d{};
    d.heads_k = o.heads_k > 0 ? o.heads_k : o.heads;
    d.heads_v = o.heads_v > 0 ? o.heads_v : d.heads_k;
    d.ffn = o.ffn > 0 ? o.ffn : 4 * o.hidden;
    d.d_v = o.head_dim > 0 ? o.head_dim : (o.heads > 0 ? o.hidden / o.heads : 0);
    d.d_k = d.d_v;
    d.d_k_cache = o.half_k ? d.d_v / 2 : d.d_v;
    return d;
}

Error bad(const std::string& message) { return make_error(ErrorCode::InvalidArgument, message); }

}  // namespace

const char* usage() {
    return "usage: sigma-mkmodel -o FILE [--arch llama|qwen2|sigma] [--layers N] [--hidden N] [--heads N]\n"
           "                     [--heads-k N] [--heads-v N] [--ffn N] [--augq N] [--ctx N]\n"
           "                     (--vocab N | --vocab-from VOCAB.gguf) [--type "
           "f32|f16|bf16|q8_0|q4_0|q4_k|q5_k|q6_k|q4_k_m|q5_k_m]\n"
           "                     [--seed S]\n"
           "                     [--head-dim N] [--half-k] [--tied] [--rope-theta X]\n";
}

Expected<Options> parse_args(const std::vector<std::string>& args) {
    Options o;
    bool have_output = false;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string opt = args[i];
        std::string value;
        bool inline_value = false;
        if (const size_t eq = opt.find('='); opt.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = opt.substr(eq + 1);
            opt = opt.substr(0, eq);
            inline_value = true;
        }
        if (opt == "--half-k" || opt == "--tied") {
            if (inline_value) return bad(opt + " takes no value");
            (opt == "--half-k" ? o.half_k : o.tied) = true;
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) return bad(opt + ": missing value");
            value = args[++i];
        }
        auto integer = [&](int& field, long long lo) -> Status {
            auto v = to_integer(opt, value);
            if (!v) return v.error();
            if (*v < lo || *v > (1 << 24)) {
                return bad(opt + " " + value + " is outside " + std::to_string(lo) + ".." + std::to_string(1 << 24));
            }
            field = static_cast<int>(*v);
            return Status{};
        };
        Status st;
        if (opt == "-o" || opt == "--output") {
            o.output = value;
            have_output = true;
        } else if (opt == "--arch") o.arch = value;
        else if (opt == "--layers") st = integer(o.layers, 1);
        else if (opt == "--hidden") st = integer(o.hidden, 1);
        else if (opt == "--heads") st = integer(o.heads, 1);
        else if (opt == "--heads-k") st = integer(o.heads_k, 1);
        else if (opt == "--heads-v") st = integer(o.heads_v, 1);
        else if (opt == "--ffn") st = integer(o.ffn, 1);
        else if (opt == "--augq") st = integer(o.augq, 0);
        else if (opt == "--ctx") st = integer(o.ctx, 1);
        else if (opt == "--vocab") st = integer(o.vocab, 1);
        else if (opt == "--head-dim") st = integer(o.head_dim, 1);
        else if (opt == "--vocab-from") o.vocab_from = value;
        else if (opt == "--seed") {
            errno = 0;
            char* end = nullptr;
            o.seed = std::strtoull(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || errno == ERANGE || value[0] == '-') {
                return bad("--seed: '" + value + "' is not an unsigned integer");
            }
        } else if (opt == "--rope-theta") {
            char* end = nullptr;
            o.rope_theta = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(o.rope_theta > 0) || !std::isfinite(o.rope_theta)) {
                return bad("--rope-theta: '" + value + "' is not a positive number");
            }
        } else if (opt == "--type") {
            if (value == "f32") o.type = TensorType::F32;
            else if (value == "f16") o.type = TensorType::F16;
            else if (value == "bf16") o.type = TensorType::BF16;
            else if (value == "q8_0") o.type = TensorType::Q8_0;
            else if (value == "q4_0") o.type = TensorType::Q4_0;
            else if (value == "q4_k") o.type = TensorType::Q4_K;
            else if (value == "q5_k") o.type = TensorType::Q5_K;
            else if (value == "q6_k") o.type = TensorType::Q6_K;
            else if (value == "q4_k_m") o.type = TensorType::Q4_K;
            else if (value == "q5_k_m") o.type = TensorType::Q5_K;
            else
                return bad("--type: '" + value +
                           "' is not one of f32, f16, bf16, q8_0, q4_0, q4_k, q5_k, q6_k, q4_k_m, q5_k_m");
            o.k_mix = value == "q4_k_m" || value == "q5_k_m";
        } else {
            return bad("unknown option '" + opt + "'");
        }
        if (!st) return st.error();
    }
    if (!have_output || o.output.empty()) return bad("-o FILE is required");
    return o;
}

Status validate(const Options& o) {
    const bool sigma = o.arch == "sigma";
    if (o.arch != "llama" && o.arch != "qwen2" && !sigma)
        return bad("--arch '" + o.arch + "' is not llama, qwen2 or sigma");
    if (o.layers < 1 || o.hidden < 1 || o.heads < 1 || o.ctx < 1)
        return bad("--layers, --hidden, --heads and --ctx must be >= 1");
    const Dims d = derive(o);
    if (d.heads_k > o.heads || d.heads_v > o.heads) return bad("--heads-k and --heads-v must not exceed --heads");
    if (!sigma) {
        if (d.heads_v != d.heads_k) return bad("--heads-v must equal --heads-k for " + o.arch + " (one head_count_kv)");
        if (o.heads % d.heads_k != 0)
            return bad("--heads " + std::to_string(o.heads) + " is not a multiple of --heads-k " +
                       std::to_string(d.heads_k));
        if (o.augq > 0) return bad("--augq is only for --arch sigma");
        if (o.half_k) return bad("--half-k is only for --arch sigma");
    }
    if (o.head_dim == 0 && o.hidden % o.heads != 0) {
        return bad("--hidden " + std::to_string(o.hidden) + " is not a multiple of --heads " + std::to_string(o.heads) +
                   " (or give --head-dim)");
    }
    if (d.d_v % 2 != 0) return bad("head dim " + std::to_string(d.d_v) + " must be even (RoPE rotates pairs)");
    if (o.half_k && d.d_k_cache % 2 != 0)
        return bad("--half-k needs a head dim divisible by 4, got " + std::to_string(d.d_v));
    if ((o.vocab > 0) == !o.vocab_from.empty()) return bad("give exactly one of --vocab N or --vocab-from FILE");
    if (o.vocab > 0 && o.vocab < kMinVocab) {
        return bad("--vocab " + std::to_string(o.vocab) + " is too small: a synthetic vocabulary needs at least " +
                   std::to_string(kMinVocab) + " tokens");
    }
    const auto traits = type_traits(o.type);
    const int block = traits ? traits->block_size : 1;
    const struct {
        const char* what;
        int64_t n;
    } rows[] = {{"--hidden", o.hidden},
                {"--heads * head dim", int64_t{o.heads} * d.d_v},
                {"--ffn", d.ffn},
                {"--augq", o.augq},
                {"cached key head dim", o.half_k ? d.d_k_cache : block}};
    for (const auto& r : rows) {
        if (r.n % block != 0) {
            return bad(std::string("--type ") + type_name(o.type) + " needs row lengths that are multiples of " +
                       std::to_string(block) + ": " + r.what + " = " + std::to_string(r.n) + " is not");
        }
    }
    return Status{};
}

TensorType weight_type(const Options& o, const std::string& role, int layer) {
    if (!o.k_mix) return o.type;
    const bool has_output = !o.tied;
    if (role == "output" || (role == "token_embd" && !has_output)) return TensorType::Q6_K;
    if (role == "attn_v" || role == "ffn_down") {
        const int n = o.layers, eighth = n / 8;
        const bool more_bits = layer < eighth || layer >= 7 * n / 8 || (layer - eighth) % 3 == 2;
        if (more_bits) return TensorType::Q6_K;
    }
    return o.type;
}

Expected<GgufWriter> build(const Options& o) {
    Status st = validate(o);
    if (!st) return st.error();
    const Dims d = derive(o);
    const std::string a = o.arch + ".";
    const bool sigma = o.arch == "sigma";
    GgufWriter w;
    w.set_string("general.architecture", o.arch);
    w.set_string("general.type", "model");
    w.set_string("general.name", "sigma-mkmodel " + o.arch + " seed " + std::to_string(o.seed));
    GgufWriter vocab;
    int n_vocab = o.vocab;
    if (!o.vocab_from.empty()) {
        auto n = add_vocab_from(vocab, o.vocab_from);
        if (!n) return n.error();
        n_vocab = *n;
    } else if (Status v = add_synthetic_vocab(vocab, o.vocab); !v) {
        return v.error();
    }
    w.set_u32(a + "vocab_size", static_cast<uint32_t>(n_vocab));
    w.set_u32(a + "context_length", static_cast<uint32_t>(o.ctx));
    w.set_u32(a + "embedding_length", static_cast<uint32_t>(o.hidden));
    w.set_u32(a + "block_count", static_cast<uint32_t>(o.layers));
    w.set_u32(a + "feed_forward_length", static_cast<uint32_t>(d.ffn));
    w.set_u32(a + "rope.dimension_count", static_cast<uint32_t>(d.d_k));
    w.set_f32(a + "rope.freq_base", static_cast<float>(o.rope_theta));
    w.set_u32(a + "attention.head_count", static_cast<uint32_t>(o.heads));
    if (sigma) {
        w.set_u32(a + "attention.head_count_k", static_cast<uint32_t>(d.heads_k));
        w.set_u32(a + "attention.head_count_v", static_cast<uint32_t>(d.heads_v));
        w.set_u32(a + "attention.augq_length", static_cast<uint32_t>(o.augq));
    } else {
        w.set_u32(a + "attention.head_count_kv", static_cast<uint32_t>(d.heads_k));
    }
    w.set_u32(a + "attention.key_length", static_cast<uint32_t>(d.d_k_cache));
    w.set_u32(a + "attention.value_length", static_cast<uint32_t>(d.d_v));
    w.set_f32(a + "attention.layer_norm_rms_epsilon", o.arch == "qwen2" ? 1e-6f : 1e-5f);
    w.set_u32("general.file_type", file_type_of(o));
    w.set_u32("general.quantization_version", 2);
    st = w.set_alignment(32);
    for (const GgufKeyValue& kv : vocab.metadata()) w.set(kv);

    const uint64_t seed = o.seed;
    auto add = [&](const std::string& name, Kind kind, TensorType type, std::vector<int64_t> shape) {
        if (!st) return;
        const int64_t in = shape[0];
        const int64_t rows = shape.size() > 1 ? shape[1] : 1;
        st = w.add_tensor(name, type, shape, [seed, name, kind, type, in, rows](void* dst, size_t) {
            fill_tensor(seed, name, kind, type, in, rows, dst);
        });
    };
    const int64_t H = o.hidden, V = n_vocab, F = d.ffn;
    const int64_t q = int64_t{o.heads} * d.d_k, k = int64_t{d.heads_k} * d.d_k_cache, v = int64_t{d.heads_v} * d.d_v;
    const int64_t out = int64_t{o.heads} * d.d_v;
    add("token_embd.weight", Kind::Linear, weight_type(o, "token_embd", -1), {H, V});
    add("output_norm.weight", Kind::Norm, TensorType::F32, {H});
    if (!o.tied) add("output.weight", Kind::Linear, weight_type(o, "output", -1), {H, V});
    for (int i = 0; i < o.layers; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        add(b + "attn_norm.weight", Kind::Norm, TensorType::F32, {H});
        add(b + "attn_q.weight", Kind::Linear, weight_type(o, "attn_q", i), {H, q});
        add(b + "attn_k.weight", Kind::Linear, weight_type(o, "attn_k", i), {H, k});
        add(b + "attn_v.weight", Kind::Linear, weight_type(o, "attn_v", i), {H, v});
        if (o.arch == "qwen2") {
            add(b + "attn_q.bias", Kind::Bias, TensorType::F32, {q});
            add(b + "attn_k.bias", Kind::Bias, TensorType::F32, {k});
            add(b + "attn_v.bias", Kind::Bias, TensorType::F32, {v});
        }
        if (o.augq > 0) {
            add(b + "attn_q_gate.weight", Kind::Linear, weight_type(o, "attn_q_gate", i), {q, o.augq});
            add(b + "attn_q_up.weight", Kind::Linear, weight_type(o, "attn_q_up", i), {q, o.augq});
            add(b + "attn_q_down.weight", Kind::Linear, weight_type(o, "attn_q_down", i), {o.augq, q});
        }
        if (o.half_k) add(b + "attn_k_up.weight", Kind::Linear, weight_type(o, "attn_k_up", i), {d.d_k_cache, d.d_k});
        add(b + "attn_output.weight", Kind::Linear, weight_type(o, "attn_output", i), {out, H});
        add(b + "ffn_norm.weight", Kind::Norm, TensorType::F32, {H});
        add(b + "ffn_gate.weight", Kind::Linear, weight_type(o, "ffn_gate", i), {H, F});
        add(b + "ffn_up.weight", Kind::Linear, weight_type(o, "ffn_up", i), {H, F});
        add(b + "ffn_down.weight", Kind::Linear, weight_type(o, "ffn_down", i), {F, H});
    }
    if (!st) return st.error();
    return w;
}

Status write_model(const Options& o) {
    auto w = build(o);
    if (!w) return w.error();
    return w->write(o.output);
}

}  // namespace sigma::mkmodel
