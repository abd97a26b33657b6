// explain_flags against the real knowledge packs: nvidia-smi query fields, -d sections, enum names and
// subcommand options; shell tools' summaries and values; quoting, pipelines, wrapped commands, garbage.
// Not a test of the packs' completeness (test_nvsmi_catalog and the validator tests do that).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "app/domain/flag_explainer.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/shell_catalog.h"

using namespace sigma::domain;

namespace {

const FlagExplanation* find_flag(const std::vector<FlagExplanation>& v, const std::string& flag, size_t nth = 0) {
    for (const FlagExplanation& f : v)
        if (f.flag == flag && nth-- == 0) return &f;
    return nullptr;
}

std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = std::string(SIGMA_BINARY_DIR) + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

}  // namespace

TEST(FlagExplainer, QueryGpuFieldsAreDescribed) {
    const auto v = explain_flags("nvidia-smi --query-gpu=memory.used,temperature.gpu,gpu_name --format=csv,noheader");
    ASSERT_EQ(v.size(), 2u);
    const FlagExplanation& q = v[0];
    EXPECT_EQ(q.program, "nvidia-smi");
    EXPECT_EQ(q.flag, "--query-gpu");
    EXPECT_TRUE(q.has_value);
    EXPECT_EQ(q.value, "memory.used,temperature.gpu,gpu_name");
    EXPECT_EQ(q.meaning, "Information about GPU.");
    ASSERT_EQ(q.details.size(), 3u);
    EXPECT_EQ(q.details[0].item, "memory.used");
    EXPECT_NE(q.details[0].meaning.find("allocated by active contexts"), std::string::npos) << q.details[0].meaning;
    EXPECT_NE(q.details[1].meaning.find("temperature"), std::string::npos) << q.details[1].meaning;
    // An alias names the field it stands for.
    EXPECT_EQ(q.details[2].meaning.rfind("same as name: The official product name", 0), 0u) << q.details[2].meaning;

    const FlagExplanation& f = v[1];
    EXPECT_EQ(f.flag, "--format");
    ASSERT_EQ(f.details.size(), 2u);
    EXPECT_EQ(f.details[0].meaning, "comma separated values (MANDATORY)");
    EXPECT_EQ(f.details[1].meaning, "skip the first line with column headers");
}

TEST(FlagExplainer, UnknownFieldIsNamedNotInvented) {
    const auto v = explain_flags("nvidia-smi --query-gpu=memroy.used --format=csv");
    ASSERT_FALSE(v.empty());
    ASSERT_EQ(v[0].details.size(), 1u);
    EXPECT_EQ(v[0].details[0].meaning, "not a field of --query-gpu");
}

TEST(FlagExplainer, LongFieldDescriptionsEndAtASentence) {
    const auto v = explain_flags("nvidia-smi --query-gpu=fan.speed --format=csv");
    ASSERT_FALSE(v.empty());
    ASSERT_EQ(v[0].details.size(), 1u);
    const std::string& m = v[0].details[0].meaning;
    EXPECT_FALSE(m.empty());
    EXPECT_LE(m.size(), 260u);
    EXPECT_EQ(m.back(), '.');
}

TEST(FlagExplainer, DisplaySectionsAreDescribedAndSummaryIsWhole) {
    const auto v = explain_flags("nvidia-smi -q -d POWER,ecc");
    const FlagExplanation* d = find_flag(v, "-d");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->meaning, "Display only selected information.");
    EXPECT_EQ(d->value, "POWER,ecc");
    ASSERT_EQ(d->details.size(), 2u);
    EXPECT_NE(d->details[0].meaning.find("Power draw"), std::string::npos);
    EXPECT_NE(d->details[1].meaning.find("ECC mode"), std::string::npos) << "sections match case-insensitively";
    const FlagExplanation* q = find_flag(v, "-q");
    ASSERT_NE(q, nullptr);
    EXPECT_FALSE(q->has_value);
    EXPECT_EQ(q->meaning, "Display GPU or Unit info.");

    const auto bad = explain_flags("nvidia-smi -q -d WATTS");
    ASSERT_NE(find_flag(bad, "-d"), nullptr);
    EXPECT_EQ(find_flag(bad, "-d")->details.at(0).meaning, "not a -d section");
}

