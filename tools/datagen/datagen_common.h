// Shared pieces of the training-data generators: a portable seeded RNG, the example record, slot
// filling for phrasing templates, and per-generator counts. Not a writer: corpus_writer.h dedups,
// splits and serialises.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/json_parse.h"
#include "app/domain/task_prompt.h"

namespace sigma::datagen {

// SplitMix64: the same sequence on every compiler and library (std::uniform_int_distribution is not).
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next();
    size_t below(size_t n);     // uniform in [0, n); 0 when n == 0
    int range(int lo, int hi);  // inclusive
    bool chance(double p);
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }
    Rng fork(std::string_view salt);  // an independent stream derived from this one and a label

private:
    uint64_t state_;
};

uint64_t hash_text(std::string_view s);  // FNV-1a 64

// One training example before the split: the chat, the user's request (for dedup and the eval
// overlap check), the template family (the unit the held-out split is drawn by) and, for the
// held-out eval files, a record in the suite's own format.
struct Example {
    std::string task;    // "cmd" | "kql" | "diagnosis" | "explain"
    std::string family;  // e.g. "cmd/nvsmi.temperature/p2"
    std::string request;
    std::vector<domain::ChatTurn> messages;
    std::string risk;             // commands: the validator's class
    nlohmann::ordered_json eval;  // suite-format record (without "id"); null when the example has none
};

struct GenCounts {
    size_t generated = 0;
    size_t dropped = 0;
    std::map<std::string, size_t> drop_reasons;
    void drop(const std::string& why) {
        ++dropped;
        ++drop_reasons[why];
    }
};

// Replaces each {name} in `tmpl` with slots[name]; unknown names are left as written.
std::string fill(std::string_view tmpl, const std::map<std::string, std::string>& slots);
// Lower case, whitespace runs collapsed to one space, trimmed.
std::string normalise(std::string_view s);
// Rarely applied surface noise: one adjacent-letter swap in a word longer than 4 letters.
std::string add_typo(std::string_view s, Rng& rng);
// Capitalises the first letter.
std::string capitalise(std::string_view s);

}  // namespace sigma::datagen
