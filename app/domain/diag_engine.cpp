// The diagnosis rules engine: one pass over the log, an Aho-Corasick scan per line, bounded state per
// category (counts, strongest pattern, at most N evidence lines). Not a parser of any one log format:
// it reads kernel, journald, kubectl, Python and NCCL output alike as plain lines.
#include "app/domain/diag_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "app/domain/diag_cascade.h"
#include "app/domain/diag_line_joiner.h"
#include "app/domain/diag_numeric_rules.h"
#include "app/domain/json_parse.h"

namespace sigma::domain {

namespace {
enum class Kind { Text, All, NonZero, Xid, CsvColumn, Numeric };

struct CPattern {
    int category = 0;
    Kind kind = Kind::Text;
    double weight = 0;
    int lit = -1;  // Text / NonZero: the literal
    size_t lit_len = 0;
    std::vector<int> all_lits;   // All: every literal
    std::vector<int> none_lits;  // must be absent from the line
    std::string column;          // CsvColumn: header text (lower case) and expected value
    std::string equals;
    bool csv_nonzero = false;
    std::string desc;
};

constexpr int kMaxXid = 1000;
constexpr const char* kSxidCategory = "gpu_nvlink_error";  // NVSwitch errors are reported as SXid
constexpr double kSxidWeight = 10.0;
constexpr double kStrongForYield = 7.0;  // a cause this strong pushes its consequences down (and orders cascades)
constexpr double kYieldPenalty = 3.0;
constexpr size_t kMaxNearEvidence = 3;
constexpr double kPartialShare = 0.5;    // near-miss credit of an `all` pattern missing a literal
constexpr double kBlockedShare = 0.3;    // near-miss credit of a pattern excluded by its `none` list
constexpr double kNearValueShare = 0.5;  // near-miss credit of a value just below its limit

double severity_bonus(Severity s) {
    switch (s) {
        case Severity::Critical: return 0.6;
        case Severity::High: return 0.4;
        case Severity::Medium: return 0.2;
        case Severity::Low: return 0.0;
    }
    return 0.0;
}
}  // namespace

struct DiagEngine::Compiled {
    LiteralMatcher matcher;
    std::vector<std::vector<int>> lit_patterns;  // [n_literals] patterns to evaluate when it is seen
    std::vector<CPattern> patterns;
    std::vector<int> xid_pattern = std::vector<int>(kMaxXid, -1);  // xid number -> pattern
    int sxid_pattern = -1;
    int xid_lit = -1;
    std::vector<int> csv_patterns;       // evaluated on every line (they keep a column across lines)
    std::map<std::string, int> lit_ids;  // dedupe: key = flags + text
    std::vector<int> numeric_pattern;    // [numeric_rules()] pattern index, -1 when the pack lacks the category
    std::vector<int> trigger_lits;       // literals of numeric_triggers()
    size_t max_literal = 0;              // longest literal: the reach of a seam scan

