// NvsmiCatalog against the captured driver help, in both directions: everything the pack lists is in
// the help texts, and every option, subcommand, section and field the help texts define is in the pack.
// The help texts are parsed here on their own (not through the generator script).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "app/domain/nvsmi_catalog.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string help_dir() { return std::string(SIGMA_SOURCE_DIR) + "/tests/data/nvidia-smi/"; }

// True when `token` occurs in `text` not glued to other option characters.
bool has_token(const std::string& text, const std::string& token) {
    size_t p = 0;
    auto part = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
    while ((p = text.find(token, p)) != std::string::npos) {
        const bool left = p == 0 || !part(text[p - 1]);
        const size_t e = p + token.size();
        const bool right = e >= text.size() || !part(text[e]);
        if (left && right) return true;
        ++p;
    }
    return false;
}

std::map<std::string, std::string> subcommand_sections() {
    const std::string text = read_file(help_dir() + "subcommands-help.txt");
    std::map<std::string, std::string> out;
    const std::regex head(R"(^===== nvidia-smi (\S+) -h\s*$)", std::regex::multiline);
    std::vector<std::pair<std::string, size_t>> heads;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), head); it != std::sregex_iterator(); ++it)
        heads.emplace_back((*it)[1].str(), static_cast<size_t>(it->position() + it->length()));
    for (size_t i = 0; i < heads.size(); ++i) {
        const size_t end = i + 1 < heads.size() ? text.rfind("=====", heads[i + 1].second - 1) : text.size();
        out[heads[i].first] = text.substr(heads[i].second, end - heads[i].second);
    }
    return out;
}

struct HelpOption {
    std::string short_name, long_name;
};

std::vector<HelpOption> main_help_options(const std::string& text) {
    std::vector<HelpOption> out;
    const std::regex both(R"(^\s{2,}(-[A-Za-z]+),?\s+(--[A-Za-z0-9-]+)=?)");
    const std::regex longonly(R"(^\s{2,}(--[A-Za-z0-9-]+)=?(\s|$))");
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_search(line, m, both)) out.push_back({m[1], m[2]});
        else if (std::regex_search(line, m, longonly)) out.push_back({"", m[1]});
    }
    return out;
}

std::vector<HelpOption> sub_help_options(const std::string& body) {
    std::vector<HelpOption> out;
    const std::regex bracket(R"(\[(-[A-Za-z0-9]+|N/A|\s*) \| (-{1,2}[A-Za-z][A-Za-z0-9_-]*)\])");
    for (auto it = std::sregex_iterator(body.begin(), body.end(), bracket); it != std::sregex_iterator(); ++it) {
        std::string s = (*it)[1];
        if (s == "N/A" || s.find_first_not_of(' ') == std::string::npos) s.clear();
        out.push_back({s, (*it)[2]});
    }
    for (const HelpOption& o : main_help_options(body)) out.push_back(o);
    return out;
}

}  // namespace

TEST(NvsmiCatalog, LoadsAndRejectsDamagedPacks) {
    ASSERT_GT(sigma_test::nvsmi_catalog().options().size(), 50u);
    std::string err;
    EXPECT_FALSE(NvsmiCatalog::load("/nonexistent/nvidia-smi.json", &err));
    EXPECT_NE(err.find("cannot open"), std::string::npos);
    const std::string bad = std::string(SIGMA_BINARY_DIR) + "/nvsmi_bad_pack.json";
    for (const char* text :
         {"{", "{\"format_version\": 2, \"options\": []}", "{\"format_version\": 1, \"options\": []}",
          "{\"format_version\": 1, \"options\": [{\"long\": \"--x\", \"arg\": \"blob\"}]}"}) {
        std::ofstream(bad) << text;
        err.clear();
        EXPECT_FALSE(NvsmiCatalog::load(bad, &err)) << text;
        EXPECT_FALSE(err.empty());
    }
}

