// Value-against-limit rules of the diagnosis engine: bounded state (one GPU block, one table header,
// one memory limit), no allocation per line beyond the tokens of a triggered line. Not a threshold table: every limit is read from the log.
#include "app/domain/diag_numeric_rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sigma::domain {

namespace {
enum Rule {
    kGpuTempSlowdown,
    kGpuTempShutdown,
    kGpuTempMaxOperating,
    kGpuMemoryTemp,
    kTempOverThreshold,
    kFilesystemFull,
    kPodRestarts,
    kContainerMemoryAtLimit,
    kGpuMemoryFull,
    kHostMemoryExhausted,
    kSmartBelowThreshold,
    kGpuTableUncorrectableEcc,
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string lower_copy(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

// Case-insensitive search for a lower-case needle, without copying.
size_t find_ci(std::string_view s, std::string_view needle) {
    if (needle.empty() || s.size() < needle.size()) return std::string_view::npos;
    for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
        size_t k = 0;
        while (k < needle.size() && lower(s[i + k]) == needle[k]) ++k;
        if (k == needle.size()) return i;
    }
    return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

struct Token {
    std::string_view text;
    size_t offset;
};

std::vector<Token> tokens_of(std::string_view s, size_t max_tokens = 64) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < s.size() && out.size() < max_tokens) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        const size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) out.push_back({s.substr(start, i - start), start});
    }
    return out;
}

// A signed decimal number at s[i] (after optional spaces); false when none.
bool number_at(std::string_view s, size_t i, double* value, size_t* end = nullptr) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
    const size_t digits_start = j;
    while (j < s.size() && (is_digit(s[j]) || s[j] == '.')) ++j;
    if (j == digits_start || !is_digit(s[digits_start])) return false;
    *value = std::strtod(std::string(s.substr(i, j - i)).c_str(), nullptr);
    if (end) *end = j;
    return true;
}

std::string fmt(double v) {
    char buf[32];
    if (std::fabs(v - std::round(v)) < 1e-9) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

int parse_int(std::string_view s) {
    int v = 0;
    size_t i = 0;
    if (s.empty() || !is_digit(s[0])) return -1;
    while (i < s.size() && is_digit(s[i]) && v < 1000000) v = v * 10 + (s[i++] - '0');
    return v;
}

// The token of `row` under a header column: the one that starts at the header's offset (aligned
// tables), else the one at the header's token index (tables whose spaces were collapsed).
std::string_view column_value(std::string_view row, const std::vector<Token>& toks, int index, size_t offset) {
    if (index < 0) return {};
    for (const Token& t : toks)
        if (t.offset + 2 >= offset && t.offset <= offset + 2) return t.text;
    return static_cast<size_t>(index) < toks.size() ? toks[static_cast<size_t>(index)].text : std::string_view{};
}

bool is_percent_token(std::string_view t, int* pct) {
    if (t.size() < 2 || t.size() > 4 || t.back() != '%') return false;
    for (size_t i = 0; i + 1 < t.size(); ++i)
        if (!is_digit(t[i])) return false;
    *pct = parse_int(t);
    return true;
}

bool zero_size(std::string_view t) {
    if (t.empty() || t[0] != '0') return false;
    size_t i = 0;
    while (i < t.size() && (t[i] == '0' || t[i] == '.')) ++i;
    return i == t.size() || (i + 1 == t.size() && std::string_view("BKMGTbkmgt").find(t[i]) != std::string_view::npos);
}
}  // namespace

const std::vector<NumericRuleInfo>& numeric_rules() {
    static const std::vector<NumericRuleInfo> rules = {
        {"gpu_temp_slowdown", "gpu_thermal_slowdown", 10, "GPU temperature at its slowdown threshold"},
        {"gpu_temp_shutdown", "gpu_thermal_slowdown", 11, "GPU temperature at its shutdown threshold"},
        {"gpu_temp_max_operating", "gpu_thermal_slowdown", 8, "GPU temperature at its max operating temperature"},
        {"gpu_memory_temp", "gpu_thermal_slowdown", 9, "GPU memory temperature at its limit"},
        {"temp_over_threshold", "gpu_thermal_slowdown", 9, "temperature at or above the threshold printed beside it"},
        {"filesystem_full", "disk_full", 10, "df: filesystem at 100%"},
        {"pod_restarts", "k8s_crashloop", 9, "pod table: restarting container"},
        {"container_memory_at_limit", "k8s_oomkilled", 8, "container memory at its limit"},
        {"gpu_memory_full", "cuda_out_of_memory", 4, "GPU memory in use at its total"},
        {"host_memory_exhausted", "host_oom_killer", 6, "free: available memory exhausted"},
        {"smart_below_threshold", "disk_io_error", 9, "SMART attribute at or below its failure threshold"},
        {"gpu_table_uncorrectable_ecc", "gpu_ecc_uncorrectable", 9, "nvidia-smi: Volatile Uncorr. ECC above zero"},
    };
    return rules;
}