    int literal(const std::string& text, bool cs, bool word) {
        std::string key = std::string(cs ? "c" : "i") + (word ? "w" : "-");
        for (char c : text) key += cs ? c : static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
        auto it = lit_ids.find(key);
        if (it != lit_ids.end()) return it->second;
        const int id = matcher.add(text, cs, word);
        lit_ids.emplace(key, id);
        lit_patterns.emplace_back();
        return id;
    }
};

DiagEngine::DiagEngine(const SignaturePack& pack) : pack_(pack), compiled_(std::make_unique<Compiled>()) {
    Compiled& c = *compiled_;
    c.xid_lit = c.literal("xid", false, false);
    for (size_t ci = 0; ci < pack.categories.size(); ++ci) {
        for (const SignaturePattern& sp : pack.categories[ci].patterns) {
            CPattern p;
            p.category = static_cast<int>(ci);
            p.weight = sp.weight;
            p.desc = sp.describe();
            const int index = static_cast<int>(c.patterns.size());
            if (!sp.text.empty()) {
                p.kind = Kind::Text;
                p.lit = c.literal(sp.text, sp.case_sensitive, sp.word);
                c.lit_patterns[p.lit].push_back(index);
            } else if (!sp.nonzero.empty()) {
                p.kind = Kind::NonZero;
                p.lit = c.literal(sp.nonzero, sp.case_sensitive, sp.word);
                p.lit_len = sp.nonzero.size();
                c.lit_patterns[p.lit].push_back(index);
            } else if (!sp.csv_column.empty()) {
                p.kind = Kind::CsvColumn;
                p.lit = c.literal(sp.csv_column, false, false);
                for (char ch : sp.csv_column) p.column += static_cast<char>((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
                for (char ch : sp.equals) p.equals += static_cast<char>((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
                p.csv_nonzero = sp.csv_nonzero;
                c.csv_patterns.push_back(index);
            } else {
                p.kind = Kind::All;
                for (const auto& a : sp.all) p.all_lits.push_back(c.literal(a, sp.case_sensitive, sp.word));
                // Evaluate when the first literal is seen; the others are checked by stamp.
                c.lit_patterns[p.all_lits.front()].push_back(index);
            }
            for (const auto& n : sp.none) p.none_lits.push_back(c.literal(n, false, false));
            c.patterns.push_back(std::move(p));
        }
    }
    for (const XidEntry& x : pack.xids) {
        const SignatureCategory* cat = pack.find(x.category);
        if (!cat || x.xid <= 0 || x.xid >= kMaxXid) continue;
        CPattern p;
        p.category = static_cast<int>(cat - pack.categories.data());
        p.kind = Kind::Xid;
        p.weight = x.weight;
        p.desc = "Xid " + std::to_string(x.xid) + " (" + x.name + ")";
        c.xid_pattern[x.xid] = static_cast<int>(c.patterns.size());
        c.patterns.push_back(std::move(p));
    }
    if (const SignatureCategory* cat = pack.find(kSxidCategory)) {
        CPattern p;
        p.category = static_cast<int>(cat - pack.categories.data());
        p.kind = Kind::Xid;
        p.weight = kSxidWeight;
        p.desc = "SXid (NVSwitch error)";
        c.sxid_pattern = static_cast<int>(c.patterns.size());
        c.patterns.push_back(std::move(p));
    }
    for (const NumericRuleInfo& r : numeric_rules()) {
        const SignatureCategory* cat = pack.find(r.category);
        if (!cat) {
            c.numeric_pattern.push_back(-1);
            continue;
        }
        CPattern p;
        p.category = static_cast<int>(cat - pack.categories.data());
        p.kind = Kind::Numeric;
        p.weight = r.weight;
        p.desc = r.desc;
        c.numeric_pattern.push_back(static_cast<int>(c.patterns.size()));
        c.patterns.push_back(std::move(p));
    }
    for (const std::string& t : numeric_triggers()) c.trigger_lits.push_back(c.literal(t, false, false));
    c.matcher.build();
    for (size_t i = 0; i < c.matcher.literal_count(); ++i)
        c.max_literal = std::max(c.max_literal, c.matcher.literal_length(static_cast<int>(i)));
}

DiagEngine::~DiagEngine() = default;

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Parses the Xid number after "xid" at `start`: "Xid (PCI:0000:3b:00): 79,", "Xid 79", "XID: 48",
// "xid=13", "Xid119". Returns -1 when no number follows. *sxid is set for NVSwitch "SXid".
int parse_xid(std::string_view line, size_t start, bool* sxid) {
    *sxid =
        start > 0 && (line[start - 1] == 'S' || line[start - 1] == 's') && (start < 2 || !is_alpha(line[start - 2]));
    size_t j = start + 3;
    if (j < line.size() && is_alpha(line[j])) return -1;  // "xids", "xidden"
    while (j < line.size() && line[j] == ' ') ++j;
    if (j < line.size() && line[j] == '(') {
        const size_t close = line.find(')', j);
        if (close == std::string_view::npos || close - j > 80) return -1;
        j = close + 1;
    }
    size_t skipped = 0;
    while (j < line.size() && skipped < 4 && (line[j] == ' ' || line[j] == ':' || line[j] == '=' || line[j] == '#')) {
        ++j;
        ++skipped;
    }
    int value = 0;
    size_t digits = 0;
    const size_t max_digits = *sxid ? 6 : 3;  // SXid numbers are five digits (20034)
    while (j < line.size() && is_digit(line[j]) && digits <= max_digits) {
        value = value * 10 + (line[j] - '0');
        ++j;
        ++digits;
    }
    if (digits == 0 || digits > max_digits) return -1;
    return value;
}

// After the field name at [pos, pos+len): the rest of the label (up to 48 bytes without digits,
// e.g. " ECC " in "Double Bit ECC : 2"), a separator (':', '=', ','), spaces, then a number.
// True when that number is greater than zero.
bool nonzero_after(std::string_view line, size_t pos) {
    size_t j = pos;
    size_t guard = 0;
    while (j < line.size() && line[j] != ':' && line[j] != '=' && line[j] != ',' && !is_digit(line[j]) && guard++ < 48)
        ++j;
    if (j >= line.size() || (line[j] != ':' && line[j] != '=' && line[j] != ',')) return false;
    ++j;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t' || line[j] == '"')) ++j;
    bool any = false, nonzero = false;
    while (j < line.size() && is_digit(line[j])) {
        any = true;
        nonzero = nonzero || line[j] != '0';
        ++j;
    }
    return any && nonzero;
}

// The `index`-th comma-separated field of `line`, trimmed and lower-cased; empty when absent.
std::string csv_field(std::string_view line, size_t index, size_t* offset) {
    size_t start = 0;
    for (size_t i = 0; i < index; ++i) {
        const size_t comma = line.find(',', start);
        if (comma == std::string_view::npos) return {};
        start = comma + 1;
    }
    size_t end = line.find(',', start);
    if (end == std::string_view::npos) end = line.size();
    while (start < end && (line[start] == ' ' || line[start] == '\t')) ++start;
    while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) --end;
    *offset = start;
    std::string out(line.substr(start, std::min<size_t>(end - start, 256)));
    for (char& ch : out) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    return out;
}

// Index of the first comma-separated field containing `needle` (lower case), or -1.
int csv_column_of(std::string_view line, const std::string& needle) {
    size_t start = 0;
    for (int index = 0; index < 512; ++index) {
        size_t end = line.find(',', start);
        const bool last = end == std::string_view::npos;
        if (last) end = line.size();
        std::string field(line.substr(start, std::min<size_t>(end - start, 256)));
        for (char& ch : field) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
        if (field.find(needle) != std::string::npos) return index;
        if (last) break;
        start = end + 1;
    }
    return -1;
}

struct CategoryState {
    double max_weight = 0;
    size_t lines = 0;
    size_t line_stamp = 0;  // last logical line that matched
    double line_best = 0;   // best weight on the current line
    int line_best_pattern = -1;
    size_t line_best_pos = 0;                           // offset of the best match in the logical line
    size_t first_strong_line = 0;                       // first physical line with a match of weight >= kStrongForYield
    std::vector<std::pair<double, Evidence>> evidence;  // (keep priority, line)
    double near = 0;                                    // best near-miss credit
    std::vector<std::pair<double, Evidence>> near_evidence;
};

std::string window_of(std::string_view line, size_t pos, size_t cap) {
    if (line.size() <= cap) return sanitize_utf8(line);
    const size_t start = pos > cap / 4 ? std::min(pos - cap / 4, line.size() - cap) : 0;
    std::string out = start > 0 ? "..." : "";
    out += sanitize_utf8(line.substr(start, cap));
    if (start + cap < line.size()) out += "...";
    return out;
}

// Keeps the `cap` entries of highest priority, the earliest among equals.
void keep_best(std::vector<std::pair<double, Evidence>>& kept, size_t cap, double prio, Evidence&& e) {
    auto worst = std::min_element(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second.line > b.second.line;
    });
    if (kept.size() < cap) kept.emplace_back(prio, std::move(e));
    else if (prio > worst->first) *worst = {prio, std::move(e)};
}

bool would_keep(const std::vector<std::pair<double, Evidence>>& kept, size_t cap, double prio) {
    if (kept.size() < cap) return true;
    for (const auto& k : kept)
        if (k.first < prio) return true;
    return false;
}

// The evidence of a match at `pos` of a logical line: the record's first physical line and, when a
// wrap split the record, its last one, with a window of the joined text around the match.
Evidence evidence_of(const LogicalLine& l, size_t pos, size_t cap) {
    Evidence e;
    e.line = l.first_line;
    e.last_line = l.segments() > 1 ? l.last_line() : 0;
    e.text = window_of(l.text, pos, cap);
    return e;
}

}  // namespace

DiagnosisReport DiagEngine::run(std::istream& in, const DiagOptions& opt) const {
    const Compiled& c = *compiled_;
    DiagnosisReport report;
    const size_t n_lits = c.matcher.literal_count();
    const size_t n_pats = c.patterns.size();
    std::vector<size_t> lit_stamp(n_lits, 0), lit_pos(n_lits, 0);
    std::vector<bool> lit_seam(n_lits, false);  // found only across a mid-word wrap
    std::vector<size_t> pat_stamp(n_pats, 0), pat_hits(n_pats, 0);
    std::vector<bool> pat_was_best(n_pats, false);
    std::vector<int> csv_col(n_pats, -1);  // CsvColumn: column index from the last header seen
    std::vector<CategoryState> cats(pack_.categories.size());
    std::vector<int> hit_lits, touched;
    std::vector<std::pair<int, size_t>> xids;  // pattern, position
    std::vector<NumericHit> numeric_hits;
    NumericRules numeric;
    const size_t ev_cap = std::max<size_t>(1, opt.max_evidence_per_finding);
    const size_t text_cap = std::max<size_t>(64, opt.max_evidence_text);

    auto near_credit = [&](int category, double credit, Evidence&& e) {
        CategoryState& st = cats[static_cast<size_t>(category)];
        st.near = std::max(st.near, credit);
        keep_best(st.near_evidence, kMaxNearEvidence, credit, std::move(e));
    };

    LineJoiner joiner(in, opt.max_line_bytes, opt.max_total_bytes, opt.join_wrapped_lines);
    LogicalLine ll;
    size_t ln = 0;  // logical line counter: the stamp of per-line state
    while (joiner.next(ll)) {
        ++ln;
        const std::string_view line = ll.text;
        hit_lits.clear();
        touched.clear();
        xids.clear();
        c.matcher.scan(line, [&](int id, size_t start) {
            if (id == c.xid_lit && xids.size() < 4) {
                bool sxid = false;
                const int x = parse_xid(line, start, &sxid);
                const int p = sxid ? c.sxid_pattern : (x > 0 && x < kMaxXid ? c.xid_pattern[x] : -1);
                if (x > 0 && p >= 0) xids.emplace_back(p, start);
            }
            if (lit_stamp[id] != ln) {
                lit_stamp[id] = ln;
                lit_pos[id] = start;
                lit_seam[id] = false;
                hit_lits.push_back(id);
            }
            return true;
        });
        // A wrap inside a word split a literal: scan each seam joined without the space.
        for (size_t si = 1; si < ll.segments(); ++si) {
            size_t left = 0;
            const std::string seam = seam_text(ll, si, c.max_literal, &left);
            const size_t base = ll.seg_start[si] - 1 - left;  // logical offset of seam[0]
            c.matcher.scan(seam, [&](int id, size_t start) {
                if (start >= left || start + c.matcher.literal_length(id) <= left || lit_stamp[id] == ln) return true;
                lit_stamp[id] = ln;
                lit_pos[id] = base + start;
                lit_seam[id] = true;
                hit_lits.push_back(id);
                return true;
            });
        }
        bool triggered = false;
        for (int t : c.trigger_lits) triggered = triggered || lit_stamp[t] == ln;
        numeric_hits.clear();
        if (triggered || numeric.in_table()) numeric.on_line(ll, triggered, numeric_hits);

        const bool has_comma = line.find(',') != std::string_view::npos;
        if (hit_lits.empty() && numeric_hits.empty() && (c.csv_patterns.empty() || !has_comma)) {
            for (int p : c.csv_patterns) csv_col[p] = -1;  // a line without commas ends a table
            continue;
        }

        auto credit = [&](int p, size_t pos) {
            const CPattern& cp = c.patterns[p];
            CategoryState& st = cats[cp.category];
            ++pat_hits[p];
            if (st.line_stamp != ln) {
                st.line_stamp = ln;
                st.line_best = 0;
                ++st.lines;
                touched.push_back(cp.category);
            }
            if (cp.weight > st.line_best) {
                st.line_best = cp.weight;
                st.line_best_pattern = p;
                st.line_best_pos = pos;
            }
        };
        for (int p : c.csv_patterns) {
            const CPattern& cp = c.patterns[p];
            if (!has_comma) {
                csv_col[p] = -1;
            } else if (lit_stamp[cp.lit] == ln) {
                csv_col[p] = csv_column_of(line, cp.column);  // a header row names the column
            } else if (csv_col[p] >= 0) {
                size_t at = 0;
                const std::string v = csv_field(line, static_cast<size_t>(csv_col[p]), &at);
                bool ok = false;
                if (cp.csv_nonzero) ok = !v.empty() && is_digit(v[0]) && std::strtod(v.c_str(), nullptr) > 0;
                else ok = v == cp.equals;
                if (ok) {
                    pat_stamp[p] = ln;
                    credit(p, at);
                }
            }
        }
        for (const auto& [p, pos] : xids) {
            if (pat_stamp[p] == ln) continue;
            pat_stamp[p] = ln;
            credit(p, pos);
        }
        for (int lit : hit_lits) {
            for (int p : c.lit_patterns[lit]) {
                if (pat_stamp[p] == ln) continue;
                pat_stamp[p] = ln;
                const CPattern& cp = c.patterns[p];
                bool ok = true;
                size_t pos = lit_pos[lit];
                size_t present = 0;
                if (cp.kind == Kind::All) {
                    for (int a : cp.all_lits) {
                        if (lit_stamp[a] != ln) {
                            ok = false;
                            continue;
                        }
                        ++present;
                        pos = std::min(pos, lit_pos[a]);
                    }
                } else if (cp.kind == Kind::NonZero) {
                    ok = !lit_seam[cp.lit] && nonzero_after(line, lit_pos[cp.lit] + cp.lit_len);
                }
                bool blocked = false;
                for (int n : cp.none_lits) blocked = blocked || lit_stamp[n] == ln;
                if (ok && !blocked) {
                    credit(p, pos);
                    continue;
                }
                // Near misses, kept for an "unknown" answer: an `all` pattern missing a literal, or a
                // pattern its `none` list excluded.
                double share = 0;
                if (!ok && cp.kind == Kind::All && 2 * present >= cp.all_lits.size())
                    share = kPartialShare * double(present) / double(cp.all_lits.size());
                else if (ok && blocked) share = kBlockedShare;
                const double near = share * cp.weight;
                CategoryState& st = cats[cp.category];
                if (near > 0 && would_keep(st.near_evidence, kMaxNearEvidence, near)) {
                    Evidence e = evidence_of(ll, pos, text_cap);
                    e.pattern = cp.desc;
                    e.weight = near;
                    e.reason = ok ? "excluded by its context (" + cp.desc + ")" : "partial match of " + cp.desc;
                    near_credit(cp.category, near, std::move(e));
                }
            }
        }
        for (int ci : touched) {
            CategoryState& st = cats[ci];
            if (st.line_best_pattern < 0) continue;
            pat_was_best[st.line_best_pattern] = true;
            st.max_weight = std::max(st.max_weight, st.line_best);
            if (st.first_strong_line == 0 && st.line_best >= kStrongForYield)
                st.first_strong_line = ll.line_of(st.line_best_pos);
            // Keep the first line of every distinct pattern, then the strongest lines, so that the
            // evidence shows each kind of signature instead of many copies of one.
            const double prio = st.line_best + (pat_hits[st.line_best_pattern] == 1 ? 100.0 : 0.0);
            if (would_keep(st.evidence, ev_cap, prio)) {
                Evidence e = evidence_of(ll, st.line_best_pos, text_cap);
                e.pattern = c.patterns[st.line_best_pattern].desc;
                e.weight = st.line_best;
                keep_best(st.evidence, ev_cap, prio, std::move(e));
            }
        }
        for (NumericHit& h : numeric_hits) {
            const int p = c.numeric_pattern[static_cast<size_t>(h.rule)];
            if (p < 0) continue;
            const CPattern& cp = c.patterns[p];
            CategoryState& st = cats[cp.category];
            Evidence e;
            e.line = h.line;
            e.last_line = h.last_line;
            e.text = window_of(h.text, h.pos, text_cap);
            e.pattern = cp.desc;
            e.reason = std::move(h.reason);
            if (h.near) {
                e.weight = kNearValueShare * cp.weight;
                near_credit(cp.category, e.weight, std::move(e));
                continue;
            }
            e.weight = cp.weight;
            ++pat_hits[p];
            pat_was_best[p] = true;
            if (st.line_stamp != ln) {
                st.line_stamp = ln;
                ++st.lines;
            }
            st.max_weight = std::max(st.max_weight, cp.weight);
            if (cp.weight >= kStrongForYield && (st.first_strong_line == 0 || h.line < st.first_strong_line))
                st.first_strong_line = h.line;
            const double prio = cp.weight + (pat_hits[p] <= 2 ? 100.0 : 0.0);
            keep_best(st.evidence, ev_cap, prio, std::move(e));
        }
    }
    report.lines_read = joiner.lines_read();
    report.bytes_read = joiner.bytes_read();
    report.truncated_lines = joiner.truncated_lines();
    report.input_truncated = joiner.input_truncated();

    auto finding_of = [&](size_t ci, std::vector<std::pair<double, Evidence>>& kept) {
        const SignatureCategory& sc = pack_.categories[ci];
        Finding f;
        f.category = sc.id;
        f.title = sc.title;
        f.severity = sc.severity;
        f.hits = cats[ci].lines;
        for (auto& pe : kept) f.evidence.push_back(std::move(pe.second));
        std::sort(f.evidence.begin(), f.evidence.end(),
                  [](const Evidence& a, const Evidence& b) { return a.line < b.line; });
        f.explanation = sc.explanation;
        f.root_causes = sc.root_causes;
        f.remediation = sc.remediation;
        f.commands = sc.commands;
        return f;
    };
    std::vector<CascadeFact> facts;
    for (size_t ci = 0; ci < cats.size(); ++ci) {
        CategoryState& st = cats[ci];
        if (st.max_weight < opt.min_strong_weight) continue;
        const SignatureCategory& sc = pack_.categories[ci];
        double support = 0;
        for (size_t p = 0; p < n_pats; ++p)
            if (c.patterns[p].category == static_cast<int>(ci) && pat_was_best[p]) support += c.patterns[p].weight;
        support = std::max(0.0, support - st.max_weight);
        Finding f = finding_of(ci, st.evidence);
        f.score = st.max_weight + std::min(1.5, 0.1 * support) +
                  std::min(1.0, 0.25 * std::log2(static_cast<double>(std::max<size_t>(1, st.lines)))) +
                  severity_bonus(sc.severity);
        f.score = std::round(f.score * 100.0) / 100.0;
        report.findings.push_back(std::move(f));
        facts.push_back({st.max_weight, st.first_strong_line});
    }
    // Consequences rank below their causes (an NCCL timeout below the Xid 79 that caused it; in a
    // chain of GPU errors, the first one above those it set off).
    rank_causes_first(report.findings, facts, pack_, kStrongForYield, kYieldPenalty);
    std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.severity < b.severity;
    });
    if (report.findings.size() > opt.max_findings) report.findings.resize(std::max<size_t>(1, opt.max_findings));
    if (!report.findings.empty()) {
        report.category = report.findings.front().category;
        return report;
    }
    // "unknown": the nearest categories, from weak signatures, partial matches and values near limits.
    std::vector<std::pair<double, size_t>> near;
    for (size_t ci = 0; ci < cats.size(); ++ci) {
        const double score = std::max(cats[ci].near, cats[ci].max_weight);
        if (score > 0) near.emplace_back(score, ci);
    }
    std::stable_sort(near.begin(), near.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; k < near.size() && k < opt.max_nearest; ++k) {
        CategoryState& st = cats[near[k].second];
        auto& kept = st.near_evidence;
        for (auto& pe : st.evidence) keep_best(kept, kMaxNearEvidence, pe.first, std::move(pe.second));
        Finding f = finding_of(near[k].second, kept);
        f.score = std::round(near[k].first * 100.0) / 100.0;
        report.nearest.push_back(std::move(f));
    }
    return report;
}

