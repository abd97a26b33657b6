// Request -> command examples: fills intent templates with random slot values, keeps a command only
// when the product's validator accepts it and its risk class is the one the intent states, and
// builds the chat with build_command_messages and BM25 few-shot examples from the example corpus.
// Not a source of new intents: those are the tables in cmd_intents_*.cpp.
#include "tools/datagen/gen_commands.h"

#include "app/domain/command_catalogue_slice.h"
#include "app/domain/command_validator.h"
#include "app/domain/nvsmi_catalog.h"
#include "tools/datagen/request_style.h"

namespace sigma::datagen {

namespace {

using Slots = std::map<std::string, std::string>;

struct Named {
    std::string value;
    std::string human;
};

// --query-gpu fields operators ask for, with the words they use. Entries the catalogue lacks are
// skipped at run time, so a pack from another driver cannot produce an invalid command.
const std::vector<Named>& gpu_fields() {
    static const std::vector<Named> f = {
        {"name", "name"},
        {"index", "index"},
        {"uuid", "UUID"},
        {"serial", "serial number"},
        {"pci.bus_id", "PCI bus id"},
        {"driver_version", "driver version"},
        {"vbios_version", "VBIOS version"},
        {"memory.total", "total memory"},
        {"memory.used", "used memory"},
        {"memory.free", "free memory"},
        {"memory.reserved", "reserved memory"},
        {"utilization.gpu", "GPU utilization"},
        {"utilization.memory", "memory utilization"},
        {"temperature.gpu", "temperature"},
        {"temperature.memory", "memory temperature"},
        {"power.draw", "power draw"},
        {"power.limit", "power limit"},
        {"power.max_limit", "maximum power limit"},
        {"power.default_limit", "default power limit"},
        {"enforced.power.limit", "enforced power limit"},
        {"fan.speed", "fan speed"},
        {"pstate", "performance state"},
        {"clocks.sm", "SM clock"},
        {"clocks.mem", "memory clock"},
        {"clocks.gr", "graphics clock"},
        {"clocks.max.sm", "maximum SM clock"},
        {"clocks.max.mem", "maximum memory clock"},
        {"persistence_mode", "persistence mode"},
        {"compute_mode", "compute mode"},
        {"ecc.mode.current", "current ECC mode"},
        {"ecc.errors.corrected.volatile.total", "corrected ECC errors since boot"},
        {"ecc.errors.uncorrected.volatile.total", "uncorrected ECC errors since boot"},
        {"ecc.errors.uncorrected.aggregate.total", "lifetime uncorrected ECC errors"},
        {"retired_pages.pending", "pending page retirement"},
        {"mig.mode.current", "current MIG mode"},
        {"pcie.link.gen.current", "current PCIe generation"},
        {"pcie.link.width.current", "current PCIe link width"},
        {"pcie.link.gen.max", "maximum PCIe generation"},
        {"clocks_event_reasons.active", "active clock event reasons"},
        {"clocks_event_reasons.hw_thermal_slowdown", "hardware thermal slowdown flag"},
        {"clocks_event_reasons.sw_power_cap", "software power cap flag"},
        {"count", "GPU count"},
        {"timestamp", "timestamp"},
        {"display_mode", "display mode"},
        {"encoder.stats.sessionCount", "encoder session count"},
    };
    return f;
}

const std::vector<Named>& app_fields() {
    static const std::vector<Named> f = {
        {"pid", "PID"},           {"process_name", "process name"}, {"used_memory", "used memory"},
        {"gpu_uuid", "GPU UUID"}, {"gpu_bus_id", "GPU bus id"},     {"gpu_name", "GPU name"}};
    return f;
}

const std::vector<Named>& formats() {
    static const std::vector<Named> f = {{"csv", "as CSV"},
                                         {"csv", "in csv format"},
                                         {"csv,noheader", "as CSV without a header"},
                                         {"csv,noheader,nounits", "without header or units"},
                                         {"csv,nounits", "as CSV without units"},
                                         {"csv,noheader,nounits", "as bare values"},
                                         {"csv", ""}};
    return f;
}

const std::vector<Named>& sections() {
    static const std::vector<Named> f = {{"MEMORY", "memory"},
                                         {"UTILIZATION", "utilization"},
                                         {"ECC", "ECC"},
                                         {"TEMPERATURE", "temperature"},
                                         {"POWER", "power"},
                                         {"CLOCK", "clock"},
                                         {"COMPUTE", "compute mode"},
                                         {"PIDS", "process"},
                                         {"PERFORMANCE", "performance and throttling"},
                                         {"PAGE_RETIREMENT", "page retirement"},
                                         {"ACCOUNTING", "accounting"},
                                         {"VOLTAGE", "voltage"},
                                         {"ROW_REMAPPER", "row remapper"},
                                         {"ENCODER_STATS", "encoder statistics"},
                                         {"GSP_FIRMWARE_VERSION", "GSP firmware version"}};
    return f;
}

const std::vector<Named>& dmon_groups() {
    static const std::vector<Named> f = {{"pu", "power and utilization"},
                                         {"u", "utilization"},
                                         {"p", "power and temperature"},
                                         {"c", "clock"},
                                         {"m", "memory"},
                                         {"e", "ECC and PCIe replay"},
                                         {"t", "PCIe throughput"},
                                         {"pucm", "power, utilization, clock and memory"}};
    return f;
}

template <class T>
std::vector<T> sample(const std::vector<T>& v, size_t n, Rng& rng) {
    std::vector<size_t> idx(v.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    for (size_t i = 0; i < idx.size(); ++i) std::swap(idx[i], idx[i + rng.below(idx.size() - i)]);
    std::vector<T> out;
    for (size_t i = 0; i < n && i < idx.size(); ++i) out.push_back(v[idx[i]]);
    return out;
}

std::string human_list(const std::vector<std::string>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
        out += words[i];
    }
    return out;
}

void field_slots(const std::vector<Named>& pool, size_t max_n, const std::string& prefix, Rng& rng, Slots& s) {
    const auto chosen = sample(pool, 1 + rng.below(max_n), rng);
    std::string names;
    std::vector<std::string> words;
    for (const Named& n : chosen) {
        if (!names.empty()) names += ',';
        names += n.value;
        words.push_back(n.human);
    }
    s[prefix] = names;
    s[prefix + "_h"] = human_list(words);
}

Slots make_slots(Rng& rng, const std::vector<Named>& gpu_pool) {
    static const std::vector<std::string> dirs = {"/var/log",         "/data",      "/home",           "/tmp",
                                                  "/opt/models",      "/scratch",   "/var/lib/docker", "/mnt/datasets",
                                                  "/srv/checkpoints", "/var/cache", "/home/ubuntu",    "/raid/ckpt"};
    static const std::vector<std::string> logs = {"/var/log/syslog",   "/var/log/nginx/access.log", "/var/log/messages",
                                                  "app.log",           "/var/log/kern.log",         "train.log",
                                                  "/var/log/auth.log", "/var/log/nginx/error.log"};
    static const std::vector<std::string> ns = {"default",       "prod",      "staging",    "kube-system",
                                                "ml-train",      "inference", "monitoring", "gpu-operator",
                                                "ingress-nginx", "research",  "dev"};
    static const std::vector<std::string> pods = {"trainer-0",          "api-7d9f8c6b5-x2kqp", "web-5f6d7c8b9-abcde",
                                                  "worker-2",           "llm-serve-6c8d9-7zq", "redis-0",
                                                  "postgres-1",         "nccl-test-launcher",  "etl-job-28391-k2p9d",
                                                  "prometheus-server-0"};
    static const std::vector<std::string> deploys = {"api",    "web",      "llm-serve", "gateway",
                                                     "worker", "frontend", "ingest",    "scheduler"};
    static const std::vector<std::string> units = {
        "nginx", "docker",     "kubelet", "sshd",   "nvidia-persistenced", "containerd", "nvidia-fabricmanager",
        "dcgm",  "postgresql", "slurmd",  "chronyd"};
    static const std::vector<std::string> hosts = {"gpu-node-01", "node14",    "db01.internal", "10.0.0.12",
                                                   "backup-host", "compute-7", "dgx-a100-03",   "login01"};
    static const std::vector<std::string> domains = {
        "example.com", "api.example.com",           "registry.internal.example.org",
        "github.com",  "login.microsoftonline.com", "grafana.example.net"};
    static const std::vector<std::string> ifaces = {"eth0", "ens5", "ib0", "bond0", "enp65s0f0", "eno1"};
    static const std::vector<std::string> patterns = {"ERROR", "timeout", "Xid",      "OutOfMemory", "refused",
                                                      "panic", "WARN",    "segfault", "NCCL",        "denied"};
    static const std::vector<std::string> pattern2s = {"INFO", "DEBUG", "localhost", "8081", "false"};
    static const std::vector<std::string> procs = {"python3",  "nginx",    "java",        "dockerd",
                                                   "postgres", "torchrun", "redis-server"};
    static const std::vector<std::string> images = {"nvidia/cuda:12.4.1-base-ubuntu22.04",
                                                    "nvcr.io/nvidia/pytorch:24.05-py3", "ubuntu:22.04",
                                                    "nvidia/cuda:12.2.0-runtime-ubuntu22.04"};
    static const std::vector<std::string> containers = {"web", "api",     "redis",     "trainer",
                                                        "db",  "grafana", "prometheus"};
    static const std::vector<std::string> exts = {".log", ".py", ".json", ".yaml", ".conf", ".tar.gz", ".pt", ".csv"};
    static const std::vector<std::string> disks = {"/dev/sda", "/dev/sdb", "/dev/nvme0n1", "/dev/nvme1n1"};
    static const std::vector<std::string> nodes = {"gpu-node-01", "gpu-node-07", "worker-3",
                                                   "aks-gpu-12345678-vmss000002", "node14"};
    static const std::vector<std::string> buses = {"0000:3b:00.0", "0000:86:00.0", "0000:af:00.0", "0000:18:00.0",
                                                   "0000:d8:00.0"};
    Slots s;
    const int gpu = rng.range(0, 7);
    int gpu2 = rng.range(0, 7);
    if (gpu2 == gpu) gpu2 = (gpu + 1) % 8;
    s["gpu"] = std::to_string(gpu);
    s["gpus"] = std::to_string(std::min(gpu, gpu2)) + "," + std::to_string(std::max(gpu, gpu2));
    field_slots(gpu_pool, 4, "fields", rng, s);
    field_slots(app_fields(), 3, "app_fields", rng, s);
    const Named& fmt = rng.pick(formats());
    s["fmt"] = fmt.value;
    s["fmt_h"] = fmt.human;
    const Named& sec = rng.pick(sections());
    s["section"] = sec.value;
    s["section_h"] = sec.human;
    const Named& dm = rng.pick(dmon_groups());
    s["dmon_s"] = dm.value;
    s["dmon_h"] = dm.human;
    s["secs"] = std::to_string(rng.pick(std::vector<int>{1, 2, 3, 5, 10, 15, 30, 60}));
    s["ms"] = std::to_string(rng.pick(std::vector<int>{100, 200, 250, 500, 1000}));
    s["count"] = std::to_string(rng.range(2, 20));
    s["n"] = std::to_string(rng.pick(std::vector<int>{5, 10, 20, 50, 100, 200}));
    s["pl"] = std::to_string(rng.range(6, 28) * 25);
    const int lo = rng.range(6, 14) * 100;
    s["clk_lo"] = std::to_string(lo);
    s["clk_hi"] = std::to_string(lo + rng.range(2, 8) * 100);
    s["file"] =
        rng.pick(std::vector<std::string>{"gpu-report.txt", "/tmp/nvsmi.txt", "smi.log", "/var/tmp/gpu_state.txt"});
    s["bus"] = rng.pick(buses);
    s["dir"] = rng.pick(dirs);
    std::string d2 = rng.pick(dirs);
    s["dir2"] = d2 == s["dir"] ? "/backup" : d2;
    s["log"] = rng.pick(logs);
    s["conf"] =
        rng.pick(std::vector<std::string>{"/etc/nginx/nginx.conf", "config.yaml", "/etc/app/app.conf", "settings.ini"});
    s["script"] = rng.pick(std::vector<std::string>{"deploy.sh", "run.sh", "backup.sh", "./start.sh"});
    s["cert"] = rng.pick(
        std::vector<std::string>{"server.crt", "/etc/ssl/certs/site.pem", "tls.crt", "/etc/nginx/ssl/cert.pem"});
    s["tarball"] =
        rng.pick(std::vector<std::string>{"backup.tar.gz", "logs.tgz", "/tmp/archive.tar.gz", "release.tar.gz"});
    s["size"] = rng.pick(std::vector<std::string>{"100M", "500M", "1G", "2G", "10G", "50M"});
    s["days"] = std::to_string(rng.pick(std::vector<int>{3, 7, 14, 30, 60, 90}));
    s["ext"] = rng.pick(exts);
    s["ns"] = rng.pick(ns);
    s["pod"] = rng.pick(pods);
    s["deploy"] = rng.pick(deploys);
    s["replicas"] = std::to_string(rng.range(0, 10));
    s["rev"] = std::to_string(rng.range(1, 12));
    s["unit"] = rng.pick(units);
    s["host"] = rng.pick(hosts);
    s["domain"] = rng.pick(domains);
    s["url"] = "https://" + rng.pick(domains) +
               rng.pick(std::vector<std::string>{"/", "/healthz", "/api/v1/status", "/login"});
    s["ip"] = rng.pick(std::vector<std::string>{"8.8.8.8", "1.1.1.1", "10.0.0.2", "192.168.1.1", "10.96.0.10"});
    s["port"] = std::to_string(rng.pick(std::vector<int>{22, 80, 443, 3000, 5432, 6379, 8080, 8443, 9090, 29500}));
    s["iface"] = rng.pick(ifaces);
    s["pattern"] = rng.pick(patterns);
    s["pattern2"] = rng.pick(pattern2s);
    s["proc"] = rng.pick(procs);
    s["pid"] = std::to_string(rng.range(300, 99999));
    s["image"] = rng.pick(images);
    s["container"] = rng.pick(containers);
    s["disk"] = rng.pick(disks);
    s["node"] = rng.pick(nodes);
    s["hours"] = std::to_string(rng.pick(std::vector<int>{1, 2, 3, 6, 12, 24}));
    const int a = rng.range(1, 500);
    s["a"] = std::to_string(a);
    s["b"] = std::to_string(a + rng.range(5, 100));
    s["lvl"] = std::to_string(rng.range(1, 3));
    s["ngpu"] = std::to_string(rng.pick(std::vector<int>{2, 4, 8}));
    return s;
}

// Removes a dangling " ," or trailing space left when a slot's phrase is empty.
std::string tidy(std::string s) {
    for (const char* bad : {" ,", "  ", " ?", " ."}) {
        size_t p;
        while ((p = s.find(bad)) != std::string::npos) s.erase(p, 1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.pop_back();
    return s;
}

}  // namespace

void generate_commands(const domain::ExampleCorpus& corpus, const CmdGenOptions& options, CorpusWriter& out,
                       GenCounts& counts) {
    std::string err;
    const domain::NvsmiCatalog* nvsmi = domain::NvsmiCatalog::builtin(&err);
    std::vector<Named> gpu_pool;
    const domain::NvsmiQuery* q = nvsmi ? nvsmi->find_query("--query-gpu") : nullptr;
    for (const Named& n : gpu_fields())
        if (q && q->find(n.value)) gpu_pool.push_back(n);
    if (gpu_pool.empty()) {
        counts.drop("nvidia-smi catalogue unavailable: " + err);
        return;
    }
    Rng rng(options.seed ^ hash_text("commands"));
    const domain::CommandCatalogueIndex* slice_index = domain::CommandCatalogueIndex::builtin();
    std::vector<const CmdIntent*> intents;
    for (const auto& i : nvsmi_intents()) intents.push_back(&i);
    for (const auto& i : shell_intents()) intents.push_back(&i);
    for (const CmdIntent* intent : intents) {
        for (size_t p = 0; p < intent->phrasings.size(); ++p) {
            for (size_t draw = 0; draw < options.per_phrasing; ++draw) {
                const Slots slots = make_slots(rng, gpu_pool);
                const std::string command = fill(intent->command, slots);
                const domain::CommandCheck check = domain::check_command(command);
                if (!check.valid) {
                    counts.drop("invalid command (" + intent->id + ")");
                    continue;
                }
                if (domain::risk_text(check.risk) != intent->risk) {
                    counts.drop("risk differs (" + intent->id + ")");
                    continue;
                }
                std::string request = tidy(fill(intent->phrasings[p], slots));
                // Light framing operators add around a request; the template's words stay the core.
                static const std::vector<std::string> before = {
                    "", "", "", "", "", "hey, ", "quick one: ", "on this node, ", "need help: ", "please "};
                static const std::vector<std::string> after = {
                    "", "", "", "", "", " please", " on this server", " thanks", " (bash)", " on the box"};
                request = rng.pick(before) + request + rng.pick(after);
                if (rng.chance(0.5)) request = capitalise(request);
                RequestStyle style;
                style.typo = options.typo_rate;
                request = humanise_request(request, rng, style);
                const std::string explanation = tidy(fill(intent->explanation, slots));
                // 0-4 retrieved examples, never the target command itself.
                const size_t k = rng.below(5);
                std::vector<domain::CommandExample> shots;
                if (k > 0)
                    for (const auto* e : corpus.similar_commands(request, k + 2))
                        if (e->command != command && shots.size() < k) shots.push_back(*e);
                Example ex;
                ex.task = "cmd";
                ex.family = "cmd/" + intent->id + "/p" + std::to_string(p);
                ex.request = request;
                ex.risk = intent->risk;
                // The pipeline's prompt: the catalogue slice for this request (most examples), so the model
                // learns to read it, and sometimes none, as a prompt without it must still be answered.
                std::string slice;
                if (slice_index && rng.chance(options.slice_share))
                    slice = domain::command_catalogue_slice(request, *slice_index);
                ex.messages = domain::build_command_messages(request, "bash", "Linux", shots, slice);
                ex.messages.push_back({"assistant", domain::format_command_answer(command, explanation)});
                nlohmann::ordered_json ev = nlohmann::ordered_json::object();
                ev["kind"] = intent->kind;
                ev["risk"] = intent->risk;
                ev["prompt"] = request;
                ev["reference"] = command;
                ev["accept"] = nlohmann::ordered_json::array();
                ex.eval = std::move(ev);
                out.add(std::move(ex), counts);
            }
        }
    }
}

}  // namespace sigma::datagen
