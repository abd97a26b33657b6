// Explanations from the flag explainer: the same meanings the UI shows per flag, joined into one
// sentence, and a vocabulary check of a model's sentence against them.
#include "app/domain/command_explanation.h"

#include <cctype>
#include <set>

#include "app/domain/bm25.h"
#include "app/domain/flag_explainer.h"
#include "app/domain/nvsmi_catalog.h"

namespace sigma::domain {

namespace {

std::string first_sentence(std::string s) {
    const size_t dot = s.find(". ");
    if (dot != std::string::npos) s = s.substr(0, dot + 1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
    return s;
}

// Words that name nvidia-smi fields and sections: an explanation using one claims that field.
const std::set<std::string>& catalogue_words() {
    static const std::set<std::string> words = [] {
        std::set<std::string> out, common;
        const NvsmiCatalog* cat = NvsmiCatalog::builtin();
        if (!cat) return out;
        for (const NvsmiQuery& q : cat->queries())
            for (const NvsmiField& f : q.fields)
                for (const std::string& w : Bm25Index::tokenize(f.name)) out.insert(w);
        for (const std::string& s : cat->display_sections())
            for (const std::string& w : Bm25Index::tokenize(s)) out.insert(w);
        // Too general to claim anything on their own.
        for (const char* w : {"gpu", "name", "id", "current", "max", "default", "enforced", "total", "mode", "index",
                              "count", "used", "process", "pid", "memory", "time", "timestamp"})
            out.erase(w);
        return out;
    }();
    return words;
}

}  // namespace

std::string compose_explanation(std::string_view command) {
    std::string out;
    std::string program;
    for (const FlagExplanation& f : explain_flags(std::string(command))) {
        if (f.meaning.empty() && f.details.empty()) continue;
        std::string part = f.flag;
        if (!f.value.empty()) part += " " + f.value;
        std::string meaning = first_sentence(f.meaning);
        std::string details;
        for (const FlagDetail& d : f.details) {
            if (d.meaning.empty() || d.meaning == f.value) continue;
            if (!details.empty()) details += "; ";
            details += d.item + ": " + first_sentence(d.meaning);
        }
        if (!meaning.empty()) part += " — " + meaning;
        if (!details.empty()) part += " (" + details + ")";
        if (f.program != program) {
            program = f.program;
            out += out.empty() ? "" : " | ";
            out += program + ": ";
        } else {
            out += "; ";
        }
        out += part;
    }
    return out;
}

bool explanation_matches(std::string_view explanation, std::string_view command) {
    std::set<std::string> have;
    for (const std::string& w : Bm25Index::tokenize(command)) have.insert(w);
    for (const FlagExplanation& f : explain_flags(std::string(command))) {
        for (const std::string& w : Bm25Index::tokenize(f.meaning)) have.insert(w);
        for (const FlagDetail& d : f.details) {
            for (const std::string& w : Bm25Index::tokenize(d.item)) have.insert(w);
            for (const std::string& w : Bm25Index::tokenize(d.meaning)) have.insert(w);
        }
    }
    const auto& vocabulary = catalogue_words();
    for (const std::string& w : Bm25Index::tokenize(explanation)) {
        const bool number = std::isdigit(static_cast<unsigned char>(w[0])) != 0;
        if ((number || vocabulary.count(w)) && !have.count(w)) return false;
    }
    return true;
}

}  // namespace sigma::domain
