// N-best collection: the first answer is exactly what a single request would give, so K = 1 is the
// old pipeline and every extra candidate only adds choices.
#include "app/answer_candidates.h"

#include <algorithm>

namespace sigma::app {

CandidateSet generate_candidates(Backend& backend, const GenerationRequest& request, int k, int timeout_ms) {
    CandidateSet set;
    k = std::clamp(k, 1, 16);
    GenerationRequest first = request;
    first.n_best = k;
    const BlockingResult r = generate_blocking(backend, first, timeout_ms);
    if (!r.ok) {
        set.error = r.error;
        return set;
    }
    set.ok = true;
    set.stats = r.stats;
    if (r.stats.candidates.size() > 1 || (r.stats.candidates_complete && !r.stats.candidates.isEmpty())) {
        set.answers = r.stats.candidates;
        set.answers.front().text = r.text;  // the streamed text is the first choice, stop strings applied
        return set;
    }
    set.answers.push_back({r.text, 0.0});
    for (int i = 1; i < k; ++i) {
        GenerationRequest more = request;
        more.n_best = 1;
        more.temperature = kCandidateTemperature;
        more.top_k = kCandidateTopK;
        more.seed = request.seed + static_cast<quint64>(i) * 7919u;
        const BlockingResult m = generate_blocking(backend, more, timeout_ms);
        if (!m.ok) break;  // keep what arrived: the first answer alone is still a result
        set.answers.push_back({m.text, 0.0});
        set.stats.completion_tokens += m.stats.completion_tokens;
        set.stats.prompt_ms += m.stats.prompt_ms;
        set.stats.generate_ms += m.stats.generate_ms;
    }
    set.stats.candidates = set.answers;
    return set;
}

}  // namespace sigma::app
