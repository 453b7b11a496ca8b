#pragma once

#include <cstdint>
#include <span>

#include "engine/model/weights.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

// out[t] = row tokens[t] of the embedding table {n_embd, n_vocab}, as floats.
void embed_tokens(kernels::ThreadPool& pool, const Weight& table, std::span<const int32_t> tokens,
                  float* out);

}  // namespace mosaic
