// Loads the example corpus and indexes it. Commands are indexed by request and command text, KQL by
// question and tables, diagnoses by log and summary, so both wording and vocabulary can match.
#include "app/domain/example_corpus.h"

#include <fstream>

#include "app/domain/json_parse.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

using nlohmann::ordered_json;

namespace {

bool fail(std::string* error, const std::string& message) {
    if (error) *error = message;
    return false;
}

// Calls on_item(json, where) for each non-blank line; stops with an error on the first bad one.
template <class F>
bool read_jsonl(const std::string& path, std::string* error, F&& on_item) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(error, "cannot open " + path);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string perr;
        auto j = parse_json(line, &perr);
        const std::string where = path + ":" + std::to_string(n);
        if (!j || !j->is_object()) return fail(error, where + ": " + (j ? "not an object" : perr));
        if (!on_item(*j, where)) return false;
    }
    return true;
}

template <class T>
std::vector<const T*> pick(const Bm25Index& index, const std::vector<T>& items, std::string_view query, size_t k) {
    std::vector<const T*> out;
    for (const Bm25Hit& h : index.search(query, k)) {
        const size_t i = std::stoul(h.id);
        if (i < items.size()) out.push_back(&items[i]);
    }
    return out;
}

}  // namespace

std::optional<ExampleCorpus> ExampleCorpus::load(const std::string& dir, std::string* error) {
    ExampleCorpus c;
    const bool ok =
        read_jsonl(dir + "/cmd.jsonl", error,
                   [&](const ordered_json& j, const std::string& where) {
                       CommandExample e{json_string(j, "request"), json_string(j, "command"),
                                        json_string(j, "explanation"), json_string(j, "risk")};
                       if (e.request.empty() || e.command.empty())
                           return fail(error, where + ": needs request and command");
                       if (e.risk != "read-only" && e.risk != "changes-state" && e.risk != "destructive")
                           return fail(error, where + ": risk must be read-only, changes-state or destructive");
                       c.command_index_.add(std::to_string(c.commands_.size()), e.request + "\n" + e.command);
                       c.commands_.push_back(std::move(e));
                       return true;
                   }) &&
        read_jsonl(dir + "/kql.jsonl", error,
                   [&](const ordered_json& j, const std::string& where) {
                       KqlExample e{json_string(j, "question"), json_string(j, "query"), json_strings(j, "tables")};
                       if (e.question.empty() || e.query.empty())
                           return fail(error, where + ": needs question and query");
                       std::string text = e.question;
                       for (const auto& t : e.tables) text += " " + t;
                       c.kql_index_.add(std::to_string(c.kql_.size()), text);
                       c.kql_.push_back(std::move(e));
                       return true;
                   }) &&
        read_jsonl(dir + "/diagnosis.jsonl", error, [&](const ordered_json& j, const std::string& where) {
            DiagnosisExample e{json_string(j, "log"), json_string(j, "category"), json_string(j, "summary")};
            if (e.log.empty() || e.category.empty()) return fail(error, where + ": needs log and category");
            c.diagnosis_index_.add(std::to_string(c.diagnoses_.size()), e.log + "\n" + e.summary);
            c.diagnoses_.push_back(std::move(e));
            return true;
        });
    if (!ok) return std::nullopt;
    return c;
}

std::optional<ExampleCorpus> ExampleCorpus::load_default(std::string* error) {
    const std::string dir = knowledge_path("examples");
    if (dir.empty()) {
        fail(error, "no resources folder found (set SIGMA_RESOURCES)");
        return std::nullopt;
    }
    return load(dir, error);
}

std::vector<const CommandExample*> ExampleCorpus::similar_commands(std::string_view request, size_t k) const {
    return pick(command_index_, commands_, request, k);
}
std::vector<const KqlExample*> ExampleCorpus::similar_kql(std::string_view question, size_t k) const {
    return pick(kql_index_, kql_, question, k);
}
std::vector<const DiagnosisExample*> ExampleCorpus::similar_diagnoses(std::string_view log, size_t k) const {
    return pick(diagnosis_index_, diagnoses_, log, k);
}

}  // namespace sigma::domain
