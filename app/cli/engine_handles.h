// RAII ownership of engine handles and thin C++ wrappers over the C API calls
// the subcommands share. Failures become CommandError with the engine's message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/engine.h"

namespace mosaic::cli {

struct ModelDeleter {
  void operator()(mosaic_model* model) const { mosaic_model_free(model); }
};
struct SessionDeleter {
  void operator()(mosaic_session* session) const { mosaic_session_free(session); }
};
using ModelPtr = std::unique_ptr<mosaic_model, ModelDeleter>;
using SessionPtr = std::unique_ptr<mosaic_session, SessionDeleter>;

enum class LoadProgress { Shown, Hidden };

// Loads a model, with a progress bar on stderr when it is a terminal. A
// missing file is reported by name before the engine is asked.
ModelPtr load_model(const std::string& path, LoadProgress progress = LoadProgress::Shown);

SessionPtr new_session(const mosaic_model* model, const mosaic_session_params& params);

// Throws CommandError("<what>: <status name>: <engine message>") unless ok.
void check(mosaic_status status, std::string_view what);

mosaic_model_info model_info(const mosaic_model* model);

std::vector<mosaic_token> tokenize(const mosaic_model* model, std::string_view text, int flags);

// The bytes of a token (possibly an incomplete UTF-8 sequence).
std::string token_piece(const mosaic_model* model, mosaic_token token);

// Sets `out` to the metadata value as text; false when the key is absent.
bool meta_string(const mosaic_model* model, const char* key, std::string& out);

}  // namespace mosaic::cli
