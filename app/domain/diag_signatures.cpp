// Loads and checks the diagnosis signature pack. Strict about shape (every error names the category
// and pattern) because a silently ignored pattern would quietly lower diagnosis quality.
#include "app/domain/diag_signatures.h"

#include <fstream>
#include <sstream>

#include "app/domain/json_parse.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

using nlohmann::ordered_json;

const char* severity_name(Severity s) {
    switch (s) {
        case Severity::Critical: return "critical";
        case Severity::High: return "high";
        case Severity::Medium: return "medium";
        case Severity::Low: return "low";
    }
    return "medium";
}

std::optional<Severity> parse_severity(std::string_view name) {
    if (name == "critical") return Severity::Critical;
    if (name == "high") return Severity::High;
    if (name == "medium") return Severity::Medium;
    if (name == "low") return Severity::Low;
    return std::nullopt;
}

const std::vector<std::string>& diagnosis_category_ids() {
    static const std::vector<std::string> ids = {"gpu_fallen_off_bus",
                                                 "gpu_ecc_uncorrectable",
                                                 "gpu_nvlink_error",
                                                 "gpu_app_fault",
                                                 "gpu_gsp_timeout",
                                                 "gpu_thermal_slowdown",
                                                 "cuda_out_of_memory",
                                                 "nccl_timeout",
                                                 "nccl_network_error",
                                                 "driver_library_mismatch",
                                                 "host_oom_killer",
                                                 "k8s_oomkilled",
                                                 "k8s_crashloop",
                                                 "k8s_image_pull",
                                                 "disk_full",
                                                 "disk_io_error",
                                                 "filesystem_readonly",
                                                 "tls_cert_expired",
                                                 "dns_resolution",
                                                 "connection_refused",
                                                 "segfault",
                                                 "too_many_open_files",
                                                 "permission_denied",
                                                 "ssh_bruteforce",
                                                 "systemd_unit_failed",
                                                 "unknown"};
    return ids;
}

std::string SignaturePattern::describe() const {
    std::string out;
    if (!text.empty()) out = text;
    else if (!nonzero.empty()) out = nonzero + " > 0";
    else if (!csv_column.empty()) out = "CSV column " + csv_column + (csv_nonzero ? " > 0" : " = " + equals);
    else {
        for (size_t i = 0; i < all.size(); ++i) out += (i ? " + " : "") + all[i];
    }
    return out;
}

const SignatureCategory* SignaturePack::find(std::string_view id) const {
    for (const auto& c : categories)
        if (c.id == id) return &c;
    return nullptr;
}

const XidEntry* SignaturePack::find_xid(int xid) const {
    for (const auto& x : xids)
        if (x.xid == xid) return &x;
    return nullptr;
}

static bool fail(std::string* error, const std::string& message) {
    if (error) *error = message;
    return false;
}

static bool read_strings(const ordered_json& v, const std::string& where, std::vector<std::string>& out,
                         std::string* error) {
    if (v.is_null()) return true;
    if (!v.is_array()) return fail(error, where + ": expected an array of strings");
    for (const ordered_json& s : v) {
        if (!s.is_string()) return fail(error, where + ": expected an array of strings");
        out.push_back(json_text(s));
    }
    return true;
}

static bool read_pattern(const ordered_json& j, const std::string& where, SignaturePattern& p, std::string* error) {
    if (!j.is_object()) return fail(error, where + ": a pattern must be an object");
    p.text = json_string(j, "text");
    p.nonzero = json_string(j, "nonzero");
    if (!read_strings(json_member(j, "all"), where + ".all", p.all, error)) return false;
    if (!read_strings(json_member(j, "none"), where + ".none", p.none, error)) return false;
    p.csv_column = json_string(j, "csv_column");
    p.equals = json_string(j, "equals");
    p.csv_nonzero = json_bool(j, "csv_nonzero", false);
    const int kinds = (!p.text.empty()) + (!p.nonzero.empty()) + (!p.all.empty()) + (!p.csv_column.empty());
    if (kinds != 1) return fail(error, where + ": needs exactly one of text, all, nonzero, csv_column");
    if (!p.csv_column.empty() && p.equals.empty() == !p.csv_nonzero)
        return fail(error, where + ": csv_column needs exactly one of equals, csv_nonzero");
    for (const auto& s : p.all)
        if (s.empty()) return fail(error, where + ".all: empty literal");
    p.case_sensitive = json_bool(j, "case_sensitive", false);
    p.word = json_bool(j, "word", false);
    if (!json_member(j, "weight").is_number()) return fail(error, where + ": missing numeric weight");
    p.weight = json_double(j, "weight");
    if (p.weight <= 0 || p.weight > 100) return fail(error, where + ": weight must be in (0, 100]");
    return true;
}

