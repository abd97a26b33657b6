// Rules engine behaviour: Xid parsing, ranking on mixed logs and cascades, "unknown" and its nearest
// categories, wrapped lines, values against limits, bounded memory on huge or
// hostile input, line numbering, JSON shape, and the pack loader's errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <streambuf>

#include "app/domain/diag_engine.h"
#include "app/domain/diag_line_joiner.h"
#include "app/domain/diag_numeric_rules.h"
#include "app/domain/json_parse.h"
#include "app/domain/pattern.h"
#include "knowledge_packs.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

namespace {
// An endless-looking stream: `count` copies of `line` + '\n' without holding them in memory.
class RepeatBuf : public std::streambuf {
public:
    RepeatBuf(std::string line, size_t count) : line_(std::move(line) + "\n"), left_(count) {}

protected:
    int_type underflow() override {
        if (left_ == 0) return traits_type::eof();
        --left_;
        setg(line_.data(), line_.data(), line_.data() + line_.size());
        return traits_type::to_int_type(line_[0]);
    }

private:
    std::string line_;
    size_t left_;
};
}  // namespace

TEST(LiteralMatcher, FindsOverlappingCaseAndWordLiterals) {
    LiteralMatcher m;
    const int he = m.add("he");
    const int she = m.add("she");
    const int hers = m.add("hers");
    const int sig = m.add("SIGSEGV", true);
    const int eio = m.add("EIO", true, true);
    m.build();
    std::vector<std::pair<int, size_t>> hits;
    m.scan("USHERS got sigsegv, SIGSEGV; EIO not in LEIOX", [&](int id, size_t at) {
        hits.emplace_back(id, at);
        return true;
    });
    auto has = [&](int id, size_t at) { return std::count(hits.begin(), hits.end(), std::make_pair(id, at)) == 1; };
    EXPECT_TRUE(has(she, 1));
    EXPECT_TRUE(has(he, 2));
    EXPECT_TRUE(has(hers, 2));
    EXPECT_TRUE(has(sig, 20));  // only the upper-case one
    EXPECT_FALSE(has(sig, 11));
    EXPECT_TRUE(has(eio, 29));  // whole word only, not inside LEIOX
    EXPECT_EQ(std::count_if(hits.begin(), hits.end(), [&](auto& h) { return h.first == eio; }), 1);
}

TEST(DiagEngine, ReadsXidNumbersInTheirCommonForms) {
    DiagEngine e(sigma_test::diagnosis_pack());
    EXPECT_EQ(e.run_text("NVRM: Xid (PCI:0000:3b:00): 79, pid=1, name=x").category, "gpu_fallen_off_bus");
    EXPECT_EQ(e.run_text("dcgm: GPU 2 reported XID: 48").category, "gpu_ecc_uncorrectable");
    EXPECT_EQ(e.run_text("event xid=74 on gpu 1").category, "gpu_nvlink_error");
    EXPECT_EQ(e.run_text("NVRM: _kgspLogXid119: GSP hang").category, "gpu_gsp_timeout");
    EXPECT_EQ(e.run_text("Xid 13 raised by pid 4").category, "gpu_app_fault");
    // Not an Xid number: the command that searches for them, a four-digit value, an unknown Xid.
    EXPECT_EQ(e.run_text("$ dmesg -T | grep -i xid").category, "unknown");
    EXPECT_EQ(e.run_text("Xid 7900 nothing").category, "unknown");
    EXPECT_EQ(e.run_text("Xid 2 is not catalogued").category, "unknown");
}

TEST(DiagEngine, UnknownWhenNothingSpecificMatches) {
    DiagEngine e(sigma_test::diagnosis_pack());
    auto r = e.run_text("INFO all good\nERROR something went wrong\nWARN retrying request\n");
    EXPECT_EQ(r.category, "unknown");
    EXPECT_TRUE(r.findings.empty());
    EXPECT_EQ(r.lines_read, 3u);
    EXPECT_EQ(e.run_text("").category, "unknown");
    // Weak supporting lines alone never open a finding.
    EXPECT_EQ(e.run_text("Exit Code: 137\nTLS handshake error from 1.2.3.4").category, "unknown");
}

