// Renders the supported chat formats and tells them apart by their markers.
// Not a template engine: each format is a short loop, kept equal to its model's Jinja template.
#include "inference/chat_template.h"

#include <cctype>
#include <utility>
#include <vector>

namespace sigma {

namespace {

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && is_space(s[b])) ++b;
    while (e > b && is_space(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Builds the prompt text while recording which bytes are markup. Roles count as markup: they come
// from the program, never from what a user typed.
class Builder {
public:
    void markup(std::string_view s) {
        if (s.empty()) return;
        const size_t begin = prompt_.text.size();
        prompt_.text.append(s);
        if (!prompt_.markup.empty() && prompt_.markup.back().end == begin) {
            prompt_.markup.back().end = prompt_.text.size();
        } else {
            prompt_.markup.push_back({begin, prompt_.text.size()});
        }
    }
    void content(std::string_view s) { prompt_.text.append(s); }
    ChatPrompt take() { return std::move(prompt_); }

private:
    ChatPrompt prompt_;
};

// <|start_header_id|>{role}<|end_header_id|>\n\n{content|trim}<|eot_id|>
void render_llama3(Builder& b, const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    for (const ChatMessage& m : messages) {
        b.markup("<|start_header_id|>" + m.role + "<|end_header_id|>\n\n");
        b.content(trim(m.content));
        b.markup("<|eot_id|>");
    }
    if (add_generation_prompt) b.markup("<|start_header_id|>assistant<|end_header_id|>\n\n");
}

// <|im_start|>{role}\n{content}<|im_end|>\n
void render_chatml(Builder& b, const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    for (const ChatMessage& m : messages) {
        b.markup("<|im_start|>" + m.role + "\n");
        b.content(m.content);
        b.markup("<|im_end|>\n");
    }
    if (add_generation_prompt) b.markup("<|im_start|>assistant\n");
}

// Appends pieces (text, is_markup) as one string whose trailing whitespace is stripped, the way a
// template's .strip() acts on a string built from several parts.
void append_rstripped(Builder& b, std::vector<std::pair<std::string_view, bool>> pieces) {
    while (!pieces.empty()) {
        std::string_view& last = pieces.back().first;
        while (!last.empty() && is_space(last.back())) last.remove_suffix(1);
        if (!last.empty()) break;
        pieces.pop_back();
    }
    for (const auto& [text, is_markup] : pieces) {
        if (is_markup) b.markup(text);
        else b.content(text);
    }
}

// Llama 2 chat, as Meta's template renders it (the first <s> is the BOS the tokenizer adds):
//   [INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {answer} </s><s>[INST] {user} [/INST]
// A leading system message joins the first user turn and that joined text is stripped as a whole;
// every other message is stripped on its own. The answer needs no prompt: it follows [/INST].
// A system message anywhere else (which Meta's template rejects) opens a <<SYS>> block in place.
void render_llama2(Builder& b, const std::vector<ChatMessage>& messages) {
    size_t first = 0;
    std::string_view system;
    bool has_system = false;
    if (!messages.empty() && messages[0].role == "system") {
        system = messages[0].content;
        has_system = true;
        first = 1;
    }
    bool inside_turn = false;
    bool first_user = true;
    for (size_t i = first; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        if (!inside_turn) {
            b.markup(i == first ? "[INST] " : "<s>[INST] ");
            inside_turn = true;
        }
        if (m.role == "user") {
            if (first_user && has_system) {
                append_rstripped(b,
                                 {{"<<SYS>>\n", true}, {system, false}, {"\n<</SYS>>\n\n", true}, {m.content, false}});
            } else {
                b.content(trim(m.content));
            }
            first_user = false;
            b.markup(" [/INST]");
        } else if (m.role == "assistant") {
            b.markup(" ");
            b.content(trim(m.content));
            b.markup(" </s>");
            inside_turn = false;
        } else {
            b.markup("<<SYS>>\n");
            b.content(trim(m.content));
            b.markup("\n<</SYS>>\n\n");
        }
    }
}

// <|{role}|>\n{content}<|end|>\n
void render_sigma(Builder& b, const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    for (const ChatMessage& m : messages) {
        b.markup("<|" + m.role + "|>\n");
        b.content(m.content);
        b.markup("<|end|>\n");
    }
    if (add_generation_prompt) b.markup("<|assistant|>\n");
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string sigma_chat_template_jinja() {
    return std::string("{#- ") + std::string(kSigmaChatMarker) +
           ": <|role|>\\n content <|end|>\\n per message -#}"
           "{%- for message in messages -%}"
           "{{- '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' -}}"
           "{%- endfor -%}"
           "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}";
}

std::optional<ChatTemplate> detect_chat_template(std::string_view jinja) {
    if (contains(jinja, kSigmaChatMarker)) return ChatTemplate::Sigma;
    if (contains(jinja, "<|start_header_id|>")) return ChatTemplate::Llama3;
    if (contains(jinja, "<|im_start|>")) return ChatTemplate::ChatML;
    if (contains(jinja, "[INST]")) return ChatTemplate::Llama2;
    if (contains(jinja, "<|user|>") && contains(jinja, "<|end|>")) return ChatTemplate::Sigma;
    return std::nullopt;
}

std::optional<ChatTemplate> chat_template_from_name(std::string_view name) {
    const std::string n = lower(name);
    if (n == "llama3") return ChatTemplate::Llama3;
    if (n == "chatml") return ChatTemplate::ChatML;
    if (n == "llama2") return ChatTemplate::Llama2;
    if (n == "sigma") return ChatTemplate::Sigma;
    return std::nullopt;
}

const char* chat_template_name(ChatTemplate tmpl) {
    switch (tmpl) {
        case ChatTemplate::Llama3: return "llama3";
        case ChatTemplate::ChatML: return "chatml";
        case ChatTemplate::Llama2: return "llama2";
        case ChatTemplate::Sigma: return "sigma";
    }
    return "unknown";
}

ChatTemplate default_chat_template(std::string_view architecture) {
    return architecture == "sigma" ? ChatTemplate::Sigma : ChatTemplate::ChatML;
}

ChatPrompt render_chat(ChatTemplate tmpl, const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    Builder b;
    switch (tmpl) {
        case ChatTemplate::Llama3: render_llama3(b, messages, add_generation_prompt); break;
        case ChatTemplate::ChatML: render_chatml(b, messages, add_generation_prompt); break;
        case ChatTemplate::Llama2: render_llama2(b, messages); break;
        case ChatTemplate::Sigma: render_sigma(b, messages, add_generation_prompt); break;
    }
    return b.take();
}

std::string apply_chat_template(ChatTemplate tmpl, const std::vector<ChatMessage>& messages,
                                bool add_generation_prompt) {
    return render_chat(tmpl, messages, add_generation_prompt).text;
}

std::vector<int32_t> encode_chat(const Tokenizer& tokenizer, ChatTemplate tmpl,
                                 const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    const ChatPrompt prompt = render_chat(tmpl, messages, add_generation_prompt);
    return tokenizer.encode_with_special_ranges(prompt.text, /*add_special=*/true, prompt.markup);
}

}  // namespace sigma
