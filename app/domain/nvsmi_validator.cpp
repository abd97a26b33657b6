// NvsmiValidator: one pass over the arguments (subcommand, options, values), then the combination
// rules. Not lenient by guessing: an unknown option is an error with suggestions, never "probably ok".
#include "app/domain/nvsmi_validator.h"

#include <algorithm>
#include <cctype>

namespace sigma::domain {

bool NvsmiCheck::valid() const {
    for (const CheckMessage& m : messages)
        if (m.severity == CheckMessage::Severity::Error) return false;
    return true;
}

namespace {

using Sev = CheckMessage::Severity;

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t b = 0;
    while (true) {
        const size_t e = s.find(',', b);
        out.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
    }
    return out;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

bool all_digits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool is_hex(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// A GPU index, a PCI bus id ([domain:]bus:device.function) or a GPU-/MIG- UUID.
bool is_gpu_id(const std::string& s) {
    if (all_digits(s)) return true;
    if ((s.rfind("GPU-", 0) == 0 || s.rfind("MIG-", 0) == 0) && s.size() > 4) {
        return std::all_of(s.begin() + 4, s.end(),
                           [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-' || c == '/'; });
    }
    const size_t dot = s.rfind('.');
    if (dot == std::string::npos || dot + 2 != s.size() || !is_hex(s.substr(dot + 1))) return false;
    const auto parts = [&] {
        std::vector<std::string> p;
        size_t b = 0;
        const std::string head = s.substr(0, dot);
        while (true) {
            const size_t e = head.find(':', b);
            p.push_back(head.substr(b, e == std::string::npos ? std::string::npos : e - b));
            if (e == std::string::npos) break;
            b = e + 1;
        }
        return p;
    }();
    if (parts.size() < 2 || parts.size() > 3) return false;
    for (const std::string& p : parts)
        if (!is_hex(p) || p.size() > 8) return false;
    return true;
}

class Checker {
public:
    Checker(const NvsmiCatalog& c, const SimpleCommand& cmd, NvsmiCheck& out) : cat_(c), cmd_(cmd), out_(out) {}

    void run() {
        const auto& args = cmd_.args;
        size_t i = 0;
        if (!args.empty() && !args[0].text.empty() && args[0].text[0] != '-') {
            sub_ = cat_.find_subcommand(args[0].text);
            if (!sub_) {
                std::vector<std::string> names;
                for (const auto& s : cat_.subcommands()) names.push_back(s.name);
                add(Sev::Error, "unknown nvidia-smi subcommand '" + args[0].text + "'", suggest(args[0].text, names),
                    args[0]);
                return;
            }
            out_.invocation.subcommand = sub_->name;
            i = 1;
            if (!sub_->options_known) {
                add(Sev::Warning,
                    "the options of 'nvidia-smi " + sub_->name + "' are not in the catalogue; they are not checked", {},
                    args[0]);
                raise(sub_->risk, "nvidia-smi " + sub_->name + ": options not catalogued; class from its description");
                for (size_t k = 1; k < args.size(); ++k) out_.invocation.options.emplace_back(args[k].text, "");
                return;
            }
        }
        const std::vector<NvsmiOption>& opts = sub_ ? sub_->options : cat_.options();
        while (i < args.size()) {
            const ShellWord& w = args[i];
            const std::string& t = w.text;
            if (t.size() < 2 || t[0] != '-') {
                if (!sub_ && cat_.find_subcommand(t))
                    add(Sev::Error, "subcommand '" + t + "' must come first: nvidia-smi " + t + " ...", {}, w);
                else add(Sev::Error, "unexpected argument '" + t + "'", {}, w);
                ++i;
                continue;
            }
            std::string name = t;
            std::string value;
            bool inline_value = false;
            const size_t eq = t.find('=');
            if (t.rfind("--", 0) == 0 && eq != std::string::npos) {
                name = t.substr(0, eq);
                value = t.substr(eq + 1);
                inline_value = true;
            }
            const NvsmiOption* opt = nullptr;
            for (const NvsmiOption& o : opts)
                if (o.long_name == name || (!o.short_name.empty() && o.short_name == name)) opt = &o;
            if (!opt) {
                unknown_option(name, w, opts);
                ++i;
                continue;
            }
            ++i;
            size_t value_offset = inline_value ? eq + 1 : 0;
            const ShellWord* value_word = inline_value ? &w : nullptr;
            if (opt->arg == NvsmiArg::None) {
                if (inline_value) add(Sev::Error, "option " + name + " takes no value", {}, w);
            } else if (opt->arg == NvsmiArg::Optional) {
                if (!inline_value && i < args.size() && !args[i].text.empty() && args[i].text[0] != '-' &&
                    !(sub_ == nullptr && cat_.find_subcommand(args[i].text))) {
                    value = args[i].text;
                    value_word = &args[i];
                    ++i;
                }
                if (value_word && !opt->values.empty()) check_enum(*opt, name, value, *value_word, value_offset);
            } else {
                if (!inline_value) {
                    const bool next_is_option = i < args.size() && args[i].text.size() > 1 && args[i].text[0] == '-' &&
                                                !std::isdigit(static_cast<unsigned char>(args[i].text[1]));
                    if ((i >= args.size() || next_is_option) && opt->value_optional) {
                        record(*opt, "", name);
                        continue;
                    }
                    if (i >= args.size() || next_is_option) {
                        add(Sev::Error, "option " + name + " needs a value (" + describe(*opt) + ")", {}, w);
                        record(*opt, "", name);
                        continue;
                    }
                    value = args[i].text;
                    value_word = &args[i];
                    ++i;
                }
                check_value(*opt, name, value, *value_word, value_offset);
            }
            record(*opt, value, name);
        }
        if (!sub_) combinations();
    }

private:
    void add(Sev sev, std::string text, std::vector<std::string> sugg, const ShellWord& w, size_t off = 0,
             size_t len = 0) {
        CheckMessage m;
        m.severity = sev;
        m.text = std::move(text);
        m.suggestions = std::move(sugg);
        if (!w.quoted && len > 0 && off + len <= w.length) {
            m.start = w.start + off;
            m.length = len;
        } else {
            m.start = w.start;
            m.length = w.length;
        }
        out_.messages.push_back(std::move(m));
    }

    void raise(Risk r, const std::string& reason) {
        out_.risk = max_risk(out_.risk, r);
        out_.reasons.push_back(reason);
    }

    void record(const NvsmiOption& opt, const std::string& value, const std::string& written) {
        out_.invocation.options.emplace_back(opt.long_name, value);
        seen_.push_back(&opt);
        if (opt.risk != Risk::ReadOnly) {
            std::string summary = opt.summary;
            while (!summary.empty() && (summary.back() == '.' || summary.back() == ':')) summary.pop_back();
            const std::string shown = written == opt.long_name ? written : written + " (" + opt.long_name + ")";
            raise(opt.risk, "nvidia-smi " + std::string(sub_ ? sub_->name + " " : "") + shown + ": " + summary +
                                (opt.risk == Risk::Destructive ? " (running work on the GPU is lost)"
                                                               : " (changes device settings)"));
        }
    }

    static std::string describe(const NvsmiOption& o) {
        switch (o.arg) {
            case NvsmiArg::Int: return "an integer";
            case NvsmiArg::Number: return "a number";
            case NvsmiArg::IdList: return "GPU indexes, PCI bus IDs or UUIDs, comma separated";
            case NvsmiArg::IntList: return "integers, comma separated";
            case NvsmiArg::ClockPair: return "a clock in MHz or a min,max pair";
            case NvsmiArg::DisplayList: return "display sections, comma separated";
            case NvsmiArg::FormatList: return "format values such as csv,noheader,nounits";
            case NvsmiArg::FieldList: return "query fields, comma separated";
            case NvsmiArg::File: return "a file name";
            case NvsmiArg::String: return "a value";
            case NvsmiArg::Enum:
            case NvsmiArg::Letters:
            case NvsmiArg::Optional: {
                std::string s = "one of ";
                for (size_t k = 0; k < o.values.size(); ++k) {
                    if (k) s += ", ";
                    s += o.values[k].value;
                    if (!o.values[k].name.empty()) s += "/" + o.values[k].name;
                }
                return s;
            }
            case NvsmiArg::None: break;
        }
        return "no value";
    }

    void unknown_option(const std::string& name, const ShellWord& w, const std::vector<NvsmiOption>& opts) {
        if (!sub_) {
            for (const NvsmiSubcommand& s : cat_.subcommands()) {
                if (s.find_option(name)) {
                    add(Sev::Error,
                        "'" + name + "' is an option of 'nvidia-smi " + s.name + "', not of nvidia-smi itself",
                        {"nvidia-smi " + s.name + " " + name}, w, 0, name.size());
                    return;
                }
            }
        } else if (cat_.find_option(name)) {
            add(Sev::Error,
                "'" + name + "' is not an option of 'nvidia-smi " + sub_->name + "' (it is a top-level option)",
                suggest(name, nvsmi_spellings(opts)), w, 0, name.size());
            return;
        }
        add(Sev::Error,
            "unknown " + std::string(sub_ ? "'nvidia-smi " + sub_->name + "' " : "nvidia-smi ") + "option '" + name +
                "'",
            suggest(name, nvsmi_spellings(opts)), w, 0, name.size());
    }

    bool check_enum(const NvsmiOption& opt, const std::string& name, const std::string& value, const ShellWord& w,
                    size_t off) {
        for (const NvsmiValue& v : opt.values)
            if (iequals(v.value, value) || (!v.name.empty() && iequals(v.name, value))) return true;
        std::vector<std::string> cands;
        for (const NvsmiValue& v : opt.values) {
            cands.push_back(v.value);
            if (!v.name.empty()) cands.push_back(v.name);
        }
        auto sugg = suggest(value, cands);
        add(Sev::Error, "bad value '" + value + "' for " + name + ": expected " + describe(opt), sugg, w, off,
            value.size());
        return false;
    }

    void check_value(const NvsmiOption& opt, const std::string& name, const std::string& value, const ShellWord& w,
                     size_t off) {
        auto bad = [&](const std::string& why) {
            add(Sev::Error, "bad value '" + value + "' for " + name + ": expected " + why, {}, w, off, value.size());
        };
        switch (opt.arg) {
            case NvsmiArg::Int:
                if (!all_digits(value)) bad(describe(opt));
                break;
            case NvsmiArg::Number: {
                const size_t dot = value.find('.');
                const bool ok = dot == std::string::npos
                                    ? all_digits(value)
                                    : all_digits(value.substr(0, dot)) && all_digits(value.substr(dot + 1));
                if (!ok) bad(describe(opt));
                break;
            }
            case NvsmiArg::IdList:
                for (const std::string& p : split_commas(value))
                    if (!is_gpu_id(trim(p))) {
                        bad(describe(opt));
                        break;
                    }
                break;
            case NvsmiArg::IntList:
                for (const std::string& p : split_commas(value))
                    if (!all_digits(trim(p))) {
                        bad(describe(opt));
                        break;
                    }
                break;
            case NvsmiArg::ClockPair: {
                const auto parts = split_commas(value);
                if (parts.size() > 2 ||
                    !std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return all_digits(p); }))
                    bad(describe(opt));
                break;
            }
            case NvsmiArg::Enum: check_enum(opt, name, value, w, off); break;
            case NvsmiArg::Letters: {
                bool ok = !value.empty();
                for (char c : value) {
                    bool in = false;
                    for (const NvsmiValue& v : opt.values) in = in || (v.value.size() == 1 && v.value[0] == c);
                    ok = ok && in;
                }
                if (!ok) bad(describe(opt));
                break;
            }
            case NvsmiArg::String:
            case NvsmiArg::File:
                if (value.empty()) bad(describe(opt));
                break;
            case NvsmiArg::DisplayList:
                list_check(name, value, w, off, cat_.display_sections(), "display section", true);
                break;
            case NvsmiArg::FormatList: {
                std::vector<std::string> allowed;
                for (const NvsmiValue& v : opt.values) allowed.push_back(v.value);
                if (allowed.empty()) allowed = cat_.format_values();
                list_check(name, value, w, off, allowed, "--format value", false);
                break;
            }
            case NvsmiArg::FieldList: field_check(opt, value, w, off); break;
            case NvsmiArg::None:
            case NvsmiArg::Optional: break;
        }
    }

    void list_check(const std::string& name, const std::string& value, const ShellWord& w, size_t off,
                    const std::vector<std::string>& allowed, const char* what, bool ignore_case) {
        size_t pos = 0;
        for (const std::string& raw : split_commas(value)) {
            const std::string item = trim(raw);
            bool ok = false;
            for (const std::string& a : allowed) ok = ok || (ignore_case ? iequals(a, item) : a == item);
            if (!ok) {
                add(Sev::Error,
                    item.empty() ? "empty " + std::string(what) + " in " + name
                                 : "unknown " + std::string(what) + " '" + item + "' in " + name,
                    suggest(item, allowed), w, off + pos, std::max<size_t>(raw.size(), 1));
            }
            pos += raw.size() + 1;
        }
    }

    void field_check(const NvsmiOption& opt, const std::string& value, const ShellWord& w, size_t off) {
        const NvsmiQuery* q = cat_.find_query(opt.long_name);
        if (!q || !q->fields_known) {
            add(Sev::Warning, "the fields of " + opt.long_name + " are not in the catalogue; they are not checked", {},
                w);
            return;
        }
        std::vector<std::string> names;
        for (const NvsmiField& f : q->fields) {
            names.push_back(f.name);
            for (const std::string& a : f.aliases) names.push_back(a);
        }
        size_t pos = 0;
        for (const std::string& raw : split_commas(value)) {
            const std::string field = trim(raw);
            const size_t len = std::max<size_t>(raw.size(), 1);
            if (field.empty()) {
                add(Sev::Error, "empty field in " + opt.long_name, {}, w, off + pos, len);
            } else if (!q->find(field)) {
                std::vector<std::string> owners;
                for (const NvsmiQuery& other : cat_.queries())
                    if (&other != q && other.find(field)) owners.push_back(other.option);
                if (!owners.empty()) {
                    std::string list;
                    for (size_t k = 0; k < owners.size(); ++k) list += (k ? ", " : "") + owners[k];
                    add(Sev::Error, "'" + field + "' is a field of " + list + ", not of " + opt.long_name, owners, w,
                        off + pos, len);
                } else {
                    add(Sev::Error, "unknown " + opt.long_name + " field '" + field + "'", suggest(field, names), w,
                        off + pos, len);
                }
            }
            pos += raw.size() + 1;
        }
    }

    bool has(std::string_view long_name) const {
        for (const NvsmiOption* o : seen_)
            if (o->long_name == long_name) return true;
        return false;
    }

    const ShellWord& word_of(std::string_view long_name) const {
        const NvsmiOption* o = cat_.find_option(long_name);
        for (const ShellWord& w : cmd_.args) {
            const std::string n = w.text.substr(0, w.text.find('='));
            if (o && (n == o->long_name || (!o->short_name.empty() && n == o->short_name))) return w;
        }
        return cmd_.program;
    }

    void combinations() {
        std::vector<std::string> queries;
        for (const NvsmiOption* o : seen_)
            if (o->arg == NvsmiArg::FieldList &&
                std::find(queries.begin(), queries.end(), o->long_name) == queries.end())
                queries.push_back(o->long_name);
        if (queries.size() > 1)
            add(Sev::Error,
                "only one --query-* option is allowed per call (found " + queries[0] + " and " + queries[1] + ")", {},
                word_of(queries[1]));
        if (has("--format") && queries.empty())
            add(Sev::Error, "--format applies only to a --query-* option (e.g. --query-gpu=...)", {},
                word_of("--format"));
        if (!queries.empty() && !has("--format"))
            add(Sev::Error, queries[0] + " needs --format=csv", {queries[0] + "=... --format=csv"},
                word_of(queries[0]));
        if (has("--format")) {
            bool csv = false;
            for (const auto& [n, v] : out_.invocation.options)
                if (n == "--format")
                    for (const std::string& p : split_commas(v)) csv = csv || trim(p) == "csv";
            if (!csv)
                add(Sev::Error, "--format must include csv (e.g. --format=csv,noheader)", {}, word_of("--format"));
        }
        if (has("--query") && !queries.empty())
            add(Sev::Error, "-q/--query cannot be combined with " + queries[0], {}, word_of(queries[0]));
        if (has("--display") && (has("--xml-format") || has("--unit")))
            add(Sev::Error, "-d/--display does not work with -x or -u", {}, word_of("--display"));
        for (const NvsmiOption* o : seen_) {
            if (o->requires_one_of.empty()) continue;
            bool ok = false;
            for (const std::string& r : o->requires_one_of) ok = ok || has(r);
            if (!ok) add(Sev::Error, o->spelling() + " needs " + o->requires_one_of[0], {}, word_of(o->long_name));
        }
        for (size_t a = 0; a < seen_.size(); ++a)
            for (size_t b = a + 1; b < seen_.size(); ++b)
                if (seen_[a] == seen_[b] && seen_[a]->arg != NvsmiArg::FieldList) {
                    add(Sev::Warning, "option " + seen_[a]->spelling() + " is given more than once", {},
                        word_of(seen_[a]->long_name));
                    a = b = seen_.size();
                }
    }

    const NvsmiCatalog& cat_;
    const SimpleCommand& cmd_;
    NvsmiCheck& out_;
    const NvsmiSubcommand* sub_ = nullptr;
    std::vector<const NvsmiOption*> seen_;
};

}  // namespace

NvsmiCheck check_nvsmi(const NvsmiCatalog& catalog, const SimpleCommand& cmd) {
    NvsmiCheck out;
    Checker(catalog, cmd, out).run();
    if (out.reasons.empty())
        out.reasons.push_back(out.invocation.subcommand.empty()
                                  ? "nvidia-smi only reads GPU information"
                                  : "nvidia-smi " + out.invocation.subcommand + " only reads GPU information");
    return out;
}

}  // namespace sigma::domain