DiagnosisReport DiagEngine::run_text(std::string_view text, const DiagOptions& options) const {
    std::istringstream in{std::string(text)};
    return run(in, options);
}

DiagnosisReport diagnose_stream(std::istream& in, const SignaturePack& pack, DiagOptions options) {
    DiagEngine engine(pack);
    return engine.run(in, options);
}

DiagnosisReport diagnose_text(std::string_view text, const SignaturePack& pack, DiagOptions options) {
    DiagEngine engine(pack);
    return engine.run_text(text, options);
}

std::vector<size_t> DiagnosisReport::cited_lines() const {
    std::set<size_t> lines;
    for (const Finding& f : findings)
        for (const Evidence& e : f.evidence)
            for (size_t l = e.line; l <= e.end_line(); ++l) lines.insert(l);
    return {lines.begin(), lines.end()};
}

static nlohmann::ordered_json string_array(const std::vector<std::string>& v) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& s : v) a.push_back(s);
    return a;
}

static nlohmann::ordered_json evidence_json(const Evidence& e) {
    nlohmann::ordered_json eo = nlohmann::ordered_json::object();
    eo["line"] = e.line;
    if (e.end_line() > e.line) eo["last_line"] = e.end_line();
    eo["text"] = e.text;
    eo["pattern"] = e.pattern;
    if (!e.reason.empty()) eo["reason"] = e.reason;
    return eo;
}