TEST(DiagEngine, MixedLogRanksTheSpecificCauseFirstAndKeepsTheOthers) {
    DiagEngine e(sigma_test::diagnosis_pack());
    const std::string log =
        "dial tcp 10.0.0.9:5432: connect: connection refused\n"
        "[Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5) ran for 600001 milliseconds before "
        "timing out.\n"
        "write /data/x: no space left on device\n";
    auto r = e.run_text(log);
    ASSERT_GE(r.findings.size(), 3u);
    EXPECT_NE(r.category, "connection_refused");
    std::vector<std::string> cats;
    for (const auto& f : r.findings) cats.push_back(f.category);
    EXPECT_NE(std::find(cats.begin(), cats.end(), "nccl_timeout"), cats.end());
    EXPECT_EQ(cats.back(), "connection_refused");  // generic, ranked last
    // NCCL timeout beats a generic connection refused.
    auto r2 = e.run_text(log.substr(0, log.rfind("write")));
    EXPECT_EQ(r2.category, "nccl_timeout");
    // Xid 79 beats the NCCL timeout it caused.
    auto r3 =
        e.run_text(log.substr(0, log.rfind("write")) + "NVRM: Xid (PCI:0000:ca:00): 79, GPU has fallen off the bus.\n");
    EXPECT_EQ(r3.category, "gpu_fallen_off_bus");
}

TEST(DiagEngine, ConsequencesRankBelowTheirCauses) {
    DiagEngine e(sigma_test::diagnosis_pack());
    // A rank ran out of GPU memory; the others then timed out in the collective.
    auto r = e.run_text(
        "[rank3] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n"
        "[rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught collective operation timeout: "
        "WorkNCCL(SeqNum=9) ran for 600001 milliseconds before timing out.\n"
        "[rank0]:[E ProcessGroupNCCL.cpp:577] [Rank 0] Some NCCL operations have failed or timed out.\n"
        "[rank1]:[E ProcessGroupNCCL.cpp:563] [Rank 1] Watchdog caught collective operation timeout: "
        "WorkNCCL(SeqNum=9) ran for 600001 milliseconds before timing out.\n");
    EXPECT_EQ(r.category, "cuda_out_of_memory");
    ASSERT_EQ(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[1].category, "nccl_timeout");
    // A unit failed because its process could not open a file.
    EXPECT_EQ(e.run_text("nginx[9]: open() \"/var/log/nginx/error.log\" failed (13: Permission denied)\n"
                         "systemd[1]: nginx.service: Control process exited, code=exited, status=1/FAILURE\n"
                         "systemd[1]: nginx.service: Failed with result 'exit-code'.\n"
                         "systemd[1]: Failed to start nginx.service - A high performance web server.\n")
                  .category,
              "permission_denied");
    // Without a cause the unit failure itself is the diagnosis.
    EXPECT_EQ(
        e.run_text(
             "systemd[1]: app.service: Failed with result 'exit-code'.\nsystemd[1]: Failed to start app.service.\n")
            .category,
        "systemd_unit_failed");
    // The application-fault Xids that follow a double-bit ECC error are consequences.
    EXPECT_EQ(
        e.run_text("NVRM: Xid (PCI:0000:4e:00): 13, pid=1, Graphics Exception\n"
                   "NVRM: Xid (PCI:0000:4e:00): 43, pid=1, Ch 00000010\n"
                   "NVRM: Xid (PCI:0000:4e:00): 48, pid=1, An uncorrectable double bit error (DBE) has been detected\n")
            .category,
        "gpu_ecc_uncorrectable");
}