TEST(FlagExplainer, EnumValuesAreNamed) {
    auto v = explain_flags("sudo nvidia-smi -i 0 -pm 1");
    const FlagExplanation* pm = find_flag(v, "-pm");
    ASSERT_NE(pm, nullptr);
    EXPECT_EQ(pm->value, "1");
    ASSERT_EQ(pm->details.size(), 1u);
    EXPECT_EQ(pm->details[0].item, "1");
    EXPECT_EQ(pm->details[0].meaning, "ENABLED");
    const FlagExplanation* id = find_flag(v, "-i");
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->details.at(0).meaning.rfind("GPU index 0", 0), 0u);

    v = explain_flags("nvidia-smi -c EXCLUSIVE_PROCESS");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].details.at(0).meaning, "value 3 (EXCLUSIVE_PROCESS)");

    v = explain_flags("nvidia-smi -pm 7");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].details.at(0).meaning.find("0/DISABLED, 1/ENABLED"), std::string::npos) << v[0].details[0].meaning;
}

TEST(FlagExplainer, ClockPairsAndOptionalValues) {
    auto v = explain_flags("nvidia-smi -lgc 1500,1980");
    ASSERT_EQ(v.size(), 1u);
    ASSERT_EQ(v[0].details.size(), 2u);
    EXPECT_EQ(v[0].details[0].meaning, "minimum clock, MHz");
    EXPECT_EQ(v[0].details[1].meaning, "maximum clock, MHz");

    v = explain_flags("nvidia-smi -l 5 --query-gpu=utilization.gpu --format=csv");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].flag, "-l");
    EXPECT_EQ(v[0].value, "5");
    v = explain_flags("nvidia-smi -l -q");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_FALSE(v[0].has_value) << "-l without a number loops at its default interval";
}

TEST(FlagExplainer, SubcommandOptions) {
    auto v = explain_flags("nvidia-smi mig -lgip");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].program, "nvidia-smi mig");
    EXPECT_EQ(v[0].meaning, "List supported GPU instance profiles.");

    v = explain_flags("nvidia-smi topo -m");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].program, "nvidia-smi topo");
    EXPECT_EQ(v[0].meaning, "Display the GPUDirect communication matrix for the system.");

    v = explain_flags("nvidia-smi dmon -s pu -c 10");
    const FlagExplanation* s = find_flag(v, "-s");
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(s->details.size(), 2u);
    EXPECT_EQ(s->details[0].meaning, "Power Usage and Temperature");
    EXPECT_EQ(s->details[1].meaning, "Utilization");
    ASSERT_NE(find_flag(v, "-c"), nullptr);
    EXPECT_EQ(find_flag(v, "-c")->value, "10");
}

TEST(FlagExplainer, ShellSummariesAndValues) {
    auto v = explain_flags("journalctl -u nginx --since \"1 hour ago\" -n 50");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].program, "journalctl");
    EXPECT_EQ(v[0].flag, "-u");
    EXPECT_EQ(v[0].value, "nginx");
    EXPECT_NE(v[0].meaning.find("systemd unit"), std::string::npos);
    EXPECT_EQ(v[1].flag, "--since");
    EXPECT_EQ(v[1].value, "1 hour ago") << "quotes removed, the value stays one word";
    EXPECT_FALSE(v[1].meaning.empty());
    EXPECT_EQ(v[2].flag, "-n");
    EXPECT_EQ(v[2].value, "50");
    EXPECT_FALSE(v[2].meaning.empty());

    v = explain_flags("ps aux --sort=-%mem");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].flag, "--sort");
    EXPECT_EQ(v[0].value, "-%mem");
    ASSERT_EQ(v[0].details.size(), 1u);
    EXPECT_EQ(v[0].details[0].meaning, "resident memory as % of physical RAM, descending");

    v = explain_flags("df -h");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].meaning, "Human-readable sizes in powers of 1024 (K, M, G).");
    EXPECT_FALSE(v[0].has_value);

    v = explain_flags("rm -rf /tmp/build");
    ASSERT_EQ(v.size(), 2u) << "a cluster is explained letter by letter";
    EXPECT_EQ(v[0].flag, "-r");
    EXPECT_EQ(v[1].flag, "-f");
    EXPECT_FALSE(v[0].meaning.empty());
    EXPECT_FALSE(v[1].meaning.empty());

    v = explain_flags("kubectl exec -it web-0 -n prod -- ls -l");
    ASSERT_NE(find_flag(v, "-n"), nullptr);
    EXPECT_EQ(find_flag(v, "-n")->program, "kubectl exec");
    EXPECT_EQ(find_flag(v, "-n")->value, "prod");
    const FlagExplanation* ls = find_flag(v, "-l");
    ASSERT_NE(ls, nullptr) << "the command after -- is explained too";
    EXPECT_EQ(ls->program, "ls");
}

