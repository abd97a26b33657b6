// Wrapped-line joining for the diagnosis engine: one physical line of look-ahead, a bounded number of
// segments per logical line. Not a reflow of the text: offsets map every match back to its physical line.
#include "app/domain/diag_line_joiner.h"

#include <algorithm>

namespace sigma::domain {

namespace {
constexpr size_t kMinWrappedWidth = 40;      // a line a prefixed log wrapped is at least this long
constexpr size_t kMinBareWrappedWidth = 60;  // the same for a log without line prefixes

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_lower(c) || is_upper(c); }

size_t digit_run(std::string_view s, size_t i) {
    size_t n = 0;
    while (i + n < s.size() && is_digit(s[i + n])) ++n;
    return n;
}

// "2025-11-18", "11/18/25", "10:01:02", "1:02:03", "1700000000.123" at the start of s.
bool starts_with_timestamp(std::string_view s) {
    const size_t a = digit_run(s, 0);
    if (a == 0 || a >= s.size()) return false;
    const char sep = s[a];
    const size_t b = digit_run(s, a + 1);
    if (sep == '-' && a == 4 && b == 2) return true;
    if (sep == '/' && a <= 4 && b >= 1 && b <= 2 && a + 1 + b < s.size() && s[a + 1 + b] == '/') return true;
    if (sep == ':' && a <= 2 && b == 2 && a + 3 < s.size() && s[a + 3] == ':') return true;
    if (sep == '.' && a >= 9 && b >= 1) return true;
    // An IPv4 address opens access-log records ("10.0.3.15 - - [30/Sep/2025..."), as its redacted <IP_1> does.
    if (sep == '.' && a <= 3 && b >= 1 && b <= 3) {
        size_t j = a + 1 + b, dots = 1;
        while (j < s.size() && s[j] == '.' && dots < 3) {
            const size_t d = digit_run(s, j + 1);
            if (d == 0 || d > 3) break;
            j += 1 + d;
            ++dots;
        }
        if (dots == 3) return true;
    }
    return false;
}

bool starts_with_month_or_day(std::string_view s) {
    static constexpr const char* kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                             "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (s.size() < 5 || s[3] != ' ') return false;
    for (const char* n : kNames)
        if (s.substr(0, 3) == n) return true;
    return false;
}

// "I1118 10:01:02.123" (glog), "E1118".
bool starts_with_glog(std::string_view s) {
    return s.size() > 6 && (s[0] == 'I' || s[0] == 'W' || s[0] == 'E' || s[0] == 'F') && digit_run(s, 1) == 4 &&
           s[5] == ' ';
}

// "NVRM:", "RuntimeError:", "torch.cuda.OutOfMemoryError:", "kernel:", "Epoch 3:", "Step 7/12 :" at the
// start of s: one word, or up to three after a capital, then a colon.
bool starts_with_tag(std::string_view s) {
    size_t i = 0;
    for (int word = 0; word < 3; ++word) {
        const size_t start = i;
        while (i < s.size() && i < 64 &&
               (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-' || s[i] == '/'))
            ++i;
        if (i == start) return false;
        if (i < s.size() && s[i] == ' ' && i + 1 < s.size() && s[i + 1] == ':') ++i;  // "Step 7/12 :"
        if (i < s.size() && s[i] == ':') return i + 1 == s.size() || s[i + 1] == ' ' || s[i + 1] == '\t';
        if (i >= s.size() || s[i] != ' ' || !is_upper(s[0])) return false;  // several words: "Fatal Python error:"
        ++i;
    }
    return false;
}

// "ERROR ...", "WARN  [main] ...": a log level word opens a record.
bool starts_with_level(std::string_view s) {
    static constexpr std::string_view kLevels[] = {"TRACE", "DEBUG", "INFO",  "NOTICE",   "WARN", "WARNING",
                                                   "ERROR", "ERR",   "FATAL", "CRITICAL", "PANIC"};
    for (std::string_view l : kLevels)
        if (s.size() > l.size() && s.substr(0, l.size()) == l &&
            (s[l.size()] == ' ' || s[l.size()] == ':' || s[l.size()] == '[' || s[l.size()] == '\t'))
            return true;
    return false;
}

// A progress bar (tqdm, pip, Keras) is a record of its own, never the rest of a wrapped line.
bool is_progress_bar(std::string_view s) {
    return s.find("%|") != std::string_view::npos || s.find("it/s") != std::string_view::npos ||
           s.find("s/it") != std::string_view::npos || s.find("\xE2\x94\x81") != std::string_view::npos ||  // ━
           s.find("\xE2\x96\x88") != std::string_view::npos;                                                // █
}

bool has_space_run(std::string_view s) {
    return s.find("   ") != std::string_view::npos || s.find('\t') != std::string_view::npos;
}

// The first token's shape (letters -> a, digits -> 9): lines of one stream share it
// ("gpu-b3:5510:5597", "2025-11-18T10:01:02Z", "node14").
std::string token_shape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size() && i < 32 && s[i] != ' ' && s[i] != '\t'; ++i)
        out += is_alpha(s[i]) ? 'a' : is_digit(s[i]) ? '9' : s[i];
    return out;
}

bool same_record_prefix(std::string_view first, std::string_view next) {
    const std::string a = token_shape(first);
    if (a.size() < 4 || a.find_first_not_of('a') == std::string::npos) return false;  // a plain word is no prefix
    return a == token_shape(next);
}

size_t count_of(std::string_view s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }

// Both lines look like rows of one table (aligned columns, CSV, or a bordered table).
bool same_table(std::string_view a, std::string_view b) {
    if (has_space_run(a) && has_space_run(b)) return true;
    if (count_of(a, ',') >= 2 && count_of(b, ',') >= 2) return true;
    return count_of(a, '|') >= 2 && count_of(b, '|') >= 2;
}
}  // namespace

