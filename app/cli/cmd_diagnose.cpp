// sigma diagnose: its options, and --no-model, which reads a log (file or stdin, any size, streamed)
// and prints the rules engine's diagnosis: top category, findings with evidence lines, explanation,
// root causes, next steps and read-only commands that collect more evidence. Without --no-model the
// model's summary is added by run_diagnose_job (job_diagnose.cpp).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/jobs.h"
#include "app/cli/option_checks.h"
#include "app/domain/diag_engine.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/json_parse.h"

namespace sigma::cli {

namespace {

using sigma::domain::DiagnosisReport;
using sigma::domain::Finding;

// "L12: text" or "L12-13: text" for a wrapped line, with the reason of a value rule beneath it.
void print_evidence(const sigma::domain::Evidence& e) {
    std::cout << "      L" << e.line;
    if (e.end_line() > e.line) std::cout << "-" << e.end_line();
    std::cout << ": " << e.text << "\n";
    if (!e.reason.empty()) std::cout << "          why: " << e.reason << "\n";
}

void print_finding(size_t n, const Finding& f) {
    std::cout << "[" << n << "] " << f.category << "  " << f.title << "\n"
              << "    severity " << sigma::domain::severity_name(f.severity) << ", score " << f.score << ", " << f.hits
              << (f.hits == 1 ? " matching line" : " matching lines") << "\n";
    std::cout << "    Evidence:\n";
    for (const auto& e : f.evidence) print_evidence(e);
    if (f.evidence.size() < f.hits)
        std::cout << "      (" << f.hits - f.evidence.size() << " more matching lines not shown)\n";
    if (!f.explanation.empty()) std::cout << "    What it means: " << f.explanation << "\n";
    if (!f.root_causes.empty()) {
        std::cout << "    Likely root causes:\n";
        for (const auto& c : f.root_causes) std::cout << "      - " << c << "\n";
    }
    if (!f.remediation.empty()) {
        std::cout << "    Next steps:\n";
        size_t i = 0;
        for (const auto& s : f.remediation) std::cout << "      " << ++i << ". " << s << "\n";
    }
    if (!f.commands.empty()) {
        std::cout << "    Collect more evidence (read-only):\n";
        for (const auto& c : f.commands) std::cout << "      $ " << c << "\n";
    }
}

void print_report(const DiagnosisReport& r) {
    if (r.findings.empty()) {
        std::cout << "Diagnosis: unknown (no known signature matched in " << r.lines_read << " lines)\n"
                  << "The rules engine found no line it recognises. Paste more context (kernel log, the service's "
                     "journal, kubectl describe output), or ask the model-backed diagnosis.\n";
        if (!r.nearest.empty()) {
            std::cout << "Nearest categories (not matched):\n";
            for (const Finding& f : r.nearest) {
                std::cout << "  " << f.category << "  " << f.title << " (closeness " << f.score << ")\n";
                for (const auto& e : f.evidence) print_evidence(e);
            }
        }
    } else {
        const Finding& top = r.findings.front();
        std::cout << "Diagnosis: " << top.category << " (" << sigma::domain::severity_name(top.severity) << ") - "
                  << top.title << "\n";
        std::cout << "Read " << r.lines_read << " lines, " << r.bytes_read << " bytes; " << r.findings.size()
                  << (r.findings.size() == 1 ? " finding" : " findings") << ", most likely first.\n\n";
        size_t n = 0;
        for (const Finding& f : r.findings) {
            if (n) std::cout << "\n";
            print_finding(++n, f);
        }
    }
    if (r.truncated_lines)
        std::cout << "\nNote: " << r.truncated_lines << (r.truncated_lines == 1 ? " line was" : " lines were")
                  << " longer than 64 KiB; only the first 64 KiB of each was examined.\n";
    if (r.input_truncated) std::cout << "\nNote: reading stopped at the input size limit.\n";
}

// The rules engine alone (--no-model) on a file or standard input.
int diagnose_without_model(const std::string& file, bool json) {
    std::string error;
    auto pack = sigma::domain::SignaturePack::load_default(&error);
    if (!pack) return fail("diagnose", "cannot load the diagnosis signatures: " + error);
    const sigma::domain::DiagEngine engine(*pack);

    DiagnosisReport report;
    if (file.empty() || file == "-") {
        report = engine.run(std::cin);
        if (std::cin.bad()) return fail("diagnose", "error reading standard input");
    } else {
        std::error_code ec;
        if (std::filesystem::is_directory(file, ec)) return fail("diagnose", file + ": is a directory, not a log file");
        std::ifstream in(file, std::ios::binary);
        if (!in) return fail("diagnose", "cannot open " + file + ": " + std::string(std::strerror(errno)));
        report = engine.run(in);
        if (in.bad()) return fail("diagnose", "error reading " + file);
    }
    if (json) std::cout << domain::dump_json(report.to_json()) << "\n";
    else print_report(report);
    return kExitOk;
}

struct DiagnoseArgs {
    bool no_model = false;  // --no-model: the rules engine alone
    DiagnoseJobArgs job;    // the input, and --json for both modes
};

int run_diagnose(const DiagnoseArgs& a, const CLI::App& sub) {
    if (!a.no_model) return run_diagnose_job(a.job);
    if (const std::string given = first_given(sub, kJobOptionNames); !given.empty())
        return fail("diagnose", given + " has no use with --no-model (the rules engine alone)", kExitUsage);
    return diagnose_without_model(a.job.input, a.job.json);
}

}  // namespace

void add_diagnose_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<DiagnoseArgs>();
    CLI::App* sub =
        root.add_subcommand("diagnose", "findings with evidence lines, root cause and next steps from a log");
    sub->add_option("FILE", a->job.input, "the log to read (- or nothing: standard input)")->type_name("");
    sub->add_flag("--no-model", a->no_model, "the rules engine alone: findings, no model summary");
    sub->add_flag("--json", a->job.json, "print one JSON object on stdout");
    add_job_options(*sub, a->job.options);
    sub->footer(
        "Examples:\n"
        "  sigma diagnose /var/log/syslog\n"
        "  journalctl -k -b | sigma diagnose -\n"
        "  sigma diagnose --no-model --json kern.log");
    on_parsed(*sub, action, [a, sub] { return run_diagnose(*a, *sub); });
}

}  // namespace sigma::cli
