// Seeded RNG, slot filling and text normalisation for the training-data generators.
// Nothing here knows about a job; the generators do.
#include "tools/datagen/datagen_common.h"

#include <cctype>

namespace sigma::datagen {

uint64_t Rng::next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

size_t Rng::below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

int Rng::range(int lo, int hi) {
    return hi <= lo ? lo : lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1)));
}

bool Rng::chance(double p) { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0) < p; }

Rng Rng::fork(std::string_view salt) { return Rng(next() ^ hash_text(salt)); }

uint64_t hash_text(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string fill(std::string_view tmpl, const std::map<std::string, std::string>& slots) {
    std::string out;
    size_t i = 0;
    while (i < tmpl.size()) {
        if (tmpl[i] == '{') {
            const size_t close = tmpl.find('}', i);
            if (close != std::string_view::npos) {
                auto it = slots.find(std::string(tmpl.substr(i + 1, close - i - 1)));
                if (it != slots.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += tmpl[i++];
    }
    return out;
}

std::string normalise(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string add_typo(std::string_view s, Rng& rng) {
    std::string out(s);
    std::vector<size_t> starts;
    size_t i = 0;
    while (i < out.size()) {
        size_t j = i;
        while (j < out.size() && std::isalpha(static_cast<unsigned char>(out[j]))) ++j;
        if (j - i > 4) starts.push_back(i);
        i = j == i ? i + 1 : j;
    }
    if (starts.empty()) return out;
    const size_t w = rng.pick(starts);
    const size_t p = w + 1 + rng.below(3);
    std::swap(out[p], out[p + 1]);
    return out;
}

std::string capitalise(std::string_view s) {
    std::string out(s);
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

}  // namespace sigma::datagen
