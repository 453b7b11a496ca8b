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
  next_position_.resize(kv_.n_ctx());
  image_input_ = model.arch().image_input();
  if (image_input_.accepted) {
    const tok::Tokenizer& t = model.tokenizer();
    image_begin_ = t.encode(image_input_.begin_text, tok::AddSpecial::No, tok::ParseSpecial::Yes);
    image_end_ = t.encode(image_input_.end_text, tok::AddSpecial::No, tok::ParseSpecial::Yes);
  }
  if (image_input_.grid_positions) batch_positions_.resize(options_.n_batch);
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

void Session::check_token_ids(std::span<const int32_t> tokens) const {
  const int64_t n_vocab = model_.arch().dims().n_vocab;
  for (int32_t t : tokens) {
    if (t < 0 || t >= n_vocab) {
      fail(ErrorCode::InvalidArgument,
           fmt::format("token id {} is outside the vocabulary (0..{})", t, n_vocab - 1));
    }
  }
}

void Session::check_room_for(int64_t n) const {
  if (n_past_ + n > kv_.n_ctx()) {
    fail(ErrorCode::ContextFull,
         fmt::format("{} more tokens do not fit: the context holds {} of {} tokens", n, n_past_,
                     kv_.n_ctx()));
  }
}

void Session::feed(std::span<const int32_t> tokens, const std::function<bool(float)>& progress) {
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n == 0) fail(ErrorCode::InvalidArgument, "no tokens to feed");
  check_token_ids(tokens);
  check_room_for(n);
  Stopwatch watch;
  run_rows(tokens, nullptr,
           [&](int64_t done) { return !progress || progress(static_cast<float>(done) / n); });
  const double ms = watch.elapsed_ms();
  if (n == 1) {
    timings_.generate_ms += ms;
    timings_.generated_tokens += 1;
  } else {
    timings_.prompt_ms += ms;
    timings_.prompt_tokens += n;
  }
}

int64_t Session::count_chunk_slots(std::span<const InputChunk> chunks) const {
  int64_t n = 0;
  for (const InputChunk& c : chunks) {
    n += c.image != nullptr
             ? c.image->n_rows() + static_cast<int64_t>(image_begin_.size() + image_end_.size())
             : static_cast<int64_t>(c.tokens.size());
  }
  return n;
}

void Session::feed_chunks(std::span<const InputChunk> chunks,
                          const std::function<bool(float)>& progress) {
  const int64_t expected_width = model_.arch().dims().n_embd * (1 + image_input_.n_deepstack);
  for (const InputChunk& c : chunks) {
    if (c.image == nullptr) {
      check_token_ids(c.tokens);
      continue;
    }
    if (!image_input_.accepted) {
      fail(ErrorCode::Unsupported, "this model does not take images (it has no vision input)");
    }
    const ImageRows& im = *c.image;
    if (im.data == nullptr || im.grid_w <= 0 || im.grid_h <= 0) {
      fail(ErrorCode::InvalidArgument, "an image chunk has no rows");
    }
    if (im.width != expected_width) {
      fail(ErrorCode::InvalidArgument,
           fmt::format("image rows are {} floats wide but this model takes {} (embedding {} "
                       "with {} DeepStack slices): the mmproj file does not belong to this model",
                       im.width, expected_width, model_.arch().dims().n_embd,
                       image_input_.n_deepstack));
    }
  }
  const int64_t total = count_chunk_slots(chunks);
  if (total == 0) fail(ErrorCode::InvalidArgument, "no input to feed");
  check_room_for(total);

  Stopwatch watch;
  const int64_t start = n_past_;
  int64_t done_before = 0;
  auto report = [&](int64_t done) {
    return !progress || progress(static_cast<float>(done_before + done) / total);
  };
  try {
    for (const InputChunk& c : chunks) {
      if (c.image == nullptr) {
        if (c.tokens.empty()) continue;
        run_rows(c.tokens, nullptr, report);
        done_before += static_cast<int64_t>(c.tokens.size());
        continue;
      }
      if (!image_begin_.empty()) run_rows(image_begin_, nullptr, report);
      done_before += static_cast<int64_t>(image_begin_.size());
      run_rows({}, c.image, report);
      done_before += c.image->n_rows();
      if (!image_end_.empty()) run_rows(image_end_, nullptr, report);
      done_before += static_cast<int64_t>(image_end_.size());
    }
  } catch (...) {
    truncate(start);
    throw;
  }
  timings_.prompt_ms += watch.elapsed_ms();
  timings_.prompt_tokens += total;
}

RopePosition Session::position_of_row(const ImageRows* image, int64_t row,
                                      int64_t first_position) const {
  if (image == nullptr) return RopePosition::text(first_position + row);
  // Images: time stays at the image's first position, row and column count
  // from it over the merged grid.
  const auto p = static_cast<int32_t>(first_position);
  return {p, p + static_cast<int32_t>(row / image->grid_w),
          p + static_cast<int32_t>(row % image->grid_w)};
}

void Session::run_rows(std::span<const int32_t> tokens, const ImageRows* image,
                       const std::function<bool(int64_t)>& progress) {
  const int64_t n = image != nullptr ? image->n_rows() : static_cast<int64_t>(tokens.size());
  const int64_t n_vocab = model_.arch().dims().n_vocab;
  const bool all = options_.logits == LogitsWanted::AllPositions;
  const int64_t n_vocab_rows = all ? n : 1;
  if (static_cast<int64_t>(logits_.size()) < n_vocab_rows * n_vocab) {
    logits_.resize(n_vocab_rows * n_vocab);
  }
  const int64_t start = n_past_;
  const int64_t first_position = next_position();
  try {
    ForwardContext ctx{pool_, kv_, *workspace_};
    for (int64_t done = 0; done < n;) {
      const int64_t count = std::min(options_.n_batch, n - done);
      const bool last = done + count == n;
      ForwardBatch batch;
      if (image != nullptr) {
        batch.embeddings = image->data + done * image->width;
        batch.n_embedding_rows = count;
        batch.embedding_width = image->width;
      } else {
        batch.tokens = tokens.subspan(done, count);
      }
      batch.pos0 = start + done;
      if (image_input_.grid_positions) {
        for (int64_t i = 0; i < count; ++i) {
          batch_positions_[i] = position_of_row(image, done + i, first_position);
        }
        batch.positions = std::span<const RopePosition>(batch_positions_.data(), count);
      }
      batch.logits_wanted = all ? LogitsWanted::AllPositions
                                : (last ? LogitsWanted::LastPosition : LogitsWanted::None);
      batch.logits = logits_.data() + (all ? done * n_vocab : 0);
      model_.arch().forward(ctx, batch);
      done += count;
      if (progress && !progress(done)) {
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
  // Positions: text advances one per token; an image's rows all lie within
  // max(grid_w, grid_h) of its first position (the grid scheme) or advance
  // like tokens (without it).
  int32_t next = static_cast<int32_t>(first_position);
  for (int64_t i = 0; i < n; ++i) {
    const RopePosition p = image_input_.grid_positions ? position_of_row(image, i, first_position)
                                                       : RopePosition::text(first_position + i);
    next = std::max({next, p.t + 1, p.y + 1, p.x + 1});
    next_position_[start + i] = next;
  }
  n_past_ = start + n;
  if (image != nullptr) {
    tokens_.insert(tokens_.end(), static_cast<size_t>(n), int32_t{-1});
  } else {
    tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
  }
  logits_rows_ = n_vocab_rows;
  last_feed_size_ = n;
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
