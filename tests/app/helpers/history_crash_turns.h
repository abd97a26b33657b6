// The turns history_crash_child writes, as a pure function of their index, so that the test that
// kills the child can check every committed turn is whole.
// Not shared with the product: test data only.
#pragma once

#include <QString>

namespace sigma::test {

inline QString crash_turn_request(int index) { return QStringLiteral("request number %1").arg(index); }

// Several pages long, so that a commit spans many pages and a kill can land inside one.
inline QString crash_turn_output(int index) {
    QString out;
    for (int line = 0; line < 200; ++line)
        out += QStringLiteral("turn %1 line %2: GPU %3 ECC errors corrected\n").arg(index).arg(line).arg(line % 8);
    return out;
}

inline QString crash_turn_json(int index) { return QStringLiteral("{\"index\":%1}").arg(index); }

}  // namespace sigma::test
