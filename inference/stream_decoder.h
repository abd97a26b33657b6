// StreamDecoder: turns generated token ids into text as they arrive, holding back the bytes of a
// UTF-8 character that is split across tokens until it is complete.
// Not a detokenizer with space clean-up: it emits each token's piece as is (Tokenizer::decode tidies).
#pragma once

#include <cstdint>
#include <string>

#include "inference/tokenizer.h"

namespace sigma {

class StreamDecoder {
public:
    // render_special: include the text of control tokens (e.g. "<|eot_id|>"); off for chat output.
    explicit StreamDecoder(const Tokenizer& tokenizer, bool render_special = false);

    // The text that became complete with this token: always well-formed UTF-8, possibly empty.
    // Bytes that can never form a character are replaced by U+FFFD; out-of-range ids add nothing.
    std::string push(int32_t id);
    // Whatever is still held back, as U+FFFD (the stream ended inside a character); resets.
    std::string flush();
    // Bytes currently held back (0..3).
    size_t pending() const { return pending_.size(); }

private:
    const Tokenizer& tokenizer_;
    bool render_special_;
    std::string pending_;
};

}  // namespace sigma
