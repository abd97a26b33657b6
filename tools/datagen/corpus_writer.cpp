// Dedup, eval-overlap filter, family-level held-out split and JSONL output of the training corpus.
// Output order is generation order, so the same seed gives byte-identical files.
#include "tools/datagen/corpus_writer.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sigma::datagen {

using nlohmann::ordered_json;

CorpusWriter::CorpusWriter(uint64_t seed, double heldout_share) : seed_(seed), heldout_share_(heldout_share) {}

void CorpusWriter::add_eval_prompts(const std::vector<std::string>& prompts) {
    for (const std::string& p : prompts) eval_prompts_.insert(normalise(p));
}

bool CorpusWriter::load_eval_prompts(const std::string& dir, std::vector<std::string>* out, std::string* error) {
    std::error_code ec;
    if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return true;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string& path : files) {
        std::ifstream in(path);
        if (!in) {
            if (error) *error = "cannot read " + path;
            return false;
        }
        std::string line;
        size_t n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (normalise(line).empty()) continue;
            std::string perr;
            auto j = domain::parse_json(line, &perr);
            if (!j || !j->is_object()) {
                if (error) *error = path + ":" + std::to_string(n) + ": " + (j ? "not an object" : perr);
                return false;
            }
            for (const char* key : {"prompt", "log"})
                if (const ordered_json* v = domain::json_find(*j, key); v && v->is_string())
                    out->push_back(v->get<std::string>());
        }
    }
    return true;
}

bool CorpusWriter::is_heldout_family(const std::string& family) const {
    const uint64_t h = hash_text(family + "#" + std::to_string(seed_));
    return static_cast<double>(h % 10000) < heldout_share_ * 10000.0;
}

bool CorpusWriter::add(Example e, GenCounts& counts) {
    if (e.messages.empty()) {
        counts.drop("empty chat");
        return false;
    }
    const std::string req = normalise(e.request);
    if (eval_prompts_.count(req)) {
        counts.drop("equals an eval prompt");
        return false;
    }
    const std::string key = e.task + "\x1f" + req + "\x1f" + normalise(e.messages.back().content);
    if (!seen_.insert(key).second) {
        counts.drop("duplicate");
        return false;
    }
    Record r;
    r.heldout = is_heldout_family(e.family);
    // A request seen in the other split (same words, another template) would leak: drop it.
    auto [it, fresh] = split_of_request_.emplace(e.task + "\x1f" + req, r.heldout);
    if (!fresh && it->second != r.heldout) {
        seen_.erase(key);
        counts.drop("request in both splits");
        return false;
    }
    r.example = std::move(e);
    records_.push_back(std::move(r));
    ++counts.generated;
    return true;
}

std::string CorpusWriter::to_jsonl_line(const Record& r) {
    ordered_json messages = ordered_json::array();
    for (const auto& t : r.example.messages) {
        ordered_json m = ordered_json::object();
        m["role"] = t.role;
        m["content"] = t.content;
        messages.push_back(std::move(m));
    }
    ordered_json o = ordered_json::object();
    o["messages"] = std::move(messages);
    o["task"] = r.example.task;
    o["split"] = r.heldout ? "heldout" : "train";
    o["family"] = r.example.family;
    if (!r.example.risk.empty()) o["risk"] = r.example.risk;
    return domain::dump_json(o);
}

std::string CorpusWriter::corpus_jsonl(bool heldout) const {
    // A seeded shuffle, so any prefix of the file mixes the four tasks: the tokenizer trainer reads
    // only the first megabytes.
    std::vector<size_t> order(records_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    Rng rng(seed_ ^ hash_text("order"));
    for (size_t i = 0; i + 1 < order.size(); ++i) std::swap(order[i], order[i + rng.below(order.size() - i)]);
    std::string out;
    for (size_t i : order) {
        const Record& r = records_[i];
        if (r.heldout != heldout) continue;
        out += to_jsonl_line(r);
        out += '\n';
    }
    return out;
}

std::string CorpusWriter::heldout_suite_jsonl(const std::string& task, const std::string& id_prefix) const {
    std::string out;
    size_t n = 0;
    for (const Record& r : records_) {
        if (!r.heldout || r.example.task != task || !r.example.eval.is_object()) continue;
        char id[32];
        std::snprintf(id, sizeof id, "%s-%05zu", id_prefix.c_str(), ++n);
        ordered_json o = ordered_json::object();
        o["id"] = std::string(id);
        for (const auto& [k, v] : r.example.eval.items()) o[k] = v;
        out += domain::dump_json(o);
        out += '\n';
    }
    return out;
}

}  // namespace sigma::datagen
