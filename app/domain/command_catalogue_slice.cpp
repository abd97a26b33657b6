// Catalogue slice: every field, section and option becomes one BM25 document (its name split into
// words, its owner's words and its description), ranked against the request.
#include "app/domain/command_catalogue_slice.h"

#include <mutex>

namespace sigma::domain {

namespace {

// "memory.used" -> "memory used"; "--query-compute-apps" -> "query compute apps".
std::string spaced(std::string_view name) {
    std::string out;
    for (char c : name) out.push_back((c == '.' || c == '_' || c == '-' || c == '/' || c == '=') ? ' ' : c);
    return out;
}

// The first sentence of a description, at most ~90 bytes, cut at a word.
std::string short_meaning(std::string_view text) {
    size_t end = text.find(". ");
    if (end == std::string_view::npos) end = text.size();
    std::string s(text.substr(0, std::min<size_t>(end, 90)));
    if (end > 90) {
        const size_t space = s.rfind(' ');
        if (space != std::string::npos && space > 40) s.resize(space);
    }
    while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
    return s;
}

// The words a family of query fields is asked about with ("--query-compute-apps": processes).
std::string family_words(std::string_view option) {
    if (option == "--query-compute-apps") return "processes process apps compute";
    if (option == "--query-accounted-apps") return "accounted processes apps accounting";
    if (option == "--query-retired-pages") return "retired pages";
    if (option == "--query-remapped-rows") return "remapped rows";
    if (option == "--query-supported-clocks") return "supported clocks";
    return spaced(option);
}

}  // namespace

std::string CatalogueEntry::line() const {
    std::string head;
    switch (kind) {
        case Kind::Field: head = owner + "=" + name; break;
        case Kind::Section: head = "-d " + name; break;
        case Kind::NvsmiOption:
        case Kind::ShellOption: head = owner + " " + name; break;
    }
    return meaning.empty() ? head : head + ": " + meaning;
}

std::unique_ptr<CommandCatalogueIndex> CommandCatalogueIndex::build(const ShellCatalog& shell,
                                                                    const NvsmiCatalog& nvsmi) {
    auto idx = std::make_unique<CommandCatalogueIndex>();
    auto add = [&](CatalogueEntry e, const std::string& text) {
        idx->index_.add(std::to_string(idx->entries_.size()), text);
        idx->entries_.push_back(std::move(e));
    };
    for (const NvsmiQuery& q : nvsmi.queries()) {
        const std::string fam = family_words(q.option);
        for (const NvsmiField& f : q.fields) {
            std::string text = spaced(f.name) + " " + f.description + " " + fam + " gpu nvidia";
            for (const std::string& a : f.aliases) text += " " + spaced(a);
            add({CatalogueEntry::Kind::Field, q.option, f.name, short_meaning(f.description), 0}, text);
        }
    }
    for (const std::string& s : nvsmi.display_sections()) {
        const std::string meaning = nvsmi.display_section_meaning(s);
        add({CatalogueEntry::Kind::Section, "-d", s, short_meaning(meaning), 0},
            spaced(s) + " " + meaning + " gpu nvidia");
    }
    auto add_nvsmi_options = [&](const std::vector<NvsmiOption>& opts, const std::string& owner) {
        for (const NvsmiOption& o : opts) {
            if (o.arg == NvsmiArg::FieldList) continue;  // the fields stand for their --query-* option
            const std::string name = o.short_name.empty() ? o.long_name : o.short_name + "/" + o.long_name;
            add({CatalogueEntry::Kind::NvsmiOption, owner, name, short_meaning(o.summary), 0},
                spaced(o.long_name) + " " + o.summary + " " + spaced(owner) + " gpu");
        }
    };
    add_nvsmi_options(nvsmi.options(), "nvidia-smi");
    for (const NvsmiSubcommand& s : nvsmi.subcommands())
        if (s.options_known) add_nvsmi_options(s.options, "nvidia-smi " + s.name);
    for (const ShellSpec& t : shell.tools()) {
        if (t.name == "nvidia-smi") continue;
        for (const ShellOption& o : t.options) {
            if (o.summary.empty()) continue;  // a bare spelling says nothing to match
            std::string name;
            for (const std::string& s : o.spellings) name += (name.empty() ? "" : "/") + s;
            add({CatalogueEntry::Kind::ShellOption, t.name, name, short_meaning(o.summary), 0},
                t.name + " " + spaced(t.name) + " " + o.summary);
        }
    }
    return idx;
}

const CommandCatalogueIndex* CommandCatalogueIndex::builtin() {
    static std::once_flag once;
    static std::unique_ptr<CommandCatalogueIndex> index;
    std::call_once(once, [] {
        const ShellCatalog* shell = ShellCatalog::builtin();
        const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin();
        if (shell && nvsmi) index = build(*shell, *nvsmi);
    });
    return index.get();
}

std::vector<CatalogueEntry> CommandCatalogueIndex::rank(std::string_view request, size_t k) const {
    std::vector<CatalogueEntry> out;
    for (const Bm25Hit& h : index_.search(request, k)) {
        CatalogueEntry e = entries_[std::stoul(h.id)];
        e.score = h.score;
        out.push_back(std::move(e));
    }
    return out;
}

std::string command_catalogue_slice(std::string_view request, const CommandCatalogueIndex& index, size_t max_entries,
                                    size_t max_bytes) {
    std::string out;
    for (const CatalogueEntry& e : index.rank(request, max_entries)) {
        const std::string line = e.line();
        if (out.size() + line.size() + 1 > max_bytes) break;
        out += line + "\n";
    }
    if (!out.empty()) out.pop_back();
    return out;
}

}  // namespace sigma::domain
