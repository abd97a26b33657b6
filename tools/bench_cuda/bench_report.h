// The benchmark's results: rows of named numbers, printed as aligned tables and written as JSON.
// Not a measuring tool: main.cpp measures; this only keeps and formats what it measured.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sigma::bench {

// One result row: ordered (key, value) pairs; a value is a number or a string.
struct Row {
    std::vector<std::pair<std::string, std::string>> cells;  // value already formatted
    std::vector<bool> numeric;
    Row& num(const std::string& key, double v, int precision = 3);
    Row& str(const std::string& key, const std::string& v);
};

class Report {
public:
    void add(const std::string& table, Row row);
    // Aligned text tables, one per table name, in the order first seen.
    std::string text() const;
    // {"table": [ {key: value, ...}, ... ], ...}
    std::string json() const;

private:
    std::vector<std::pair<std::string, std::vector<Row>>> tables_;
};

}  // namespace sigma::bench
