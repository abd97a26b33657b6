// KQL agreement with Microsoft's parser: the hand-written corpus (labels stored from the oracle),
// re-checked live against the oracle when it is installed, and every reference query of the eval
// suites. Prints the agreement numbers.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"
#include "knowledge_packs.h"

using namespace sigma::domain;
using nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

struct Case {
    std::string id, query;
    bool oracle_ok = false;
    int64_t oracle_start = -1, oracle_length = -1;  // the oracle's first error, for invalid queries
};

const std::string kCorpus = std::string(SIGMA_SOURCE_DIR) + "/tests/data/kql/corpus.jsonl";
const std::string kSchema = sigma_test::eval_kql_schema_path();

std::vector<ordered_json> read_jsonl(const std::string& path) {
    std::vector<ordered_json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string err;
        auto j = parse_json(line, &err);
        EXPECT_TRUE(j) << path << ": " << err;
        if (j) out.push_back(std::move(*j));
    }
    return out;
}

std::vector<Case> corpus() {
    std::vector<Case> out;
    for (const ordered_json& j : read_jsonl(kCorpus)) {
        EXPECT_TRUE(json_member(j, "oracle_ok").is_boolean()) << dump_json(j);
        out.push_back({json_string(j, "id"), json_string(j, "query"), json_bool(j, "oracle_ok"),
                       json_int(j, "oracle_start", -1), json_int(j, "oracle_length", -1)});
    }
    return out;
}

// The oracle folder: $SIGMA_KQL_ORACLE, else the source tree's tools/.deps/kql-oracle.
std::string oracle_dir() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("SIGMA_KQL_ORACLE"); env && *env) candidates.push_back(env);
    candidates.push_back(std::string(SIGMA_SOURCE_DIR) + "/tools/.deps/kql-oracle");
    for (const std::string& c : candidates) {
        std::error_code ec;
        if (fs::exists(c + "/check.js", ec) && fs::exists(c + "/node_modules/@kusto/language-service-next", ec))
            return c;
    }
    return {};
}

// Runs check.js over the queries; one verdict per query, or an empty vector when node fails.
std::vector<bool> run_oracle(const std::string& dir, const std::string& schema_path,
                             const std::vector<std::string>& queries) {
    fs::path tmp = fs::temp_directory_path() / ("sigma-kql-oracle-" + std::to_string(::getpid()) + ".jsonl");
    {
        std::ofstream out(tmp);
        for (const std::string& q : queries) {
            ordered_json line = ordered_json::object();
            line["query"] = q;
            out << dump_json(line) << "\n";
        }
    }
    std::string cmd = "node '" + dir + "/check.js' '" + schema_path + "' < '" + tmp.string() + "' 2>/dev/null";
    std::vector<bool> verdicts;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        std::string text;
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
        pclose(p);
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            auto j = parse_json(line);
            if (j) verdicts.push_back(json_bool(*j, "ok"));
        }
    }
    std::error_code ec;
    fs::remove(tmp, ec);
    if (verdicts.size() != queries.size()) verdicts.clear();
    return verdicts;
}

}  // namespace

