// The example corpus: sizes, format, accuracy of every example against the product's own checkers
// (nvidia-smi fields from the driver's help, the nvidia-smi validator, the KQL validator, the rules
// engine), separation from the evaluation suites, and BM25 few-shot selection.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/domain/diag_engine.h"
#include "app/domain/example_corpus.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/nvsmi_validator.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

using namespace sigma::domain;

namespace {
const ExampleCorpus& corpus() {
    static const ExampleCorpus c = [] {
        std::string err;
        auto loaded = ExampleCorpus::load(std::string(SIGMA_SOURCE_DIR) + "/resources/knowledge/examples", &err);
        if (!loaded) ADD_FAILURE() << err;
        return loaded ? *loaded : ExampleCorpus{};
    }();
    return c;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Field names (and aliases) quoted at the start of lines in a --help-query-* file.
std::set<std::string> help_fields(const std::string& file) {
    std::set<std::string> out;
    std::istringstream in(read_file(std::string(SIGMA_SOURCE_DIR) + "/tests/data/nvidia-smi/" + file));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] != '"') continue;
        size_t p = 0;
        while ((p = line.find('"', p)) != std::string::npos) {
            const size_t e = line.find('"', p + 1);
            if (e == std::string::npos) break;
            out.insert(line.substr(p + 1, e - p - 1));
            p = e + 1;
            const size_t next = line.find_first_not_of(' ', p);
            if (next == std::string::npos || line.compare(next, 3, "or ") != 0) break;
        }
    }
    return out;
}
}  // namespace

TEST(ExampleCorpus, HasEnoughExamplesOfEachKind) {
    EXPECT_GE(corpus().commands().size(), 150u);
    EXPECT_GE(corpus().kql().size(), 60u);
    EXPECT_GE(corpus().diagnoses().size(), 40u);
    size_t nvsmi = 0;
    for (const auto& c : corpus().commands()) nvsmi += c.command.rfind("nvidia-smi", 0) == 0;
    EXPECT_GE(nvsmi, 50u);
}

