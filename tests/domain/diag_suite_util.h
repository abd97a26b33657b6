// Shared by the diagnosis tests: loads a diagnosis JSONL suite and scores the rules engine on it.
// Not product code: the product's scoring lives in `sigma eval`.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/domain/diag_engine.h"
#include "app/domain/json_parse.h"

namespace diagtest {

struct Case {
    std::string id, category, log;
    std::vector<std::string> evidence;
};

inline std::vector<Case> load_cases(const std::string& path, std::string* error) {
    std::vector<Case> cases;
    std::ifstream in(path);
    if (!in) {
        *error = "cannot open " + path;
        return cases;
    }
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string err;
        auto j = sigma::domain::parse_json(line, &err);
        if (!j) {
            *error = path + ":" + std::to_string(n) + ": " + err;
            return {};
        }
        using sigma::domain::json_string;
        cases.push_back({json_string(*j, "id"), json_string(*j, "category"), json_string(*j, "log"),
                         sigma::domain::json_strings(*j, "evidence")});
    }
    return cases;
}

struct Score {
    size_t total = 0, category_ok = 0, evidence_ok = 0;
    std::string failures;
    double category_rate() const { return total ? double(category_ok) / total : 0; }
    double evidence_rate() const { return total ? double(evidence_ok) / total : 0; }
};

// Evidence passes when every expected string is inside a line the report cites.
inline Score score(const std::vector<Case>& cases, const sigma::domain::DiagEngine& engine) {
    Score s;
    for (const Case& c : cases) {
        auto r = engine.run_text(c.log);
        ++s.total;
        const bool cat_ok = r.category == c.category;
        s.category_ok += cat_ok;
        std::vector<std::string> lines;
        {
            std::istringstream in(c.log);
            std::string l;
            while (std::getline(in, l)) lines.push_back(l);
        }
        bool ev_ok = true;
        const auto cited = r.cited_lines();
        for (const std::string& want : c.evidence) {
            bool found = false;
            for (size_t ln : cited)
                if (ln >= 1 && ln <= lines.size() && lines[ln - 1].find(want) != std::string::npos) found = true;
            ev_ok = ev_ok && found;
        }
        s.evidence_ok += ev_ok;
        if (!cat_ok || !ev_ok)
            s.failures +=
                c.id + ": want " + c.category + " got " + r.category + (ev_ok ? "" : " (evidence missing)") + "\n";
    }
    return s;
}

}  // namespace diagtest
