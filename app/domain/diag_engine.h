// DiagEngine: the rules engine of `sigma diagnose`. Streams a log once, joins wrapped lines, matches the
// signature pack's literal patterns, NVIDIA Xid numbers and value-against-limit rules, and ranks
// categories (causes above consequences) with their evidence lines.
// Not a model: it never guesses; when no strong signature matches, the answer is "unknown".
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/domain/diag_signatures.h"
#include "app/domain/pattern.h"

namespace sigma::domain {

struct DiagOptions {
    size_t max_line_bytes = 64 * 1024;  // bytes of one line that are matched; the rest is skipped
    size_t max_total_bytes = 0;         // stop after this many input bytes (0 = read everything)
    size_t max_evidence_per_finding = 8;
    size_t max_evidence_text = 2048;  // bytes of a cited line kept (a window around the match)
    size_t max_findings = 8;
    double min_strong_weight = 5.0;  // a category needs a pattern at least this strong to be a finding
    bool join_wrapped_lines = true;  // match a line a terminal or web page wrapped as one line
    size_t max_nearest = 2;          // categories shown as nearest when the answer is "unknown"
};

struct Evidence {
    size_t line = 0;      // 1-based line number in the input
    std::string text;     // the line (valid UTF-8; a window of it when the line is long)
    std::string pattern;  // the signature that matched, e.g. "fallen off the bus" or "Xid 79"
    double weight = 0.0;
    size_t last_line = 0;  // last line of a match that a wrap split over lines (0 or == line: one line)
    std::string reason;    // why a value rule fired, e.g. "GPU temperature 91 C ≥ slowdown threshold 90 C"

    size_t end_line() const { return last_line > line ? last_line : line; }
};

struct Finding {
    std::string category;  // a category id (stored: never rename)
    std::string title;
    Severity severity = Severity::Medium;
    double score = 0.0;              // rank: strongest pattern + support from other patterns + severity
    size_t hits = 0;                 // matching lines
    std::vector<Evidence> evidence;  // sorted by line
    std::string explanation;
    std::vector<std::string> root_causes;
    std::vector<std::string> remediation;
    std::vector<std::string> commands;
};

struct DiagnosisReport {
    std::string category = "unknown";  // top finding's category, or "unknown"
    std::vector<Finding> findings;     // best first
    // Only when category is "unknown": the categories that came closest (weak signatures, partial
    // matches, values just below their limits), best first, with the lines that almost matched.
    std::vector<Finding> nearest;
    size_t lines_read = 0;
    size_t bytes_read = 0;
    size_t truncated_lines = 0;    // lines longer than max_line_bytes (only their head was matched)
    bool input_truncated = false;  // reading stopped at max_total_bytes

    bool truncated() const { return truncated_lines > 0 || input_truncated; }
    std::vector<size_t> cited_lines()
        const;  // every evidence line (all lines of a wrapped one) of every finding, sorted, unique
    nlohmann::ordered_json to_json() const;
};

class DiagEngine {
public:
    explicit DiagEngine(const SignaturePack& pack);
    ~DiagEngine();
    DiagEngine(const DiagEngine&) = delete;
    DiagEngine& operator=(const DiagEngine&) = delete;

    DiagnosisReport run(std::istream& in, const DiagOptions& options = {}) const;
    DiagnosisReport run_text(std::string_view text, const DiagOptions& options = {}) const;

    struct Compiled;  // compiled patterns (defined in diag_engine.cpp)

private:
    const SignaturePack& pack_;
    std::unique_ptr<Compiled> compiled_;
};

// One-shot helpers; they compile the pack on each call (cheap next to reading a log).
DiagnosisReport diagnose_stream(std::istream& in, const SignaturePack& pack, DiagOptions options = {});
DiagnosisReport diagnose_text(std::string_view text, const SignaturePack& pack, DiagOptions options = {});

// Replaces invalid UTF-8 sequences with U+FFFD and control characters (other than tab) with spaces.
std::string sanitize_utf8(std::string_view bytes);

}  // namespace sigma::domain
