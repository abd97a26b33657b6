// Model::load: maps a GGUF file, reads llama.cpp's metadata keys into a ModelConfig and binds
// every expected weight with its exact shape and a computable type.
// Not the forward pass: nothing here touches weight values; Context and the kernels do.
#include "inference/model.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>

#include "inference/gguf.h"
#include "inference/tensor_types.h"

namespace sigma {

namespace {

// Generous upper bound for any count or width; keeps products of two of them inside int64 and
// any one of them inside int.
constexpr int64_t kMaxDim = int64_t{1} << 24;

std::string shape_string(const std::array<int64_t, 4>& ne, int n_dims) {
    std::string s = "[";
    for (int d = 0; d < n_dims; ++d) s += (d ? ", " : "") + std::to_string(ne[d]);
    return s + "]";
}

std::string shape_string(std::initializer_list<int64_t> dims) {
    std::array<int64_t, 4> ne{1, 1, 1, 1};
    int n = 0;
    for (int64_t d : dims) ne[n++] = d;
    return shape_string(ne, n);
}

}  // namespace

// Fills one Model from its GgufFile; the first problem found becomes the Error.
class ModelLoader {
public:
    explicit ModelLoader(Model& m) : m_(m), g_(*m.gguf_), c_(m.config_) {}

    Status run() {
        Status st = read_config();
        if (!st) return st;
        return bind_weights();
    }

private:
    Model& m_;
    const GgufFile& g_;
    ModelConfig& c_;
    std::string prefix_;

    static Error format(const std::string& message) { return make_error(ErrorCode::Format, "model: " + message); }

    // An integer key in [lo, kMaxDim]; `fallback` < 0 means required.
    Status read_int(const std::string& key, int& out, int64_t fallback = -1, int64_t lo = 1) {
        const GgufKeyValue* kv = g_.find(key);
        if (!kv) {
            if (fallback < 0) return format("metadata '" + key + "' is missing");
            out = static_cast<int>(fallback);
            return Status{};
        }
        const auto v = g_.get_int(key);
        if (!v) return format("metadata '" + key + "' must be an integer, found " + gguf_type_name(kv->type));
        if (*v < lo || *v > kMaxDim) {
            return format("metadata '" + key + "' = " + std::to_string(*v) + " is outside " + std::to_string(lo) +
                          ".." + std::to_string(kMaxDim));
        }
        out = static_cast<int>(*v);
        return Status{};
    }

    Status read_positive_float(const std::string& key, float& out, double fallback) {
        const GgufKeyValue* kv = g_.find(key);
        if (!kv) {
            out = static_cast<float>(fallback);
            return Status{};
        }
        const auto v = g_.get_float(key);
        if (!v) return format("metadata '" + key + "' must be a number, found " + gguf_type_name(kv->type));
        if (!std::isfinite(*v) || *v <= 0.0)
            return format("metadata '" + key + "' = " + std::to_string(*v) + " must be positive");
        out = static_cast<float>(*v);
        return Status{};
    }

