#include "engine/session.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/cpu_topology.h"
#include "engine/core/timer.h"
#include "engine/error.h"

namespace mosaic {
namespace {

int resolve_threads(int requested) { return requested > 0 ? requested : physical_core_count(); }

int64_t resolve_ctx(const Model& model, int64_t requested) {
  if (requested < 0) fail(ErrorCode::InvalidArgument, "n_ctx must not be negative");
  if (requested == 0) return std::min<int64_t>(model.arch().dims().n_ctx_train, 4096);
  return requested;
}

}  // namespace

Session::Session(const Model& model, const SessionOptions& options)
    : model_(model),
      options_(options),
      pool_(resolve_threads(options.n_threads)),
      kv_(model.arch().kv_layout(), resolve_ctx(model, options.n_ctx), options.kv_type),
      sampler_(SamplerParams{}),
      decoder_(model.tokenizer()) {
  if (options_.n_batch <= 0) options_.n_batch = 512;
  options_.n_batch = std::min(options_.n_batch, kv_.n_ctx());
  workspace_ = model.arch().make_workspace(options_.n_batch, kv_.n_ctx(), pool_.size());
  tokens_.reserve(kv_.n_ctx());
}

void Session::truncate(int64_t n_keep) {
  if (n_keep < 0 || n_keep > n_past_) {
    fail(ErrorCode::InvalidArgument,
         fmt::format("cannot keep {} tokens: the context holds {}", n_keep, n_past_));
  }
  n_past_ = n_keep;
  tokens_.resize(n_keep);
  logits_rows_ = 0;
  last_feed_size_ = 0;
  decoder_.reset();
}

void Session::feed(std::span<const int32_t> tokens, const std::function<bool(float)>& progress) {
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n == 0) fail(ErrorCode::InvalidArgument, "no tokens to feed");
  const int64_t n_vocab = model_.arch().dims().n_vocab;
  for (int32_t t : tokens) {
    if (t < 0 || t >= n_vocab) {
      fail(ErrorCode::InvalidArgument,
           fmt::format("token id {} is outside the vocabulary (0..{})", t, n_vocab - 1));
    }
  }
  if (n_past_ + n > kv_.n_ctx()) {
    fail(ErrorCode::ContextFull,
         fmt::format("{} more tokens do not fit: the context holds {} of {} tokens", n, n_past_,
                     kv_.n_ctx()));
  }

  const bool all = options_.logits == LogitsWanted::AllPositions;
  const int64_t n_vocab_rows = all ? n : 1;
  if (static_cast<int64_t>(logits_.size()) < n_vocab_rows * n_vocab) {
    logits_.resize(n_vocab_rows * n_vocab);
  }
  Stopwatch watch;
  const int64_t start = n_past_;
  try {
    ForwardContext ctx{pool_, kv_, *workspace_};
    for (int64_t done = 0; done < n;) {
      const int64_t count = std::min(options_.n_batch, n - done);
      const bool last = done + count == n;
      ForwardBatch batch;
      batch.tokens = tokens.subspan(done, count);
      batch.pos0 = start + done;
      batch.logits_wanted = all ? LogitsWanted::AllPositions
                                : (last ? LogitsWanted::LastPosition : LogitsWanted::None);
      batch.logits = logits_.data() + (all ? done * n_vocab : 0);
      model_.arch().forward(ctx, batch);
      done += count;
      if (progress && !progress(static_cast<float>(done) / n)) {
        fail(ErrorCode::Cancelled, "prompt processing was cancelled");
      }
    }
  } catch (...) {
    // Keys/values written past `start` are simply ignored from now on. In
    // all-positions mode the logits were overwritten, so none are valid.
    n_past_ = start;
    if (all) logits_rows_ = 0;
    throw;
  }
  n_past_ = start + n;
  tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
  logits_rows_ = n_vocab_rows;
  last_feed_size_ = n;
  const double ms = watch.elapsed_ms();
  if (n == 1) {
    timings_.generate_ms += ms;
    timings_.generated_tokens += 1;
  } else {
    timings_.prompt_ms += ms;
    timings_.prompt_tokens += n;
  }
}

const float* Session::logits(int64_t i) const {
  if (logits_rows_ == 0) return nullptr;
  const int64_t n_vocab = model_.arch().dims().n_vocab;
  if (i < 0) i += last_feed_size_;
  if (i < 0 || i >= last_feed_size_) return nullptr;
  if (logits_rows_ == 1) return i == last_feed_size_ - 1 ? logits_.data() : nullptr;
  return logits_.data() + i * n_vocab;
}

void Session::set_sampler(const SamplerParams& params) { sampler_ = Sampler(params); }

int32_t Session::sample() {
  const float* row = logits(-1);
  if (row == nullptr) fail(ErrorCode::InvalidArgument, "nothing to sample from: feed tokens first");
  const int64_t n_vocab = model_.arch().dims().n_vocab;
  return sampler_.sample({row, static_cast<size_t>(n_vocab)}, tokens_);
}

StopReason Session::generate(int64_t max_tokens,
                             const std::function<bool(int32_t, std::string_view)>& on_token) {
  Stopwatch watch;
  bool first = true;
  decoder_.reset();
  auto finish = [&](StopReason reason) {
    const std::string rest = decoder_.flush();
    if (!rest.empty() && on_token) on_token(-1, rest);
    return reason;
  };
  for (int64_t i = 0; i < max_tokens; ++i) {
    const int32_t token = sample();
    if (model_.tokenizer().is_end_of_generation(token)) return finish(StopReason::EndOfGeneration);
    if (n_past_ >= kv_.n_ctx()) return finish(StopReason::ContextFull);
    const std::string text = decoder_.push(token);
    if (first) {
      timings_.first_token_ms = watch.elapsed_ms();
      first = false;
    }
    const bool go_on = !on_token || on_token(token, text);
    const int32_t one[1] = {token};
    feed(one, {});
    if (!go_on) return finish(StopReason::Callback);
  }
  return finish(StopReason::MaxTokens);
}

}  // namespace mosaic
