// RAII ownership of engine handles and thin C++ wrappers over the C API calls
// that the CLI, the turn runner and the GUI share. Failures become EngineError
// carrying the engine's own message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/engine.h"

namespace mosaic::app {

class EngineError : public std::runtime_error {
 public:
  EngineError(mosaic_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  mosaic_status status() const { return status_; }

 private:
  mosaic_status status_;
};

struct ModelDeleter {
  void operator()(mosaic_model* model) const { mosaic_model_free(model); }
};
struct SessionDeleter {
  void operator()(mosaic_session* session) const { mosaic_session_free(session); }
};
using ModelPtr = std::unique_ptr<mosaic_model, ModelDeleter>;
using SessionPtr = std::unique_ptr<mosaic_session, SessionDeleter>;

// Receives load progress in [0, 1]; returns false to cancel the load.
using LoadProgressFn = std::function<bool(float)>;

// The engine's C progress callback for a std::function that returns false
// to cancel. `progress` must outlive the call the pair is passed to; an empty
// function gives {nullptr, nullptr} (no reports).
struct EngineProgress {
  mosaic_progress_fn fn = nullptr;
  void* user = nullptr;
};
EngineProgress engine_progress(const std::function<bool(float)>& progress);

// "<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n": one user
// turn in ChatML (Qwen3, Qwen3-VL), ready for the assistant's answer.
std::string chatml_user_turn(std::string_view text);

// Loads a model; a missing file or a directory is reported by name before the
// engine is asked.
ModelPtr load_model(const std::string& path, const LoadProgressFn& progress = {});

SessionPtr new_session(const mosaic_model* model, const mosaic_session_params& params);

// Throws EngineError("<what>: <status name>: <engine message>") unless ok.
void check(mosaic_status status, std::string_view what);

mosaic_model_info model_info(const mosaic_model* model);

std::vector<mosaic_token> tokenize(const mosaic_model* model, std::string_view text, int flags);

// The bytes of a token (possibly an incomplete UTF-8 sequence).
std::string token_piece(const mosaic_model* model, mosaic_token token);

// Sets `out` to the metadata value rendered for display (strings quoted);
// false when the key is absent.
bool meta_string(const mosaic_model* model, const char* key, std::string& out);

// Sets `out` to the exact value of a string key; false when absent or not a string.
bool meta_text(const mosaic_model* model, const char* key, std::string& out);

}  // namespace mosaic::app