TEST(DiagEngine, OomKillerVersusKubernetesOomKilled) {
    DiagEngine e(sigma_test::diagnosis_pack());
    EXPECT_EQ(e.run_text("kernel: Out of memory: Killed process 412 (java) total-vm:1kB").category, "host_oom_killer");
    EXPECT_EQ(e.run_text("kernel: Memory cgroup out of memory: Killed process 412 (java)\n"
                         "      Reason:       OOMKilled\n      Exit Code:    137\n")
                  .category,
              "k8s_oomkilled");
}

TEST(DiagEngine, EvidenceUsesOneBasedLineNumbersAndHandlesCrlf) {
    DiagEngine e(sigma_test::diagnosis_pack());
    auto r = e.run_text("first\r\nsecond\r\nfoo: Too many open files\r\nlast");
    ASSERT_EQ(r.category, "too_many_open_files");
    ASSERT_EQ(r.findings[0].evidence.size(), 1u);
    EXPECT_EQ(r.findings[0].evidence[0].line, 3u);
    EXPECT_EQ(r.findings[0].evidence[0].text, "foo: Too many open files");
    EXPECT_EQ(r.lines_read, 4u);
    EXPECT_EQ(r.cited_lines(), std::vector<size_t>{3});
}

TEST(DiagEngine, NvidiaSmiCountersMustBeNonZero) {
    DiagEngine e(sigma_test::diagnosis_pack());
    EXPECT_EQ(
        e.run_text("            DRAM Uncorrectable            : 0\n      HW Thermal Slowdown : Not Active").category,
        "unknown");
    EXPECT_EQ(e.run_text("            DRAM Uncorrectable            : 3").category, "gpu_ecc_uncorrectable");
    EXPECT_EQ(e.run_text("            HW Thermal Slowdown           : Active").category, "gpu_thermal_slowdown");
}

TEST(DiagEngine, CsvColumnsFollowTheirHeaderUntilTheTableEnds) {
    DiagEngine e(sigma_test::diagnosis_pack());
    const std::string header =
        "index, clocks_event_reasons.hw_thermal_slowdown, ecc.errors.uncorrected.volatile.total\n";
    EXPECT_EQ(e.run_text(header + "0, Not Active, 0\n1, [N/A], 0\n").category, "unknown");
    auto hot = e.run_text(header + "0, Not Active, 0\n1, Active, 0\n");
    EXPECT_EQ(hot.category, "gpu_thermal_slowdown");
    ASSERT_FALSE(hot.findings.empty());
    EXPECT_EQ(hot.findings[0].evidence.back().line, 3u);
    EXPECT_EQ(e.run_text(header + "0, Not Active, 0\n1, Not Active, 2\n").category, "gpu_ecc_uncorrectable");
    // A line without commas ends the table: later rows are not read against the old header.
    EXPECT_EQ(e.run_text(header + "0, Not Active, 0\nplain text\n1, Active, 7\n").category, "unknown");
}

TEST(DiagEngine, HealthyNvidiaSmiOutputIsUnknown) {
    // Real -q, -q -d PERFORMANCE|ECC|ROW_REMAPPER, topo, table and CSV output of a healthy GPU: zero
    // counters and "Not Active" reasons must not be read as problems.
    const std::string path = std::string(SIGMA_SOURCE_DIR) + "/tests/data/nvidia-smi/sample-outputs.txt";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "no " << path;
    DiagEngine e(sigma_test::diagnosis_pack());
    auto r = e.run(in);
    EXPECT_GT(r.lines_read, 300u);
    EXPECT_EQ(r.category, "unknown") << (r.findings.empty() ? "" : r.findings[0].evidence[0].text);
    EXPECT_EQ(e.run_text("        HW Thermal Slowdown                            : 4123 us").category,
              "gpu_thermal_slowdown");
}

TEST(DiagEngine, EvidencePerFindingIsCappedOnLongLogs) {
    DiagEngine e(sigma_test::diagnosis_pack());
    RepeatBuf buf("Jan 1 sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2", 200000);
    std::istream in(&buf);
    DiagOptions opt;
    opt.max_evidence_per_finding = 5;
    auto r = e.run(in, opt);
    EXPECT_EQ(r.category, "ssh_bruteforce");
    EXPECT_EQ(r.lines_read, 200000u);
    EXPECT_EQ(r.findings[0].hits, 200000u);
    EXPECT_EQ(r.findings[0].evidence.size(), 5u);
    EXPECT_EQ(r.findings[0].evidence[0].line, 1u);  // the earliest lines are kept among equals
}

