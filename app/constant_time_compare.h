// constant_time_equal: compares a secret a client sent (an API key) with the expected one in time
// that depends on the lengths alone, never on where the bytes first differ.
// Not a key store or a hash: it holds nothing and only answers equal or not.
#pragma once

#include <QByteArrayView>

namespace sigma::app {

// True when given and expected hold the same bytes. Every byte of given is compared whatever the
// outcome, and a length difference is folded into the result instead of returning early.
bool constant_time_equal(QByteArrayView given, QByteArrayView expected);

}  // namespace sigma::app
