#include "engine/blocks/embedding.h"

#include "engine/blocks/rows.h"
#include "kernels/cpu/quant.h"

namespace mosaic {

void embed_tokens(kernels::ThreadPool& pool, const Weight& table, std::span<const int32_t> tokens,
                  float* out) {
  const int64_t n_embd = table.ne[0];
  for_each_row(pool, static_cast<int64_t>(tokens.size()), [&](int64_t t) {
    kernels::dequantize_row(table.type, table.data + table.row_bytes() * tokens[t],
                            out + t * n_embd, n_embd);
  });
}

}  // namespace mosaic
