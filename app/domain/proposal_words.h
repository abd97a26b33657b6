// Proposal words: how the catalogue proposers (command_proposals.h, nvsmi_view_proposals.h,
// nvsmi_setting_proposals.h) read a request: its plain words, the GPUs it names, a sampling
// interval or count it gives. Values come only from the request's literals, never from free text,
// so no shell word of a request reaches a proposed command.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/request_literals.h"

namespace sigma::domain {

std::string lower_text(std::string_view s);

// Words of a lowered request: letters, digits, '-' and '\'' ("nvidia-smi", "who's", "-q").
std::vector<std::string> plain_words(const std::string& text);

// Whole-word presence ("top" is not "topology").
bool has_word(const std::vector<std::string>& words, std::initializer_list<std::string_view> wanted);
bool contains_any(const std::string& text, std::initializer_list<std::string_view> needles);

// "-l 5" / "-lms 250" for "every 5 s", "every two seconds", "at 250 ms intervals", "every second";
// empty when the request gives no repeat interval.
std::string loop_option(const std::vector<Literal>& literals, const std::string& text);

// The interval in whole seconds a request gives ("every 5s", "5 sec interval", "2 s apart",
// "every second"); empty when none.
std::string interval_seconds(const std::vector<Literal>& literals, const std::string& text);

// The number written just before one of `units` ("12 samples", "sixty samples"); empty when none.
std::string number_before(const std::vector<Literal>& literals, const std::string& text,
                          std::initializer_list<std::string_view> units);

// The number written right after one of `words` ("link 0", "instance 2"); empty when none.
std::string number_after(const std::vector<Literal>& literals, const std::string& text,
                         std::initializer_list<std::string_view> words);

// The -i value: the GPU ids the request names (numbers after gpu/device/card), or one PCI bus id or
// GPU UUID; empty for all GPUs.
std::string gpu_selection(std::string_view request, const std::vector<Literal>& literals);

}  // namespace sigma::domain