TEST(DiagEngine, HugeSingleLineIsCutAndReported) {
    DiagEngine e(sigma_test::diagnosis_pack());
    std::string line(1 << 20, 'a');
    line.replace(100, 20, "No space left on dev");  // incomplete signature early
    line.replace(1000, 23, "No space left on device");
    line.replace(900000, 19, "Too many open files");  // past the 64 KiB cap: not seen
    auto r = e.run_text(line + "\nsecond line\n");
    EXPECT_EQ(r.category, "disk_full");
    EXPECT_EQ(r.truncated_lines, 1u);
    EXPECT_TRUE(r.truncated());
    EXPECT_EQ(r.lines_read, 2u);
    ASSERT_EQ(r.findings.size(), 1u);
    const std::string& text = r.findings[0].evidence[0].text;
    EXPECT_LE(text.size(), DiagOptions{}.max_evidence_text + 6);
    EXPECT_NE(text.find("No space left on device"), std::string::npos);
}

TEST(DiagEngine, BinaryGarbageGivesValidUtf8AndNoCrash) {
    DiagEngine e(sigma_test::diagnosis_pack());
    std::string junk;
    for (int i = 0; i < 200000; ++i) junk += static_cast<char>((i * 7919 + 13) & 0xFF);
    junk += "\n\xff\xfe Segmentation fault \xc3\x28 (core dumped)\n";
    auto r = e.run_text(junk);
    EXPECT_EQ(r.category, "segfault");
    // nlohmann's own dump() throws on invalid UTF-8 (dump_json would replace it): the report has none.
    std::string dumped;
    EXPECT_NO_THROW(dumped = r.to_json().dump());
    std::string err;
    EXPECT_TRUE(parse_json(dumped, &err).has_value()) << err;
    EXPECT_EQ(sanitize_utf8(r.findings[0].evidence.back().text), r.findings[0].evidence.back().text);
}

TEST(DiagEngine, StopsAtMaxTotalBytes) {
    DiagEngine e(sigma_test::diagnosis_pack());
    RepeatBuf buf("some ordinary line of text", 1000000);
    std::istream in(&buf);
    DiagOptions opt;
    opt.max_total_bytes = 1 << 20;
    auto r = e.run(in, opt);
    EXPECT_TRUE(r.input_truncated);
    EXPECT_EQ(r.bytes_read, size_t{1} << 20);
    EXPECT_EQ(r.category, "unknown");
}

TEST(DiagEngine, JsonCarriesTheFindingFields) {
    DiagEngine e(sigma_test::diagnosis_pack());
    auto j = e.run_text("x\nNVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.").to_json();
    EXPECT_EQ(json_string(j, "category"), "gpu_fallen_off_bus");
    const ordered_json& f = json_array(j, "findings").at(0);
    EXPECT_EQ(json_string(f, "severity"), "critical");
    EXPECT_EQ(json_int(json_array(f, "evidence").at(0), "line"), 2);
    EXPECT_FALSE(json_strings(f, "root_causes").empty());
    EXPECT_FALSE(json_strings(f, "next_steps").empty());
    EXPECT_FALSE(json_strings(f, "commands").empty());
    EXPECT_FALSE(json_string(f, "explanation").empty());
    EXPECT_EQ(json_int(j, "lines_read"), 2);
    EXPECT_FALSE(json_bool(j, "truncated", true));
}

