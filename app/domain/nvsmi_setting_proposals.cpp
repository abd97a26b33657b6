// nvidia-smi setting proposals: each setting has the words that name it; on/off comes from the
// request's own words (enable/disable, on/off) and numbers from its literals, never from defaults.
#include "app/domain/nvsmi_setting_proposals.h"

#include <algorithm>
#include <cctype>

#include "app/domain/nvsmi_view_proposals.h"
#include "app/domain/proposal_words.h"
#include "app/domain/request_intent.h"

namespace sigma::domain {

namespace {

enum class Toggle { None, On, Off };

Toggle toggle_of(const std::vector<std::string>& words) {
    if (has_word(words, {"disable", "disabled", "off", "deactivate", "stop"})) return Toggle::Off;
    if (has_word(words, {"enable", "enabled", "on", "activate"})) return Toggle::On;
    return Toggle::None;
}

std::string with_ids(std::string command, const std::string& ids) {
    if (ids.empty()) return command;
    // "nvidia-smi mig -dci -i 3" keeps its subcommand first; a global option follows the ids.
    if (command.starts_with("nvidia-smi mig ") || command.starts_with("nvidia-smi nvlink "))
        return command + " -i " + ids;
    return "nvidia-smi -i " + ids + command.substr(std::string("nvidia-smi").size());
}

// Numbers of the request that are neither GPU ids nor list positions, in order.
std::vector<Literal> value_numbers(std::string_view request, const std::vector<Literal>& literals) {
    std::vector<Literal> out;
    for (const Literal& l : literals)
        if (l.kind == LiteralKind::Number && !number_names_gpu(request, l.start)) out.push_back(l);
    return out;
}

// The value number written after one of `words` within a few characters ("mem 1215", "graphics 1410").
std::string number_near(const std::vector<Literal>& numbers, const std::string& text,
                        std::initializer_list<std::string_view> words) {
    for (const Literal& l : numbers) {
        const size_t from = l.start >= 16 ? l.start - 16 : 0;
        const std::string before = text.substr(from, l.start - from);
        for (std::string_view w : words) {
            const size_t at = before.rfind(std::string(w) + " ");
            if (at == std::string::npos) continue;
            // Only blanks, "at", "to", "=" or ":" between the word and the number.
            std::string gap = before.substr(at + w.size());
            std::erase_if(gap, [](char c) { return c == ' ' || c == '=' || c == ':'; });
            if (gap.empty() || gap == "at" || gap == "to" || gap == "clock" || gap == "clocks") return l.text;
        }
    }
    return {};
}

bool clock_words(const std::vector<std::string>& words) {
    return has_word(words, {"clock", "clocks", "clk", "freq", "frequency", "mhz"});
}

std::string clock_setting(const std::vector<std::string>& words, const std::string& text,
                          const std::vector<Literal>& numbers) {
    if (!clock_words(words)) return {};
    const bool app = has_word(words, {"application", "applications", "app", "apps"});
    const bool memory = has_word(words, {"memory", "mem"});
    const bool undo = has_word(words, {"unlock", "reset", "restore", "stock", "default", "defaults", "back", "revert"});
    if (app && !numbers.empty() && !undo) {
        std::string mem = number_near(numbers, text, {"mem", "memory"});
        std::string gr = number_near(numbers, text, {"graphics", "gr", "gpu", "sm", "core"});
        if (mem.empty() && gr.empty() && numbers.size() == 2) {
            mem = numbers[0].text;
            gr = numbers[1].text;
        }
        if (mem.empty() || gr.empty() || mem == gr) return {};
        return "nvidia-smi -ac " + mem + "," + gr;
    }
    if (undo) {
        if (app) return "nvidia-smi -rac";
        const bool graphics = has_word(words, {"graphics", "sm"}) || contains_any(text, {"gpu clock", "core clock"});
        return memory && !graphics ? "nvidia-smi -rmc" : "nvidia-smi -rgc";
    }
    if (!has_word(words, {"lock", "pin", "fix", "hold", "locked", "pinned"}) || numbers.empty()) return {};
    const std::string low = numbers[0].text;
    const std::string high = numbers.size() >= 2 ? numbers[1].text : low;
    return std::string(memory ? "nvidia-smi -lmc " : "nvidia-smi -lgc ") + low + "," + high;
}

// MIG profile names ("3g.40gb", "1g.10gb+me") written in the request.
std::string mig_profile(const std::vector<Literal>& literals) {
    for (const Literal& l : literals) {
        const std::string& t = l.text;
        const size_t g = t.find("g.");
        if (g == std::string::npos || g == 0 || !t.ends_with("gb")) continue;
        const bool plain = std::all_of(t.begin(), t.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+';
        });
        if (plain && std::isdigit(static_cast<unsigned char>(t[0]))) return t;
    }
    return {};
}

}  // namespace

