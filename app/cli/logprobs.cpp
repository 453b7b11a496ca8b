#include "app/cli/logprobs.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace mosaic::cli {
namespace {

float clean(float logit) { return std::isnan(logit) ? -INFINITY : logit; }

nlohmann::ordered_json top_json(const LogSoftmax& distribution) {
  nlohmann::ordered_json top = nlohmann::ordered_json::array();
  for (const auto& entry : distribution.top()) {
    top.push_back({{"token", entry.token}, {"logprob", entry.logprob}});
  }
  return top;
}

// Token pieces may hold half a UTF-8 character: replace, do not throw.
std::string dump(const nlohmann::ordered_json& line) {
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

void LogSoftmax::compute(std::span<const float> logits, int32_t top_k) {
  logits_ = logits;
  float max_logit = -INFINITY;
  for (const float x : logits) max_logit = std::max(max_logit, clean(x));
  double sum = 0.0;
  for (const float x : logits) sum += std::exp(static_cast<double>(clean(x)) - max_logit);
  log_normalizer_ = max_logit + std::log(sum);

  const size_t k = std::min(static_cast<size_t>(std::max(top_k, 0)), logits.size());
  order_.resize(logits.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int32_t>(i);
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(k), order_.end(),
                    [&](int32_t a, int32_t b) {
                      const float la = clean(logits[a]), lb = clean(logits[b]);
                      return la != lb ? la > lb : a < b;
                    });
  top_.clear();
  for (size_t i = 0; i < k; ++i) top_.push_back({order_[i], logprob(order_[i])});
}

double LogSoftmax::logprob(mosaic_token token) const {
  return static_cast<double>(clean(logits_[static_cast<size_t>(token)])) - log_normalizer_;
}

std::string step_json_line(int64_t step, mosaic_token token, const std::string& piece,
                           const LogSoftmax& distribution) {
  nlohmann::ordered_json line;
  line["step"] = step;
  line["token"] = token;
  line["piece"] = piece;
  line["logprob"] = distribution.logprob(token);
  line["top"] = top_json(distribution);
  return dump(line);
}

std::string position_json_line(int64_t position, const LogSoftmax& distribution) {
  nlohmann::ordered_json line;
  line["pos"] = position;
  line["top"] = top_json(distribution);
  return dump(line);
}

}  // namespace mosaic::cli
