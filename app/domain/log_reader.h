// LogReader: reads a stream line by line in bounded memory, keeping at most max_line_bytes of each
// line (the rest is skipped and the line marked truncated). Not a decoder: bytes pass through as-is.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace sigma::domain {

class LogReader {
public:
    explicit LogReader(std::istream& in, size_t max_line_bytes = 64 * 1024, size_t max_total_bytes = 0);

    // Reads the next line (without its '\n' or trailing '\r'). False at end of input, or once
    // max_total_bytes (0 = unlimited) have been consumed.
    bool next(std::string_view& line);

    size_t line_number() const { return line_number_; }      // 1-based number of the last line read
    bool line_truncated() const { return line_truncated_; }  // the last line was longer than the cap
    size_t bytes_read() const { return bytes_read_; }
    size_t truncated_lines() const { return truncated_lines_; }  // lines cut so far
    bool input_truncated() const { return input_truncated_; }    // stopped at max_total_bytes

private:
    bool fill();
    std::istream& in_;
    size_t max_line_;
    size_t max_total_;
    std::string buf_;   // read chunk
    size_t pos_ = 0;    // next unread byte in buf_
    std::string line_;  // current line (at most max_line_ bytes)
    size_t line_number_ = 0;
    size_t bytes_read_ = 0;
    size_t truncated_lines_ = 0;
    bool line_truncated_ = false;
    bool input_truncated_ = false;
    bool eof_ = false;
};

}  // namespace sigma::domain
