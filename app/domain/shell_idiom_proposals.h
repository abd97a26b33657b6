// Shell idiom proposals: the standard command for the everyday operator requests that have one, with
// the request's own file, pattern, count, host, pod and namespace: "lines 415-485 of /var/log/messages"
// -> sed -n '415,485p' /var/log/messages; "how many lines in app.log contain OutOfMemory" ->
// grep -c 'OutOfMemory' app.log; "list the contents of logs.tgz" -> tar -tzf logs.tgz; "remove the
// pod api-7d9 from dev" -> kubectl delete pod api-7d9 -n dev.
// Values are copied only when they are made of path/name characters (never a shell word), and an
// idiom that changes something is proposed only for a request read as a change.
// Not an answer: proposals join the model's candidates and the reranker chooses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

std::vector<std::string> propose_shell_idioms(std::string_view request);

}  // namespace sigma::domain
