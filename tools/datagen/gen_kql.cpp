// Question -> KQL examples: patterns over a table's real typed columns, schema slice and few-shot
// examples exactly as the KQL pipeline builds them, and repair turns from broken variants.
// Not a schema: the columns come from KqlSchema::builtin(); the value lists below are only the
// words operators filter on.
#include "tools/datagen/gen_kql.h"

#include <algorithm>

#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/domain/kql_validator.h"

namespace sigma::datagen {

namespace {

using Slots = std::map<std::string, std::string>;
using domain::KqlTable;
using domain::KqlType;

// Values operators filter on, per "Table.Column" or "Column".
const std::map<std::string, std::vector<std::string>>& column_values() {
    static const std::map<std::string, std::vector<std::string>> v = {
        {"Computer", {"web-01", "gpu-node-07", "db-prod-2", "aks-nodepool1-123456-vmss000001", "node14"}},
        {"HostName", {"web-01", "gpu-node-07", "node14", "build-agent-3"}},
        {"Syslog.SeverityLevel", {"err", "warning", "crit", "alert", "emerg", "notice"}},
        {"Syslog.Facility", {"kern", "daemon", "auth", "authpriv", "syslog", "cron"}},
        {"Syslog.ProcessName", {"sshd", "kernel", "kubelet", "dockerd", "systemd", "containerd"}},
        {"Heartbeat.OSType", {"Linux", "Windows"}},
        {"Heartbeat.Category", {"Direct Agent", "Azure Monitor Agent"}},
        {"Perf.ObjectName", {"Processor", "Memory", "Logical Disk", "Network Adapter"}},
        {"Perf.CounterName",
         {"% Processor Time", "% Used Memory", "% Free Space", "Available MBytes", "Free Megabytes"}},
        {"Event.EventLevelName", {"Error", "Warning", "Information"}},
        {"Event.EventLog", {"System", "Application"}},
        {"Event.Source", {"Service Control Manager", "Microsoft-Windows-Kernel-Power", "disk", "Application Error"}},
        {"AzureActivity.ActivityStatusValue", {"Failed", "Succeeded", "Started"}},
        {"AzureActivity.CategoryValue", {"Administrative", "Policy", "Security", "ServiceHealth"}},
        {"AzureActivity.Level", {"Error", "Warning", "Informational"}},
        {"ContainerLogV2.LogLevel", {"error", "warning", "info", "critical"}},
        {"ContainerLogV2.LogSource", {"stderr", "stdout"}},
        {"PodNamespace", {"prod", "kube-system", "monitoring", "ml-train", "default"}},
        {"Namespace", {"prod", "kube-system", "monitoring", "ml-train", "default", "staging"}},
        {"KubePodInventory.PodStatus", {"Running", "Failed", "Pending", "Succeeded", "Unknown"}},
        {"KubePodInventory.ContainerStatusReason", {"CrashLoopBackOff", "OOMKilled", "ImagePullBackOff", "Error"}},
        {"KubeEvents.Reason", {"BackOff", "FailedScheduling", "OOMKilling", "Unhealthy", "FailedMount", "Evicted"}},
        {"KubeEvents.KubeEventType", {"Warning", "Normal"}},
        {"KubeEvents.ObjectKind", {"Pod", "Node", "Deployment"}},
        {"KubeNodeInventory.Status", {"Ready", "NotReady"}},
        {"AppRequests.ResultCode", {"500", "404", "503", "429", "200"}},
        {"AppDependencies.DependencyType", {"SQL", "HTTP", "Azure blob", "Redis"}},
        {"AppDependencies.ResultCode", {"500", "404", "503", "0"}},
        {"AppRoleName", {"checkout-api", "frontend", "payments", "inventory"}},
        {"SigninLogs.ResultType", {"0", "50126", "50053", "50074"}},
        {"SigninLogs.AppDisplayName", {"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online"}},
        {"SigninLogs.Location", {"US", "DE", "IN", "GB"}},
        {"SecurityEvent.Activity",
         {"4625 - An account failed to log on.", "4624 - An account was successfully logged on."}},
        {"SecurityEvent.AccountType", {"User", "Machine"}},
        {"AzureDiagnostics.Category",
         {"ApplicationGatewayAccessLog", "AzureFirewallNetworkRule", "kube-audit", "SQLSecurityAuditEvents"}},
        {"AzureDiagnostics.ResourceProvider", {"MICROSOFT.NETWORK", "MICROSOFT.SQL", "MICROSOFT.KEYVAULT"}},
        {"AuditLogs.Result", {"success", "failure"}},
        {"AuditLogs.Category", {"UserManagement", "GroupManagement", "ApplicationManagement"}},
        {"ContainerInventory.ContainerState", {"Failed", "Running", "Stopped"}},
        {"Alert.AlertSeverity", {"Critical", "Warning", "Error"}},
        {"SecurityAlert.AlertSeverity", {"High", "Medium", "Low"}},
        {"SecurityIncident.Severity", {"High", "Medium", "Low"}},
        {"SecurityIncident.Status", {"New", "Active", "Closed"}},
        {"Update.Classification", {"Security Updates", "Critical Updates", "Updates"}},
        {"Update.UpdateState", {"Needed", "Installed"}},
        {"W3CIISLog.scStatus", {"500", "404", "401", "503"}},
        {"W3CIISLog.csMethod", {"GET", "POST", "PUT"}},
        {"CommonSecurityLog.DeviceAction", {"deny", "allow", "drop"}},
        {"CommonSecurityLog.DeviceVendor", {"Palo Alto Networks", "Fortinet", "Check Point"}},
        {"VMConnection.Direction", {"inbound", "outbound"}},
        {"DnsEvents.QueryType", {"A", "AAAA", "TXT"}},
        {"WindowsFirewall.FirewallAction", {"DROP", "ALLOW"}},
        {"StorageBlobLogs.StatusText", {"Success", "AuthorizationFailure", "BlobNotFound"}},
        {"StorageBlobLogs.OperationName", {"GetBlob", "PutBlob", "DeleteBlob"}},
        {"ConfigurationChange.ConfigChangeType", {"Software", "Daemons", "Files"}},
        {"Usage.DataType", {"Perf", "Syslog", "ContainerLogV2", "SecurityEvent"}},
        {"AzureMetrics.MetricName", {"Percentage CPU", "Network In Total", "Requests"}},
        {"InsightsMetrics.Namespace", {"container.azm.ms/gpu", "container.azm.ms/disk", "container.azm.ms/net"}},
        {"InsightsMetrics.Name", {"gpuDutyCycle", "gpuMemoryUsedBytes", "used_percent"}},
        {"NetworkMonitoring.LossHealthState", {"Unhealthy", "Healthy"}},
        {"KubeMonAgentEvents.Level", {"Error", "Warning", "Info"}},
    };
    return v;
}

const std::map<std::string, std::string>& table_words() {
    static const std::map<std::string, std::string> w = {
        {"Heartbeat", "agent heartbeats"},
        {"Perf", "performance counters"},
        {"Syslog", "syslog messages"},
        {"Event", "Windows events"},
        {"AzureActivity", "Azure activity log entries"},
        {"ContainerLogV2", "container logs"},
        {"ContainerLog", "container log lines"},
        {"KubePodInventory", "pod inventory records"},
        {"KubeEvents", "Kubernetes events"},
        {"InsightsMetrics", "container insights metrics"},
        {"AppRequests", "app requests"},
        {"AppExceptions", "app exceptions"},
        {"AppDependencies", "dependency calls"},
        {"SigninLogs", "sign-ins"},
        {"SecurityEvent", "security events"},
        {"AzureDiagnostics", "Azure diagnostics records"},
        {"AuditLogs", "Entra audit log entries"},
        {"ContainerInventory", "container inventory records"},
        {"KubeNodeInventory", "node inventory records"},
        {"KubeServices", "Kubernetes services"},
        {"AppTraces", "app traces"},
        {"AppPageViews", "page views"},
        {"AppAvailabilityResults", "availability test results"},
        {"AppMetrics", "app metrics"},
        {"AppPerformanceCounters", "app performance counters"},
        {"Usage", "ingestion usage records"},
        {"Update", "update assessment records"},
        {"UpdateSummary", "update summaries"},
        {"W3CIISLog", "IIS log entries"},
        {"CommonSecurityLog", "firewall (CEF) log entries"},
        {"Alert", "alerts"},
        {"SecurityAlert", "security alerts"},
        {"SecurityIncident", "security incidents"},
        {"AzureMetrics", "Azure metric records"},
        {"VMConnection", "VM network connections"},
        {"VMProcess", "VM processes"},
        {"VMComputer", "VM inventory records"},
        {"NetworkMonitoring", "network monitoring results"},
        {"AADNonInteractiveUserSignInLogs", "non-interactive sign-ins"},
        {"StorageBlobLogs", "blob storage operations"},
        {"ContainerNodeInventory", "container node inventory records"},
        {"KubeMonAgentEvents", "monitoring agent events"},
        {"DeviceEvents", "device events"},
        {"DnsEvents", "DNS events"},
        {"WindowsFirewall", "Windows firewall log entries"},
        {"ConfigurationChange", "configuration changes"}};
    return w;
}

std::string col_words(const std::string& col) {
    std::string out;
    for (const auto& w : domain::identifier_words(col)) out += (out.empty() ? "" : " ") + w;
    return out.empty() ? col : out;
}

struct Window {
    std::string kql, human;
};
const std::vector<Window>& windows() {
    static const std::vector<Window> w = {{"15m", "15 minutes"}, {"30m", "30 minutes"}, {"1h", "hour"},
                                          {"2h", "2 hours"},     {"6h", "6 hours"},     {"12h", "12 hours"},
                                          {"24h", "24 hours"},   {"1d", "day"},         {"3d", "3 days"},
                                          {"7d", "7 days"},      {"7d", "week"},        {"30d", "30 days"}};
    return w;
}
const std::vector<Window>& bins() {
    static const std::vector<Window> b = {{"1m", "1 minute"}, {"5m", "5 minute"},   {"15m", "15 minute"},
                                          {"1h", "hourly"},   {"30m", "30 minute"}, {"1d", "daily"}};
    return b;
}

// One question -> query pattern. `needs` lists the slots it must find in the table.
struct Pattern {
    std::string id;
    std::vector<std::string> needs;  // "str" (filter column with values), "grp", "num", "dyn", "bool"
    std::vector<std::string> phrasings;
    std::string query;
};

const std::vector<Pattern>& patterns() {
    static const std::vector<Pattern> p = {
        {"count_window",
         {},
         {"how many {T_h} in the last {win_h}?", "count {T_h} from the past {win_h}",
          "number of {T_h} over the last {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | count"},
        {"count_by",
         {"grp"},
         {"count {T_h} by {grp_h} in the last {win_h}", "how many {T_h} per {grp_h} over the past {win_h}?",
          "{T_h} per {grp_h}, last {win_h}", "break down {T_h} by {grp_h} for the last {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize count() by {grp}"},
        {"filter_eq",
         {"str"},
         {"show {T_h} where {str_h} is {val} in the last {win_h}", "{T_h} with {str_h} {val} from the past {win_h}",
          "list the {T_h} whose {str_h} equals {val} (last {win_h})"},
         "{T} | where TimeGenerated > ago({win}) | where {str} == \"{val}\""},
        {"filter_count_by",
         {"str", "grp"},
         {"count {T_h} with {str_h} {val} by {grp_h} over the last {win_h}",
          "per {grp_h}, how many {T_h} had {str_h} {val} in the past {win_h}?"},
         "{T} | where TimeGenerated > ago({win}) | where {str} == \"{val}\" | summarize count() by {grp}"},
        {"agg_by",
         {"num", "grp"},
         {"{agg_h} {num_h} per {grp_h} over the last {win_h}",
          "what is the {agg_h} {num_h} by {grp_h} in the past {win_h}?",
          "show {agg_h} {num_h} of {T_h} grouped by {grp_h}, last {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize {agg}({num}) by {grp}"},
        {"percentile",
         {"num", "grp"},
         {"{pct}th percentile of {num_h} by {grp_h} in the last {win_h}", "p{pct} {num_h} per {grp_h}, past {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize percentile({num}, {pct}) by {grp}"},
        {"timechart",
         {},
         {"chart {T_h} over time in {bin_h} bins for the last {win_h}",
          "{bin_h} trend of {T_h} over the past {win_h} as a timechart",
          "plot the count of {T_h} per {bin_h} bucket, last {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize count() by bin(TimeGenerated, {bin}) | render timechart"},
        {"bin_agg",
         {"num"},
         {"{agg_h} {num_h} in {bin_h} bins over the last {win_h}",
          "{num_h} {agg_h} per {bin_h} interval, past {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize {agg}({num}) by bin(TimeGenerated, {bin})"},
        {"top_by_count",
         {"grp"},
         {"top {n} {grp_h} by number of {T_h}", "which {n} {grp_h} values have the most {T_h}?",
          "the {n} noisiest {grp_h} in {T_h}"},
         "{T} | summarize Total = count() by {grp} | top {n} by Total desc"},
        {"top_by_num",
         {"num"},
         {"top {n} {T_h} by {num_h}", "the {n} {T_h} with the highest {num_h}", "{n} largest {num_h} values in {T_h}"},
         "{T} | top {n} by {num} desc"},
        {"distinct",
         {"grp"},
         {"list the distinct {grp_h} values in {T_h}", "which {grp_h} values appear in {T_h}?",
          "unique {grp_h} of {T_h}"},
         "{T} | distinct {grp}"},
        {"dcount",
         {"grp"},
         {"how many different {grp_h} values in {T_h} over the last {win_h}?",
          "distinct count of {grp_h} in {T_h}, past {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize dcount({grp})"},
        {"today",
         {"grp"},
         {"{T_h} per {grp_h} since midnight", "count {T_h} by {grp_h} today", "today's {T_h} by {grp_h}"},
         "{T} | where TimeGenerated > startofday(now()) | summarize count() by {grp}"},
        {"between",
         {},
         {"{T_h} between {a} and {b} days ago", "show {T_h} from {a} to {b} days back"},
         "{T} | where TimeGenerated between (ago({b}d) .. ago({a}d))"},
        {"project",
         {"grp", "str"},
         {"show time, {grp_h} and {str_h} of the latest {n} {T_h}", "last {n} {T_h} with their {grp_h} and {str_h}"},
         "{T} | project TimeGenerated, {grp}, {str} | top {n} by TimeGenerated desc"},
        {"last_seen",
         {"grp"},
         {"when was each {grp_h} last seen in {T_h}?", "latest time per {grp_h} in {T_h}"},
         "{T} | summarize LastSeen = max(TimeGenerated) by {grp}"},
        {"stale",
         {"grp"},
         {"which {grp_h} values have not appeared in {T_h} for {win_h}?",
          "{grp_h} silent in {T_h} for more than {win_h}"},
         "{T} | summarize LastSeen = max(TimeGenerated) by {grp} | where LastSeen < ago({win})"},
        {"iff",
         {"num"},
         {"label {T_h} as high when {num_h} is above {thr}, otherwise normal, and count each",
          "how many {T_h} have {num_h} over {thr} vs not?"},
         "{T} | extend Level = iff({num} > {thr}, \"high\", \"normal\") | summarize count() by Level"},
        {"case",
         {"num"},
         {"bucket {T_h} by {num_h}: over {thr2} high, over {thr} medium, else low",
          "count {T_h} in low/medium/high bands of {num_h}"},
         "{T} | extend Band = case({num} > {thr2}, \"high\", {num} > {thr}, \"medium\", \"low\") | summarize count() "
         "by Band"},
        {"has_text",
         {"msg"},
         {"{T_h} whose {msg_h} mentions {word} in the last {win_h}",
          "search {T_h} for {word} in {msg_h}, past {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | where {msg} has \"{word}\""},
        {"bool_false",
         {"bool"},
         {"{T_h} where {bool_h} is false over the last {win_h}", "failed {T_h} (no {bool_h}) in the past {win_h}"},
         "{T} | where TimeGenerated > ago({win}) | where {bool} == false"},
        {"bool_rate",
         {"bool", "grp"},
         {"failure rate of {T_h} by {grp_h} over the last {win_h}", "share of {T_h} without {bool_h} per {grp_h}"},
         "{T} | where TimeGenerated > ago({win}) | summarize Failures = countif({bool} == false), Total = count() by "
         "{grp} | extend FailureRate = todouble(Failures) / Total"},
        {"dyn_field",
         {"dyn"},
         {"show {dyn_h} as text for the latest {n} {T_h}", "extract {dyn_h} from {T_h} as a string, last {n}"},
         "{T} | top {n} by TimeGenerated desc | extend Detail = tostring(parse_json(tostring({dyn})))"},
    };
    return p;
}

struct TableInfo {
    const KqlTable* table = nullptr;
    std::vector<std::string> str, grp, num, dyn, boolc, msg;
};

std::vector<std::string> values_for(const std::string& table, const std::string& col) {
    const auto& v = column_values();
    if (auto it = v.find(table + "." + col); it != v.end()) return it->second;
    if (auto it = v.find(col); it != v.end()) return it->second;
    return {};
}

TableInfo describe(const KqlTable& t) {
    TableInfo info;
    info.table = &t;
    for (const auto& c : t.columns) {
        if (c.name == "TimeGenerated" || c.name.starts_with("_")) continue;
        const std::string lower = col_words(c.name);
        switch (c.type) {
            case KqlType::String:
                if (!values_for(t.name, c.name).empty()) info.str.push_back(c.name);
                if (lower.find("message") != std::string::npos || lower.find("description") != std::string::npos ||
                    c.name == "LogEntry" || c.name == "SyslogMessage")
                    info.msg.push_back(c.name);
                else if (lower.find(" id") == std::string::npos && lower != "id" &&
                         lower.find("ip") == std::string::npos && lower.find("url") == std::string::npos &&
                         lower.find("uri") == std::string::npos && lower.find("uid") == std::string::npos)
                    info.grp.push_back(c.name);
                break;
            case KqlType::Int:
            case KqlType::Long:
            case KqlType::Real:
                if (c.name.find("ID") == std::string::npos && c.name.find("Id") == std::string::npos)
                    info.num.push_back(c.name);
                break;
            case KqlType::Dynamic: info.dyn.push_back(c.name); break;
            case KqlType::Bool: info.boolc.push_back(c.name); break;
            default: break;
        }
    }
    return info;
}

bool fill_needs(const Pattern& p, const TableInfo& t, Rng& rng, Slots& s) {
    for (const std::string& need : p.needs) {
        const std::vector<std::string>* pool = need == "str"    ? &t.str
                                               : need == "grp"  ? &t.grp
                                               : need == "num"  ? &t.num
                                               : need == "dyn"  ? &t.dyn
                                               : need == "bool" ? &t.boolc
                                                                : &t.msg;
        if (pool->empty()) return false;
        const std::string col = rng.pick(*pool);
        s[need] = col;
        s[need + "_h"] = col_words(col);
        if (need == "str") s["val"] = rng.pick(values_for(t.table->name, col));
    }
    if (s.count("grp") && s.count("str") && s["grp"] == s["str"]) return false;
    return true;
}

std::string misspell(const std::string& word, Rng& rng) {
    if (word.size() < 4) return word + "s";
    std::string w = word;
    w.erase(1 + rng.below(w.size() - 2), 1);
    return w;
}

// A broken variant of a valid query: a misspelt column, table or function, or a column of another
// table. Empty when the query offers nothing to break.
std::string break_query(const std::string& query, const Slots& s, Rng& rng) {
    std::vector<std::pair<std::string, std::string>> options;
    options.push_back({s.at("T"), misspell(s.at("T"), rng)});
    for (const char* k : {"grp", "num", "str"})
        if (auto it = s.find(k); it != s.end()) {
            options.push_back({it->second, misspell(it->second, rng)});
            options.push_back({it->second, rng.pick(std::vector<std::string>{"Hostname", "Severity", "PodName",
                                                                             "Duration", "Status"})});
        }
    static const std::vector<std::pair<std::string, std::string>> functions = {{"count()", "cout()"},
                                                                               {"ago(", "ag("},
                                                                               {"dcount(", "dcont("},
                                                                               {"percentile(", "percentil("},
                                                                               {"max(", "maxx("}};
    for (const auto& f : functions)
        if (query.find(f.first) != std::string::npos) options.push_back(f);
    const auto& [from, to] = rng.pick(options);
    const size_t at = query.find(from);
    if (at == std::string::npos || from == to) return {};
    std::string out = query;
    out.replace(at, from.size(), to);
    return out;
}

}  // namespace

void generate_kql(const domain::ExampleCorpus& corpus, const KqlGenOptions& options, CorpusWriter& out,
                  GenCounts& counts) {
    std::string err;
    const domain::KqlSchema& schema = domain::KqlSchema::builtin(&err);
    if (schema.tables.empty()) {
        counts.drop("schema unavailable: " + err);
        return;
    }
    const domain::KqlTableHints hints = domain::KqlTableHints::load_default();
    std::vector<TableInfo> tables;
    for (const auto& t : schema.tables) tables.push_back(describe(t));
    Rng rng(options.seed ^ hash_text("kql"));
    const auto& words = table_words();
    for (const Pattern& p : patterns()) {
        for (size_t ph = 0; ph < p.phrasings.size(); ++ph) {
            for (const TableInfo& t : tables) {
                for (size_t draw = 0; draw < options.per_phrasing; ++draw) {
                    Slots s;
                    s["T"] = t.table->name;
                    auto w = words.find(t.table->name);
                    s["T_h"] = w != words.end() ? w->second : col_words(t.table->name) + " records";
                    if (!fill_needs(p, t, rng, s)) break;  // the table lacks what the pattern needs
                    const Window& win = rng.pick(windows());
                    s["win"] = win.kql;
                    s["win_h"] = win.human;
                    const Window& bin = rng.pick(bins());
                    s["bin"] = bin.kql;
                    s["bin_h"] = bin.human;
                    const int agg = static_cast<int>(rng.below(4));
                    s["agg"] = std::vector<std::string>{"avg", "max", "min", "sum"}[static_cast<size_t>(agg)];
                    s["agg_h"] =
                        std::vector<std::string>{"average", "maximum", "minimum", "total"}[static_cast<size_t>(agg)];
                    s["pct"] = rng.pick(std::vector<std::string>{"50", "90", "95", "99"});
                    s["n"] = std::to_string(rng.pick(std::vector<int>{3, 5, 10, 20, 25}));
                    const int a = rng.range(1, 5);
                    s["a"] = std::to_string(a);
                    s["b"] = std::to_string(a + rng.range(1, 6));
                    const int thr = rng.pick(std::vector<int>{10, 50, 80, 100, 500, 1000});
                    s["thr"] = std::to_string(thr);
                    s["thr2"] = std::to_string(thr * 2);
                    s["word"] =
                        rng.pick(std::vector<std::string>{"error", "timeout", "denied", "failed", "OOM", "restart"});
                    const std::string query = fill(p.query, s);
                    const auto v = domain::validate_kql(query, schema);
                    if (!v.valid) {
                        counts.drop("invalid query (" + p.id + ")");
                        continue;
                    }
                    std::string question = fill(p.phrasings[ph], s);
                    static const std::vector<std::string> before = {
                        "", "", "", "", "", "", "KQL: ", "Log Analytics: ", "kusto query - ", "query: "};
                    static const std::vector<std::string> after = {
                        "", "", "", "", "", "", " (KQL)", " please", " in Log Analytics", " as a kusto query"};
                    question = rng.pick(before) + question + rng.pick(after);
                    if (rng.chance(0.5)) question = capitalise(question);
                    if (rng.chance(options.typo_rate)) question = add_typo(question, rng);
                    const auto slice = domain::kql_schema_slice(question, schema, hints, 3);
                    const auto used = domain::kql_referenced_tables(query, schema);
                    bool covered = true;
                    for (const auto& u : used)
                        covered =
                            covered && std::find(slice.tables.begin(), slice.tables.end(), u) != slice.tables.end();
                    if (!covered) {
                        counts.drop("table not in the schema slice");
                        continue;
                    }
                    const size_t k = rng.below(5);
                    std::vector<domain::KqlExample> shots;
                    if (k > 0)
                        for (const auto* e : corpus.similar_kql(question, k + 2))
                            if (e->query != query && shots.size() < k) shots.push_back(*e);
                    Example ex;
                    ex.task = "kql";
                    ex.family = "kql/" + p.id + "/p" + std::to_string(ph);
                    ex.request = question;
                    ex.messages = domain::build_kql_messages(question, slice.text, shots);
                    // A share of repair dialogues: the broken query, the validator's messages, the fix.
                    if (rng.chance(options.repair_share)) {
                        const std::string broken = break_query(query, s, rng);
                        const auto bv =
                            broken.empty() ? domain::KqlValidation{true, {}} : domain::validate_kql(broken, schema);
                        if (!bv.valid) {
                            std::vector<std::string> msgs;
                            for (const auto& d : bv.diagnostics) msgs.push_back(d.message);
                            ex.messages.push_back({"assistant", domain::format_kql_answer(broken)});
                            ex.messages.push_back(domain::build_kql_repair_turn(broken, msgs));
                            ex.family = "kql/repair/" + p.id;
                        }
                    }
                    ex.messages.push_back({"assistant", domain::format_kql_answer(query)});
                    nlohmann::ordered_json ev = nlohmann::ordered_json::object();
                    ev["prompt"] = question;
                    ev["reference"] = query;
                    nlohmann::ordered_json tj = nlohmann::ordered_json::array(), cj = nlohmann::ordered_json::array();
                    for (const auto& u : used) tj.push_back(u);
                    for (const auto& c : domain::kql_referenced_columns(query, schema)) cj.push_back(c);
                    ev["tables"] = std::move(tj);
                    ev["columns"] = std::move(cj);
                    if (ex.family.starts_with("kql/repair/")) ev = nullptr;  // not a one-shot eval case
                    ex.eval = std::move(ev);
                    out.add(std::move(ex), counts);
                }
            }
        }
    }
}

}  // namespace sigma::datagen