const std::vector<std::string>& numeric_triggers() {
    static const std::vector<std::string> t = {
        "temp",  "%",     "RESTARTS", "MEMORY(bytes)",  "limits:",    "MEM USAGE",
        "MiB /", "GiB /", "Mem:",     "ATTRIBUTE_NAME", "Uncorr. ECC"};
    return t;
}

double parse_byte_quantity(std::string_view s) {
    double v = 0;
    size_t end = 0;
    if (!number_at(s, 0, &v, &end) || v < 0) return -1;
    std::string unit = lower_copy(trim(s.substr(end)));
    if (unit.empty() || unit == "b") return v;
    if (unit.back() == 'b' && unit.size() >= 2) unit.pop_back();  // "MiB", "MB"
    const bool binary = unit.size() == 2 && unit[1] == 'i';
    if (unit.size() > 2 || (unit.size() == 2 && !binary)) return -1;
    const double base = binary ? 1024.0 : 1000.0;
    switch (unit[0]) {
        case 'k': return v * base;
        case 'm': return v * base * base;
        case 'g': return v * base * base * base;
        case 't': return v * base * base * base * base;
        default: return -1;
    }
}

void NumericRules::on_line(const LogicalLine& l, bool triggered, std::vector<NumericHit>& out) {
    if (triggered && find_ci(l.text, "temp") != std::string_view::npos) temperature_sentence(l, out);
    for (size_t si = 0; si < l.segments(); ++si) {
        const std::string_view seg = l.segment(si);
        const size_t line = l.first_line + si;
        const std::string_view t = trim(seg);
        if (t.empty() || t[0] == '$') {
            table_ = Table::None;
            limits_window_ = 0;
            continue;
        }
        if (!triggered && table_ == Table::None && limits_window_ == 0) continue;

        // A new GPU block of nvidia-smi -q ("GPU 00000000:3B:00.0") starts fresh thresholds.
        if (t.size() > 12 && t.substr(0, 4) == "GPU " && t.find(':') != std::string_view::npos && is_digit(t[4])) {
            cur_ = slowdown_ = shutdown_ = max_op_ = mem_cur_ = mem_max_ = margin_ = margin_slowdown_ =
                margin_shutdown_ = {};
            fired_slowdown_ = fired_shutdown_ = fired_max_op_ = fired_mem_ = fired_margin_ = fired_near_ = false;
        }

        // Table headers.
        const bool has_ready = t.find("READY") != std::string_view::npos;
        if (t.find("RESTARTS") != std::string_view::npos && (has_ready || t.find("STATUS") != std::string_view::npos)) {
            const auto toks = tokens_of(seg);
            table_ = Table::Pods;
            ready_ = status_ = restarts_ = mem_limit_pct_ = name_ = {};
            for (size_t i = 0; i < toks.size(); ++i) {
                const std::string_view h = toks[i].text;
                Column c{static_cast<int>(i), toks[i].offset};
                if (h == "READY") ready_ = c;
                else if (h == "STATUS") status_ = c;
                else if (h == "RESTARTS") restarts_ = c;
                else if (h == "%MEM/L") mem_limit_pct_ = c;
                else if (h.substr(0, 4) == "NAME" && name_.index < 0) name_ = c;
            }
            table_rows_ = 0;
            continue;
        }
        if (t.find("MEMORY(bytes)") != std::string_view::npos) {
            const auto toks = tokens_of(seg);
            table_ = Table::Top;
            name_ = memory_ = {};
            for (size_t i = 0; i < toks.size(); ++i) {
                if (toks[i].text == "MEMORY(bytes)") memory_ = {static_cast<int>(i), toks[i].offset};
                else if (toks[i].text == "NAME" || toks[i].text == "POD") name_ = {static_cast<int>(i), toks[i].offset};
            }
            table_rows_ = 0;
            continue;
        }
        if (t.find("MEM USAGE") != std::string_view::npos && t.find("LIMIT") != std::string_view::npos) {
            table_ = Table::DockerStats;
            table_rows_ = 0;
            continue;
        }
        if (t.find("Uncorr. ECC") != std::string_view::npos) {
            table_ = Table::NvidiaSmi;
            table_rows_ = 0;
            continue;
        }
        if (t.find("ATTRIBUTE_NAME") != std::string_view::npos && t.find("THRESH") != std::string_view::npos) {
            table_ = Table::Smart;
            table_rows_ = 0;
            continue;
        }
        const bool inode_header = t.find("IUse%") != std::string_view::npos;
        if (inode_header || t.find("Use%") != std::string_view::npos || t.find("Capacity") != std::string_view::npos) {
            inode_table_ = inode_header;
            df_header_ = {true, 0, line, std::string(seg), 0};
        }

        // Resource limits (kubectl describe "Limits:", manifests "limits:").
        if (t == "Limits:" || t == "limits:") {
            limits_window_ = 4;
            continue;
        }
        if (limits_window_ > 0) {
            --limits_window_;
            if (t.substr(0, 7) == "memory:") {
                const std::string_view q = trim(t.substr(7));
                const double b = parse_byte_quantity(q);
                if (b > 0) {
                    limit_ = {true, b, line, std::string(seg), static_cast<size_t>(seg.find("memory:"))};
                    fired_limit_ = false;
                    check_memory_limit(out);
                }
            }
        }

        if (table_ != Table::None) {
            if (++table_rows_ > 4096) table_ = Table::None;
            else table_row(seg, line, out);
        }
        if (!triggered) continue;

        if (find_ci(seg, "temp") != std::string_view::npos) temperature_line(seg, line, out);

        // df: "<fs> <size> <used> <avail> <use%> <mount>"; a long device name may sit on the line above.
        if (seg.find("% /") != std::string_view::npos) {
            const auto toks = tokens_of(seg, 16);
            for (size_t i = 2; i + 1 < toks.size(); ++i) {
                int pct = 0;
                if (!is_percent_token(toks[i].text, &pct)) continue;
                if (!is_digit(toks[i - 1].text[0]) || !is_digit(toks[i - 2].text[0]) || toks[i + 1].text[0] != '/')
                    break;
                const bool full = pct >= 100 || (pct >= 98 && zero_size(toks[i - 1].text));
                if (pct < 90) break;
                NumericHit h;
                h.rule = kFilesystemFull;
                h.near = !full;
                h.line = line;
                h.text = std::string(seg);
                h.pos = toks[i].offset;
                const std::string what = inode_table_ ? "inodes of " : "filesystem ";
                h.reason = what + std::string(toks[i + 1].text) + " " + std::to_string(pct) + "% used" +
                           (full ? " (no space left)" : " (below 100%)") + ", " + std::string(toks[i - 1].text) +
                           " available";
                if (full && df_header_.set && df_header_.line < line && line - df_header_.line < 64) {
                    NumericHit header = h;
                    header.line = df_header_.line;
                    header.text = df_header_.text;
                    header.pos = 0;
                    out.push_back(std::move(header));
                    df_header_.set = false;  // once per table
                }
                out.push_back(std::move(h));
                break;
            }
        }

        // nvidia-smi table: "|  81003MiB / 81920MiB |".
        const size_t slash = seg.find("MiB /");
        if (slash != std::string_view::npos && seg.find('|') != std::string_view::npos) {
            size_t s = slash;
            while (s > 0 && is_digit(seg[s - 1])) --s;
            double used = 0, total = 0;
            size_t end = 0;
            if (s < slash && number_at(seg, s, &used) && number_at(seg, slash + 5, &total, &end) && total > 0 &&
                used >= 0.98 * total) {
                out.push_back({kGpuMemoryFull, false, line, 0, std::string(seg), s,
                               "GPU memory " + fmt(used) + " MiB of " + fmt(total) + " MiB in use"});
            }
        }

        // free: "Mem: total used free shared buff/cache available".
        if (t.substr(0, 4) == "Mem:") {
            const auto toks = tokens_of(t, 10);
            if (toks.size() == 7) {
                const double total = parse_byte_quantity(toks[1].text);
                const double avail = parse_byte_quantity(toks[6].text);
                if (total > 0 && avail >= 0 && avail < 0.10 * total) {
                    const bool hit = avail < 0.02 * total;
                    out.push_back(
                        {kHostMemoryExhausted, !hit, line, 0, std::string(seg), static_cast<size_t>(seg.find("Mem:")),
                         "available memory " + std::string(toks[6].text) + " of " + std::string(toks[1].text) +
                             " total (" + fmt(std::round(1000.0 * avail / total) / 10.0) + "%)"});
                }
            }
        }
    }
}

