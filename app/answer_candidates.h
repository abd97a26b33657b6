// N-best answers from any Backend: one request with n_best (a remote server that honours OpenAI's `n`
// returns every choice at once), else the greedy answer plus K-1 sampled ones with distinct seeds.
// Not a ranker: the tasks check and rank what comes back.
#pragma once

#include <QList>

#include "app/backend.h"

namespace sigma::app {

struct CandidateSet {
    bool ok = false;                 // at least the first answer arrived
    QList<GeneratedAnswer> answers;  // the first is the greedy (or the server's first) answer
    GenerationStats stats;           // the first call's, with tokens and times summed over every call
    BackendError error;              // when !ok
};

// Sampling settings of the extra answers: varied enough to differ, tame enough to stay on topic.
constexpr double kCandidateTemperature = 0.8;
constexpr int kCandidateTopK = 40;

CandidateSet generate_candidates(Backend& backend, const GenerationRequest& request, int k, int timeout_ms);

}  // namespace sigma::app
