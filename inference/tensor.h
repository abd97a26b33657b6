// Forwards to inference/core/tensor.h, where the tensor types live so that kernels/ can share them.
// Not a second definition: include "inference/core/tensor.h" in new code.
#pragma once

#include "inference/core/tensor.h"