void NumericRules::temperature_line(std::string_view seg, size_t line, std::vector<NumericHit>& out) {
    const size_t colon = seg.find(':');
    const std::string low = lower_copy(seg);
    // nvidia-smi -q: "GPU Current Temp : 91 C".
    if (colon != std::string_view::npos && low.find(" temp", 0) < colon && low.find("temperature") >= colon) {
        const std::string label = lower_copy(trim(seg.substr(0, colon)));
        double v = 0;
        if (!number_at(seg, colon + 1, &v)) return;
        Value val{true, v, line, std::string(seg), colon + 1};
        const bool memory = label.find("memory") != std::string::npos;
        const bool margin = label.find("t.limit") != std::string::npos;
        if (margin) {
            if (label.find("slowdown") != std::string::npos) margin_slowdown_ = val;
            else if (label.find("shutdown") != std::string::npos) margin_shutdown_ = val;
            else if (label.find("max operating") == std::string::npos) margin_ = val;
        } else if (memory) {
            if (label.find("current") != std::string::npos) mem_cur_ = val;
            else if (label.find("max operating") != std::string::npos) mem_max_ = val;
        } else if (label.find("current") != std::string::npos || label == "gpu") {
            cur_ = val;
        } else if (label.find("shutdown") != std::string::npos) {
            shutdown_ = val;
        } else if (label.find("slowdown") != std::string::npos) {
            slowdown_ = val;
        } else if (label.find("max operating") != std::string::npos) {
            max_op_ = val;
        }
        check_temperatures(out);
        return;
    }
}

