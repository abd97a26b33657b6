// Formatting of benchmark rows: fixed-precision numbers, aligned columns, a minimal JSON writer.
// Not a general JSON library: keys and strings are plain ASCII written by this program.
#include "tools/bench_cuda/bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sigma::bench {

Row& Row::num(const std::string& key, double v, int precision) {
    char buf[64];
    if (!std::isfinite(v)) std::snprintf(buf, sizeof buf, "null");
    else std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    cells.emplace_back(key, buf);
    numeric.push_back(true);
    return *this;
}

Row& Row::str(const std::string& key, const std::string& v) {
    cells.emplace_back(key, v);
    numeric.push_back(false);
    return *this;
}

void Report::add(const std::string& table, Row row) {
    for (auto& t : tables_)
        if (t.first == table) {
            t.second.push_back(std::move(row));
            return;
        }
    tables_.emplace_back(table, std::vector<Row>{std::move(row)});
}

std::string Report::text() const {
    std::string out;
    for (const auto& [name, rows] : tables_) {
        out += "== " + name + "\n";
        const Row& head = rows.front();
        std::vector<size_t> width(head.cells.size());
        for (size_t c = 0; c < head.cells.size(); ++c) {
            width[c] = head.cells[c].first.size();
            for (const Row& r : rows)
                if (c < r.cells.size()) width[c] = std::max(width[c], r.cells[c].second.size());
        }
        auto pad = [](const std::string& s, size_t w) { return std::string(w > s.size() ? w - s.size() : 0, ' ') + s; };
        for (size_t c = 0; c < head.cells.size(); ++c) out += pad(head.cells[c].first, width[c]) + "  ";
        out += "\n";
        for (const Row& r : rows) {
            for (size_t c = 0; c < r.cells.size() && c < width.size(); ++c)
                out += pad(r.cells[c].second, width[c]) + "  ";
            out += "\n";
        }
    }
    return out;
}

std::string Report::json() const {
    std::string out = "{";
    for (size_t t = 0; t < tables_.size(); ++t) {
        out += (t ? ",\n \"" : "\n \"") + tables_[t].first + "\": [";
        const auto& rows = tables_[t].second;
        for (size_t i = 0; i < rows.size(); ++i) {
            out += i ? ",\n  {" : "\n  {";
            for (size_t c = 0; c < rows[i].cells.size(); ++c) {
                out += (c ? ", \"" : "\"") + rows[i].cells[c].first + "\": ";
                out += rows[i].numeric[c] ? rows[i].cells[c].second : "\"" + rows[i].cells[c].second + "\"";
            }
            out += "}";
        }
        out += "]";
    }
    return out + "\n}\n";
}

}  // namespace sigma::bench
