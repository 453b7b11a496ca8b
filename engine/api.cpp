// The C boundary of the engine: every exception stops here and becomes a
// status code plus a per-thread message.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "engine/core/cpu_topology.h"
#include "engine/core/log.h"
#include "engine/error.h"
#include "engine/model/model.h"
#include "engine/session.h"
#include "engine/vision/vision_encoder.h"
#include "kernels/cpu/thread_pool.h"
#include "mosaic/engine.h"

struct mosaic_model {
  std::unique_ptr<mosaic::Model> impl;
};

struct mosaic_session {
  std::unique_ptr<mosaic::Session> impl;
};

struct mosaic_mmproj {
  std::unique_ptr<mosaic::vision::VisionEncoder> impl;
};

namespace {

thread_local std::string t_last_error;

mosaic_status to_status(mosaic::ErrorCode code) {
  using mosaic::ErrorCode;
  switch (code) {
    case ErrorCode::InvalidArgument:
      return MOSAIC_ERR_INVALID_ARGUMENT;
    case ErrorCode::Io:
      return MOSAIC_ERR_IO;
    case ErrorCode::Format:
      return MOSAIC_ERR_FORMAT;
    case ErrorCode::Unsupported:
      return MOSAIC_ERR_UNSUPPORTED;
    case ErrorCode::Cancelled:
      return MOSAIC_ERR_CANCELLED;
    case ErrorCode::ContextFull:
      return MOSAIC_ERR_CONTEXT_FULL;
    case ErrorCode::OutOfMemory:
      return MOSAIC_ERR_OUT_OF_MEMORY;
    case ErrorCode::Internal:
      return MOSAIC_ERR_INTERNAL;
  }
  return MOSAIC_ERR_INTERNAL;
}

mosaic_status set_error(mosaic_status status, std::string message) {
  t_last_error = std::move(message);
  return status;
}

// Runs fn, translating every exception.
template <typename Fn>
mosaic_status guarded(Fn&& fn) {
  try {
    t_last_error.clear();
    fn();
    return MOSAIC_OK;
  } catch (const mosaic::Error& e) {
    return set_error(to_status(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return set_error(MOSAIC_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return set_error(MOSAIC_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return set_error(MOSAIC_ERR_INTERNAL, "internal error");
  }
}

mosaic_status invalid(const char* what) { return set_error(MOSAIC_ERR_INVALID_ARGUMENT, what); }

void copy_string(char* dst, size_t cap, const std::string& src) {
  if (cap == 0) return;
  const size_t n = std::min(cap - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

std::function<bool(float)> progress_adapter(mosaic_progress_fn fn, void* user) {
  if (fn == nullptr) return {};
  return [fn, user](float f) { return fn(f, user) == 0; };
}

}  // namespace

extern "C" {

const char* mosaic_last_error(void) { return t_last_error.c_str(); }

const char* mosaic_status_name(mosaic_status status) {
  switch (status) {
    case MOSAIC_OK:
      return "ok";
    case MOSAIC_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case MOSAIC_ERR_IO:
      return "i/o error";
    case MOSAIC_ERR_FORMAT:
      return "malformed model file";
    case MOSAIC_ERR_UNSUPPORTED:
      return "unsupported";
    case MOSAIC_ERR_CANCELLED:
      return "cancelled";
    case MOSAIC_ERR_CONTEXT_FULL:
      return "context full";
    case MOSAIC_ERR_OUT_OF_MEMORY:
      return "out of memory";
    case MOSAIC_ERR_INTERNAL:
      return "internal error";
  }
  return "unknown status";
}

void mosaic_set_log_callback(mosaic_log_fn fn, void* user) { mosaic::set_log_callback(fn, user); }

int32_t mosaic_physical_core_count(void) { return mosaic::physical_core_count(); }

mosaic_model_params mosaic_model_default_params(void) { return mosaic_model_params{}; }

mosaic_status mosaic_model_load(const char* path, const mosaic_model_params* params,
                                mosaic_model** out_model) {
  if (path == nullptr || out_model == nullptr) return invalid("path and out_model are required");
  *out_model = nullptr;
  const mosaic_model_params p = params ? *params : mosaic_model_default_params();
  return guarded([&] {
    auto model = std::make_unique<mosaic_model>();
    model->impl = mosaic::Model::load(path, progress_adapter(p.progress, p.progress_user),
                                      p.residency == MOSAIC_WEIGHTS_HUGE_PAGES
                                          ? mosaic::gguf::Residency::HugePageCopy
                                          : mosaic::gguf::Residency::Mapped);
    *out_model = model.release();
  });
}

void mosaic_model_free(mosaic_model* model) { delete model; }

mosaic_status mosaic_model_get_info(const mosaic_model* model, mosaic_model_info* out) {
  if (model == nullptr || out == nullptr) return invalid("model and out_info are required");
  return guarded([&] {
    const mosaic::Model& m = *model->impl;
    const mosaic::ModelDims& d = m.arch().dims();
    const mosaic::WeightStats s = m.arch().weight_stats();
    *out = mosaic_model_info{};
    copy_string(out->architecture, sizeof(out->architecture), m.architecture_name());
    copy_string(out->name, sizeof(out->name),
                m.file().metadata().get_string("general.name").value_or(""));
    copy_string(out->quantization, sizeof(out->quantization), m.quantization_label());
    out->n_params_total = s.params_total;
    out->n_params_active = s.params_active;
    out->file_bytes = s.bytes_total;
    out->active_bytes_per_token = s.bytes_active;
    out->n_vocab = static_cast<int32_t>(d.n_vocab);
    out->n_ctx_train = static_cast<int32_t>(d.n_ctx_train);
    out->n_embd = static_cast<int32_t>(d.n_embd);
    out->n_layer = static_cast<int32_t>(d.n_layer);
    out->n_head = static_cast<int32_t>(d.n_head);
    out->n_head_kv = static_cast<int32_t>(d.n_head_kv);
    out->n_expert = static_cast<int32_t>(d.n_expert);
    out->n_expert_used = static_cast<int32_t>(d.n_expert_used);
    out->kv_bytes_per_token =
        mosaic::KvCache::bytes_per_token(m.arch().kv_layout(), mosaic::kernels::DType::F16);
    const mosaic::ImageInput image = m.arch().image_input();
    out->image_input = image.accepted ? 1 : 0;
    out->n_deepstack = static_cast<int32_t>(image.n_deepstack);
  });
}

int32_t mosaic_model_meta_count(const mosaic_model* model) {
  return model ? static_cast<int32_t>(model->impl->file().metadata().keys().size()) : 0;
}

mosaic_status mosaic_model_meta_key(const mosaic_model* model, int32_t i, char* buf,
                                    size_t buf_size) {
  if (model == nullptr || buf == nullptr) return invalid("model and buf are required");
  return guarded([&] {
    const std::vector<std::string> keys = model->impl->file().metadata().keys();
    if (i < 0 || static_cast<size_t>(i) >= keys.size()) {
      mosaic::fail(mosaic::ErrorCode::InvalidArgument,
                   fmt::format("metadata key index {} is out of range (0..{})", i,
                               static_cast<int64_t>(keys.size()) - 1));
    }
    copy_string(buf, buf_size, keys[i]);
  });
}

mosaic_status mosaic_model_meta_string(const mosaic_model* model, const char* key, char* buf,
                                       size_t buf_size, size_t* out_len) {
  if (model == nullptr || key == nullptr || buf == nullptr) {
    return invalid("model, key and buf are required");
  }
  return guarded([&] {
    const auto& meta = model->impl->file().metadata();
    if (!meta.contains(key)) {
      mosaic::fail(mosaic::ErrorCode::InvalidArgument,
                   fmt::format("metadata key '{}' is not in the model", key));
    }
    const std::string text = meta.to_display_string(key);
    if (out_len != nullptr) *out_len = text.size();
    copy_string(buf, buf_size, text);
  });
}

mosaic_status mosaic_model_meta_text(const mosaic_model* model, const char* key, char* buf,
                                     size_t buf_size, size_t* out_len) {
  if (model == nullptr || key == nullptr || buf == nullptr) {
    return invalid("model, key and buf are required");
  }
  return guarded([&] {
    const auto text = model->impl->file().metadata().get_string(key);
    if (!text) {
      mosaic::fail(mosaic::ErrorCode::InvalidArgument,
                   fmt::format("metadata key '{}' is not a string in the model", key));
    }
    if (out_len != nullptr) *out_len = text->size();
    copy_string(buf, buf_size, *text);
  });
}

int32_t mosaic_vocab_size(const mosaic_model* model) {
  return model ? model->impl->tokenizer().n_vocab() : 0;
}
mosaic_token mosaic_token_bos(const mosaic_model* model) {
  return model ? model->impl->tokenizer().bos() : -1;
}
mosaic_token mosaic_token_eos(const mosaic_model* model) {
  return model ? model->impl->tokenizer().eos() : -1;
}
int mosaic_token_is_end_of_generation(const mosaic_model* model, mosaic_token token) {
  if (model == nullptr || token < 0 || token >= model->impl->tokenizer().n_vocab()) return 0;
  return model->impl->tokenizer().is_end_of_generation(token) ? 1 : 0;
}

mosaic_status mosaic_tokenize(const mosaic_model* model, const char* text, size_t text_len,
                              int flags, mosaic_token* out_tokens, size_t capacity,
                              size_t* out_count) {
  if (model == nullptr || (text == nullptr && text_len > 0) || out_count == nullptr) {
    return invalid("model, text and out_count are required");
  }
  if (out_tokens == nullptr && capacity > 0) return invalid("out_tokens is NULL");
  mosaic_status status = MOSAIC_OK;
  mosaic_status ran = guarded([&] {
    using mosaic::tok::AddSpecial;
    using mosaic::tok::ParseSpecial;
    const auto ids = model->impl->tokenizer().encode(
        std::string_view(text ? text : "", text_len),
        (flags & MOSAIC_TOKENIZE_ADD_SPECIAL) ? AddSpecial::Yes : AddSpecial::No,
        (flags & MOSAIC_TOKENIZE_PARSE_SPECIAL) ? ParseSpecial::Yes : ParseSpecial::No);
    *out_count = ids.size();
    if (ids.size() > capacity) {
      status =
          set_error(MOSAIC_ERR_INVALID_ARGUMENT,
                    fmt::format("{} tokens do not fit in a buffer of {}", ids.size(), capacity));
      return;
    }
    std::copy(ids.begin(), ids.end(), out_tokens);
  });
  return ran != MOSAIC_OK ? ran : status;
}

mosaic_status mosaic_token_to_piece(const mosaic_model* model, mosaic_token token, char* buf,
                                    size_t buf_size, size_t* out_len) {
  if (model == nullptr || out_len == nullptr || (buf == nullptr && buf_size > 0)) {
    return invalid("model, buf and out_len are required");
  }
  if (token < 0 || token >= model->impl->tokenizer().n_vocab()) {
    return invalid("token id is outside the vocabulary");
  }
  return guarded([&] {
    const std::string piece = model->impl->tokenizer().token_to_piece(token);
    *out_len = piece.size();
    std::memcpy(buf, piece.data(), std::min(buf_size, piece.size()));
  });
}

mosaic_session_params mosaic_session_default_params(void) {
  mosaic_session_params p{};
  p.n_batch = 512;
  p.kv_type = MOSAIC_KV_F16;
  p.logits_mode = MOSAIC_LOGITS_LAST;
  return p;
}

mosaic_status mosaic_session_new(const mosaic_model* model, const mosaic_session_params* params,
                                 mosaic_session** out_session) {
  if (model == nullptr || out_session == nullptr) {
    return invalid("model and out_session are required");
  }
  *out_session = nullptr;
  const mosaic_session_params p = params ? *params : mosaic_session_default_params();
  if (p.n_ctx < 0 || p.n_threads < 0 || p.n_batch < 0) {
    return invalid("n_ctx, n_threads and n_batch must not be negative");
  }
  if (p.kv_type != MOSAIC_KV_F16 && p.kv_type != MOSAIC_KV_F32) return invalid("unknown kv_type");
  return guarded([&] {
    mosaic::SessionOptions options;
    options.n_ctx = p.n_ctx;
    options.n_threads = p.n_threads;
    options.n_batch = p.n_batch;
    options.kv_type =
        p.kv_type == MOSAIC_KV_F32 ? mosaic::kernels::DType::F32 : mosaic::kernels::DType::F16;
    options.logits = p.logits_mode == MOSAIC_LOGITS_ALL ? mosaic::LogitsWanted::AllPositions
                                                        : mosaic::LogitsWanted::LastPosition;
    auto session = std::make_unique<mosaic_session>();
    session->impl = std::make_unique<mosaic::Session>(*model->impl, options);
    *out_session = session.release();
  });
}

void mosaic_session_free(mosaic_session* session) { delete session; }

int32_t mosaic_session_n_past(const mosaic_session* session) {
  return session ? static_cast<int32_t>(session->impl->n_past()) : 0;
}
int32_t mosaic_session_n_ctx(const mosaic_session* session) {
  return session ? static_cast<int32_t>(session->impl->n_ctx()) : 0;
}

mosaic_status mosaic_session_truncate(mosaic_session* session, int32_t n_keep) {
  if (session == nullptr) return invalid("session is required");
  return guarded([&] { session->impl->truncate(n_keep); });
}

mosaic_status mosaic_session_feed(mosaic_session* session, const mosaic_token* tokens,
                                  size_t n_tokens, mosaic_progress_fn progress,
                                  void* progress_user) {
  if (session == nullptr || (tokens == nullptr && n_tokens > 0)) {
    return invalid("session and tokens are required");
  }
  return guarded([&] {
    session->impl->feed({tokens, n_tokens}, progress_adapter(progress, progress_user));
  });
}

const float* mosaic_session_logits(const mosaic_session* session, int32_t i) {
  return session ? session->impl->logits(i) : nullptr;
}

mosaic_sampler_params mosaic_sampler_default_params(void) {
  const mosaic::SamplerParams d;
  mosaic_sampler_params p{};
  p.temperature = d.temperature;
  p.top_k = d.top_k;
  p.top_p = d.top_p;
  p.min_p = d.min_p;
  p.repeat_penalty = d.repeat_penalty;
  p.presence_penalty = d.presence_penalty;
  p.frequency_penalty = d.frequency_penalty;
  p.repeat_last_n = d.repeat_last_n;
  p.seed = d.seed;
  return p;
}

mosaic_status mosaic_session_set_sampler(mosaic_session* session,
                                         const mosaic_sampler_params* params) {
  if (session == nullptr || params == nullptr) return invalid("session and params are required");
  return guarded([&] {
    mosaic::SamplerParams p;
    p.temperature = params->temperature > 0 ? params->temperature : 0.0f;  // <= 0: greedy
    p.top_k = params->top_k;
    // The C API reads "top_p >= 1" and "min_p <= 0" as off; the sampler
    // wants the canonical values.
    p.top_p = params->top_p >= 1.0f ? 1.0f : params->top_p;
    p.min_p = params->min_p <= 0.0f ? 0.0f : params->min_p;
    p.repeat_penalty = params->repeat_penalty;
    p.presence_penalty = params->presence_penalty;
    p.frequency_penalty = params->frequency_penalty;
    p.repeat_last_n = params->repeat_last_n;
    p.seed = params->seed;
    session->impl->set_sampler(p);
  });
}

mosaic_status mosaic_session_sample(mosaic_session* session, mosaic_token* out_token) {
  if (session == nullptr || out_token == nullptr) return invalid("session and out_token required");
  return guarded([&] { *out_token = session->impl->sample(); });
}

mosaic_status mosaic_session_generate(mosaic_session* session, int32_t max_tokens,
                                      mosaic_token_fn on_token, void* user,
                                      mosaic_stop_reason* out_reason) {
  if (session == nullptr) return invalid("session is required");
  if (max_tokens < 0) return invalid("max_tokens must not be negative");
  return guarded([&] {
    const mosaic::StopReason reason =
        session->impl->generate(max_tokens, [&](int32_t token, std::string_view text) {
          return on_token == nullptr || on_token(token, text.data(), text.size(), user) == 0;
        });
    if (out_reason != nullptr) {
      switch (reason) {
        case mosaic::StopReason::EndOfGeneration:
          *out_reason = MOSAIC_STOP_END_OF_GENERATION;
          break;
        case mosaic::StopReason::MaxTokens:
          *out_reason = MOSAIC_STOP_MAX_TOKENS;
          break;
        case mosaic::StopReason::Callback:
          *out_reason = MOSAIC_STOP_CALLBACK;
          break;
        case mosaic::StopReason::ContextFull:
          *out_reason = MOSAIC_STOP_CONTEXT_FULL;
          break;
      }
    }
  });
}

mosaic_status mosaic_session_get_timings(const mosaic_session* session, mosaic_timings* out) {
  if (session == nullptr || out == nullptr) return invalid("session and out are required");
  const mosaic::SessionTimings& t = session->impl->timings();
  out->load_ms = session->impl->model().load_ms();
  out->prompt_ms = t.prompt_ms;
  out->prompt_tokens = t.prompt_tokens;
  out->generate_ms = t.generate_ms;
  out->generated_tokens = t.generated_tokens;
  out->first_token_ms = t.first_token_ms;
  return MOSAIC_OK;
}

void mosaic_session_reset_timings(mosaic_session* session) {
  if (session) session->impl->reset_timings();
}

mosaic_status mosaic_mmproj_load(const char* path, mosaic_mmproj** out_mmproj) {
  if (path == nullptr || out_mmproj == nullptr) return invalid("path and out_mmproj are required");
  *out_mmproj = nullptr;
  return guarded([&] {
    auto mmproj = std::make_unique<mosaic_mmproj>();
    mmproj->impl =
        std::make_unique<mosaic::vision::VisionEncoder>(mosaic::vision::VisionEncoder::open(path));
    *out_mmproj = mmproj.release();
  });
}

void mosaic_mmproj_free(mosaic_mmproj* mmproj) { delete mmproj; }

mosaic_status mosaic_mmproj_get_info(const mosaic_mmproj* mmproj, mosaic_mmproj_info* out_info) {
  if (mmproj == nullptr || out_info == nullptr) return invalid("mmproj and out_info are required");
  return guarded([&] {
    const auto& hp = mmproj->impl->hparams();
    out_info->projection_dim = static_cast<int32_t>(hp.projection_dim);
    out_info->n_deepstack = static_cast<int32_t>(hp.deepstack_layers.size());
    out_info->pixels_per_token = static_cast<int32_t>(hp.pixel_factor());
    out_info->min_pixels = hp.min_pixels;
    out_info->max_pixels = hp.max_pixels;
  });
}

mosaic_status mosaic_image_token_grid(const mosaic_mmproj* mmproj, int32_t width, int32_t height,
                                      int32_t max_tokens, int32_t* out_grid_w,
                                      int32_t* out_grid_h) {
  if (mmproj == nullptr || out_grid_w == nullptr || out_grid_h == nullptr) {
    return invalid("mmproj, out_grid_w and out_grid_h are required");
  }
  if (width < 1 || height < 1) return invalid("the picture must be at least 1x1 pixels");
  if (max_tokens < 0) return invalid("max_tokens must be >= 0");
  return guarded([&] {
    const mosaic::vision::PixelSize size = mmproj->impl->input_size(width, height, max_tokens);
    const int64_t factor = mmproj->impl->hparams().pixel_factor();
    *out_grid_w = static_cast<int32_t>(size.width_px / factor);
    *out_grid_h = static_cast<int32_t>(size.height_px / factor);
  });
}

namespace {

// Copies an encoder result into the C struct (out is zeroed by the caller).
void export_embedding(const mosaic::vision::ImageEmbedding& e, mosaic_image_embedding* out) {
  auto data = std::make_unique<float[]>(e.rows.size());
  std::copy(e.rows.begin(), e.rows.end(), data.get());
  out->n_tokens = static_cast<int32_t>(e.n_tokens);
  out->grid_w = static_cast<int32_t>(e.grid_w);
  out->grid_h = static_cast<int32_t>(e.grid_h);
  out->projection_dim = static_cast<int32_t>(e.projection_dim);
  out->n_deepstack = static_cast<int32_t>(e.n_deepstack);
  out->row_width = static_cast<int32_t>(e.row_width());
  out->data = data.release();
}

// One still image (rgb_second null) or a pair of video frames.
mosaic_status encode_frames(const mosaic_mmproj* mmproj, const uint8_t* rgb_first,
                            const uint8_t* rgb_second, size_t n_bytes, int32_t width,
                            int32_t height, const mosaic_image_params* params,
                            mosaic_image_embedding* out) {
  const mosaic_image_params p = params ? *params : mosaic_image_params{};
  if (p.n_threads < 0) return invalid("n_threads must be >= 0");
  if (p.max_tokens < 0) return invalid("max_tokens must be >= 0");
  return guarded([&] {
    mosaic::kernels::ThreadPool pool(p.n_threads > 0 ? p.n_threads : mosaic::physical_core_count());
    const mosaic::vision::RgbImage first{width, height,
                                         std::span<const uint8_t>(rgb_first, n_bytes)};
    const auto progress = progress_adapter(p.progress, p.progress_user);
    if (rgb_second == nullptr) {
      export_embedding(mmproj->impl->encode(pool, first, progress, p.max_tokens), out);
    } else {
      const mosaic::vision::RgbImage second{width, height,
                                            std::span<const uint8_t>(rgb_second, n_bytes)};
      export_embedding(mmproj->impl->encode_pair(pool, first, second, progress, p.max_tokens), out);
    }
  });
}

}  // namespace

mosaic_status mosaic_image_encode(const mosaic_mmproj* mmproj, const uint8_t* rgb, size_t n_bytes,
                                  int32_t width, int32_t height, const mosaic_image_params* params,
                                  mosaic_image_embedding* out) {
  if (out == nullptr) return invalid("out is required");
  *out = mosaic_image_embedding{};
  if (mmproj == nullptr || rgb == nullptr) return invalid("mmproj and rgb are required");
  return encode_frames(mmproj, rgb, nullptr, n_bytes, width, height, params, out);
}

mosaic_status mosaic_video_frames_encode(const mosaic_mmproj* mmproj, const uint8_t* rgb_first,
                                         const uint8_t* rgb_second, size_t n_bytes, int32_t width,
                                         int32_t height, const mosaic_image_params* params,
                                         mosaic_image_embedding* out) {
  if (out == nullptr) return invalid("out is required");
  *out = mosaic_image_embedding{};
  if (mmproj == nullptr || rgb_first == nullptr || rgb_second == nullptr) {
    return invalid("mmproj and both frames are required");
  }
  return encode_frames(mmproj, rgb_first, rgb_second, n_bytes, width, height, params, out);
}

void mosaic_image_embedding_free(mosaic_image_embedding* embedding) {
  if (embedding == nullptr) return;
  delete[] embedding->data;
  *embedding = mosaic_image_embedding{};
}

}  // extern "C"

namespace {

// Tokenized text and borrowed image rows, in the session's terms. `rows`
// is sized up front so the chunks' pointers into it stay valid.
struct ConvertedChunks {
  std::vector<mosaic::ImageRows> rows;
  std::vector<mosaic::InputChunk> chunks;
};

// Counting needs an image's grid only; feeding needs its rows.
enum class ImageRowsNeeded { Yes, No };

ConvertedChunks convert_chunks(const mosaic::Session& session, const mosaic_chunk* chunks,
                               size_t n_chunks, ImageRowsNeeded rows_needed) {
  ConvertedChunks out;
  out.rows.reserve(n_chunks);
  out.chunks.reserve(n_chunks);
  for (size_t i = 0; i < n_chunks; ++i) {
    const mosaic_chunk& c = chunks[i];
    mosaic::InputChunk chunk;
    if (c.type == MOSAIC_CHUNK_TEXT) {
      if (c.text == nullptr && c.text_len > 0) {
        mosaic::fail(mosaic::ErrorCode::InvalidArgument, fmt::format("chunk {}: text is NULL", i));
      }
      chunk.tokens = session.model().tokenizer().encode(
          std::string_view(c.text ? c.text : "", c.text_len), mosaic::tok::AddSpecial::No,
          mosaic::tok::ParseSpecial::Yes);
    } else if (c.type == MOSAIC_CHUNK_TOKENS) {
      if (c.tokens == nullptr && c.n_tokens > 0) {
        mosaic::fail(mosaic::ErrorCode::InvalidArgument,
                     fmt::format("chunk {}: tokens is NULL", i));
      }
      if (c.n_tokens > 0) chunk.tokens.assign(c.tokens, c.tokens + c.n_tokens);
    } else if (c.type == MOSAIC_CHUNK_IMAGE) {
      const mosaic_image_embedding* e = c.image;
      const bool no_rows =
          e != nullptr && e->data == nullptr && rows_needed == ImageRowsNeeded::Yes;
      if (e == nullptr || no_rows || e->n_tokens <= 0 || e->n_tokens != e->grid_w * e->grid_h) {
        mosaic::fail(mosaic::ErrorCode::InvalidArgument,
                     fmt::format("chunk {}: not an encoded image", i));
      }
      out.rows.push_back({e->data, e->grid_w, e->grid_h, e->row_width});
      chunk.image = &out.rows.back();
    } else {
      mosaic::fail(mosaic::ErrorCode::InvalidArgument,
                   fmt::format("chunk {}: unknown type {}", i, static_cast<int>(c.type)));
    }
    out.chunks.push_back(std::move(chunk));
  }
  return out;
}

}  // namespace

mosaic_status mosaic_session_feed_chunks(mosaic_session* session, const mosaic_chunk* chunks,
                                         size_t n_chunks, mosaic_progress_fn progress,
                                         void* progress_user) {
  if (session == nullptr || (chunks == nullptr && n_chunks > 0)) {
    return invalid("session and chunks are required");
  }
  return guarded([&] {
    const ConvertedChunks converted =
        convert_chunks(*session->impl, chunks, n_chunks, ImageRowsNeeded::Yes);
    session->impl->feed_chunks(converted.chunks, progress_adapter(progress, progress_user));
  });
}

mosaic_status mosaic_session_count_chunks(const mosaic_session* session, const mosaic_chunk* chunks,
                                          size_t n_chunks, size_t* out_slots) {
  if (session == nullptr || out_slots == nullptr || (chunks == nullptr && n_chunks > 0)) {
    return invalid("session, chunks and out_slots are required");
  }
  return guarded([&] {
    const ConvertedChunks converted =
        convert_chunks(*session->impl, chunks, n_chunks, ImageRowsNeeded::No);
    *out_slots = static_cast<size_t>(session->impl->count_chunk_slots(converted.chunks));
  });
}