// One record naming a temperature and its threshold: "temperature 92 C exceeds the slowdown threshold
// of 90 C" (DCGM policies, BMC and kernel messages), possibly wrapped over lines.
void NumericRules::temperature_sentence(const LogicalLine& l, std::vector<NumericHit>& out) {
    const std::string_view seg = l.text;
    const std::string low = lower_copy(seg);
    const size_t tp = low.find("temp");
    if (tp == std::string::npos) return;
    size_t th = low.find("threshold", tp);
    if (th == std::string::npos) th = low.find("limit", tp);
    if (th == std::string::npos) return;
    double value = 0, limit = 0;
    size_t vpos = std::string::npos;
    for (size_t i = tp; i < th && i < tp + 48; ++i)
        if (is_digit(seg[i]) && !is_digit(seg[i - 1]) && seg[i - 1] != '.' && number_at(seg, i, &value)) {
            vpos = i;
            break;
        }
    if (vpos == std::string::npos) return;
    bool found = false;
    for (size_t i = th; i < seg.size() && i < th + 32; ++i)
        if (is_digit(seg[i]) && number_at(seg, i, &limit)) {
            found = true;
            break;
        }
    if (!found || value < 10 || value > 150 || limit < 30 || limit > 150) return;
    const bool hit = value >= limit;
    if (!hit && value < limit - 8) return;
    NumericHit h{kTempOverThreshold,
                 !hit,
                 l.first_line,
                 l.segments() > 1 ? l.last_line() : 0,
                 std::string(seg),
                 vpos,
                 "temperature " + fmt(value) + " C " + (hit ? "≥" : "<") + " threshold " + fmt(limit) + " C"};
    out.push_back(std::move(h));
}

