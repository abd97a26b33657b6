// NvsmiValidator: accepted spellings, rejected options/values/fields with suggestions and positions,
// combination rules nvidia-smi enforces, and the risk class of each option family.
#include <gtest/gtest.h>

#include <string>

#include "app/domain/nvsmi_validator.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

NvsmiCheck check(const std::string& line) {
    auto p = parse_shell(line);
    EXPECT_TRUE(p.ok) << line << ": " << p.error;
    if (!p.ok) return {};
    return check_nvsmi(sigma_test::nvsmi_catalog(), p.commands.back());
}

std::string first_error(const NvsmiCheck& c) {
    for (const auto& m : c.messages)
        if (m.severity == CheckMessage::Severity::Error) return m.text;
    return "";
}

const CheckMessage* error_msg(const NvsmiCheck& c) {
    for (const auto& m : c.messages)
        if (m.severity == CheckMessage::Severity::Error) return &m;
    return nullptr;
}

struct Case {
    const char* line;
    bool valid;
    Risk risk;
    const char* error;  // substring of the first error when invalid
};

}  // namespace

TEST(NvsmiValidator, Table) {
    const Case cases[] = {
        {"nvidia-smi", true, Risk::ReadOnly, ""},
        {"nvidia-smi -L", true, Risk::ReadOnly, ""},
        {"nvidia-smi --list-gpus", true, Risk::ReadOnly, ""},
        {"nvidia-smi -q", true, Risk::ReadOnly, ""},
        {"nvidia-smi -q -d ECC", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query --display=ECC", true, Risk::ReadOnly, ""},
        {"nvidia-smi -q -d PERFORMANCE,ROW_REMAPPER -i 0", true, Risk::ReadOnly, ""},
        {"nvidia-smi -q -d memory", true, Risk::ReadOnly, ""},
        {"nvidia-smi -q -x", true, Risk::ReadOnly, ""},
        {"nvidia-smi -q -d ECCC", false, Risk::ReadOnly, "unknown display section 'ECCC'"},
        {"nvidia-smi -d ECC", false, Risk::ReadOnly, "needs --query"},
        {"nvidia-smi -q -x -d ECC", false, Risk::ReadOnly, "does not work with -x"},
        {"nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query-gpu name,memory.used --format csv", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query-gpu=gpu_name,gpu_bus_id --format=csv,noheader", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query-gpu=\"name, memory.used\" --format=csv", true, Risk::ReadOnly, ""},
        {"nvidia-smi -i 0,1 --query-gpu=temperature.gpu --format=csv,noheader,nounits", true, Risk::ReadOnly, ""},
        {"nvidia-smi --id=0 --query-gpu=utilization.gpu --format=csv -l 5", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query-gpu=index,clocks_throttle_reasons.active --format=csv -lms 500", true, Risk::ReadOnly, ""},
        {"nvidia-smi -i 00000000:1B:00.0 -q", true, Risk::ReadOnly, ""},
        {"nvidia-smi -i GPU-5d3c1a2b-0000-1111-2222-333344445555 -q", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv", true, Risk::ReadOnly, ""},
        {"nvidia-smi --query-retired-pages=retired_pages.address,retired_pages.cause --format=csv", true,
         Risk::ReadOnly, ""},
        {"nvidia-smi --query-remapped-rows=remapped_rows.pending,remapped_rows.failure --format=csv", true,
         Risk::ReadOnly, ""},
        {"nvidia-smi --query-gpu=name --format=xml", false, Risk::ReadOnly, "unknown --format value 'xml'"},
        {"nvidia-smi --query-gpu=name --format=noheader", false, Risk::ReadOnly, "must include csv"},
        {"nvidia-smi --query-gpu=name", false, Risk::ReadOnly, "needs --format=csv"},
        {"nvidia-smi --format=csv", false, Risk::ReadOnly, "--format applies only"},
        {"nvidia-smi --query-gpu=name --query-compute-apps=pid --format=csv", false, Risk::ReadOnly,
         "only one --query-*"},
        {"nvidia-smi -q --query-gpu=name --format=csv", false, Risk::ReadOnly, "cannot be combined"},
        {"nvidia-smi --query-gpu=name, --format=csv", false, Risk::ReadOnly, "empty field"},
        {"nvidia-smi -i abc -q", false, Risk::ReadOnly, "bad value 'abc' for -i"},
        {"nvidia-smi -i", false, Risk::ReadOnly, "needs a value"},
        {"nvidia-smi -i -q", false, Risk::ReadOnly, "needs a value"},
        {"nvidia-smi -l abc", false, Risk::ReadOnly, "expected an integer"},
        {"nvidia-smi -l", true, Risk::ReadOnly, ""},
        {"nvidia-smi -l -i 0", true, Risk::ReadOnly, ""},
        {"nvidia-smi -lms", false, Risk::ReadOnly, "needs a value"},
        {"nvidia-smi --gpu", false, Risk::ReadOnly, "unknown nvidia-smi option '--gpu'"},
        {"nvidia-smi --list-gpus=1", false, Risk::ReadOnly, "takes no value"},
        {"nvidia-smi foo", false, Risk::ReadOnly, "unknown nvidia-smi subcommand 'foo'"},
        {"nvidia-smi -q topo", false, Risk::ReadOnly, "must come first"},
        {"nvidia-smi -i 2 -pm 1", true, Risk::ChangesState, ""},
        {"nvidia-smi -i 2 -pm ENABLED", true, Risk::ChangesState, ""},
        {"nvidia-smi --id=2 --persistence-mode=1", true, Risk::ChangesState, ""},
        {"nvidia-smi -pm 2", false, Risk::ChangesState, "bad value '2' for -pm"},
        {"nvidia-smi -pm", false, Risk::ChangesState, "needs a value"},
        {"nvidia-smi -r -i 1", true, Risk::Destructive, ""},
        {"nvidia-smi --gpu-reset --id=1", true, Risk::Destructive, ""},
        {"nvidia-smi -r bus -i 1", true, Risk::Destructive, ""},
        {"nvidia-smi -i 0 -pl 250", true, Risk::ChangesState, ""},
        {"nvidia-smi -pl 250.5", true, Risk::ChangesState, ""},
        {"nvidia-smi -pl high", false, Risk::ChangesState, "expected a number"},
        {"nvidia-smi -pl 300 -sc 0", true, Risk::ChangesState, ""},
        {"nvidia-smi -sc 0", false, Risk::ReadOnly, "needs --power-limit"},
        {"nvidia-smi -lgc 1500,1500", true, Risk::ChangesState, ""},
        {"nvidia-smi -lgc 1500 -m 1", true, Risk::ChangesState, ""},
        {"nvidia-smi -lgc 1500,1600,1700", false, Risk::ChangesState, "min,max pair"},
        {"nvidia-smi -m 1", false, Risk::ReadOnly, "needs --lock-gpu-clocks"},
        {"nvidia-smi -rgc", true, Risk::ChangesState, ""},
        {"nvidia-smi -ac 2619,1980", true, Risk::ChangesState, ""},
        {"nvidia-smi -i 0 -mig 1", true, Risk::ChangesState, ""},
        {"nvidia-smi -e 0", true, Risk::ChangesState, ""},
        {"nvidia-smi -c EXCLUSIVE_PROCESS", true, Risk::ChangesState, ""},
        {"nvidia-smi -c 3", true, Risk::ChangesState, ""},
        {"nvidia-smi -c 4", false, Risk::ChangesState, "bad value"},
        {"nvidia-smi -p 0", true, Risk::ChangesState, ""},
        {"nvidia-smi --gom=COMPUTE", true, Risk::ChangesState, ""},
        {"nvidia-smi -caa", true, Risk::ChangesState, ""},
        {"nvidia-smi topo -m", true, Risk::ReadOnly, ""},
        {"nvidia-smi topo --matrix", true, Risk::ReadOnly, ""},
        {"nvidia-smi topo -p2p r", true, Risk::ReadOnly, ""},
        {"nvidia-smi topo -p2p x", false, Risk::ReadOnly, "bad value 'x'"},
        {"nvidia-smi topo -i 0,1 -p", true, Risk::ReadOnly, ""},
        {"nvidia-smi topo -x", false, Risk::ReadOnly, "not an option of 'nvidia-smi topo'"},
        {"nvidia-smi topo -zz", false, Risk::ReadOnly, "unknown 'nvidia-smi topo' option '-zz'"},
        {"nvidia-smi nvlink -s", true, Risk::ReadOnly, ""},
        {"nvidia-smi nvlink --status -i 0", true, Risk::ReadOnly, ""},
        {"nvidia-smi nvlink -e", true, Risk::ReadOnly, ""},
        {"nvidia-smi nvlink -gt d", true, Risk::ReadOnly, ""},
        {"nvidia-smi nvlink -re", true, Risk::ChangesState, ""},
        {"nvidia-smi dmon -s pucvmet -d 5 -c 10", true, Risk::ReadOnly, ""},
        {"nvidia-smi dmon -s z", false, Risk::ReadOnly, "bad value 'z'"},
        {"nvidia-smi dmon --format csv,nounit", true, Risk::ReadOnly, ""},
        {"nvidia-smi pmon -c 1", true, Risk::ReadOnly, ""},
        {"nvidia-smi pmon -s um -o DT", true, Risk::ReadOnly, ""},
        {"nvidia-smi mig -lgip", true, Risk::ReadOnly, ""},
        {"nvidia-smi mig -lgi -i 0", true, Risk::ReadOnly, ""},
        {"nvidia-smi mig -cgi 9,9 -C", true, Risk::ChangesState, ""},
        {"nvidia-smi mig -dgi -i 0 -gi 1", true, Risk::Destructive, ""},
        {"nvidia-smi mig -dci", true, Risk::Destructive, ""},
        {"nvidia-smi drain -p 0000:1b:00.0 -q", true, Risk::ReadOnly, ""},
        {"nvidia-smi drain -p 0000:1b:00.0 -m 1", true, Risk::Destructive, ""},
        {"nvidia-smi drain -p 0000:1b:00.0 -r", true, Risk::Destructive, ""},
        {"nvidia-smi conf-compute -f", true, Risk::ReadOnly, ""},
        {"nvidia-smi conf-compute -srs 1", true, Risk::ChangesState, ""},
        {"nvidia-smi clocks --sync-boost-list", true, Risk::ReadOnly, ""},
        {"nvidia-smi clocks -som 1", true, Risk::ChangesState, ""},
        {"nvidia-smi c2c -s", true, Risk::ReadOnly, ""},
        {"nvidia-smi vgpu -q", true, Risk::ReadOnly, ""},
        {"nvidia-smi vgpu -shm 1", true, Risk::ChangesState, ""},
        {"nvidia-smi pci", true, Risk::ReadOnly, ""},
        {"nvidia-smi gpm -x", true, Risk::ChangesState, ""},
        {"nvidia-smi --help-query-gpu", true, Risk::ReadOnly, ""},
        {"nvidia-smi --version", true, Risk::ReadOnly, ""},
        {"nvidia-smi -f /tmp/out.txt -q", true, Risk::ReadOnly, ""},
    };
    for (const Case& c : cases) {
        const NvsmiCheck r = check(c.line);
        EXPECT_EQ(r.valid(), c.valid) << c.line << " -> " << first_error(r);
        if (c.valid) {
            EXPECT_EQ(risk_text(r.risk), std::string(risk_text(c.risk))) << c.line;
        }
        if (!c.valid) {
            EXPECT_NE(first_error(r).find(c.error), std::string::npos) << c.line << " -> " << first_error(r);
        }
        EXPECT_FALSE(r.reasons.empty()) << c.line;
    }
}

TEST(NvsmiValidator, FieldSuggestionsAndPositions) {
    const std::string line = "nvidia-smi --query-gpu=name,memory.usd --format=csv";
    const NvsmiCheck r = check(line);
    ASSERT_FALSE(r.valid());
    const CheckMessage* m = error_msg(r);
    ASSERT_NE(m, nullptr);
    EXPECT_NE(m->text.find("unknown --query-gpu field 'memory.usd'"), std::string::npos) << m->text;
    ASSERT_FALSE(m->suggestions.empty());
    EXPECT_EQ(m->suggestions[0], "memory.used");
    EXPECT_EQ(line.substr(m->start, m->length), "memory.usd");
}

TEST(NvsmiValidator, FieldOfAnotherQueryIsNamed) {
    const NvsmiCheck r = check("nvidia-smi --query-gpu=pid,name --format=csv");
    ASSERT_FALSE(r.valid());
    const CheckMessage* m = error_msg(r);
    ASSERT_NE(m, nullptr);
    EXPECT_NE(m->text.find("'pid' is a field of --query-compute-apps"), std::string::npos) << m->text;
    EXPECT_EQ(m->suggestions, std::vector<std::string>{"--query-compute-apps"});

    const NvsmiCheck r2 = check("nvidia-smi --query-compute-apps=pid,temperature.gpu --format=csv");
    ASSERT_FALSE(r2.valid());
    EXPECT_NE(first_error(r2).find("field of --query-gpu"), std::string::npos) << first_error(r2);
}

TEST(NvsmiValidator, OptionSuggestions) {
    NvsmiCheck r = check("nvidia-smi --query-gpus=name --format=csv");
    ASSERT_FALSE(r.valid());
    ASSERT_NE(error_msg(r), nullptr);
    EXPECT_EQ(error_msg(r)->suggestions.at(0), "--query-gpu");
    EXPECT_EQ(error_msg(r)->start, 11u);
    EXPECT_EQ(error_msg(r)->length, 12u);

    r = check("nvidia-smi --persistance-mode=1");
    ASSERT_NE(error_msg(r), nullptr);
    EXPECT_EQ(error_msg(r)->suggestions.at(0), "--persistence-mode");

    r = check("nvidia-smi --matrix");
    ASSERT_NE(error_msg(r), nullptr);
    EXPECT_NE(error_msg(r)->text.find("option of 'nvidia-smi topo'"), std::string::npos);
    EXPECT_EQ(error_msg(r)->suggestions.at(0), "nvidia-smi topo --matrix");

    r = check("nvidia-smi topp -m");
    ASSERT_NE(error_msg(r), nullptr);
    EXPECT_EQ(error_msg(r)->suggestions.at(0), "topo");

    r = check("nvidia-smi -pm enabeld");
    ASSERT_NE(error_msg(r), nullptr);
    EXPECT_EQ(error_msg(r)->suggestions.at(0), "ENABLED");
}

TEST(NvsmiValidator, UncataloguedFieldFamiliesWarnButPass) {
    const NvsmiCheck r = check("nvidia-smi --query-supported-clocks=memory,graphics --format=csv");
    EXPECT_TRUE(r.valid());
    ASSERT_FALSE(r.messages.empty());
    EXPECT_EQ(r.messages[0].severity, CheckMessage::Severity::Warning);
}

TEST(NvsmiValidator, CanonicalInvocation) {
    const NvsmiCheck a = check("nvidia-smi -i 0 --query-gpu=temperature.gpu --format=csv");
    ASSERT_EQ(a.invocation.options.size(), 3u);
    EXPECT_EQ(a.invocation.options[0], (std::pair<std::string, std::string>{"--id", "0"}));
    EXPECT_EQ(a.invocation.options[1].first, "--query-gpu");
    const NvsmiCheck b = check("nvidia-smi topo -m");
    EXPECT_EQ(b.invocation.subcommand, "topo");
    EXPECT_EQ(b.invocation.options[0].first, "--matrix");
}
