// CorpusWriter: collects generated examples, drops duplicates and eval-suite prompts, assigns the
// held-out split by template family, and serialises the training JSONL and the suite-format
// held-out eval files. Not a generator and not a compressor (gzip the output with `gzip -n`).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/datagen/datagen_common.h"

namespace sigma::datagen {

struct Record {
    Example example;
    bool heldout = false;
};

class CorpusWriter {
public:
    // `heldout_share` of the template families (0..1) go to the held-out split, chosen by a hash of
    // the family name and the seed, so a family is all train or all held out.
    CorpusWriter(uint64_t seed, double heldout_share);

    // Requests equal to one of these (after normalise()) are refused.
    void add_eval_prompts(const std::vector<std::string>& prompts);
    // Reads the "prompt" (and "log") fields of every *.jsonl file in `dir`. Returns false with
    // *error naming the file and line when one cannot be read; a missing dir is not an error.
    static bool load_eval_prompts(const std::string& dir, std::vector<std::string>* out, std::string* error);

    // Adds one example; false (and a counted reason) when it duplicates an earlier one or equals an
    // eval prompt.
    bool add(Example e, GenCounts& counts);

    bool is_heldout_family(const std::string& family) const;
    const std::vector<Record>& records() const { return records_; }

    // {"messages": [...], "task", "split"[, "risk"]}
    static std::string to_jsonl_line(const Record& r);
    // The records of one split (held out or not), one JSON object per line. The trainer reads every
    // line it is given, so the training file must hold the train split only.
    std::string corpus_jsonl(bool heldout = false) const;
    // Held-out records of one task ("cmd" | "kql" | "diagnosis") in the eval suite's own format,
    // with ids "<prefix>-NNNNN".
    std::string heldout_suite_jsonl(const std::string& task, const std::string& id_prefix) const;

private:
    uint64_t seed_;
    double heldout_share_;
    std::set<std::string> eval_prompts_;
    std::set<std::string> seen_;
    std::map<std::string, bool> split_of_request_;  // task + request -> held out
    std::vector<Record> records_;
};

}  // namespace sigma::datagen