TEST(SignaturePack, EveryCategoryIsPresentWithAdviceAndCommands) {
    for (const std::string& id : diagnosis_category_ids()) {
        if (id == "unknown") continue;
        const SignatureCategory* c = sigma_test::diagnosis_pack().find(id);
        ASSERT_NE(c, nullptr) << id;
        EXPECT_FALSE(c->explanation.empty()) << id;
        EXPECT_GE(c->root_causes.size(), 2u) << id;
        EXPECT_GE(c->remediation.size(), 2u) << id;
        EXPECT_GE(c->commands.size(), 2u) << id;
        EXPECT_TRUE(std::any_of(c->patterns.begin(), c->patterns.end(), [](auto& p) { return p.weight >= 7; })) << id;
    }
    EXPECT_EQ(sigma_test::diagnosis_pack().categories.size() + 1, diagnosis_category_ids().size());
    for (int xid : {79, 48, 63, 64, 92, 94, 95, 74, 13, 31, 43, 119, 120, 8, 109, 61, 62})
        EXPECT_NE(sigma_test::diagnosis_pack().find_xid(xid), nullptr) << xid;
}

TEST(SignaturePack, EvidenceCommandsAreReadOnly) {
    // Nothing that changes state may be suggested as an evidence command.
    for (const auto& c : sigma_test::diagnosis_pack().categories)
        for (const auto& cmd : c.commands)
            for (const char* bad :
                 {"nvidia-smi -r", "rm ", "reboot", "kill ", "restart", "systemctl start", "systemctl stop", " > ",
                  "delete", "--gpu-reset", "mkfs", "fsck", "reset-failed", "modprobe"})
                EXPECT_EQ(cmd.find(bad), std::string::npos) << c.id << ": " << cmd;
}

TEST(SignaturePack, RejectsMalformedPacksWithANamedError) {
    std::string err;
    auto parse = [](const char* s) { return *parse_json(s); };
    EXPECT_FALSE(SignaturePack::from_json(parse(R"({"format_version":2,"categories":[]})"), ordered_json(), &err));
    EXPECT_NE(err.find("format_version"), std::string::npos);
    EXPECT_FALSE(SignaturePack::from_json(
        parse(
            R"({"format_version":1,"categories":[{"id":"a","severity":"high","patterns":[{"text":"x","all":["y"],"weight":5}]}]})"),
        ordered_json(), &err));
    EXPECT_NE(err.find("'a'"), std::string::npos);
    EXPECT_FALSE(SignaturePack::from_json(
        parse(R"({"format_version":1,"categories":[{"id":"a","severity":"urgent","patterns":[]}]})"), ordered_json(),
        &err));
    EXPECT_NE(err.find("severity"), std::string::npos);
    EXPECT_FALSE(SignaturePack::from_json(
        parse(R"({"format_version":1,"categories":[{"id":"a","severity":"low","patterns":[]}]})"),
        parse(R"({"xids":[{"xid":79,"category":"nope"}]})"), &err));
    EXPECT_NE(err.find("nope"), std::string::npos);
    EXPECT_FALSE(SignaturePack::from_json(
        parse(
            R"({"format_version":1,"categories":[{"id":"a","severity":"low","patterns":[{"csv_column":"x","weight":5}]}]})"),
        ordered_json(), &err));
    EXPECT_NE(err.find("csv_column"), std::string::npos) << err;
    EXPECT_FALSE(SignaturePack::from_json(
        parse(R"({"format_version":1,"categories":[{"id":"a","severity":"low","patterns":[],"yields_to":["b"]}]})"),
        ordered_json(), &err));
    EXPECT_NE(err.find("'b'"), std::string::npos) << err;
    EXPECT_FALSE(SignaturePack::load("/nonexistent-dir", &err));
    EXPECT_NE(err.find("/nonexistent-dir/signatures.json"), std::string::npos);
}

// --- Logs as operators paste them: wrapped lines, values against limits, cascades, near misses. ---

