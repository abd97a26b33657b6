// Command candidates ranked: N answers of the model, their deterministic repairs and the catalogue's
// proposals, checked by the validator and scored by validity, intent–risk agreement, the request's
// literals, relevance of the flags' catalogue meanings to the request, agreement with the proposals'
// query fields, votes and the model's log-probability.
// Not a generator: the caller brings the candidates; nothing here runs a model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/command_validator.h"
#include "app/domain/request_intent.h"
#include "app/domain/request_literals.h"

namespace sigma::domain {

struct CommandCandidate {
    std::string command;
    std::string explanation;    // the model's; may be empty
    double logprob = 0.0;       // summed log-probability of the answer; 0 when unknown
    int order = 0;              // generation order (0 = the greedy answer)
    std::string repaired_from;  // the model's command when this one is a repair of it
    bool proposed = false;      // composed from the catalogue (command_proposals.h), not generated
};

struct RerankOptions {
    bool intent = true;     // penalise a risk above the request's intent (and read-only no-ops for changes)
    bool literals = true;   // reward the request's values, penalise invented ones
    bool relevance = true;  // reward flags whose catalogue meanings match the request's words
    bool votes = true;      // reward candidates sampled more than once
    double logprob_weight = 0.15;
};

struct RankedCommand {
    CommandCandidate candidate;
    CommandCheck check;
    double score = 0.0;
    int votes = 1;           // how many sampled answers gave this command (after repair)
    double relevance = 0.0;  // 0..1: request words found in the command and its flags' meanings
    LiteralCoverage literals;
};

// Checks, merges identical commands (votes) and sorts best first. Invalid commands rank after every
// valid one; ties keep generation order.
std::vector<RankedCommand> rerank_commands(std::string_view request, const std::vector<CommandCandidate>& candidates,
                                           const RerankOptions& options = {});

// Deterministic repair of one command: the request's literals copied in, then each validator error
// that carries a suggestion (an unknown field or option) replaced by its nearest valid name, checked
// again after each step; at most a few rounds. Returns the command unchanged when nothing applies.
std::string repair_command(std::string_view request, std::string_view command, bool copy_literals = true);

// Share of the request's content words found in the command's words and in its flags' catalogue
// meanings (field names, -d sections, option summaries): 0..1.
double command_relevance(std::string_view request, std::string_view command);

}  // namespace sigma::domain