TEST(FlagExplainer, FindTestsAndJournalPriorities) {
    auto v = explain_flags("find /var/log -type f -mtime +7 -size +100M -print0");
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].details.at(0).meaning, "regular file");
    EXPECT_EQ(v[1].details.at(0).meaning, "modified more than 7 days ago (24-hour periods)");
    EXPECT_EQ(v[2].details.at(0).meaning, "larger than 100 MiB (rounded up to whole units)");
    EXPECT_TRUE(v[3].details.empty());
    v = explain_flags("find . -mmin -30 -size 12x");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].details.at(0).meaning, "modified less than 30 minutes ago");
    EXPECT_EQ(v[1].details.at(0).meaning, "") << "an unreadable size is not guessed at";

    v = explain_flags("journalctl -p err -b -1");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].details.at(0).meaning, "err (3) and more severe");
    EXPECT_EQ(v[1].flag, "-b");
    EXPECT_EQ(v[1].value, "-1") << "journalctl reads a number after -b as its value";
    v = explain_flags("journalctl --priority=4..2");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].details.at(0).meaning, "from warning (4) to crit (2)");
}

TEST(FlagExplainer, SignalsAreNamed) {
    auto v = explain_flags("kill -s TERM 1234");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].details.at(0).meaning.rfind("SIGTERM", 0), 0u);
    v = explain_flags("kill -9 1234 && kill -HUP 88 && tail -20 /var/log/syslog");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].flag, "-9");
    EXPECT_FALSE(v[0].has_value);
    EXPECT_EQ(v[0].meaning.rfind("Send signal SIGKILL", 0), 0u) << v[0].meaning;
    EXPECT_EQ(v[1].flag, "-HUP");
    EXPECT_EQ(v[1].meaning.rfind("Send signal SIGHUP", 0), 0u) << v[1].meaning;
    EXPECT_EQ(v[2].meaning, "Same as -n 20: the last 20 lines.");
    v = explain_flags("timeout -s KILL 30 nvidia-smi -q");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].details.at(0).meaning.rfind("SIGKILL", 0), 0u);
    EXPECT_EQ(v[1].program, "nvidia-smi") << "the wrapped command's flags follow";
}

TEST(FlagExplainer, PipelinesAndWrappedLines) {
    auto v = explain_flags("ps -eo pid,%cpu,cmd --sort=-%cpu | head -n 5 && nvidia-smi -L");
    ASSERT_EQ(v.size(), 5u);
    EXPECT_EQ(v[0].program, "ps");
    EXPECT_EQ(v[0].flag, "-e");
    EXPECT_EQ(v[1].flag, "-o");
    EXPECT_EQ(v[1].value, "pid,%cpu,cmd");
    ASSERT_EQ(v[1].details.size(), 3u);
    EXPECT_EQ(v[1].details[0].meaning, "process ID");
    EXPECT_EQ(v[3].program, "head");
    EXPECT_EQ(v[3].value, "5");
    EXPECT_EQ(v[4].program, "nvidia-smi");
    EXPECT_EQ(v[4].meaning, "Display a list of GPUs connected to the system.");

    v = explain_flags("watch -n 1 \"nvidia-smi --query-gpu=power.draw --format=csv\"");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].program, "watch");
    EXPECT_EQ(v[0].value, "1");
    EXPECT_EQ(v[1].flag, "--query-gpu");
    EXPECT_FALSE(v[1].details.at(0).meaning.empty());
}