void NumericRules::check_temperatures(std::vector<NumericHit>& out) {
    auto fire = [&](int rule, const Value& value, const Value& limit, const std::string& reason, bool near) {
        out.push_back({rule, near, value.line, 0, value.text, value.pos, reason});
        if (limit.line != value.line) out.push_back({rule, near, limit.line, 0, limit.text, limit.pos, reason});
    };
    if (cur_.set) {
        if (shutdown_.set && !fired_shutdown_ && cur_.v >= shutdown_.v) {
            fired_shutdown_ = true;
            fire(kGpuTempShutdown, cur_, shutdown_,
                 "GPU temperature " + fmt(cur_.v) + " C ≥ shutdown threshold " + fmt(shutdown_.v) + " C", false);
        }
        if (slowdown_.set && !fired_slowdown_ && cur_.v >= slowdown_.v) {
            fired_slowdown_ = true;
            fire(kGpuTempSlowdown, cur_, slowdown_,
                 "GPU temperature " + fmt(cur_.v) + " C ≥ slowdown threshold " + fmt(slowdown_.v) + " C", false);
        }
        if (max_op_.set && !fired_max_op_ && cur_.v >= max_op_.v) {
            fired_max_op_ = true;
            fire(kGpuTempMaxOperating, cur_, max_op_,
                 "GPU temperature " + fmt(cur_.v) + " C ≥ max operating temperature " + fmt(max_op_.v) + " C", false);
        }
        if (slowdown_.set && !fired_slowdown_ && !fired_near_ && cur_.v >= slowdown_.v - 8) {
            fired_near_ = true;
            fire(kGpuTempSlowdown, cur_, slowdown_,
                 "GPU temperature " + fmt(cur_.v) + " C, " + fmt(slowdown_.v - cur_.v) +
                     " C below the slowdown threshold " + fmt(slowdown_.v) + " C",
                 true);
        }
    }
    if (margin_.set && margin_slowdown_.set && !fired_margin_ && margin_.v <= margin_slowdown_.v) {
        fired_margin_ = true;
        const std::string reason = (cur_.set ? "GPU temperature " + fmt(cur_.v) + " C: " : std::string()) +
                                   "margin to T.Limit " + fmt(margin_.v) + " C ≤ slowdown margin " +
                                   fmt(margin_slowdown_.v) + " C";
        if (cur_.set) out.push_back({kGpuTempSlowdown, false, cur_.line, 0, cur_.text, cur_.pos, reason});
        fire(kGpuTempSlowdown, margin_, margin_slowdown_, reason, false);
    }
    if (mem_cur_.set && mem_max_.set && !fired_mem_ && mem_cur_.v >= mem_max_.v) {
        fired_mem_ = true;
        fire(kGpuMemoryTemp, mem_cur_, mem_max_,
             "GPU memory temperature " + fmt(mem_cur_.v) + " C ≥ max operating " + fmt(mem_max_.v) + " C", false);
    }
}

