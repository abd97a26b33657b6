// sigma-mkmodel's library: options, a deterministic random-weight model, and a synthetic vocabulary.
// Not a trainer or converter: the weights are noise, scaled so activations stay sane in a forward pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/tensor.h"
#include "inference/gguf_writer.h"

namespace sigma::mkmodel {

struct Options {
    std::string output;          // -o FILE
    std::string arch = "llama";  // llama | qwen2 | sigma
    int layers = 2;
    int hidden = 64;
    int heads = 4;    // query heads
    int heads_k = 0;  // 0 = heads (llama/qwen2: head_count_kv)
    int heads_v = 0;  // 0 = heads_k
    int ffn = 0;      // 0 = 4 * hidden
    int augq = 0;     // sigma only: AugQ width, 0 = none
    int ctx = 2048;
    int vocab = 0;           // synthetic SentencePiece vocabulary of this many tokens
    std::string vocab_from;  // or: copy tokenizer.* from this GGUF
    TensorType type = TensorType::F32;
    bool k_mix = false;  // --type q4_k_m|q5_k_m: `type` for most weights, Q6_K where weight_type says
    uint64_t seed = 1;
    int head_dim = 0;     // 0 = hidden / heads
    bool half_k = false;  // sigma only: cached K is head_dim/2 wide, attn_k_up maps it back
    bool tied = false;    // no output.weight
    double rope_theta = 10000.0;
};

// The stored type of a linear weight: `role` is its name without "blk.N." and ".weight" ("attn_v",
// "ffn_down", "output", "token_embd", ...), `layer` its block index (-1 outside blocks).
// Plain types use o.type everywhere. The _M mixes give Q6_K to output.weight (token_embd.weight
// when tied), and to attn_v and ffn_down in the first and last eighth of the layers and every
// third layer between them, where errors cost the most.
TensorType weight_type(const Options& o, const std::string& role, int layer);

// "usage: ..." text for --help and errors.
const char* usage();
// Parses sigma-mkmodel's arguments (argv without the program name).
Expected<Options> parse_args(const std::vector<std::string>& args);
// Checks that the options describe a model the loader accepts; the message names the option.
Status validate(const Options& options);

// The complete model in a writer (tensor bytes are generated during write()).
Expected<GgufWriter> build(const Options& options);
// build() + write(options.output).
Status write_model(const Options& options);

// Synthetic SentencePiece ("llama") vocabulary of n tokens (n >= 300): <unk>, <s>, </s>, 256 byte
// tokens, then deterministic pieces with decreasing scores. Sets every tokenizer.* key.
Status add_synthetic_vocab(GgufWriter& writer, int n);
// Copies every tokenizer.* key from a vocabulary GGUF; returns its token count.
Expected<int> add_vocab_from(GgufWriter& writer, const std::string& path);

constexpr int kMinVocab = 300;

}  // namespace sigma::mkmodel
