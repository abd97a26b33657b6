// Synthesised logs -> the diagnose pipeline's prompt -> an answer from the signature pack's own
// explanation, root causes and remediation. The rules engine is the judge: a log it classifies
// otherwise than intended is dropped and counted.
// Not a log parser: the framing below only writes realistic prefixes.
#include "tools/datagen/gen_diagnosis.h"

#include <algorithm>
#include <cstdio>

#include "app/domain/diag_engine.h"
#include "app/domain/diag_prompt.h"
#include "app/domain/diag_signatures.h"
#include "tools/datagen/diag_lines.h"

namespace sigma::datagen {

namespace {

using Slots = std::map<std::string, std::string>;

std::string hex(Rng& rng, int digits) {
    static const char* h = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < digits; ++i) s += h[rng.below(16)];
    return s;
}

Slots log_slots(Rng& rng) {
    Slots s;
    static const std::vector<std::string> hosts = {"node14",       "gpu-node-07", "dgx-a100-03", "worker-3",
                                                   "ip-10-0-3-17", "hpc-gpu-112", "web-01"};
    static const std::vector<std::string> procs = {"python3", "python",   "torchrun", "java",
                                                   "node",    "postgres", "nginx",    "pt_main_thread"};
    static const std::vector<std::string> units = {"nginx",      "myapp",         "kubelet",  "nvidia-fabricmanager",
                                                   "postgresql", "dcgm-exporter", "gunicorn", "slurmd"};
    static const std::vector<std::string> pods = {"trainer-0", "api-7d9f8c6b5-x2kqp", "web-5f6d7c8b9-abcde", "worker-2",
                                                  "llm-serve-6c8d9-7zq"};
    static const std::vector<std::string> images = {"registry.example.com/team/app:1.4.2",
                                                    "nvcr.io/nvidia/pytorch:24.05-py3", "ghcr.io/acme/api:v2",
                                                    "myrepo/worker:latest"};
    static const std::vector<std::string> users = {"admin", "test", "oracle", "ubuntu", "postgres", "git", "user1"};
    static const std::vector<std::string> domains = {"api.example.com", "registry.internal", "pypi.org",
                                                     "db.prod.svc.cluster.local", "auth.example.net"};
    static const std::vector<std::string> paths = {"/data/ckpt/step_12000.pt", "/var/lib/app/cache.db", "/tmp/out.bin",
                                                   "/mnt/shared/results.csv", "/etc/app/app.conf"};
    const char* buses[] = {"0000:3b:00", "0000:86:00", "0000:af:00", "0000:18:00", "0000:d8:00", "0000:5e:00"};
    s["pci"] = buses[rng.below(6)];
    s["pcis"] = s["pci"].substr(5);
    s["pid"] = std::to_string(rng.range(1000, 99999));
    s["pid2"] = std::to_string(rng.range(1000, 99999));
    s["proc"] = rng.pick(procs);
    s["host"] = rng.pick(hosts);
    s["gpu"] = std::to_string(rng.range(0, 7));
    s["rank"] = std::to_string(rng.range(0, 31));
    s["n"] = std::to_string(rng.range(1, 64));
    s["addr"] = hex(rng, 8);
    s["mb"] = std::to_string(rng.range(2, 900) * 2);
    s["kb"] = std::to_string(rng.range(100000, 90000000));
    s["temp"] = std::to_string(rng.range(88, 99));
    s["unit"] = rng.pick(units);
    s["unit_desc"] = capitalise(s["unit"]) + " service";
    s["pod"] = rng.pick(pods);
    s["container"] = s["pod"].substr(0, s["pod"].find('-'));
    s["ns"] = rng.pick(std::vector<std::string>{"prod", "ml-train", "default", "inference", "staging"});
    s["image"] = rng.pick(images);
    s["age"] = std::to_string(rng.range(1, 59)) + rng.pick(std::vector<std::string>{"s", "m", "h"});
    s["user"] = rng.pick(users);
    s["ip"] = std::to_string(rng.range(11, 223)) + "." + std::to_string(rng.range(0, 255)) + "." +
              std::to_string(rng.range(0, 255)) + "." + std::to_string(rng.range(1, 254));
    s["port"] = std::to_string(rng.range(1024, 65000));
    s["port2"] = std::to_string(rng.range(1024, 65000));
    s["domain"] = rng.pick(domains);
    s["path"] = rng.pick(paths);
    s["dev"] = rng.pick(std::vector<std::string>{"sda", "sdb", "nvme0n1", "nvme1n1", "sdc"});
    s["part"] = s["dev"] + (s["dev"].starts_with("nvme") ? "p1" : "1");
    s["sector"] = std::to_string(rng.range(1000, 900000000));
    s["datetime"] = "2025/11/18 10:0" + std::to_string(rng.range(0, 9)) + ":" + std::to_string(rng.range(10, 59));
    return s;
}

// Writes the lines of one template with the log's framing style and a clock that moves forward.
struct Framer {
    int style = 0;  // 0 dmesg -T, 1 dmesg monotonic, 2 syslog, 3 journald ISO
    int seconds = 0;
    double mono = 0;
    std::string host;