void NumericRules::table_row(std::string_view seg, size_t line, std::vector<NumericHit>& out) {
    const auto toks = tokens_of(seg);
    if (toks.size() < 2) return;
    switch (table_) {
        case Table::Pods: {
            const std::string_view restarts = column_value(seg, toks, restarts_.index, restarts_.offset);
            const int n = parse_int(restarts);
            const std::string_view ready = column_value(seg, toks, ready_.index, ready_.offset);
            const std::string_view status = column_value(seg, toks, status_.index, status_.offset);
            const std::string_view name = column_value(seg, toks, name_.index, name_.offset);
            const bool not_ready = ready.size() >= 3 && ready[0] == '0' && ready[1] == '/';
            const bool bad_status = !status.empty() && status != "Running" && status != "Completed" &&
                                    status != "Succeeded" && status != "Pending" && status != "ContainerCreating";
            if (n >= 3 && (not_ready || bad_status)) {
                const size_t pos = restarts.empty() ? 0 : static_cast<size_t>(restarts.data() - seg.data());
                out.push_back({kPodRestarts, n < 5, line, 0, std::string(seg), pos,
                               "pod " + std::string(name) + " restarted " + std::to_string(n) + " times (status " +
                                   std::string(status.empty() ? "?" : status) + ", ready " +
                                   std::string(ready.empty() ? "?" : ready) + ")"});
            }
            if (mem_limit_pct_.index >= 0) {
                const std::string_view pct = column_value(seg, toks, mem_limit_pct_.index, mem_limit_pct_.offset);
                const int p = parse_int(pct);
                if (p >= 85) {
                    out.push_back(
                        {kContainerMemoryAtLimit, p < 95, line, 0, std::string(seg),
                         static_cast<size_t>(pct.data() - seg.data()),
                         "pod " + std::string(name) + " memory at " + std::to_string(p) + "% of its limit (%MEM/L)"});
                }
            }
            break;
        }
        case Table::Top: {
            const std::string_view mem = column_value(seg, toks, memory_.index, memory_.offset);
            const double b = parse_byte_quantity(mem);
            if (b > 0 && (!top_max_.set || b > top_max_.v)) {
                top_max_ = {true, b, line, std::string(seg), static_cast<size_t>(mem.data() - seg.data())};
                top_name_ =
                    std::string(column_value(seg, toks, name_.index, name_.offset)) + " (" + std::string(mem) + ")";
                fired_limit_ = false;
                check_memory_limit(out);
            }
            break;
        }
        case Table::DockerStats: {
            // "... 1.995GiB / 2GiB  99.75% ..."
            for (size_t i = 1; i + 2 < toks.size(); ++i) {
                if (toks[i + 1].text != "/") continue;
                const double used = parse_byte_quantity(toks[i].text), limit = parse_byte_quantity(toks[i + 2].text);
                if (used < 0 || limit <= 0) continue;
                if (used >= 0.85 * limit)
                    out.push_back({kContainerMemoryAtLimit, used < 0.95 * limit, line, 0, std::string(seg),
                                   toks[i].offset,
                                   "container " + std::string(toks[1].text) + " memory " + std::string(toks[i].text) +
                                       (used >= 0.95 * limit ? " ≥ 95% of" : " near") + " its limit " +
                                       std::string(toks[i + 2].text)});
                break;
            }
            break;
        }
        case Table::Smart: {
            // "  5 Reallocated_Sector_Ct 0x0033 001 001 036 Pre-fail Always FAILING_NOW 2048"
            if (toks.size() < 6 || parse_int(toks[0].text) < 0) break;
            const int value = parse_int(toks[3].text), thresh = parse_int(toks[5].text);
            if (value >= 0 && thresh > 0 && value <= thresh)
                out.push_back({kSmartBelowThreshold, false, line, 0, std::string(seg), toks[3].offset,
                               "SMART " + std::string(toks[1].text) + " value " + std::to_string(value) +
                                   " ≤ threshold " + std::to_string(thresh)});
            break;
        }
        case Table::NvidiaSmi: {
            // "|   2  NVIDIA A100-SXM4-80GB   On  |   00000000:41:00.0 Off |                    3 |": the third
            // cell of a GPU's first row is its volatile uncorrectable ECC count.
            const std::string_view t = trim(seg);
            if (t.empty() || (t[0] != '|' && t[0] != '+')) {
                table_ = Table::None;
                break;
            }
            if (t.find(":00.0") == std::string_view::npos && t.find(":00.1") == std::string_view::npos) break;
            size_t bars[5], n = 0;
            for (size_t i = 0; i < t.size() && n < 5; ++i)
                if (t[i] == '|') bars[n++] = i;
            if (n < 4) break;
            const std::string_view cell = trim(t.substr(bars[2] + 1, bars[3] - bars[2] - 1));
            const int count = parse_int(cell);
            if (count > 0 && cell.size() == static_cast<size_t>(std::to_string(count).size()))
                out.push_back({kGpuTableUncorrectableEcc, false, line, 0, std::string(seg),
                               static_cast<size_t>(cell.data() - seg.data()),
                               "GPU row shows " + std::to_string(count) + " volatile uncorrectable ECC errors"});
            break;
        }
        case Table::None: break;
    }
}

void NumericRules::check_memory_limit(std::vector<NumericHit>& out) {
    if (!top_max_.set || !limit_.set || fired_limit_) return;
    const double ratio = top_max_.v / limit_.v;
    if (ratio < 0.85) return;
    fired_limit_ = true;
    const bool hit = ratio >= 0.95;
    const std::string reason = "pod " + top_name_ + " memory " + fmt(std::round(ratio * 100)) + "% of its limit " +
                               std::string(trim(std::string_view(limit_.text).substr(limit_.pos + 7)));
    out.push_back({kContainerMemoryAtLimit, !hit, top_max_.line, 0, top_max_.text, top_max_.pos, reason});
    out.push_back({kContainerMemoryAtLimit, !hit, limit_.line, 0, limit_.text, limit_.pos, reason});
}

}  // namespace sigma::domain