TEST(LineJoiner, JudgesContinuationsByHowLinesStart) {
    const std::string dmesg = "[Mon Mar  3 02:14:52 2025] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fal";
    EXPECT_TRUE(continues_wrapped_line(dmesg, dmesg, "len off the bus."));
    EXPECT_TRUE(
        continues_wrapped_line(dmesg, dmesg, "GPU has fallen off the bus."));  // a prefixed log: any unprefixed line
    EXPECT_FALSE(continues_wrapped_line(dmesg, dmesg, "[Mon Mar  3 02:14:53 2025] NVRM: GPU 0000:18:00.0: lost"));
    EXPECT_FALSE(continues_wrapped_line(dmesg, dmesg, "    indented detail"));
    EXPECT_FALSE(continues_wrapped_line(dmesg, "short line", "continues?"));
    const std::string bare = "RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 3.95 GiB total";
    EXPECT_TRUE(continues_wrapped_line(bare, bare, "capacity; 3.21 GiB already allocated)"));
    EXPECT_FALSE(continues_wrapped_line(bare, bare, "Traceback (most recent call last):"));
    EXPECT_FALSE(continues_wrapped_line(bare, bare, "torch.cuda.OutOfMemoryError: CUDA out of memory."));
    // Rows of one table are never joined, nor lines of one stream prefix.
    const std::string row = "report-worker-5c6f7d9b8-zzt7q       0/1     OOMKilled   3 (45s ago)   12m   extra columns";
    EXPECT_FALSE(
        continues_wrapped_line(row, row, "redis-0                             1/1     Running     0             14d"));
    const std::string nccl = "gpu-b3:5510:5597 [7] NCCL WARN Net : Connection closed by remote peer 10.8.1.13<41032>";
    EXPECT_FALSE(continues_wrapped_line(nccl, nccl, "gpu-b3:5510:5597 [7] NCCL INFO transport/net_socket.cc:566 -> 6"));
}

TEST(DiagEngine, MidWordWrapIsJoinedAndCitedFromItsFirstLine) {
    DiagEngine e(sigma_test::diagnosis_pack());
    const std::string log =
        "boot ok\n[  812.3] NVRM: GPU 0000:02:00.0: the driver reports that the GPU has fal\nlen off the bus.\nnext";
    auto r = e.run_text(log);
    ASSERT_EQ(r.category, "gpu_fallen_off_bus");
    ASSERT_FALSE(r.findings[0].evidence.empty());
    EXPECT_EQ(r.findings[0].evidence[0].line, 2u);
    EXPECT_EQ(r.findings[0].evidence[0].end_line(), 3u);
    EXPECT_EQ(r.cited_lines(), (std::vector<size_t>{2, 3}));
    EXPECT_EQ(r.lines_read, 4u);
    DiagOptions off;
    off.join_wrapped_lines = false;
    EXPECT_EQ(e.run_text(log, off).category, "unknown");
}

TEST(DiagEngine, WordWrappedTracebackMessageIsJoined) {
    DiagEngine e(sigma_test::diagnosis_pack());
    auto r = e.run_text(
        "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
        "RuntimeError: NCCL communicator was aborted on rank 2.  Original reason for failure was: Watchdog caught\n"
        "collective operation timeout: WorkNCCL(SeqNum=4410, OpType=BROADCAST) ran for 600494 milliseconds before\n"
        "timing out.\n");
    ASSERT_EQ(r.category, "nccl_timeout");
    EXPECT_EQ(r.cited_lines(), (std::vector<size_t>{3, 4, 5}));
}