    Status read_config() {
        const auto arch = g_.get_string("general.architecture");
        if (!arch) return format("metadata 'general.architecture' is missing or not a string");
        if (*arch == "llama") {
            c_.arch = Arch::Llama;
            c_.rope_style = RopeStyle::Normal;
        } else if (*arch == "qwen2") {
            c_.arch = Arch::Qwen2;
            c_.rope_style = RopeStyle::NeoX;
            c_.qkv_bias = true;
        } else if (*arch == "sigma") {
            c_.arch = Arch::Sigma;
            c_.rope_style = RopeStyle::Normal;
        } else {
            return make_error(ErrorCode::Unsupported,
                              "model: architecture '" + *arch + "' is not supported (supported: llama, qwen2, sigma)");
        }
        c_.arch_name = *arch;
        prefix_ = *arch + ".";
        const std::string p = prefix_;
        Status st;
        if (!(st = read_int(p + "block_count", c_.n_layer))) return st;
        if (!(st = read_int(p + "context_length", c_.n_ctx_train))) return st;
        if (!(st = read_int(p + "embedding_length", c_.n_embd))) return st;
        if (!(st = read_int(p + "feed_forward_length", c_.n_ff))) return st;
        if (!(st = read_int(p + "attention.head_count", c_.heads.n_q))) return st;
        if (!(st = read_positive_float(p + "attention.layer_norm_rms_epsilon", c_.rms_eps, 1e-5))) return st;
        if (!(st = read_positive_float(p + "rope.freq_base", c_.rope_theta, 10000.0))) return st;
        if (c_.n_embd % c_.heads.n_q != 0 &&
            (!g_.find(p + "attention.key_length") || !g_.find(p + "attention.value_length"))) {
            return format("embedding_length " + std::to_string(c_.n_embd) + " is not a multiple of head_count " +
                          std::to_string(c_.heads.n_q) + " and no key_length/value_length is given");
        }
        const int head_dim = c_.n_embd / c_.heads.n_q;
        int key_length = 0;
        if (!(st = read_int(p + "attention.value_length", c_.d_v, head_dim))) return st;
        c_.half_k = g_.find_tensor("blk.0.attn_k_up.weight") != nullptr;
        if (c_.arch == Arch::Sigma) {
            if (!(st = read_int(p + "attention.head_count_k", c_.heads.n_k))) return st;
            if (!(st = read_int(p + "attention.head_count_v", c_.heads.n_v))) return st;
            if (!(st = read_int(p + "attention.key_length", key_length, c_.half_k ? c_.d_v / 2 : c_.d_v))) return st;
            if (!(st = read_int(p + "attention.augq_length", c_.d_aug, 0, 0))) return st;
        } else {
            if (!(st = read_int(p + "attention.head_count_kv", c_.heads.n_k, c_.heads.n_q))) return st;
            c_.heads.n_v = c_.heads.n_k;
            if (!(st = read_int(p + "attention.key_length", key_length, head_dim))) return st;
            if (c_.half_k)
                return format("tensor 'blk.0.attn_k_up.weight' (half-K) is only defined for the sigma architecture");
            if (c_.heads.n_q % c_.heads.n_k != 0) {
                return format("head_count " + std::to_string(c_.heads.n_q) + " is not a multiple of head_count_kv " +
                              std::to_string(c_.heads.n_k));
            }
        }
        if (c_.heads.n_k > c_.heads.n_q || c_.heads.n_v > c_.heads.n_q) {
            return format("key heads (" + std::to_string(c_.heads.n_k) + ") and value heads (" +
                          std::to_string(c_.heads.n_v) + ") must each be between 1 and the query heads (" +
                          std::to_string(c_.heads.n_q) + ")");
        }
        c_.d_k_cache = key_length;
        if (c_.half_k) {
            if (key_length * 2 != c_.d_v) {
                return format("half-K needs key_length = value_length / 2, found key_length " +
                              std::to_string(key_length) + " and value_length " + std::to_string(c_.d_v));
            }
            c_.d_k = c_.d_v;
        } else {
            c_.d_k = key_length;
        }
        if (c_.d_k % 2 != 0 || c_.d_k_cache % 2 != 0) {
            return format("key head size " + std::to_string(c_.d_k_cache) + " must be even (RoPE rotates pairs)");
        }
        return Status{};
    }

    // The tensor `name` with exactly `dims` (ggml order); `weight` = used as a linear weight
    // (any computable type), else it must be F32 (norms, biases). nullptr + Error when wrong.
    Expected<const TensorView*> expect(const std::string& name, std::initializer_list<int64_t> dims, bool weight) {
        const TensorView* t = g_.find_tensor(name);
        if (!t) return format("tensor '" + name + "' is missing (expected shape " + shape_string(dims) + ")");
        std::array<int64_t, 4> want{1, 1, 1, 1};
        int n = 0;
        for (int64_t d : dims) want[n++] = d;
        if (t->ne != want) {
            return format("tensor '" + name + "' has shape " + shape_string(t->ne, t->n_dims) + ", expected " +
                          shape_string(dims));
        }
        if (weight && !type_is_supported_for_compute(t->type)) {
            return make_error(
                ErrorCode::Unsupported,
                "model: tensor '" + name + "' has type " + type_name(t->type) +
                    ", which this engine cannot compute with (f32, f16, bf16, q8_0, q4_0, q4_k, q5_k, q6_k)");
        }
        if (!weight && t->type != TensorType::F32) {
            return make_error(ErrorCode::Unsupported, "model: tensor '" + name + "' has type " + type_name(t->type) +
                                                          "; norms and biases must be f32");
        }
        return t;
    }

    // Binds `slot` to the tensor, or returns false after storing the Error in err_.
    bool bind(const TensorView*& slot, const std::string& name, std::initializer_list<int64_t> dims, bool weight) {
        auto t = expect(name, dims, weight);
        if (!t) {
            err_ = t.error();
            return false;
        }
        slot = *t;
        return true;
    }
    Error err_;

