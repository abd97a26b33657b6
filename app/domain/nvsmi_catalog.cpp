// NvsmiCatalog: reads the versioned JSON pack with parse_json and checks its shape, so a damaged
// pack is an error with a message rather than a half-empty catalogue. Not a writer of packs.
#include "app/domain/nvsmi_catalog.h"

#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>

#include "app/domain/json_parse.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

using nlohmann::ordered_json;

namespace {

struct ArgName {
    NvsmiArg arg;
    const char* text;
};
const ArgName kArgNames[] = {
    {NvsmiArg::None, "none"},
    {NvsmiArg::Int, "int"},
    {NvsmiArg::Number, "number"},
    {NvsmiArg::IdList, "id_list"},
    {NvsmiArg::IntList, "int_list"},
    {NvsmiArg::Enum, "enum"},
    {NvsmiArg::Letters, "letters"},
    {NvsmiArg::String, "string"},
    {NvsmiArg::File, "file"},
    {NvsmiArg::ClockPair, "clock_pair"},
    {NvsmiArg::DisplayList, "display_list"},
    {NvsmiArg::FormatList, "format_list"},
    {NvsmiArg::FieldList, "field_list"},
    {NvsmiArg::Optional, "optional"},
};

bool parse_option(const ordered_json& j, NvsmiOption& o, std::string& err) {
    o.short_name = json_string(j, "short");
    o.long_name = json_string(j, "long");
    if (o.long_name.empty()) {
        err = "an option has no \"long\" spelling";
        return false;
    }
    const std::string arg = json_string(j, "arg", "none");
    bool found = false;
    for (const ArgName& a : kArgNames)
        if (arg == a.text) {
            o.arg = a.arg;
            found = true;
        }
    if (!found) {
        err = "option " + o.long_name + " has unknown arg type '" + arg + "'";
        return false;
    }
    auto risk = risk_from_text(json_string(j, "risk", "read-only"));
    if (!risk) {
        err = "option " + o.long_name + " has unknown risk '" + json_string(j, "risk") + "'";
        return false;
    }
    o.risk = *risk;
    for (const ordered_json& v : json_array(j, "values"))
        o.values.push_back({json_string(v, "value"), json_string(v, "name")});
    o.requires_one_of = json_strings(j, "requires_one_of");
    o.value_optional = json_bool(j, "value_optional");
    o.summary = json_string(j, "summary");
    return true;
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string meaning_in(const std::vector<std::pair<std::string, std::string>>& table, std::string_view key) {
    for (const auto& [k, v] : table)
        if (iequal(k, key)) return v;
    return {};
}

// An optional {name: sentence} table whose names must all be among `known`: a meaning for a section
// or value the pack does not list means the pack is damaged.
bool parse_meanings(const ordered_json& j, const std::vector<std::string>& known, const char* what,
                    std::vector<std::pair<std::string, std::string>>& out, std::string& err) {
    if (j.is_null()) return true;
    if (!j.is_object()) {
        err = std::string(what) + " is not an object";
        return false;
    }
    for (const auto& [k, v] : j.items()) {
        bool listed = false;
        for (const std::string& n : known) listed = listed || n == k;
        if (!listed || !v.is_string()) {
            err = std::string(what) + " has a bad entry '" + k + "'";
            return false;
        }
        out.emplace_back(k, json_text(v));
    }
    return true;
}

const NvsmiOption* find_in(const std::vector<NvsmiOption>& opts, std::string_view s) {
    if (s.empty()) return nullptr;
    for (const NvsmiOption& o : opts)
        if (o.long_name == s || (!o.short_name.empty() && o.short_name == s)) return &o;
    return nullptr;
}

}  // namespace

const char* nvsmi_arg_text(NvsmiArg a) {
    for (const ArgName& n : kArgNames)
        if (n.arg == a) return n.text;
    return "none";
}

std::string NvsmiOption::spelling() const { return short_name.empty() ? long_name : short_name + "/" + long_name; }

const NvsmiField* NvsmiQuery::find(std::string_view n) const {
    for (const NvsmiField& f : fields) {
        if (f.name == n) return &f;
        for (const std::string& a : f.aliases)
            if (a == n) return &f;
    }
    return nullptr;
}

const NvsmiOption* NvsmiSubcommand::find_option(std::string_view s) const { return find_in(options, s); }
const NvsmiOption* NvsmiCatalog::find_option(std::string_view s) const { return find_in(options_, s); }

std::string NvsmiCatalog::display_section_meaning(std::string_view section) const {
    return meaning_in(section_meanings_, section);
}

std::string NvsmiCatalog::format_value_meaning(std::string_view value) const {
    return meaning_in(format_meanings_, value);
}

const NvsmiSubcommand* NvsmiCatalog::find_subcommand(std::string_view name) const {
    for (const NvsmiSubcommand& s : subcommands_)
        if (s.name == name) return &s;
    return nullptr;
}

const NvsmiQuery* NvsmiCatalog::find_query(std::string_view option) const {
    for (const NvsmiQuery& q : queries_)
        if (q.option == option) return &q;
    return nullptr;
}

std::vector<std::string> nvsmi_spellings(const std::vector<NvsmiOption>& options) {
    std::vector<std::string> out;
    for (const NvsmiOption& o : options) {
        if (!o.short_name.empty()) out.push_back(o.short_name);
        out.push_back(o.long_name);
    }
    return out;
}

std::optional<NvsmiCatalog> NvsmiCatalog::load(const std::string& path, std::string* error) {
    auto fail = [&](const std::string& m) -> std::optional<NvsmiCatalog> {
        if (error) *error = path + ": " + m;
        return std::nullopt;
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open the nvidia-smi knowledge pack");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string perr;
    auto doc = parse_json(ss.str(), &perr);
    if (!doc) return fail(perr);
    if (json_int(*doc, "format_version", -1) != 1)
        return fail("unsupported format_version (this build reads version 1)");
    NvsmiCatalog c;
    std::string err;
    for (const ordered_json& j : json_array(*doc, "options")) {
        NvsmiOption o;
        if (!parse_option(j, o, err)) return fail(err);
        c.options_.push_back(std::move(o));
    }
    if (c.options_.empty()) return fail("no options");
    c.display_sections_ = json_strings(*doc, "display_sections");
    c.format_values_ = json_strings(*doc, "format_values");
    if (!parse_meanings(json_member(*doc, "display_section_meanings"), c.display_sections_, "display_section_meanings",
                        c.section_meanings_, err) ||
        !parse_meanings(json_member(*doc, "format_value_meanings"), c.format_values_, "format_value_meanings",
                        c.format_meanings_, err))
        return fail(err);
    for (const auto& [name, q] : json_object(*doc, "queries").items()) {
        NvsmiQuery query;
        query.option = name;
        query.fields_known = json_bool(q, "fields_known");
        for (const ordered_json& f : json_array(q, "fields"))
            query.fields.push_back({json_string(f, "name"), json_strings(f, "aliases"), json_string(f, "description")});
        c.queries_.push_back(std::move(query));
    }
    for (const ordered_json& s : json_array(*doc, "subcommands")) {
        NvsmiSubcommand sub;
        sub.name = json_string(s, "name");
        sub.options_known = json_bool(s, "options_known");
        auto risk = risk_from_text(json_string(s, "risk", "read-only"));
        if (sub.name.empty() || !risk) return fail("a subcommand has no name or an unknown risk");
        sub.risk = *risk;
        for (const ordered_json& j : json_array(s, "options")) {
            NvsmiOption o;
            if (!parse_option(j, o, err)) return fail("subcommand " + sub.name + ": " + err);
            sub.options.push_back(std::move(o));
        }
        c.subcommands_.push_back(std::move(sub));
    }
    return c;
}

const NvsmiCatalog* NvsmiCatalog::builtin(std::string* error) {
    static std::once_flag once;
    static std::optional<NvsmiCatalog> catalog;
    static std::string load_error;
    std::call_once(once, [] {
        const std::string dir = knowledge_path("nvidia-smi");
        if (dir.empty()) {
            load_error = "no resources folder found (set SIGMA_RESOURCES)";
            return;
        }
        catalog = load(dir + "/nvidia-smi.json", &load_error);
    });
    if (!catalog && error) *error = load_error;
    return catalog ? &*catalog : nullptr;
}

}  // namespace sigma::domain
