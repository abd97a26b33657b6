// Pre-tokenizers of byte-level BPE vocabularies: split text into words before merges, each kind
// reproducing the regular expression its model was trained with, written out by hand.
// Not a regex engine: every kind is a fixed scanner over code points and their Unicode categories.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

enum class PreTokenizer {
    Default,        // tokenizer.ggml.pre missing or "default"
    Gpt2,           // "gpt-2" and compatible
    Llama3,         // "llama-bpe" (Llama 3): digits in groups of up to three
    Qwen2,          // "qwen2": as Llama 3, but one digit per word
    DeepseekCoder,  // "deepseek-coder"
    Starcoder,      // "starcoder"
    Falcon,         // "falcon"
};

// The kind a tokenizer.ggml.pre value names; nullopt for names this engine does not implement.
std::optional<PreTokenizer> pretokenizer_from_name(std::string_view name);
const char* pretokenizer_name(PreTokenizer kind);

// Splits `text` into words (UTF-8; malformed bytes come back as U+FFFD). Concatenating the words
// gives the text back, apart from that replacement.
std::vector<std::string> pretokenize(PreTokenizer kind, std::string_view text);

}  // namespace sigma