    Status bind_weights() {
        ModelWeights& w = m_.weights_;
        const int64_t H = c_.n_embd;
        const TensorView* embd = g_.find_tensor("token_embd.weight");
        if (!embd) return format("tensor 'token_embd.weight' is missing");
        if (embd->n_dims != 2 || embd->ne[0] != H) {
            return format("tensor 'token_embd.weight' has shape " + shape_string(embd->ne, embd->n_dims) +
                          ", expected [" + std::to_string(H) + ", n_vocab]");
        }
        if (embd->ne[1] > kMaxDim * 8)
            return format("tensor 'token_embd.weight': vocabulary of " + std::to_string(embd->ne[1]) +
                          " rows is too large");
        c_.n_vocab = static_cast<int>(embd->ne[1]);
        const int64_t V = c_.n_vocab;
        if (!bind(w.token_embd, "token_embd.weight", {H, V}, true)) return err_;
        if (!bind(w.output_norm, "output_norm.weight", {H}, false)) return err_;
        c_.tied_output = g_.find_tensor("output.weight") == nullptr;
        if (c_.tied_output) {
            w.output = w.token_embd;
        } else if (!bind(w.output, "output.weight", {H, V}, true)) {
            return err_;
        }
        if (c_.arch != Arch::Qwen2) c_.qkv_bias = g_.find_tensor("blk.0.attn_q.bias") != nullptr;
        const int64_t q_width = int64_t{c_.heads.n_q} * c_.d_k;
        const int64_t k_width = int64_t{c_.heads.n_k} * c_.d_k_cache;
        const int64_t v_width = int64_t{c_.heads.n_v} * c_.d_v;
        const int64_t o_width = int64_t{c_.heads.n_q} * c_.d_v;
        const int64_t F = c_.n_ff;
        w.layers.assign(static_cast<size_t>(c_.n_layer), LayerWeights{});
        for (int i = 0; i < c_.n_layer; ++i) {
            LayerWeights& l = w.layers[static_cast<size_t>(i)];
            const std::string b = "blk." + std::to_string(i) + ".";
            if (!bind(l.attn_norm, b + "attn_norm.weight", {H}, false) ||
                !bind(l.wq, b + "attn_q.weight", {H, q_width}, true) ||
                !bind(l.wk, b + "attn_k.weight", {H, k_width}, true) ||
                !bind(l.wv, b + "attn_v.weight", {H, v_width}, true) ||
                !bind(l.wo, b + "attn_output.weight", {o_width, H}, true) ||
                !bind(l.ffn_norm, b + "ffn_norm.weight", {H}, false) ||
                !bind(l.ffn_gate, b + "ffn_gate.weight", {H, F}, true) ||
                !bind(l.ffn_up, b + "ffn_up.weight", {H, F}, true) ||
                !bind(l.ffn_down, b + "ffn_down.weight", {F, H}, true)) {
                return err_;
            }
            if (c_.qkv_bias &&
                (!bind(l.bq, b + "attn_q.bias", {q_width}, false) || !bind(l.bk, b + "attn_k.bias", {k_width}, false) ||
                 !bind(l.bv, b + "attn_v.bias", {v_width}, false))) {
                return err_;
            }
            if (c_.d_aug > 0) {
                const int64_t A = c_.d_aug;
                if (!bind(l.q_gate, b + "attn_q_gate.weight", {q_width, A}, true) ||
                    !bind(l.q_up, b + "attn_q_up.weight", {q_width, A}, true) ||
                    !bind(l.q_down, b + "attn_q_down.weight", {A, q_width}, true)) {
                    return err_;
                }
            } else if (g_.find_tensor(b + "attn_q_gate.weight")) {
                return format("tensor '" + b + "attn_q_gate.weight' is present but " + prefix_ +
                              "attention.augq_length is 0 or missing");
            }
            if (c_.half_k) {
                if (!bind(l.k_up, b + "attn_k_up.weight", {c_.d_k_cache, c_.d_k}, true)) return err_;
            } else if (g_.find_tensor(b + "attn_k_up.weight")) {
                return format(
                    "tensor '" + b +
                    "attn_k_up.weight' is present but blk.0 has no attn_k_up (half-K must cover every layer)");
            }
        }
        return Status{};
    }
};

Model::Model() = default;
Model::~Model() = default;

size_t Model::file_bytes() const { return gguf_ ? gguf_->size() : 0; }

Expected<std::shared_ptr<const Model>> Model::load(const std::string& path) {
    auto file = GgufFile::open(path);
    if (!file) return file.error();
    auto model = std::make_shared<Model>();
    model->path_ = path;
    model->gguf_ = std::move(file).value();
    ModelLoader loader(*model);
    Status st = loader.run();
    if (!st) return st.error();
    return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace sigma