nlohmann::ordered_json DiagnosisReport::to_json() const {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["category"] = category;
    nlohmann::ordered_json fs = nlohmann::ordered_json::array();
    for (const Finding& f : findings) {
        nlohmann::ordered_json o = nlohmann::ordered_json::object();
        o["category"] = f.category;
        o["title"] = f.title;
        o["severity"] = severity_name(f.severity);
        o["score"] = json_number(f.score);
        o["hits"] = f.hits;
        nlohmann::ordered_json ev = nlohmann::ordered_json::array();
        for (const Evidence& e : f.evidence) ev.push_back(evidence_json(e));
        o["evidence"] = std::move(ev);
        o["explanation"] = f.explanation;
        o["root_causes"] = string_array(f.root_causes);
        o["next_steps"] = string_array(f.remediation);
        o["commands"] = string_array(f.commands);
        fs.push_back(std::move(o));
    }
    j["findings"] = std::move(fs);
    if (!nearest.empty()) {
        nlohmann::ordered_json ns = nlohmann::ordered_json::array();
        for (const Finding& f : nearest) {
            nlohmann::ordered_json o = nlohmann::ordered_json::object();
            o["category"] = f.category;
            o["title"] = f.title;
            o["score"] = json_number(f.score);
            nlohmann::ordered_json ev = nlohmann::ordered_json::array();
            for (const Evidence& e : f.evidence) ev.push_back(evidence_json(e));
            o["almost_matched"] = std::move(ev);
            ns.push_back(std::move(o));
        }
        j["nearest"] = std::move(ns);
    }
    j["lines_read"] = lines_read;
    j["bytes_read"] = bytes_read;
    j["truncated"] = truncated();
    j["truncated_lines"] = truncated_lines;
    j["input_truncated"] = input_truncated;
    return j;
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out += (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : static_cast<char>(c);
            ++i;
            continue;
        }
        size_t len = 0;
        uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        }
        bool ok = len > 0 && i + len <= s.size();
        for (size_t k = 1; ok && k < len; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            ok = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Reject overlongs, surrogates and values past U+10FFFF.
        if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                   (cp >= 0xD800 && cp <= 0xDFFF)))
            ok = false;
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

}  // namespace sigma::domain
