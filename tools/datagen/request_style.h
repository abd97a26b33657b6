// How operators really type a request, applied to a template's words: number words, fragments
// without the leading verb, dropped articles, "gpu" in lower case, context around the request
// ("on the box with the new A100s, ..."), and typos. Every literal of the template (paths, names,
// ids, lists, ranges) survives: only words the command does not copy are changed, and a number
// becomes its word only where the product's literal reader maps the word back to the same digits.
// Not a paraphraser: the template's meaning words stay; new intents come from cmd_intents_*.cpp.
#pragma once

#include <string>
#include <string_view>

#include "tools/datagen/datagen_common.h"

namespace sigma::datagen {

struct RequestStyle {
    double number_words = 0.3;   // per standalone number that has an English word
    double fragment = 0.2;       // drop a leading "show"/"list"/"print"/... (and "me")
    double drop_articles = 0.3;  // " the " -> " "
    double lower_gpu = 0.4;      // "GPU" -> "gpu"
    double context = 0.35;       // a context phrase before or after the request
    double typo = 0.12;          // one typo (swap, drop or double a letter) in a long word
};

std::string humanise_request(std::string_view request, Rng& rng, const RequestStyle& style = {});

// The English word for n when the product's literal reader reads it back as n (0-12, 15, 20, 30,
// 40, 50, 60, 100); empty otherwise.
std::string_view number_word(int n);

}  // namespace sigma::datagen
