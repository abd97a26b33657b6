// RiskClassifier against tests/data/safety/hostile.tsv: no line is classed below its least class,
// lines marked exact get exactly their class, and every verdict keeps its reasons. Also the wrapper
// property on the corpus: wrapping a line in env, nice, sudo or bash -c never lowers its class.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "knowledge_packs.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

using namespace sigma::domain;

namespace {

struct Case {
    Risk least = Risk::ReadOnly;
    bool exact = false;
    std::string line;
    int number = 0;
};

std::vector<Case> load_corpus() {
    std::ifstream in(std::string(SIGMA_SOURCE_DIR) + "/tests/data/safety/hostile.tsv");
    EXPECT_TRUE(in.good()) << "tests/data/safety/hostile.tsv is missing";
    std::vector<Case> cases;
    std::string raw;
    int number = 0;
    while (std::getline(in, raw)) {
        ++number;
        if (raw.empty() || raw[0] == '#') continue;
        const size_t tab = raw.find('\t');
        EXPECT_NE(tab, std::string::npos) << "line " << number << " has no TAB";
        if (tab == std::string::npos) continue;
        std::string cls = raw.substr(0, tab);
        Case c;
        c.number = number;
        if (!cls.empty() && (cls.back() == '+' || cls.back() == '=')) {
            c.exact = cls.back() == '=';
            cls.pop_back();
        }
        const auto r = risk_from_text(cls);
        EXPECT_TRUE(r.has_value()) << "line " << number << ": unknown class '" << cls << "'";
        if (!r) continue;
        c.least = *r;
        c.line = raw.substr(tab + 1);
        for (size_t p; (p = c.line.find("<NL>")) != std::string::npos;) c.line.replace(p, 4, "\n");
        cases.push_back(std::move(c));
    }
    return cases;
}

const ShellCatalog& shell() { return sigma_test::shell_catalog(); }

const NvsmiCatalog& nvsmi() { return sigma_test::nvsmi_catalog(); }

RiskReport classify(const std::string& line) { return classify_line(shell(), nvsmi(), parse_shell(line)); }

std::string joined(const RiskReport& r) {
    std::string s;
    for (const auto& x : r.reasons) s += "\n    " + x;
    return s;
}

}  // namespace

TEST(RiskHostileCorpus, AtLeastThreeHundredLinesNoneUnderClassified) {
    const std::vector<Case> cases = load_corpus();
    EXPECT_GE(cases.size(), 300u);
    size_t under = 0, over_exact = 0, destructive = 0;
    for (const Case& c : cases) {
        const RiskReport r = classify(c.line);
        EXPECT_FALSE(r.reasons.empty()) << c.line;
        if (static_cast<int>(r.risk) < static_cast<int>(c.least)) {
            ++under;
            ADD_FAILURE() << "line " << c.number << " under-classified as " << risk_text(r.risk) << ", least "
                          << risk_text(c.least) << ": " << c.line << joined(r);
        } else if (c.exact && r.risk != c.least) {
            ++over_exact;
            ADD_FAILURE() << "line " << c.number << " over-classified as " << risk_text(r.risk) << ", exactly "
                          << risk_text(c.least) << " expected: " << c.line << joined(r);
        }
        if (c.least == Risk::Destructive) ++destructive;
    }
    std::printf("hostile corpus: %zu lines (%zu destructive), %zu under-classified, %zu exact lines over-classified\n",
                cases.size(), destructive, under, over_exact);
    EXPECT_EQ(under, 0u);
}

TEST(RiskHostileCorpus, WrappingNeverLowersTheClass) {
    const char* wrappers[] = {"env %s",  "nice %s", "nohup %s",   "timeout 9 %s",
                              "sudo %s", "time %s", "command %s", "busybox %s"};
    size_t checked = 0;
    for (const Case& c : load_corpus()) {
        if (c.line.find('\n') != std::string::npos || c.line.find('\'') != std::string::npos) continue;
        const ShellParseResult p = parse_shell(c.line);
        // Only single simple commands can be prefixed by a wrapper word.
        if (!p.ok || p.commands.size() != 1 || p.commands[0].program.text.empty() || !p.commands[0].env.empty() ||
            p.commands[0].depth != 0 || p.commands[0].start != 0)
            continue;
        const Risk base = classify_line(shell(), nvsmi(), p).risk;
        for (const char* w : wrappers) {
            std::string wrapped = w;
            wrapped.replace(wrapped.find("%s"), 2, c.line);
            const RiskReport r = classify(wrapped);
            EXPECT_GE(static_cast<int>(r.risk), static_cast<int>(base))
                << wrapped << " dropped below " << risk_text(base) << joined(r);
            ++checked;
        }
        const RiskReport b = classify("bash -c '" + c.line + "'");
        EXPECT_GE(static_cast<int>(b.risk), static_cast<int>(base)) << "bash -c '" << c.line << "'" << joined(b);
    }
    EXPECT_GT(checked, 500u);
}
