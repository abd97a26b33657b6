// NumericRules: diagnosis rules that compare a value with the limit printed beside it (nvidia-smi -q
// temperatures, df Use%, pod restarts, memory limits, SMART thresholds). Not a parser of any one tool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/diag_line_joiner.h"

namespace sigma::domain {

struct NumericRuleInfo {
    const char* id;
    const char* category;  // a category id of the signature pack
    double weight;         // as a signature pattern's weight
    const char* desc;      // shown as the evidence's pattern
};

// Every rule; a NumericHit's `rule` indexes this list.
const std::vector<NumericRuleInfo>& numeric_rules();
// Literals (ASCII case-insensitive) of which one must occur on a line for the rules to read it,
// unless in_table() (rows of a table whose header was seen carry no trigger).
const std::vector<std::string>& numeric_triggers();

struct NumericHit {
    int rule = 0;
    bool near = false;     // the value is close to its limit but below it: a near miss, not a finding
    size_t line = 0;       // 1-based physical line cited
    size_t last_line = 0;  // last physical line when the value and its limit sit on one wrapped record
    std::string text;      // that line (the record)
    size_t pos = 0;        // offset of the value in text
    std::string reason;    // e.g. "GPU temperature 91 C ≥ slowdown threshold 90 C"
};

class NumericRules {
public:
    // Reads one logical line; `triggered` says whether a trigger literal occurs in it. Hits may cite
    // an earlier line (a temperature printed before its threshold).
    void on_line(const LogicalLine& l, bool triggered, std::vector<NumericHit>& out);
    bool in_table() const { return table_ != Table::None || limits_window_ > 0; }

private:
    enum class Table { None, Pods, Top, DockerStats, Smart, NvidiaSmi };
    struct Value {
        bool set = false;
        double v = 0;
        size_t line = 0;
        std::string text;
        size_t pos = 0;
    };
    struct Column {
        int index = -1;     // whitespace-separated token index in the header
        size_t offset = 0;  // character offset in the header
    };
    void temperature_line(std::string_view seg, size_t line, std::vector<NumericHit>& out);
    void temperature_sentence(const LogicalLine& l, std::vector<NumericHit>& out);
    void check_temperatures(std::vector<NumericHit>& out);
    void table_row(std::string_view seg, size_t line, std::vector<NumericHit>& out);
    void check_memory_limit(std::vector<NumericHit>& out);

    // nvidia-smi -q, per GPU block
    Value cur_, slowdown_, shutdown_, max_op_, mem_cur_, mem_max_, margin_, margin_slowdown_, margin_shutdown_;
    bool fired_slowdown_ = false, fired_shutdown_ = false, fired_max_op_ = false, fired_mem_ = false,
         fired_margin_ = false, fired_near_ = false;
    // tables
    Table table_ = Table::None;
    size_t table_rows_ = 0;
    Column ready_, status_, restarts_, mem_limit_pct_, name_, memory_;
    bool inode_table_ = false;  // the last df header was `df -i`
    Value df_header_;           // the last df header, cited with the first full filesystem under it
    // kubectl top memory against a limit from kubectl describe / a manifest
    Value top_max_, limit_;
    std::string top_name_;
    size_t limits_window_ = 0;  // lines left in a "Limits:" block
    bool fired_limit_ = false;
};

// Parses a Kubernetes or docker quantity ("1Gi", "512Mi", "1.5GiB", "800M", "1024") into bytes; < 0 when not one.
double parse_byte_quantity(std::string_view s);

}  // namespace sigma::domain