TEST(NvsmiCatalog, EveryHelpOptionIsCatalogued) {
    const std::string text = read_file(help_dir() + "nvidia-smi-help.txt");
    if (text.empty()) GTEST_SKIP() << "no captured help at " << help_dir();
    const auto opts = main_help_options(text);
    ASSERT_GT(opts.size(), 50u);
    for (const HelpOption& h : opts) {
        const NvsmiOption* o = sigma_test::nvsmi_catalog().find_option(h.long_name);
        ASSERT_NE(o, nullptr) << h.long_name;
        if (!h.short_name.empty()) {
            EXPECT_EQ(o->short_name, h.short_name) << h.long_name;
            EXPECT_EQ(sigma_test::nvsmi_catalog().find_option(h.short_name), o) << h.short_name;
        }
    }
    const std::regex mention(R"(--help-query-[a-z-]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), mention); it != std::sregex_iterator(); ++it)
        EXPECT_NE(sigma_test::nvsmi_catalog().find_option(it->str()), nullptr) << it->str();
    const std::regex sub(R"re("nvidia-smi ([a-z0-9-]+) -h")re");
    size_t subs = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), sub); it != std::sregex_iterator(); ++it, ++subs)
        EXPECT_NE(sigma_test::nvsmi_catalog().find_subcommand((*it)[1].str()), nullptr) << (*it)[1];
    EXPECT_GE(subs, 20u);
    const auto& formats = sigma_test::nvsmi_catalog().format_values();
    for (const char* v : {"csv", "noheader", "nounits"})
        EXPECT_NE(std::find(formats.begin(), formats.end(), v), formats.end());
    const size_t d0 = text.find("Display only selected information:");
    const size_t d1 = text.find("Flags can be combined");
    ASSERT_TRUE(d0 != std::string::npos && d1 > d0);
    const std::string block = text.substr(d0 + 34, d1 - d0 - 34);
    const std::regex upper(R"(\b[A-Z][A-Z_]{2,}\b)");
    size_t sections = 0;
    for (auto it = std::sregex_iterator(block.begin(), block.end(), upper); it != std::sregex_iterator();
         ++it, ++sections) {
        const auto& ds = sigma_test::nvsmi_catalog().display_sections();
        EXPECT_NE(std::find(ds.begin(), ds.end(), it->str()), ds.end()) << it->str();
    }
    EXPECT_EQ(sections, sigma_test::nvsmi_catalog().display_sections().size());
}

TEST(NvsmiCatalog, EveryCataloguedOptionIsInTheHelp) {
    const std::string text = read_file(help_dir() + "nvidia-smi-help.txt");
    if (text.empty()) GTEST_SKIP() << "no captured help";
    for (const NvsmiOption& o : sigma_test::nvsmi_catalog().options()) {
        EXPECT_TRUE(has_token(text, o.long_name)) << o.long_name;
        if (!o.short_name.empty()) {
            EXPECT_TRUE(has_token(text, o.short_name)) << o.short_name;
        }
        for (const NvsmiValue& v : o.values)
            if (!v.name.empty()) {
                EXPECT_TRUE(has_token(text, v.value + "/" + v.name)) << o.long_name << " " << v.name;
            }
    }
    for (const std::string& d : sigma_test::nvsmi_catalog().display_sections()) {
        EXPECT_TRUE(has_token(text, d)) << d;
    }
    for (const NvsmiSubcommand& s : sigma_test::nvsmi_catalog().subcommands())
        EXPECT_NE(text.find("\"nvidia-smi " + s.name + " -h\""), std::string::npos) << s.name;
}