TEST(DiagEngine, TemperatureAgainstItsThresholdsWithTheReason) {
    DiagEngine e(sigma_test::diagnosis_pack());
    const std::string block =
        "GPU 00000000:1B:00.0\n    Temperature\n        GPU Current Temp                  : %d C\n"
        "        GPU Shutdown Temp                 : 98 C\n        GPU Slowdown Temp                 : 90 C\n";
    auto with = [&](int t) {
        std::string s = block;
        s.replace(s.find("%d"), 2, std::to_string(t));
        return e.run_text(s);
    };
    auto hot = with(91);
    ASSERT_EQ(hot.category, "gpu_thermal_slowdown");
    bool reason = false;
    for (const Evidence& ev : hot.findings[0].evidence)
        reason = reason || ev.reason == "GPU temperature 91 C ≥ slowdown threshold 90 C";
    EXPECT_TRUE(reason);
    EXPECT_EQ(hot.cited_lines(), (std::vector<size_t>{3, 5}));
    EXPECT_NE(dump_json(hot.to_json()).find("slowdown threshold 90 C"), std::string::npos);

    // Below the threshold: unknown, with thermal as the nearest category and the reason.
    auto warm = with(85);
    EXPECT_EQ(warm.category, "unknown");
    ASSERT_FALSE(warm.nearest.empty());
    EXPECT_EQ(warm.nearest[0].category, "gpu_thermal_slowdown");
    bool near_reason = false;
    for (const Evidence& ev : warm.nearest[0].evidence)
        near_reason = near_reason || ev.reason.find("5 C below the slowdown threshold 90 C") != std::string::npos;
    EXPECT_TRUE(near_reason);
    EXPECT_EQ(with(40).nearest.size(), 0u);

    // Newer drivers print the margin to T.Limit; a margin at or past the slowdown margin is a slowdown.
    EXPECT_EQ(e.run_text("    GPU T.Limit Temp : -3 C\n    GPU Slowdown T.Limit Temp : -2 C\n").category,
              "gpu_thermal_slowdown");
    EXPECT_EQ(e.run_text("    GPU T.Limit Temp : 41 C\n    GPU Slowdown T.Limit Temp : -2 C\n").category, "unknown");
    EXPECT_EQ(e.run_text("GPU 6: temperature 94 C exceeds the configured threshold of 90 C").category,
              "gpu_thermal_slowdown");
    EXPECT_EQ(e.run_text("GPU 6: temperature 64 C, threshold 90 C").category, "unknown");
}

TEST(DiagEngine, ValuesAtTheirLimits) {
    DiagEngine e(sigma_test::diagnosis_pack());
    auto df = e.run_text(
        "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda2       916G  611G  259G  71% /\n"
        "/dev/nvme1n1    3.5T  3.5T     0 100% /var/lib/docker\n");
    ASSERT_EQ(df.category, "disk_full");
    EXPECT_EQ(df.cited_lines(), (std::vector<size_t>{1, 3}));
    EXPECT_NE(df.findings[0].evidence.back().reason.find("/var/lib/docker 100% used"), std::string::npos);
    EXPECT_EQ(e.run_text("Filesystem Size Used Avail Use% Mounted on\n/dev/sda2 916G 611G 259G 71% /\n").category,
              "unknown");
    // A progress bar at 100% is not a filesystem.
    EXPECT_EQ(e.run_text("Downloading: 100%|██████████| 1.2G/1.2G [00:10<00:00, 120MB/s]\n100% 5/5 /tmp\n").category,
              "unknown");

    auto pods = e.run_text(
        "NAME          READY   STATUS    RESTARTS      AGE\nnotifier-7d   0/1     Error     23 (5m ago)   97m\n"
        "mailer-6c     1/1     Running   0             4d\n");
    ASSERT_EQ(pods.category, "k8s_crashloop");
    EXPECT_EQ(pods.findings[0].evidence[0].reason, "pod notifier-7d restarted 23 times (status Error, ready 0/1)");

    auto top = e.run_text(
        "NAME        CPU(cores)   MEMORY(bytes)\nworker-1    812m         1019Mi\n"
        "    Limits:\n      cpu:     2\n      memory:  1Gi\n");
    EXPECT_EQ(top.category, "k8s_oomkilled");
    EXPECT_EQ(top.cited_lines(), (std::vector<size_t>{2, 5}));

    auto smart = e.run_text(
        "ID# ATTRIBUTE_NAME          FLAG     VALUE WORST THRESH TYPE      UPDATED  WHEN_FAILED RAW_VALUE\n"
        "  5 Reallocated_Sector_Ct   0x0033   005   005   010    Pre-fail  Always       -       3912\n");
    EXPECT_EQ(smart.category, "disk_io_error");
    EXPECT_EQ(parse_byte_quantity("1Gi"), 1024.0 * 1024 * 1024);
    EXPECT_EQ(parse_byte_quantity("1.5GiB"), 1.5 * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_byte_quantity("800M"), 800e6);
    EXPECT_LT(parse_byte_quantity("12 apples"), 0);
}

