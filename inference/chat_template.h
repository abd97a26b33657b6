// Chat templates: the prompt formats of Llama 3, ChatML (Qwen), Llama 2 and Sigma's own model,
// written out in C++ and recognised from a GGUF's tokenizer.chat_template by their markers.
// Not a Jinja interpreter: only these formats are rendered, exactly as their templates would.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inference/tokenizer.h"

namespace sigma {

enum class ChatTemplate { Llama3, ChatML, Llama2, Sigma };

struct ChatMessage {
    std::string role;  // "system", "user", "assistant"
    std::string content;
};

// Sigma's format, one turn per message (the same shape as Phi-3's):
//   <|system|>\n{system}<|end|>\n<|user|>\n{question}<|end|>\n<|assistant|>\n{answer}<|end|>\n
// and, to ask for an answer, a final "<|assistant|>\n". The model stops by emitting <|end|>.
// These are the tokens Sigma's vocabulary must hold as control tokens (the trainer adds them):
inline constexpr std::string_view kSigmaChatSpecialTokens[] = {"<|system|>", "<|user|>", "<|assistant|>", "<|end|>"};
// The marker that identifies Sigma's template inside tokenizer.chat_template.
inline constexpr std::string_view kSigmaChatMarker = "sigma-chat-v1";
// A Jinja template, carrying the marker, that renders exactly what apply_chat_template(Sigma, ...)
// does: what the model trainer writes into the GGUF's tokenizer.chat_template.
std::string sigma_chat_template_jinja();

// Recognises a tokenizer.chat_template by its markers: Sigma's marker, <|start_header_id|> (Llama 3),
// <|im_start|> (ChatML), [INST] (Llama 2), then <|user|> with <|end|> (Phi-3, rendered as Sigma).
std::optional<ChatTemplate> detect_chat_template(std::string_view jinja);
// "llama3", "chatml", "llama2", "sigma" (any case), for a --template flag.
std::optional<ChatTemplate> chat_template_from_name(std::string_view name);
const char* chat_template_name(ChatTemplate tmpl);
// The template for a GGUF that carries none, as llama.cpp falls back to one rather than refuse:
// Sigma's own for the "sigma" architecture, ChatML (llama.cpp's default) for llama, qwen2 and the rest.
ChatTemplate default_chat_template(std::string_view architecture);

// A rendered prompt and the byte ranges of it that are template markup (where control tokens may
// be recognised); message text lies outside them.
struct ChatPrompt {
    std::string text;
    std::vector<TextRange> markup;
};

// Renders the conversation. BOS is not part of the text: the tokenizer adds it (encode with
// add_special), as llama.cpp's built-in templates do. Llama 3 and Llama 2 trim message text (their
// templates do); ChatML and Sigma keep it as given.
ChatPrompt render_chat(ChatTemplate tmpl, const std::vector<ChatMessage>& messages, bool add_generation_prompt);
std::string apply_chat_template(ChatTemplate tmpl, const std::vector<ChatMessage>& messages,
                                bool add_generation_prompt);

// Renders and tokenizes with BOS as the vocabulary asks; special-token spellings typed inside a
// message stay plain text, so a message cannot forge a turn.
std::vector<int32_t> encode_chat(const Tokenizer& tokenizer, ChatTemplate tmpl,
                                 const std::vector<ChatMessage>& messages, bool add_generation_prompt);

}  // namespace sigma