std::string_view LogicalLine::segment(size_t i) const {
    const size_t start = seg_start[i];
    const size_t end = i + 1 < seg_start.size() ? seg_start[i + 1] - 1 : text.size();
    return std::string_view(text).substr(start, end - start);
}

size_t LogicalLine::segment_of(size_t offset) const {
    size_t i = 0;
    while (i + 1 < seg_start.size() && seg_start[i + 1] <= offset) ++i;
    return i;
}

// "gpu-a-03:5510:5597 [2] NCCL INFO ...": a first token ending in ":<pid>:<tid>" (NCCL's prefix).
bool starts_with_host_pid_tid(std::string_view s) {
    const size_t end = std::min(s.find(' '), std::min<size_t>(s.size(), 96));
    size_t i = end, groups = 0;
    while (groups < 2 && i > 0) {
        size_t d = 0;
        while (i > 0 && is_digit(s[i - 1])) --i, ++d;
        if (d == 0 || i == 0 || s[i - 1] != ':') return false;
        --i;
        ++groups;
    }
    return groups == 2 && i > 0;
}

bool starts_log_record(std::string_view line) {
    if (line.empty()) return true;
    if (starts_with_host_pid_tid(line)) return true;
    const char c = line[0];
    // "<134>" (a syslog priority) and "<IP_1>" (a redacted address) open records; other redaction
    // placeholders ("<HOST_2>") may sit anywhere, the start of a wrapped line included.
    if (c == '<') return line.size() > 1 && (is_digit(line[1]) || line.substr(0, 3) == "<IP");
    if (c == '[' || c == '{' || c == '$' || c == '#' || c == '>' || c == '|' || c == '+' || c == '=' || c == '-' ||
        c == '*' || c == '%' || c == '(')
        return true;
    return starts_with_timestamp(line) || starts_with_month_or_day(line) || starts_with_glog(line) ||
           starts_with_tag(line) || starts_with_level(line) || is_progress_bar(line);
}

bool continues_wrapped_line(std::string_view first, std::string_view prev, std::string_view next) {
    if (next.empty() || next[0] == ' ' || next[0] == '\t') return false;
    if (prev.empty() || prev.back() == ':') return false;
    if (first.size() > 1 && (first[0] == '$' || first[0] == '#') && first[1] == ' ') return false;  // a typed command
    // Aligned columns and Python's traceback header start records of their own.
    if (starts_log_record(next) || same_table(prev, next) || same_record_prefix(first, next) || has_space_run(next) ||
        next.substr(0, 10) == "Traceback ")
        return false;
    const bool prefixed = !first.empty() && (starts_with_timestamp(first) || starts_with_month_or_day(first) ||
                                             starts_with_glog(first) || first[0] == '[');
    if (prefixed) return prev.size() >= kMinWrappedWidth;
    // Without a line prefix a capitalised line is as likely a new record as a continuation.
    if (prev.size() < kMinBareWrappedWidth) return false;
    const char c = next[0];
    return is_lower(c) || is_digit(c) || c == '.' || c == ',' || c == ';' || c == ')' || c == ']' || c == '}' ||
           c == '\'' || c == '"';
}

LineJoiner::LineJoiner(std::istream& in, size_t max_line_bytes, size_t max_total_bytes, bool join)
    : reader_(in, max_line_bytes, max_total_bytes), max_line_(max_line_bytes ? max_line_bytes : 1), join_(join) {}

bool LineJoiner::pull() {
    std::string_view line;
    if (!reader_.next(line)) {
        has_pending_ = false;
        return false;
    }
    pending_.assign(line.data(), line.size());
    pending_line_ = reader_.line_number();
    pending_truncated_ = reader_.line_truncated();
    has_pending_ = true;
    return true;
}

bool LineJoiner::next(LogicalLine& out) {
    if (!started_) {
        started_ = true;
        pull();
    }
    if (!has_pending_) return false;
    out.text.clear();
    out.seg_start.clear();
    out.text.swap(pending_);
    out.seg_start.push_back(0);
    out.first_line = pending_line_;
    out.truncated = pending_truncated_;
    const size_t first_len = out.text.size();
    size_t prev_start = 0;
    while (pull()) {
        if (!join_ || out.segments() >= kMaxSegments || out.text.size() + 1 + pending_.size() > max_line_) break;
        const std::string_view text(out.text);
        if (!continues_wrapped_line(text.substr(0, first_len), text.substr(prev_start), pending_)) break;
        prev_start = out.text.size() + 1;
        out.seg_start.push_back(prev_start);
        out.text += ' ';
        out.text += pending_;
        out.truncated = out.truncated || pending_truncated_;
        has_pending_ = false;
    }
    return true;
}

std::string seam_text(const LogicalLine& l, size_t i, size_t reach, size_t* left_len) {
    const std::string_view left = l.segment(i - 1), right = l.segment(i);
    const std::string_view lt = left.substr(left.size() > reach ? left.size() - reach : 0);
    const std::string_view rt = right.substr(0, std::min(reach, right.size()));
    *left_len = lt.size();
    std::string s;
    s.reserve(lt.size() + rt.size());
    s.append(lt);
    s.append(rt);
    return s;
}

}  // namespace sigma::domain
