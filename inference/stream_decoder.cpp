// Streaming detokenizer: appends each token's bytes, emits the longest well-formed prefix and keeps
// an unfinished trailing character for the next token.
// Not responsible for stop strings or special-token filtering beyond Tokenizer::token_to_piece.
#include "inference/stream_decoder.h"

#include "inference/unicode.h"

namespace sigma {

StreamDecoder::StreamDecoder(const Tokenizer& tokenizer, bool render_special)
    : tokenizer_(tokenizer), render_special_(render_special) {}

std::string StreamDecoder::push(int32_t id) {
    pending_ += tokenizer_.token_to_piece(id, render_special_);
    const size_t tail = utf8_incomplete_tail(pending_);
    const size_t ready = pending_.size() - tail;
    if (ready == 0) return {};
    std::string out = utf8_sanitize(std::string_view(pending_).substr(0, ready));
    pending_.erase(0, ready);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out = utf8_sanitize(pending_);
    pending_.clear();
    return out;
}

}  // namespace sigma