TEST(KqlCorpus, IsLargeBalancedAndLabelled) {
    auto cases = corpus();
    ASSERT_GE(cases.size(), 300u);
    size_t valid = 0;
    std::vector<std::string> ids;
    for (const Case& c : cases) {
        valid += c.oracle_ok;
        EXPECT_FALSE(c.query.empty()) << c.id;
        ids.push_back(c.id);
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "duplicate ids";
    EXPECT_GE(valid, cases.size() * 35 / 100);
    EXPECT_LE(valid, cases.size() * 65 / 100);
}

TEST(KqlCorpus, AgreesWithMicrosoftsParser) {
    auto cases = corpus();
    ASSERT_FALSE(cases.empty());
    size_t agree = 0, false_valid = 0, false_invalid = 0;
    for (const Case& c : cases) {
        KqlValidation v = validate_kql(c.query, sigma_test::eval_kql_schema());
        if (v.valid == c.oracle_ok) {
            ++agree;
        } else if (v.valid) {
            ++false_valid;
            ADD_FAILURE() << "valid here, invalid for the oracle: " << c.id << ": " << c.query;
        } else {
            ++false_invalid;
            std::printf("  invalid here, valid for the oracle: %s: %s\n    -> %s\n", c.id.c_str(), c.query.c_str(),
                        v.diagnostics.empty() ? "" : v.diagnostics[0].message.c_str());
        }
    }
    const double rate = 100.0 * static_cast<double>(agree) / static_cast<double>(cases.size());
    std::printf("KQL corpus agreement with the oracle: %zu/%zu = %.2f%% (false valid %zu, false invalid %zu)\n", agree,
                cases.size(), rate, false_valid, false_invalid);
    EXPECT_GE(rate, 98.0);
    EXPECT_EQ(false_valid, 0u);
}

TEST(KqlCorpus, ErrorPositionsMostlyMatchMicrosoftsParser) {
    size_t both_invalid = 0, same_start = 0, same_range = 0;
    for (const Case& c : corpus()) {
        if (c.oracle_ok || c.oracle_start < 0) continue;
        KqlValidation v = validate_kql(c.query, sigma_test::eval_kql_schema());
        if (v.valid || v.diagnostics.empty()) continue;
        ++both_invalid;
        const KqlDiagnostic& d = v.diagnostics[0];
        EXPECT_LE(d.start + d.length, c.query.size()) << c.id;
        if (static_cast<int64_t>(d.start) == c.oracle_start) {
            ++same_start;
            same_range += static_cast<int64_t>(d.length) == c.oracle_length;
        }
    }
    ASSERT_GT(both_invalid, 100u);
    std::printf("first error at the oracle's offset: %zu/%zu (same offset and length: %zu)\n", same_start, both_invalid,
                same_range);
    // Kusto keeps parsing after a syntax error and reports a later-found but earlier-placed
    // semantic error first; this checker stops at the first error, so the two can differ there.
    EXPECT_GE(same_start * 100, both_invalid * 85);
}

TEST(KqlCorpus, StoredLabelsMatchTheLiveOracle) {
    const std::string dir = oracle_dir();
    if (dir.empty())
        GTEST_SKIP() << "Microsoft's KQL parser (an outside oracle) is not installed: tools/test.sh installs it from "
                        "npm when shared/oracles/kql is beside the checkout";
    auto cases = corpus();
    std::vector<std::string> queries;
    for (const Case& c : cases) queries.push_back(c.query);
    std::vector<bool> live = run_oracle(dir, kSchema, queries);
    if (live.empty()) GTEST_SKIP() << "node could not run the oracle in " << dir;
    size_t same = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(live[i], cases[i].oracle_ok) << "stale label for " << cases[i].id << ": " << cases[i].query;
        same += live[i] == cases[i].oracle_ok;
    }
    std::printf("live oracle confirms %zu/%zu stored labels\n", same, cases.size());
}

TEST(KqlCorpus, EveryEvalReferenceQueryIsValid) {
    const fs::path eval = fs::path(SIGMA_SOURCE_DIR) / "tests" / "data" / "eval";
    std::error_code ec;
    ASSERT_TRUE(fs::is_directory(eval, ec)) << "no eval suites at " << eval;
    const KqlSchema& s = sigma_test::eval_kql_schema();
    ASSERT_FALSE(s.tables.empty()) << "no tables in " << kSchema;
    size_t checked = 0;
    for (const auto& entry : fs::directory_iterator(eval, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("kql.", 0) != 0 || entry.path().extension() != ".jsonl") continue;
        for (const ordered_json& j : read_jsonl(entry.path().string())) {
            const std::string ref = json_string(j, "reference");
            KqlValidation v = validate_kql(ref, s);
            EXPECT_TRUE(v.valid) << name << " " << json_string(j, "id") << ": " << ref << "\n  -> "
                                 << (v.diagnostics.empty() ? "" : v.diagnostics[0].message);
            for (const std::string& t : json_strings(j, "tables")) {
                auto tables = kql_referenced_tables(ref, s);
                EXPECT_NE(std::find(tables.begin(), tables.end(), t), tables.end()) << json_string(j, "id") << " " << t;
            }
            ++checked;
        }
    }
    std::printf("eval reference queries valid: %zu checked\n", checked);
    EXPECT_GT(checked, 0u);
}