TEST(ExampleCorpus, NvidiaSmiQueryFieldsExistInTheDriverHelp) {
    const std::pair<const char*, std::set<std::string>> families[] = {
        {"--query-gpu=", help_fields("help-query-gpu.txt")},
        {"--query-compute-apps=", help_fields("help-query-compute-apps.txt")},
        {"--query-remapped-rows=", help_fields("help-query-remapped-rows.txt")},
        {"--query-retired-pages=", help_fields("help-query-retired-pages.txt")}};
    for (const auto& [flag, fields] : families) ASSERT_GT(fields.size(), 5u) << flag;
    size_t checked = 0;
    for (const auto& c : corpus().commands()) {
        for (const auto& [flag, fields] : families) {
            const size_t at = c.command.find(flag);
            if (at == std::string::npos) continue;
            const size_t start = at + std::string(flag).size();
            std::stringstream list(c.command.substr(start, c.command.find(' ', start) - start));
            std::string field;
            while (std::getline(list, field, ',')) {
                EXPECT_TRUE(fields.count(field)) << field << " in: " << c.command;
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 50u);
}

TEST(ExampleCorpus, CommandsParseAndNvidiaSmiLinesValidateWithTheirRisk) {
    std::string err;
    const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin(&err);
    const ShellCatalog* shell = ShellCatalog::builtin(&err);
    ASSERT_NE(nvsmi, nullptr) << err;
    ASSERT_NE(shell, nullptr) << err;
    size_t risk_agree = 0;
    std::string disagreements;
    for (const auto& c : corpus().commands()) {
        const ShellParseResult parsed = parse_shell(c.command);
        ASSERT_TRUE(parsed.ok) << c.command << ": " << parsed.error;
        for (const SimpleCommand& sc : parsed.commands) {
            if (sc.program.text != "nvidia-smi") continue;
            const NvsmiCheck check = check_nvsmi(*nvsmi, sc);
            std::string messages;
            for (const auto& m : check.messages) messages += m.text + "; ";
            EXPECT_TRUE(check.valid()) << c.command << ": " << messages;
        }
        const RiskReport risk = classify_line(*shell, *nvsmi, parsed);
        if (risk_text(risk.risk) == c.risk) ++risk_agree;
        else disagreements += c.command + " (example " + c.risk + ", classifier " + risk_text(risk.risk) + ")\n";
    }
    // The examples teach the model the product's classes: every label is the classifier's.
    EXPECT_EQ(risk_agree, corpus().commands().size()) << disagreements;
}

// The diagnosis pack's evidence commands are shown to users as safe to run: they must parse, pass the
// nvidia-smi validator, and be read-only for the product's risk classifier.
TEST(ExampleCorpus, DiagnosisEvidenceCommandsAreValidAndReadOnly) {
    std::string err;
    const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin(&err);
    const ShellCatalog* shell = ShellCatalog::builtin(&err);
    ASSERT_NE(nvsmi, nullptr) << err;
    ASSERT_NE(shell, nullptr) << err;
    auto pack = SignaturePack::load(std::string(SIGMA_SOURCE_DIR) + "/resources/knowledge/diagnosis", &err);
    ASSERT_TRUE(pack) << err;
    size_t n = 0;
    for (const auto& cat : pack->categories) {
        for (const auto& cmd : cat.commands) {
            ++n;
            const ShellParseResult parsed = parse_shell(cmd);
            ASSERT_TRUE(parsed.ok) << cat.id << ": " << cmd << ": " << parsed.error;
            for (const SimpleCommand& sc : parsed.commands) {
                if (sc.program.text != "nvidia-smi") continue;
                const NvsmiCheck check = check_nvsmi(*nvsmi, sc);
                std::string messages;
                for (const auto& m : check.messages) messages += m.text + "; ";
                EXPECT_TRUE(check.valid()) << cmd << ": " << messages;
            }
            const RiskReport risk = classify_line(*shell, *nvsmi, parsed);
            std::string reasons;
            for (const auto& r : risk.reasons) reasons += r + "; ";
            EXPECT_EQ(risk_text(risk.risk), std::string("read-only")) << cat.id << ": " << cmd << ": " << reasons;
        }
    }
    EXPECT_GT(n, 100u);
}

TEST(ExampleCorpus, KqlQueriesValidateAgainstTheSchemaAndNameTheirTables) {
    std::string err;
    auto schema = KqlSchema::load(std::string(SIGMA_SOURCE_DIR) + "/tests/data/kql/schema.json", &err);
    ASSERT_TRUE(schema) << err;
    for (const auto& k : corpus().kql()) {
        const KqlValidation v = validate_kql(k.query, *schema);
        std::string messages;
        for (const auto& d : v.diagnostics) messages += d.message + "; ";
        EXPECT_TRUE(v.valid) << k.query << ": " << messages;
        const auto used = kql_referenced_tables(k.query, *schema);
        for (const auto& t : k.tables)
            EXPECT_NE(std::find(used.begin(), used.end(), t), used.end()) << t << " in " << k.query;
    }
}

TEST(ExampleCorpus, DiagnosisExamplesAreDiagnosedAsTheirCategory) {
    std::string err;
    auto pack = SignaturePack::load(std::string(SIGMA_SOURCE_DIR) + "/resources/knowledge/diagnosis", &err);
    ASSERT_TRUE(pack) << err;
    DiagEngine engine(*pack);
    std::set<std::string> categories;
    for (const auto& d : corpus().diagnoses()) {
        EXPECT_NE(pack->find(d.category), nullptr) << d.category;
        EXPECT_FALSE(d.summary.empty());
        EXPECT_EQ(engine.run_text(d.log).category, d.category) << d.log;
        categories.insert(d.category);
    }
    EXPECT_GE(categories.size(), 25u);  // every category has at least one example
}

TEST(ExampleCorpus, NothingFromTheEvaluationSuitesAppearsVerbatim) {
    const std::string dir = std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval";
    ASSERT_TRUE(std::ifstream(dir + "/diagnosis.dev.jsonl")) << "no " << dir << "/diagnosis.dev.jsonl";
    std::string corpus_text;
    for (const char* f : {"cmd.jsonl", "kql.jsonl", "diagnosis.jsonl"})
        corpus_text += read_file(std::string(SIGMA_SOURCE_DIR) + "/resources/knowledge/examples/" + f);
    // Compare decoded strings: parse every corpus line and collect its string values.
    std::vector<std::string> values;
    std::istringstream lines(corpus_text);
    std::string line;
    while (std::getline(lines, line)) {
        auto j = parse_json(line);
        if (!j || !j->is_object()) continue;
        for (const auto& [key, v] : j->items())
            if (v.is_string()) values.push_back(json_text(v));
    }
    size_t checked = 0;
    for (const char* suite : {"cmdgen.dev.jsonl", "kql.dev.jsonl", "diagnosis.dev.jsonl"}) {
        std::istringstream in(read_file(dir + "/" + suite));
        while (std::getline(in, line)) {
            auto j = parse_json(line);
            if (!j) continue;
            for (const char* key : {"prompt", "reference", "log"}) {
                const std::string s = json_string(*j, key);
                if (s.size() < 12) continue;  // too short to be a meaningful copy ("df -h")
                ++checked;
                for (const auto& v : values)
                    EXPECT_EQ(v.find(s), std::string::npos) << suite << " " << key << ": " << s;
            }
            if (std::string(suite) == "diagnosis.dev.jsonl") {
                // No log line of length >= 40 is reused either.
                std::istringstream log(json_string(*j, "log"));
                std::string l;
                while (std::getline(log, l)) {
                    if (l.size() < 40) continue;
                    for (const auto& v : values) EXPECT_EQ(v.find(l), std::string::npos) << l;
                }
            }
        }
    }
    EXPECT_GT(checked, 20u);
}

TEST(ExampleCorpus, RetrievesSimilarExamples) {
    auto cmds = corpus().similar_commands("print GPU temperatures as csv", 3);
    ASSERT_EQ(cmds.size(), 3u);
    EXPECT_NE(cmds[0]->command.find("temperature."), std::string::npos) << cmds[0]->command;
    auto pods = corpus().similar_commands("logs of the previous container of a crashing pod", 1);
    ASSERT_EQ(pods.size(), 1u);
    EXPECT_NE(pods[0]->command.find("--previous"), std::string::npos) << pods[0]->command;
    auto kql = corpus().similar_kql("pods stuck in CrashLoopBackOff", 3);
    ASSERT_FALSE(kql.empty());
    EXPECT_EQ(kql[0]->tables.at(0), "KubePodInventory");
    auto diag = corpus().similar_diagnoses("NVRM: Xid 79 GPU has fallen off the bus", 2);
    ASSERT_FALSE(diag.empty());
    EXPECT_EQ(diag[0]->category, "gpu_fallen_off_bus");
    EXPECT_TRUE(corpus().similar_commands("zzzz qqqq", 3).empty());
}

TEST(ExampleCorpus, MalformedFilesAreErrorsNamingTheLine) {
    const auto dir = std::filesystem::temp_directory_path() / "sigma-examples-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "cmd.jsonl") << "{\"request\":\"a\",\"command\":\"ls\",\"risk\":\"read-only\"}\n\n{broken\n";
    std::ofstream(dir / "kql.jsonl") << "";
    std::ofstream(dir / "diagnosis.jsonl") << "";
    std::string err;
    EXPECT_FALSE(ExampleCorpus::load(dir.string(), &err));
    EXPECT_NE(err.find("cmd.jsonl:3"), std::string::npos) << err;
    std::ofstream(dir / "cmd.jsonl") << "{\"request\":\"a\",\"command\":\"ls\",\"risk\":\"harmless\"}\n";
    EXPECT_FALSE(ExampleCorpus::load(dir.string(), &err));
    EXPECT_NE(err.find("risk"), std::string::npos) << err;
    std::filesystem::remove(dir / "kql.jsonl");
    std::ofstream(dir / "cmd.jsonl") << "";
    EXPECT_FALSE(ExampleCorpus::load(dir.string(), &err));
    EXPECT_NE(err.find("kql.jsonl"), std::string::npos) << err;
    std::filesystem::remove_all(dir);
}