std::optional<SignaturePack> SignaturePack::from_json(const ordered_json& sig, const ordered_json& xid,
                                                      std::string* error) {
    SignaturePack pack;
    if (!sig.is_object()) return fail(error, "signatures: top level must be an object"), std::nullopt;
    pack.format_version = static_cast<int>(json_int(sig, "format_version", 0));
    if (pack.format_version != 1) {
        fail(error, "signatures: unsupported format_version " + std::to_string(pack.format_version) + " (expected 1)");
        return std::nullopt;
    }
    if (!json_member(sig, "categories").is_array())
        return fail(error, "signatures: missing categories array"), std::nullopt;
    for (const ordered_json& c : json_array(sig, "categories")) {
        SignatureCategory cat;
        cat.id = json_string(c, "id");
        const std::string where = "signatures: category '" + cat.id + "'";
        if (cat.id.empty()) return fail(error, "signatures: a category has no id"), std::nullopt;
        if (pack.find(cat.id)) return fail(error, where + " appears twice"), std::nullopt;
        cat.title = json_string(c, "title", cat.id);
        auto sev = parse_severity(json_string(c, "severity"));
        if (!sev) return fail(error, where + ": severity must be critical, high, medium or low"), std::nullopt;
        cat.severity = *sev;
        cat.explanation = json_string(c, "explanation");
        if (const ordered_json& cascade = json_member(c, "cascade"); !cascade.is_null() && !cascade.is_string())
            return fail(error, where + ".cascade must be a string"), std::nullopt;
        cat.cascade = json_string(c, "cascade");
        if (!read_strings(json_member(c, "root_causes"), where + ".root_causes", cat.root_causes, error) ||
            !read_strings(json_member(c, "remediation"), where + ".remediation", cat.remediation, error) ||
            !read_strings(json_member(c, "commands"), where + ".commands", cat.commands, error) ||
            !read_strings(json_member(c, "yields_to"), where + ".yields_to", cat.yields_to, error))
            return std::nullopt;
        if (!json_member(c, "patterns").is_array())
            return fail(error, where + ": missing patterns array"), std::nullopt;
        size_t i = 0;
        for (const ordered_json& pj : json_array(c, "patterns")) {
            SignaturePattern p;
            if (!read_pattern(pj, where + " pattern " + std::to_string(i++), p, error)) return std::nullopt;
            cat.patterns.push_back(std::move(p));
        }
        pack.categories.push_back(std::move(cat));
    }
    for (const auto& cat : pack.categories)
        for (const auto& y : cat.yields_to)
            if (!pack.find(y) || y == cat.id)
                return fail(error, "signatures: category '" + cat.id + "' yields to unknown category '" + y + "'"),
                       std::nullopt;
    if (!xid.is_null()) {
        if (!json_member(xid, "xids").is_array()) return fail(error, "xid: missing xids array"), std::nullopt;
        for (const ordered_json& x : json_array(xid, "xids")) {
            XidEntry e;
            e.xid = static_cast<int>(json_int(x, "xid", -1));
            e.name = json_string(x, "name");
            e.meaning = json_string(x, "meaning");
            e.category = json_string(x, "category");
            e.weight = json_double(x, "weight", 10.0);
            const std::string where = "xid: entry " + std::to_string(e.xid);
            if (e.xid <= 0) return fail(error, "xid: an entry has no positive xid number"), std::nullopt;
            if (pack.find_xid(e.xid)) return fail(error, where + " appears twice"), std::nullopt;
            if (!pack.find(e.category))
                return fail(error, where + ": category '" + e.category + "' is not in the signatures"), std::nullopt;
            pack.xids.push_back(std::move(e));
        }
    }
    return pack;
}

static std::optional<ordered_json> read_json_file(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail(error, "cannot open " + path);
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string perr;
    auto j = parse_json(ss.str(), &perr);
    if (!j) fail(error, path + ": " + perr);
    return j;
}

std::optional<SignaturePack> SignaturePack::load(const std::string& dir, std::string* error) {
    auto sig = read_json_file(dir + "/signatures.json", error);
    if (!sig) return std::nullopt;
    auto xid = read_json_file(dir + "/xid.json", error);
    if (!xid) return std::nullopt;
    return from_json(*sig, *xid, error);
}

std::optional<SignaturePack> SignaturePack::load_default(std::string* error) {
    const std::string dir = knowledge_path("diagnosis");
    if (dir.empty()) {
        fail(error, "no resources folder found (set SIGMA_RESOURCES)");
        return std::nullopt;
    }
    return load(dir, error);
}

}  // namespace sigma::domain
