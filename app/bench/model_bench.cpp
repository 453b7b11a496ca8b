#include "app/bench/model_bench.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>

namespace mosaic::bench {
namespace {

using Clock = std::chrono::steady_clock;

void check(mosaic_status status, const std::string& what) {
  if (status != MOSAIC_OK) {
    throw std::runtime_error(
        fmt::format("{}: {}: {}", what, mosaic_status_name(status), mosaic_last_error()));
  }
}

struct ModelDeleter {
  void operator()(mosaic_model* m) const { mosaic_model_free(m); }
};
struct SessionDeleter {
  void operator()(mosaic_session* s) const { mosaic_session_free(s); }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Random ids over the whole vocabulary: valid input, and no prompt-dependent
// shortcuts (a repeated token would route to the same experts every time).
std::vector<mosaic_token> random_tokens(int32_t n, int32_t n_vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<mosaic_token> tokens(static_cast<size_t>(n));
  for (auto& token : tokens) token = static_cast<mosaic_token>(rng() % uint64_t(n_vocab));
  return tokens;
}

// One feed of all prompt tokens into an empty context; returns tokens/s.
double run_prompt_processing(mosaic_session* session, const std::vector<mosaic_token>& prompt) {
  check(mosaic_session_truncate(session, 0), "truncate");
  const auto start = Clock::now();
  check(mosaic_session_feed(session, prompt.data(), prompt.size(), nullptr, nullptr), "feed");
  return static_cast<double>(prompt.size()) / seconds_since(start);
}

// n greedy decode steps of one token each from an empty context; returns tokens/s.
double run_generation(mosaic_session* session, int32_t n, mosaic_token first) {
  check(mosaic_session_truncate(session, 0), "truncate");
  mosaic_token token = first;
  const auto start = Clock::now();
  for (int32_t i = 0; i < n; ++i) {
    check(mosaic_session_feed(session, &token, 1, nullptr, nullptr), "decode");
    check(mosaic_session_sample(session, &token), "sample");
  }
  return static_cast<double>(n) / seconds_since(start);
}

}  // namespace

double TestResult::mean() const {
  return std::accumulate(tokens_per_s.begin(), tokens_per_s.end(), 0.0) /
         static_cast<double>(tokens_per_s.size());
}

double TestResult::stddev() const {
  if (tokens_per_s.size() < 2) return 0.0;
  const double m = mean();
  double sum_sq = 0.0;
  for (const double x : tokens_per_s) sum_sq += (x - m) * (x - m);
  return std::sqrt(sum_sq / static_cast<double>(tokens_per_s.size() - 1));
}

std::string TestResult::name() const {
  return fmt::format("{}{}", kind == TestKind::PromptProcessing ? "pp" : "tg", n_tokens);
}

ModelResult bench_model(const std::string& path, const BenchOptions& o) {
  mosaic_model_params model_params = mosaic_model_default_params();
  model_params.residency = o.residency();
  mosaic_model* raw_model = nullptr;
  check(mosaic_model_load(path.c_str(), &model_params, &raw_model), "cannot load " + path);
  const std::unique_ptr<mosaic_model, ModelDeleter> model(raw_model);

  ModelResult result{path, {}, {}};
  check(mosaic_model_get_info(model.get(), &result.info), "model info");

  mosaic_session_params session_params = mosaic_session_default_params();
  session_params.n_ctx = std::max(o.n_prompt, o.n_gen) + 1;
  session_params.n_threads = o.threads;
  session_params.n_batch = std::max(o.n_prompt, 1);  // the prompt in one forward pass
  session_params.kv_type = o.kv();
  session_params.logits_mode = MOSAIC_LOGITS_LAST;
  mosaic_session* raw_session = nullptr;
  check(mosaic_session_new(model.get(), &session_params, &raw_session), "cannot open a session");
  const std::unique_ptr<mosaic_session, SessionDeleter> session(raw_session);

  mosaic_sampler_params greedy = mosaic_sampler_default_params();
  greedy.temperature = 0.0f;
  check(mosaic_session_set_sampler(session.get(), &greedy), "sampler");

  const auto tokens = random_tokens(std::max(o.n_prompt, 1), result.info.n_vocab, 1234);
  if (o.n_prompt > 0) {
    TestResult test{TestKind::PromptProcessing, o.n_prompt, {}};
    run_prompt_processing(session.get(), tokens);  // warm-up: page in weights, size buffers
    for (int r = 0; r < o.repetitions; ++r) {
      test.tokens_per_s.push_back(run_prompt_processing(session.get(), tokens));
    }
    result.tests.push_back(test);
  }
  if (o.n_gen > 0) {
    TestResult test{TestKind::Generation, o.n_gen, {}};
    // Warm-up; without the pp run before it, a full one, so that every
    // expert's pages have been touched before timing.
    run_generation(session.get(), o.n_prompt > 0 ? std::min(o.n_gen, 16) : o.n_gen, tokens[0]);
    for (int r = 0; r < o.repetitions; ++r) {
      test.tokens_per_s.push_back(run_generation(session.get(), o.n_gen, tokens[0]));
    }
    result.tests.push_back(test);
  }
  return result;
}

}  // namespace mosaic::bench