TEST(NvsmiCatalog, SubcommandOptionsMatchTheirHelpBothWays) {
    const auto sections = subcommand_sections();
    if (sections.empty()) GTEST_SKIP() << "no captured subcommand help";
    for (const char* name : {"topo", "nvlink", "dmon", "pmon", "mig", "drain", "conf-compute", "clocks", "c2c", "vgpu"})
        ASSERT_TRUE(sections.count(name)) << name;
    for (const auto& [name, body] : sections) {
        const NvsmiSubcommand* s = sigma_test::nvsmi_catalog().find_subcommand(name);
        ASSERT_NE(s, nullptr) << name;
        EXPECT_TRUE(s->options_known) << name;
        for (const HelpOption& h : sub_help_options(body)) {
            const NvsmiOption* o = s->find_option(h.long_name);
            ASSERT_NE(o, nullptr) << name << " " << h.long_name;
            if (!h.short_name.empty()) {
                EXPECT_EQ(s->find_option(h.short_name), o) << name << " " << h.short_name;
            }
        }
        for (const NvsmiOption& o : s->options) {
            EXPECT_TRUE(has_token(body, o.long_name)) << name << " " << o.long_name;
            if (!o.short_name.empty()) {
                EXPECT_TRUE(has_token(body, o.short_name)) << name << " " << o.short_name;
            }
        }
    }
    for (const NvsmiSubcommand& s : sigma_test::nvsmi_catalog().subcommands())
        if (s.options_known) {
            EXPECT_TRUE(sections.count(s.name)) << s.name;
        }
}

TEST(NvsmiCatalog, QueryFieldsMatchTheirHelpBothWays) {
    const std::regex field_line(R"re(^"([^" ]+)"((?: or "[^" ]+")*)\s*$)re");
    const std::regex quoted(R"re("([^"]+)")re");
    size_t families = 0;
    for (const NvsmiQuery& q : sigma_test::nvsmi_catalog().queries()) {
        const std::string path = help_dir() + "help-" + q.option.substr(2) + ".txt";
        const std::string text = read_file(path);
        if (text.empty()) {
            EXPECT_FALSE(q.fields_known) << q.option << " has fields but no help file";
            continue;
        }
        ++families;
        ASSERT_TRUE(q.fields_known) << q.option;
        std::set<std::string> help_names;
        std::istringstream in(text);
        std::string line;
        size_t field_lines = 0;
        while (std::getline(in, line)) {
            std::smatch m;
            if (!std::regex_match(line, m, field_line)) continue;
            ++field_lines;
            const NvsmiField* f = q.find(m[1].str());
            ASSERT_NE(f, nullptr) << q.option << " " << m[1];
            EXPECT_EQ(f->name, m[1].str());
            const std::string rest = m[2].str();
            for (auto it = std::sregex_iterator(rest.begin(), rest.end(), quoted); it != std::sregex_iterator(); ++it) {
                EXPECT_EQ(q.find((*it)[1].str()), f) << (*it)[1];
                help_names.insert((*it)[1].str());
            }
            help_names.insert(m[1].str());
        }
        EXPECT_EQ(field_lines, q.fields.size()) << q.option;
        for (const NvsmiField& f : q.fields) {
            EXPECT_TRUE(help_names.count(f.name)) << q.option << " " << f.name;
            for (const std::string& a : f.aliases) {
                EXPECT_TRUE(help_names.count(a)) << q.option << " " << a;
            }
        }
    }
    EXPECT_EQ(families, 4u);
    // help-query-gpu.txt has 218 lines that open with a quote: 214 field entries and the 4 quoted
    // compute-mode values ("0: Default" ...), which are not fields.
    const NvsmiQuery* gpu = sigma_test::nvsmi_catalog().find_query("--query-gpu");
    ASSERT_NE(gpu, nullptr);
    EXPECT_EQ(gpu->fields.size(), 214u);
    EXPECT_EQ(gpu->find("gpu_name"), gpu->find("name"));
    EXPECT_NE(gpu->find("memory.used"), nullptr);
    EXPECT_EQ(gpu->find("0: Default"), nullptr);
    EXPECT_NE(sigma_test::nvsmi_catalog().find_query("--query-compute-apps")->find("used_memory"), nullptr);
}
