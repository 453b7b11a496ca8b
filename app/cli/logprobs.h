// Log-probabilities of the raw logits (before any sampling filter), as JSON
// lines for `generate --top-logprobs`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mosaic/engine.h"

namespace mosaic::cli {

struct TokenLogprob {
  mosaic_token token;
  double logprob;
};

// log_softmax over one position's logits, with the K most likely tokens.
// NaN logits count as -inf. Reuses its scratch memory across positions.
class LogSoftmax {
 public:
  void compute(std::span<const float> logits, int32_t top_k);
  double logprob(mosaic_token token) const;
  const std::vector<TokenLogprob>& top() const { return top_; }

 private:
  std::span<const float> logits_;
  double log_normalizer_ = 0.0;  // max + log(sum(exp(logit - max)))
  std::vector<int32_t> order_;
  std::vector<TokenLogprob> top_;
};

// {"step":i,"token":id,"piece":"...","logprob":x,"top":[{"token":id,"logprob":x},...]}
std::string step_json_line(int64_t step, mosaic_token token, const std::string& piece,
                           const LogSoftmax& distribution);
// {"pos":i,"top":[...]}
std::string position_json_line(int64_t position, const LogSoftmax& distribution);

}  // namespace mosaic::cli
