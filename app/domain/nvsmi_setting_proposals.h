// nvidia-smi setting proposals: for a request that asks to change a GPU setting, the catalogue's option
// for it with the request's values ("cap gpus 4,5,6,7 at 300 watts" -> nvidia-smi -i 4,5,6,7 -pl 300;
// "put gpu 2 in exclusive process mode" -> -c EXCLUSIVE_PROCESS; "unlock the gpu clocks on gpu 0" ->
// -rgc). Numbers, GPU ids, MIG profiles and bus ids come only from the request's literals.
// Not a decision to change anything: proposals join the model's candidates, the reranker chooses, and
// the chosen command is classified and confirmed like any other (a GPU reset stays destructive).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

// Setting commands for a request read as a change; none for a question, a request with no cue, or
// one whose setting or value the request does not name.
std::vector<std::string> propose_nvsmi_settings(std::string_view request);

}  // namespace sigma::domain