    std::string prefix(bool kernel, const std::string& program, Rng& rng) {
        seconds += static_cast<int>(rng.below(3));
        mono += 0.001 * static_cast<double>(rng.range(1, 900));
        const int h = 3 + seconds / 3600, m = (seconds / 60) % 60, sec = seconds % 60;
        char buf[96];
        if (kernel && style == 0) std::snprintf(buf, sizeof buf, "[Tue Nov 18 %02d:%02d:%02d 2025] ", h, m, sec);
        else if (kernel && style == 1) std::snprintf(buf, sizeof buf, "[%12.6f] ", 1200.0 + mono);
        else if (style == 3)
            std::snprintf(buf, sizeof buf, "2025-11-18T%02d:%02d:%02d.%06d+00:00 %s %s: ", h, m, sec,
                          static_cast<int>(rng.below(999999)), host.c_str(), kernel ? "kernel" : program.c_str());
        else
            std::snprintf(buf, sizeof buf, "Nov 18 %02d:%02d:%02d %s %s: ", h, m, sec, host.c_str(),
                          kernel ? "kernel" : program.c_str());
        return buf;
    }

    void emit(const std::string& tmpl, const Slots& slots, Rng& rng, std::vector<std::string>& out) {
        const std::string text = fill(tmpl, slots);
        size_t start = 0;
        while (start <= text.size()) {
            size_t end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(start, end - start);
            start = end + 1;
            if (line.starts_with("K|")) line = prefix(true, "", rng) + line.substr(2);
            else if (line.starts_with("S:")) {
                const size_t bar = line.find('|');
                std::string program = line.substr(2, bar - 2);
                if (program != "systemd" && program != "CRON") program += "[" + slots.at("pid") + "]";
                line = prefix(false, program, rng) + line.substr(bar + 1);
            } else if (line.starts_with("P|")) line = line.substr(2);
            out.push_back(line);
            if (end == text.size()) break;
        }
    }
};

std::string join_lines(const std::vector<std::string>& lines) {
    std::string s;
    for (size_t i = 0; i < lines.size(); ++i) s += (i ? "\n" : "") + lines[i];
    return s;
}

// Root cause and next steps from the pack, varied: the explanation with or without a likely cause,
// and a subset of the remediation with, sometimes, a command that collects more evidence.
std::string answer_for(const domain::SignatureCategory* c, Rng& rng) {
    if (!c) {
        return domain::format_diagnosis_answer(
            "unknown",
            rng.pick(std::vector<std::string>{
                "No known failure signature matches these lines; they look like routine messages.",
                "Nothing in this excerpt identifies a known problem: the lines are normal startup and status output.",
                "The rules found no strong signature, and the lines themselves show no error."}),
            {"Collect the log around the time the problem was seen (journalctl --since, kubectl logs --previous).",
             rng.pick(std::vector<std::string>{"Paste the lines with the first error, not only the last messages.",
                                               "Include kernel messages (dmesg -T) if hardware is suspected."})});
    }
    std::string cause = c->explanation;
    if (!c->root_causes.empty() && rng.chance(0.7)) {
        std::string rc = rng.pick(c->root_causes);
        if (!rc.empty()) rc[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(rc[0])));
        cause += rng.pick(std::vector<std::string>{" Likely cause: ", " Most often: ", " A common cause is "}) + rc;
        if (!cause.empty() && cause.back() != '.') cause += '.';
    }
    std::vector<std::string> steps;
    for (const auto& r : c->remediation)
        if (steps.empty() || rng.chance(0.75)) steps.push_back(r);
    if (!c->commands.empty() && rng.chance(0.4))
        steps.push_back("Run `" + rng.pick(c->commands) + "` to collect more evidence.");
    return domain::format_diagnosis_answer(c->id, cause, steps);
}

