// Chunked line splitting over std::istream so that a single huge line or a multi-gigabyte stream never
// grows memory past one chunk plus one capped line. Not a tail/follow reader.
#include "app/domain/log_reader.h"

#include <algorithm>
#include <cstring>

namespace sigma::domain {

static constexpr size_t kChunk = 64 * 1024;

LogReader::LogReader(std::istream& in, size_t max_line_bytes, size_t max_total_bytes)
    : in_(in), max_line_(max_line_bytes ? max_line_bytes : 1), max_total_(max_total_bytes) {}

bool LogReader::fill() {
    if (eof_) return false;
    size_t want = kChunk;
    if (max_total_) {
        if (bytes_read_ >= max_total_) {
            input_truncated_ = in_.peek() != std::char_traits<char>::eof();
            eof_ = true;
            return false;
        }
        want = std::min(want, max_total_ - bytes_read_);
    }
    buf_.resize(want);
    in_.read(buf_.data(), static_cast<std::streamsize>(want));
    const size_t got = static_cast<size_t>(in_.gcount());
    buf_.resize(got);
    pos_ = 0;
    bytes_read_ += got;
    if (got == 0) {
        eof_ = true;
        return false;
    }
    return true;
}

bool LogReader::next(std::string_view& line) {
    line_.clear();
    line_truncated_ = false;
    bool any = false;
    for (;;) {
        if (pos_ >= buf_.size() && !fill()) break;
        any = true;
        const char* start = buf_.data() + pos_;
        const size_t avail = buf_.size() - pos_;
        const void* nl = std::memchr(start, '\n', avail);
        const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
        if (line_.size() < max_line_) {
            const size_t room = max_line_ - line_.size();
            line_.append(start, std::min(room, take));
            if (take > room) line_truncated_ = true;
        } else if (take > 0) {
            line_truncated_ = true;
        }
        pos_ += take;
        if (nl) {
            ++pos_;  // the '\n'
            break;
        }
    }
    if (!any) return false;
    if (!line_truncated_ && !line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_truncated_) ++truncated_lines_;
    ++line_number_;
    line = line_;
    return true;
}

}  // namespace sigma::domain