TEST(FlagExplainer, UnknownOptionsAreListedWithoutMeaning) {
    auto v = explain_flags("nvidia-smi --frobnicate=3 -q");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].flag, "--frobnicate");
    EXPECT_EQ(v[0].value, "3");
    EXPECT_TRUE(v[0].meaning.empty());
    v = explain_flags("df --bogus");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].meaning.empty());
    v = explain_flags("mytool --level=4 -x");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].program, "mytool");
    EXPECT_EQ(v[0].value, "4");
    EXPECT_TRUE(v[1].meaning.empty());
}

TEST(FlagExplainer, GarbageNeverCrashes) {
    const char* inputs[] = {"",
                            "   ",
                            "'unterminated",
                            "| | |",
                            "nvidia-smi --query-gpu=",
                            "nvidia-smi -d",
                            "nvidia-smi -i",
                            "nvidia-smi --format=,,,",
                            "ps --sort=",
                            "kill -",
                            "-",
                            "--",
                            "watch \"watch \\\"watch \\\\\\\"ls -l\\\\\\\"\\\"\"",
                            "nvidia-smi dmon -s \xff",
                            "$(rm -rf /) -x",
                            "timeout",
                            "ssh host -- --",
                            "a\x01b -c"};
    for (const char* in : inputs) {
        const auto v = explain_flags(in);
        for (const auto& f : v) EXPECT_FALSE(f.flag.empty()) << in;
    }
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "timeout 1 ";
    deep += "df -h";
    EXPECT_TRUE(explain_flags(deep).size() <= 1u) << "wrapping is followed only to a bounded depth";
    EXPECT_TRUE(explain_flags("nvidia-smi -q -d").size() == 2u);
}

TEST(FlagExplainerPacks, NvsmiMeaningTablesAreStrict) {
    const NvsmiCatalog* cat = NvsmiCatalog::builtin();
    ASSERT_NE(cat, nullptr);
    for (const std::string& s : cat->display_sections()) EXPECT_FALSE(cat->display_section_meaning(s).empty()) << s;
    for (const std::string& s : cat->format_values()) EXPECT_FALSE(cat->format_value_meaning(s).empty()) << s;
    size_t described = 0, total = 0;
    for (const NvsmiQuery& q : cat->queries())
        for (const NvsmiField& f : q.fields) {
            ++total;
            described += f.description.empty() ? 0 : 1;
        }
    EXPECT_EQ(described, total);

    std::string err;
    const std::string bad =
        write_temp("nvsmi_bad_meanings.json",
                   R"({"format_version": 1, "options": [{"long": "--query"}], "display_sections": ["ECC"],
            "display_section_meanings": {"POWER": "not a listed section"}})");
    EXPECT_FALSE(NvsmiCatalog::load(bad, &err).has_value());
    EXPECT_NE(err.find("display_section_meanings"), std::string::npos) << err;
}

TEST(FlagExplainerPacks, ShellSummariesNameRealOptions) {
    std::string err;
    const std::string bad = write_temp(
        "shell_bad_summary.json",
        R"({"format_version": 1, "tools": [{"name": "df", "options": ["-h|--human-readable"], "summaries": {"-z": "made up"}}]})");
    EXPECT_FALSE(ShellCatalog::load(bad, &err).has_value());
    EXPECT_NE(err.find("'-z'"), std::string::npos) << err;

    const std::string good = write_temp(
        "shell_good_summary.json",
        R"({"format_version": 1, "tools": [{"name": "df", "options": ["-h|--human-readable"], "summaries": {"--human-readable": "sizes"}}]})");
    auto c = ShellCatalog::load(good, &err);
    ASSERT_TRUE(c.has_value()) << err;
    EXPECT_EQ(c->find("df")->find_option("-h")->summary, "sizes") << "any spelling names the option";

    const ShellCatalog* pack = ShellCatalog::builtin(&err);
    ASSERT_NE(pack, nullptr) << err;
    size_t tools_with_summaries = 0;
    for (const ShellSpec& t : pack->tools()) {
        bool any = false;
        for (const ShellOption& o : t.options) any = any || !o.summary.empty();
        tools_with_summaries += any ? 1 : 0;
    }
    EXPECT_GE(tools_with_summaries, 40u);
}