std::vector<std::string> propose_nvsmi_settings(std::string_view request) {
    if (read_intent(request).intent != RequestIntent::Change || !speaks_of_gpus(request)) return {};
    const std::string text = lower_text(request);
    const std::vector<std::string> words = plain_words(text);
    const std::vector<Literal> literals = request_literals(request);
    // "instance id 2" names a MIG instance, not a GPU.
    const std::string gi = number_after(literals, text, {"instance", "instance id", "gi"});
    std::string ids = gpu_selection(request, literals);
    if (!gi.empty()) {
        std::string rest;
        for (const std::string& id : plain_words(ids))
            if (id != gi) rest += (rest.empty() ? "" : ",") + id;
        ids = rest;
    }
    const std::vector<Literal> numbers = value_numbers(request, literals);
    const Toggle toggle = toggle_of(words);
    const char* on_off = toggle == Toggle::On ? "1" : "0";
    const bool counters = has_word(words, {"error", "errors", "counter", "counters", "count", "counts"});
    const bool instances = has_word(words, {"instance", "instances", "slice", "slices"});
    std::vector<std::string> out;
    if (has_word(words, {"persistence", "persistenced"}) && toggle != Toggle::None)
        out.push_back(std::string("nvidia-smi -pm ") + on_off);
    if (has_word(words, {"ecc"})) {
        if (counters && has_word(words, {"reset", "clear", "zero", "wipe"}))
            out.push_back(std::string("nvidia-smi -p ") + (has_word(words, {"aggregate", "lifetime"}) ? "1" : "0"));
        else if (toggle != Toggle::None) out.push_back(std::string("nvidia-smi -e ") + on_off);
    }
    if (has_word(words, {"mig"}) && !instances && toggle != Toggle::None)
        out.push_back(std::string("nvidia-smi -mig ") + on_off);
    if (has_word(words, {"accounting"})) {
        if (has_word(words, {"clear", "flush", "wipe"})) out.push_back("nvidia-smi -caa");
        else if (toggle != Toggle::None) out.push_back(std::string("nvidia-smi -am ") + on_off);
    }
    if (contains_any(text, {"compute mode", "exclusive", "prohibited"}) && has_word(words, {"default", "shared"}))
        out.push_back("nvidia-smi -c DEFAULT");
    else if (has_word(words, {"exclusive"}))
        out.push_back(has_word(words, {"thread"}) ? "nvidia-smi -c EXCLUSIVE_THREAD"
                                                  : "nvidia-smi -c EXCLUSIVE_PROCESS");
    else if (has_word(words, {"prohibited", "prohibit"})) out.push_back("nvidia-smi -c PROHIBITED");
    const std::string watts = number_before(literals, text, {"w", "watts", "watt"});
    if (!watts.empty() && has_word(words, {"power", "cap", "limit", "pl", "watts", "w"}))
        out.push_back("nvidia-smi -pl " + watts);
    if (has_word(words, {"target"}) && has_word(words, {"temp", "temperature", "temps"}) && !numbers.empty())
        out.push_back("nvidia-smi -gtt " + numbers.front().text);
    const std::string clocks = clock_setting(words, text, numbers);
    if (!clocks.empty()) out.push_back(clocks);
    if (has_word(words, {"nvlink"}) && counters && has_word(words, {"reset", "clear", "zero"}))
        out.push_back("nvidia-smi nvlink -re");
    if (instances || has_word(words, {"mig"})) {
        const bool destroy = has_word(words, {"destroy", "delete", "remove", "tear", "kill", "drop"});
        if (destroy && contains_any(text, {"compute instance"})) out.push_back("nvidia-smi mig -dci");
        else if (destroy) out.push_back("nvidia-smi mig -dgi" + (gi.empty() ? std::string() : " -gi " + gi));
        const std::string profile = mig_profile(literals);
        if (!profile.empty() && has_word(words, {"create", "carve", "make", "add", "give"}))
            out.push_back("nvidia-smi mig -cgi " + profile + (contains_any(text, {"compute instance"}) ? " -C" : ""));
    }
    // A GPU reset: "reset" naming no counter, clock, mode or instance.
    if (has_word(words, {"reset"}) && !ids.empty() && !counters && !clock_words(words) && !instances &&
        !has_word(words, {"mig", "accounting", "ecc", "nvlink", "persistence", "mode"}))
        out.push_back("nvidia-smi -r");
    std::vector<std::string> with;
    for (const std::string& c : out) with.push_back(with_ids(c, ids));
    return with;
}

}  // namespace sigma::domain
