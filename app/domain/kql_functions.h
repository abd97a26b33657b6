// The catalogue of KQL built-in functions the checker knows: arity, argument kinds, result type and
// how Kusto names an unnamed result column. Not exhaustive: a function missing here is reported as
// unknown, so the list errs toward the functions operators actually write.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/kql_schema.h"

namespace sigma::domain {

struct KqlFunction {
    const char* name;
    int min_args;
    int max_args;        // -1: any number
    bool aggregate;      // only valid in summarize / make-series aggregates (and top-nested)
    char result;         // b i l r m(decimal) s d(datetime) t(timespan) y(dynamic) g(guid); 0/1: the type of
                         // that argument; C: common type of the value arguments; A: avg; U: sum; ?: unknown
    const char* args;    // per argument: a any, b bool, s string or dynamic, w string, d datetime,
                         // t timespan, n number, I integer, T not string/bool/guid, S summable
                         // (number/timespan/datetime), o orderable, y dynamic, B bin value and size;
                         // a trailing '+' repeats the last kind for every further argument
    char naming;         // c: ColumnN, f: the first argument's name, p: prefix_firstarg, x: special
    const char* prefix;  // for p naming: count -> count_, make_list -> list_
};

// nullptr when the name is not a known function (names are case-sensitive, as in Kusto).
const KqlFunction* kql_find_function(std::string_view name);
// Every known function name, for "did you mean" suggestions.
const std::vector<std::string>& kql_function_names();

}  // namespace sigma::domain
