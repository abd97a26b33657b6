// libFuzzer target for the log path: rules engine, redactor and BM25 tokeniser on arbitrary bytes.
// Not a quality test: it checks invariants (no crash, valid JSON out, line numbers in range,
// redaction keeps newlines and restores exactly).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/domain/bm25.h"
#include "app/domain/diag_engine.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/json_parse.h"
#include "app/domain/redactor.h"

using namespace sigma::domain;

namespace {

// The shipped pack when the resources are found, else a small built-in one so the engine still runs.
const SignaturePack& pack() {
    static const SignaturePack p = [] {
        if (auto loaded = SignaturePack::load_default(nullptr)) return *loaded;
        const char* sig = R"({"format_version":1,"categories":[
          {"id":"gpu_fallen_off_bus","severity":"critical","patterns":[{"text":"fallen off the bus","weight":12}]},
          {"id":"gpu_nvlink_error","severity":"critical","patterns":[{"all":["NVLink","error"],"none":["no error"],"weight":8}]},
          {"id":"gpu_ecc_uncorrectable","severity":"critical","patterns":[{"nonzero":"DRAM Uncorrectable","weight":10}]},
          {"id":"segfault","severity":"high","patterns":[{"text":"SIGSEGV","weight":10,"case_sensitive":true,"word":true}]}]})";
        const char* xid = R"({"format_version":1,"xids":[{"xid":79,"category":"gpu_fallen_off_bus","weight":13}]})";
        return *SignaturePack::from_json(*parse_json(sig), *parse_json(xid), nullptr);
    }();
    return p;
}

const DiagEngine& engine() {
    static const DiagEngine e(pack());
    return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    DiagOptions opt;
    opt.max_line_bytes = 512;  // small caps so long-line paths are reached with small inputs
    opt.max_evidence_text = 64;
    opt.max_evidence_per_finding = 3;
    const DiagnosisReport r = engine().run_text(text, opt);
    const size_t newlines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    if (r.lines_read < newlines || r.lines_read > newlines + 1) __builtin_trap();
    if (r.bytes_read != size) __builtin_trap();
    for (const Finding& f : r.findings) {
        if (f.evidence.empty() || f.evidence.size() > opt.max_evidence_per_finding) __builtin_trap();
        for (const Evidence& e : f.evidence)
            if (e.line == 0 || e.line > r.lines_read) __builtin_trap();
    }
    if ((r.category == "unknown") != r.findings.empty()) __builtin_trap();
    if (!parse_json(dump_json(r.to_json()))) __builtin_trap();

    Redactor red;
    const std::string redacted = red.redact(text);
    if (std::count(redacted.begin(), redacted.end(), '\n') != static_cast<std::ptrdiff_t>(newlines)) __builtin_trap();
    if (red.restore(redacted) != text) __builtin_trap();

    Bm25Index idx;
    idx.add("doc", text);
    (void)idx.search(text.substr(0, 256), 3);
    return 0;
}
