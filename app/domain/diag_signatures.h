// SignaturePack: the diagnosis knowledge (resources/knowledge/diagnosis/signatures.json + xid.json),
// loaded and checked. Not the matcher: DiagEngine compiles these patterns; this only holds the data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sigma::domain {

// Severity of a category, most severe first. Stored as text ("critical", ...) in packs and results.
enum class Severity { Critical = 0, High = 1, Medium = 2, Low = 3 };
const char* severity_name(Severity s);
std::optional<Severity> parse_severity(std::string_view name);

// One signature line pattern. Exactly one of: `text` (a literal), `all` (every literal on the line),
// `nonzero` (a field name followed by ':', '=' or ',' and a number greater than zero), `csv_column`
// (a CSV header field containing this text; later rows match when that column `equals` a value, or
// holds a number > 0 when `csv_nonzero`).
struct SignaturePattern {
    std::string text;
    std::vector<std::string> all;
    std::string nonzero;
    std::string csv_column;
    std::string equals;             // csv_column: the value (case-insensitive) that matches
    bool csv_nonzero = false;       // csv_column: match a number > 0 instead
    std::vector<std::string> none;  // the line must contain none of these (case-insensitive)
    bool case_sensitive = false;
    bool word = false;
    double weight = 1.0;           // >= strong threshold: identifies the category; below: only supports it
    std::string describe() const;  // short human form, e.g. "fallen off the bus" or "Thermal Slowdown + Active"
};

struct SignatureCategory {
    std::string id;  // stored in results and history: never rename
    std::string title;
    Severity severity = Severity::Medium;
    std::string explanation;
    std::vector<std::string> root_causes;
    std::vector<std::string> remediation;
    std::vector<std::string> commands;  // read-only commands that collect more evidence
    std::vector<SignaturePattern> patterns;
    // Categories this one is usually a consequence of (an NCCL timeout after a GPU fault): when one
    // of them is also found strongly, this category ranks below it.
    std::vector<std::string> yields_to;
    // Categories of one cascade group (e.g. "gpu": bus loss, ECC, NVLink, GSP) set each other off in
    // chains; when several are found, the one seen first ranks above the others.
    std::string cascade;
};

struct XidEntry {
    int xid = 0;
    std::string name;
    std::string meaning;
    std::string category;
    double weight = 10.0;
};

struct SignaturePack {
    int format_version = 0;
    std::vector<SignatureCategory> categories;
    std::vector<XidEntry> xids;

    const SignatureCategory* find(std::string_view id) const;
    const XidEntry* find_xid(int xid) const;

    // Builds a pack from parsed JSON (signatures, and xid table which may be null). Returns nullopt
    // and an error naming the offending entry when the data is malformed.
    static std::optional<SignaturePack> from_json(const nlohmann::ordered_json& signatures,
                                                  const nlohmann::ordered_json& xids, std::string* error);
    // Loads <dir>/signatures.json and <dir>/xid.json.
    static std::optional<SignaturePack> load(const std::string& dir, std::string* error);
    // Loads from knowledge_path("diagnosis").
    static std::optional<SignaturePack> load_default(std::string* error);
};

// Every category id the product knows, "unknown" last (stored in results: never rename one).
const std::vector<std::string>& diagnosis_category_ids();

}  // namespace sigma::domain
