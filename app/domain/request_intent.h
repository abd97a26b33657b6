// Request intent: whether a plain-English request asks to look (show, list, which, how many) or to
// change something (set, kill, delete, scale), so the pipeline can hold a generated command to it.
// Not a risk classifier: it reads the request's words; the command's risk comes from risk_classifier.
#pragma once

#include <string>
#include <string_view>

#include "app/domain/risk_classifier.h"

namespace sigma::domain {

enum class RequestIntent { Read, Change, Unknown };
const char* request_intent_text(RequestIntent intent);  // "read" | "change" | "unknown"

struct IntentReading {
    RequestIntent intent = RequestIntent::Unknown;
    std::string cue;  // the word that decided it ("show", "delete"); empty when Unknown
    // The highest risk class the request asked for: ReadOnly for a question, Destructive for a
    // request to delete/kill/reset, ChangesState for other changes (and Unknown requests).
    Risk allowed = Risk::ChangesState;
};

// The first verb-like cue after courtesy words ("please", "hey", "quick one:", "on this node,")
// decides; a question ("which ...", "what ...", "is ...?") reads.
IntentReading read_intent(std::string_view request);

// A warning a person must see when `risk` is above what the request asked for; empty when not.
std::string intent_risk_warning(const IntentReading& intent, Risk risk);

}  // namespace sigma::domain
