// LineJoiner: rebuilds the logical lines of a pasted log whose long lines a terminal or web page wrapped.
// Not a log parser: it only judges, from how lines start, whether a line continues the one before.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/log_reader.h"

namespace sigma::domain {

// One logical line: its physical lines joined with a single space (a wrap at a word boundary lost
// that space; a wrap inside a word is found by scanning the seams, see seam_text()).
struct LogicalLine {
    std::string text;
    std::vector<size_t> seg_start;  // [n_segments] offset of each physical line in text
    size_t first_line = 0;          // 1-based number of the first physical line
    bool truncated = false;         // a physical line was longer than the cap

    size_t segments() const { return seg_start.size(); }
    std::string_view segment(size_t i) const;
    size_t segment_of(size_t offset) const;  // index of the physical line holding text[offset]
    size_t line_of(size_t offset) const { return first_line + segment_of(offset); }
    size_t last_line() const { return first_line + (segments() ? segments() - 1 : 0); }
};

// True when `line` begins like a new log record: a timestamp, a bracketed prefix, a syslog month,
// a `word:` tag (NVRM:, RuntimeError:, kernel:), a shell prompt or a table border.
bool starts_log_record(std::string_view line);

// True when `next` continues `prev` (the last physical line of a logical line whose first physical
// line is `first`): `prev` is long, `next` is not indented, does not start a record and is not the
// next row of a table.
bool continues_wrapped_line(std::string_view first, std::string_view prev, std::string_view next);

class LineJoiner {
public:
    static constexpr size_t kMaxSegments = 8;

    // join=false gives one logical line per physical line.
    LineJoiner(std::istream& in, size_t max_line_bytes, size_t max_total_bytes, bool join = true);

    bool next(LogicalLine& out);

    size_t lines_read() const { return reader_.line_number(); }
    size_t bytes_read() const { return reader_.bytes_read(); }
    size_t truncated_lines() const { return reader_.truncated_lines(); }
    bool input_truncated() const { return reader_.input_truncated(); }

private:
    bool pull();  // reads the next physical line into pending_
    LogReader reader_;
    size_t max_line_;
    bool join_;
    std::string pending_;
    size_t pending_line_ = 0;
    bool pending_truncated_ = false;
    bool has_pending_ = false;
    bool started_ = false;
};

// The text around seam `i` (between physical lines i-1 and i) joined without a space: up to `reach`
// bytes of each side. *left_len receives the length of the left part.
std::string seam_text(const LogicalLine& l, size_t i, size_t reach, size_t* left_len);

}  // namespace sigma::domain