TEST(DiagEngine, TheFirstGpuFailureOfACascadeRanksFirst) {
    DiagEngine e(sigma_test::diagnosis_pack());
    const std::string nvlink =
        "NVRM: Xid (PCI:0000:ca:00): 74, pid=7, name=python3, NVLink: fatal error detected on link 11\n";
    const std::string gsp =
        "NVRM: Xid (PCI:0000:ca:00): 119, pid=7, Timeout after 6s of waiting for RPC response from GPU0 GSP!\n";
    const std::string bus = "NVRM: Xid (PCI:0000:ca:00): 79, pid=7, GPU has fallen off the bus.\n";
    EXPECT_EQ(e.run_text(nvlink + gsp + bus).category, "gpu_nvlink_error");
    EXPECT_EQ(e.run_text(bus + gsp + nvlink).category, "gpu_fallen_off_bus");
    EXPECT_EQ(e.run_text(gsp + bus).category, "gpu_gsp_timeout");
    // A consequence that is not in the group still yields to the cause wherever it shows.
    auto r = e.run_text("[rank0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9)\n" + bus);
    EXPECT_EQ(r.category, "gpu_fallen_off_bus");
}

TEST(DiagEngine, UnknownNamesTheNearestCategories) {
    DiagEngine e(sigma_test::diagnosis_pack());
    auto r =
        e.run_text("GPU 5: NVLink link 3 state changed\nsomething about certificate renewal that will expire soon\n");
    EXPECT_EQ(r.category, "unknown");
    EXPECT_TRUE(r.findings.empty());
    ASSERT_GE(r.nearest.size(), 1u);
    EXPECT_LE(r.nearest.size(), 2u);
    for (const Finding& f : r.nearest) EXPECT_FALSE(f.evidence.empty()) << f.category;
    const std::string json = dump_json(r.to_json());
    EXPECT_NE(json.find("\"nearest\""), std::string::npos);
    EXPECT_NE(json.find("almost_matched"), std::string::npos);
    // A diagnosis has no nearest list.
    EXPECT_TRUE(e.run_text("foo: Too many open files").nearest.empty());
}

TEST(DiagEngine, DockerInspectOomKilledFalseIsHealthy) {
    DiagEngine e(sigma_test::diagnosis_pack());
    EXPECT_EQ(e.run_text(R"({"Status":"running","Running":true,"OOMKilled":false,"Dead":false,"ExitCode":0})").category,
              "unknown");
    EXPECT_EQ(e.run_text(R"({"Status":"exited","OOMKilled":true,"ExitCode":137})").category, "k8s_oomkilled");
}

TEST(DiagEngine, RestartChatterDoesNotOutweighOneDecisiveLine) {
    DiagEngine e(sigma_test::diagnosis_pack());
    std::string log;
    for (int i = 0; i < 40; ++i)
        log +=
            "Oct 14 10:01:05 node7 systemd[1]: gpu-agent.service: Main process exited, code=exited, status=1/FAILURE\n"
            "Oct 14 10:01:05 node7 systemd[1]: gpu-agent.service: Failed with result 'exit-code'.\n"
            "Oct 14 10:01:10 node7 systemd[1]: gpu-agent.service: Scheduled restart job, restart counter is at " +
            std::to_string(i) +
            ".\nOct 14 10:01:10 node7 CRON[22101]: (root) CMD (command -v debian-sa1 > /dev/null)\n";
    log += "Oct 14 10:01:11 node7 kernel: NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x26:0xffff:1601)\n";
    auto r = e.run_text(log);
    EXPECT_EQ(r.category, "gpu_fallen_off_bus");
    ASSERT_GE(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[1].category, "systemd_unit_failed");
}
