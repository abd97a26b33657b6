// Forwards to inference/core/expected.h, where Expected<T> lives so that kernels/ can share it.
// Not a second definition: include "inference/core/expected.h" in new code.
#pragma once

#include "inference/core/expected.h"