// The first pattern text of the top finding that appears verbatim in its cited line (suite format).
nlohmann::ordered_json evidence_of(const domain::DiagnosisReport& report) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    if (report.findings.empty()) return a;
    auto lower = [](std::string s) {
        for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    };
    for (const auto& e : report.findings.front().evidence) {
        const size_t at = e.pattern.empty() ? std::string::npos : lower(e.text).find(lower(e.pattern));
        if (at != std::string::npos) {
            a.push_back(e.text.substr(at, e.pattern.size()));  // the line's own spelling
            break;
        }
    }
    return a;
}

}  // namespace

void generate_diagnosis(const DiagGenOptions& options, CorpusWriter& out, GenCounts& counts) {
    std::string err;
    const auto pack = domain::SignaturePack::load_default(&err);
    if (!pack) {
        counts.drop("signature pack unavailable: " + err);
        return;
    }
    const domain::DiagEngine engine(*pack);
    const auto& lines = category_lines();
    const auto& noise = noise_lines();
    Rng rng(options.seed ^ hash_text("diagnosis"));

    auto build = [&](const std::string& intended, const std::string& family,
                     const std::vector<const std::string*>& problem) {
        const Slots slots = log_slots(rng);
        Framer f;
        f.style = static_cast<int>(rng.below(4));
        f.host = slots.at("host");
        f.seconds = static_cast<int>(rng.below(3000));
        std::vector<std::string> log;
        const size_t before = rng.below(5), after = rng.below(4);
        for (size_t i = 0; i < before; ++i) f.emit(rng.pick(noise), slots, rng, log);
        for (const std::string* t : problem) {
            f.emit(*t, slots, rng, log);
            if (rng.chance(0.3)) f.emit(rng.pick(noise), slots, rng, log);
        }
        for (size_t i = 0; i < after; ++i) f.emit(rng.pick(noise), slots, rng, log);
        const std::string text = join_lines(log);
        domain::DiagnosisReport report = engine.run_text(text);
        if (report.category != intended) {
            counts.drop("engine says " + report.category + " for " + intended);
            return;
        }
        const nlohmann::ordered_json evidence = evidence_of(report);
        domain::redact_report_evidence(report);
        const auto prompt = domain::build_diagnosis_prompt_text(report);
        Example ex;
        ex.task = "diagnosis";
        ex.family = family;
        ex.request = text;
        ex.messages = domain::build_diagnosis_messages(prompt.findings, prompt.excerpt);
        ex.messages.push_back({"assistant", answer_for(pack->find(intended), rng)});
        nlohmann::ordered_json ev = nlohmann::ordered_json::object();
        ev["category"] = intended;
        ev["evidence"] = evidence;
        ev["log"] = text;
        ex.eval = std::move(ev);
        out.add(std::move(ex), counts);
    };

    for (const auto& [category, templates] : lines) {
        // Categories whose lines may accompany this one without outranking it.
        std::vector<const std::vector<std::string>*> companions;
        for (const auto& c : pack->categories)
            if (std::find(c.yields_to.begin(), c.yields_to.end(), category) != c.yields_to.end())
                if (auto it = lines.find(c.id); it != lines.end()) companions.push_back(&it->second);
        for (size_t t = 0; t < templates.size(); ++t) {
            for (size_t draw = 0; draw < options.per_template; ++draw) {
                std::vector<const std::string*> problem{&templates[t]};
                if (templates.size() > 1 && rng.chance(0.4))
                    problem.push_back(&templates[(t + 1 + rng.below(templates.size() - 1)) % templates.size()]);
                if (!companions.empty() && rng.chance(options.second_problem_rate)) {
                    const auto& other = *rng.pick(companions);
                    problem.push_back(&rng.pick(other));
                    if (rng.chance(0.5)) std::swap(problem.front(), problem.back());
                }
                build(category, "diag/" + category + "/t" + std::to_string(t), problem);
            }
        }
    }
    for (size_t i = 0; i < options.unknown_logs; ++i) build("unknown", "diag/unknown/n" + std::to_string(i % 20), {});
}

}  // namespace sigma::datagen
