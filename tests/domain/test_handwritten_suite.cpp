// The hand-written held-out cmdgen suite (resources/train/heldout.handwritten.cmdgen.jsonl): it loads
// through the product's suite loader, is large enough, has unique ids and prompts, every reference and
// accepted command passes the validator with a known program and the case's risk class, the fields
// hold the allowed values, and no prompt repeats one of the dev suite, the generated held-out suite
// or the few-shot examples (case-insensitive, whitespace-normalised).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/domain/command_validator.h"
#include "app/domain/eval_suite.h"
#include "app/domain/json_parse.h"
#include "knowledge_packs.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

namespace {

const std::string kSuite = std::string(SIGMA_SOURCE_DIR) + "/resources/train/heldout.handwritten.cmdgen.jsonl";

const EvalSuite& suite() {
    static const EvalSuite s = [] {
        std::string err;
        auto loaded = load_suite(kSuite, &err);
        if (!loaded) ADD_FAILURE() << err;
        return loaded ? *loaded : EvalSuite{};
    }();
    return s;
}

// Lower case, runs of whitespace collapsed to one space, no leading or trailing space.
std::string normalise(const std::string& text) {
    std::string out;
    bool space = false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isspace(c)) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

// Normalised values of `field` on every line of a JSONL file (blank lines skipped).
std::set<std::string> jsonl_field(const std::string& path, const std::string& field) {
    std::set<std::string> out;
    std::ifstream in(path);
    EXPECT_TRUE(in) << "cannot open " << path;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (normalise(line).empty()) continue;
        std::string err;
        const auto j = parse_json(line, &err);
        if (!j) {
            ADD_FAILURE() << path << ":" << n << ": " << err;
            continue;
        }
        const std::string value = json_string(*j, field);
        if (!value.empty()) out.insert(normalise(value));
    }
    return out;
}

}  // namespace

TEST(HandwrittenSuite, LoadsAsACmdgenSuiteOfAtLeast200Cases) {
    ASSERT_FALSE(suite().cases.empty());
    EXPECT_EQ(suite().kind, SuiteKind::CmdGen);
    EXPECT_EQ(suite().name, "heldout.handwritten.cmdgen");
    EXPECT_GE(suite().cases.size(), 200u);
}

TEST(HandwrittenSuite, FieldsHoldAllowedValues) {
    size_t nvsmi = 0, shell = 0, changes = 0, destructive = 0;
    for (const ordered_json& c : suite().cases) {
        const std::string id = json_string(c, "id");
        const std::string kind = json_string(c, "kind");
        const std::string risk = json_string(c, "risk");
        EXPECT_TRUE(kind == "nvidia-smi" || kind == "shell") << id << ": kind " << kind;
        EXPECT_TRUE(risk == "read-only" || risk == "changes-state" || risk == "destructive") << id << ": risk " << risk;
        EXPECT_FALSE(normalise(json_string(c, "prompt")).empty()) << id;
        EXPECT_FALSE(normalise(json_string(c, "reference")).empty()) << id;
        const ordered_json* accept = json_find(c, "accept");
        EXPECT_TRUE(accept && accept->is_array()) << id << ": accept must be an array";
        // An nvidia-smi case's reference runs nvidia-smi (possibly under sudo); a shell case's does not.
        const std::string ref = json_string(c, "reference");
        const bool runs_nvsmi = ref.rfind("nvidia-smi", 0) == 0 || ref.rfind("sudo nvidia-smi", 0) == 0;
        EXPECT_EQ(kind == "nvidia-smi", runs_nvsmi) << id << ": kind " << kind << " but reference " << ref;
        nvsmi += kind == "nvidia-smi";
        shell += kind == "shell";
        changes += risk == "changes-state";
        destructive += risk == "destructive";
    }
    // Both kinds and every risk class are represented in earnest.
    EXPECT_GE(nvsmi, 60u);
    EXPECT_GE(shell, 60u);
    EXPECT_GE(changes, 20u);
    EXPECT_GE(destructive, 10u);
}

TEST(HandwrittenSuite, IdsAndPromptsAreUnique) {
    std::set<std::string> ids, prompts;
    for (const ordered_json& c : suite().cases) {
        const std::string id = json_string(c, "id");
        EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
        EXPECT_TRUE(prompts.insert(normalise(json_string(c, "prompt"))).second)
            << id << ": duplicate prompt '" << json_string(c, "prompt") << "'";
    }
}

TEST(HandwrittenSuite, EveryCommandValidatesWithTheCaseRisk) {
    size_t checked = 0;
    for (const ordered_json& c : suite().cases) {
        const std::string id = json_string(c, "id");
        const std::string risk = json_string(c, "risk");
        std::vector<std::string> commands{json_string(c, "reference")};
        for (const std::string& a : json_strings(c, "accept")) commands.push_back(a);
        for (const std::string& cmd : commands) {
            const CommandCheck check = check_command(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), cmd);
            std::string messages;
            for (const auto& m : check.messages) messages += m.text + "; ";
            EXPECT_TRUE(check.valid) << id << ": invalid: " << cmd << " {" << messages << "}";
            // The suites' "valid" metric also requires every program to be a known one.
            EXPECT_TRUE(check.unknown_programs.empty()) << id << ": unknown program in " << cmd;
            EXPECT_EQ(risk_text(check.risk), risk) << id << ": " << cmd;
            ++checked;
        }
    }
    EXPECT_GE(checked, suite().cases.size());
}

TEST(HandwrittenSuite, NoPromptRepeatsAnotherSuiteOrTheExamples) {
    const std::string root = std::string(SIGMA_SOURCE_DIR);
    const std::set<std::string> dev = jsonl_field(root + "/tests/data/eval/cmdgen.dev.jsonl", "prompt");
    const std::set<std::string> heldout = jsonl_field(root + "/resources/train/heldout.cmdgen.jsonl", "prompt");
    const std::set<std::string> examples = jsonl_field(root + "/resources/knowledge/examples/cmd.jsonl", "request");
    ASSERT_FALSE(dev.empty());
    ASSERT_FALSE(heldout.empty());
    ASSERT_FALSE(examples.empty());
    for (const ordered_json& c : suite().cases) {
        const std::string p = normalise(json_string(c, "prompt"));
        const std::string id = json_string(c, "id");
        EXPECT_FALSE(dev.count(p)) << id << " repeats a prompt of cmdgen.dev.jsonl: " << p;
        EXPECT_FALSE(heldout.count(p)) << id << " repeats a prompt of heldout.cmdgen.jsonl: " << p;
        EXPECT_FALSE(examples.count(p)) << id << " repeats a request of examples/cmd.jsonl: " << p;
    }
}

TEST(HandwrittenSuite, NormaliseFoldsCaseAndWhitespace) {
    EXPECT_EQ(normalise("  GPU   temps\tNOW \n"), "gpu temps now");
    EXPECT_EQ(normalise(""), "");
}
