// Fast fp16 -> fp32 for hot loops (KV cache reads, F16 weight rows): a 64K-entry lookup table.
// Not the reference conversion: the table is filled from fp16_to_fp32 in tensor_types.h, so both agree bit for bit.
#pragma once

#include <cstdint>

namespace sigma {

// The table, built once on first use (thread-safe). table[h] == fp16_to_fp32(h).
const float* fp16_table();

// dst[n] = row[n] widened to float, for F32 (copy), F16 and BF16 rows.
void widen_f16_row(float* dst, const uint16_t* src, int64_t n, const float* table);
void widen_bf16_row(float* dst, const uint16_t* src, int64_t n);

}  // namespace sigma
