#include "app/core/engine_handles.h"

#include <filesystem>

namespace mosaic::app {

void check(mosaic_status status, std::string_view what) {
  if (status == MOSAIC_OK) return;
  std::string message(what);
  message += ": ";
  message += mosaic_status_name(status);
  const char* detail = mosaic_last_error();
  if (detail && *detail) {
    message += ": ";
    message += detail;
  }
  throw EngineError(status, message);
}

EngineProgress engine_progress(const std::function<bool(float)>& progress) {
  if (!progress) return {};
  // The C callback takes a void*; it only calls the function through it.
  return {[](float fraction, void* user) {
            return (*static_cast<const std::function<bool(float)>*>(user))(fraction) ? 0 : 1;
          },
          const_cast<void*>(static_cast<const void*>(&progress))};
}

std::string chatml_user_turn(std::string_view text) {
  std::string prompt = "<|im_start|>user\n";
  prompt += text;
  prompt += "<|im_end|>\n<|im_start|>assistant\n";
  return prompt;
}

ModelPtr load_model(const std::string& path, const LoadProgressFn& progress) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw EngineError(MOSAIC_ERR_IO, "model file not found: " + path);
  }
  if (std::filesystem::is_directory(path, error)) {
    throw EngineError(MOSAIC_ERR_IO, "model path is a directory, not a .gguf file: " + path);
  }
  mosaic_model_params params = mosaic_model_default_params();
  const EngineProgress reports = engine_progress(progress);
  params.progress = reports.fn;
  params.progress_user = reports.user;
  mosaic_model* model = nullptr;
  check(mosaic_model_load(path.c_str(), &params, &model), "cannot load model " + path);
  return ModelPtr(model);
}

SessionPtr new_session(const mosaic_model* model, const mosaic_session_params& params) {
  mosaic_session* session = nullptr;
  check(mosaic_session_new(model, &params, &session), "cannot open a session");
  return SessionPtr(session);
}

mosaic_model_info model_info(const mosaic_model* model) {
  mosaic_model_info info{};
  check(mosaic_model_get_info(model, &info), "cannot read model info");
  return info;
}

std::vector<mosaic_token> tokenize(const mosaic_model* model, std::string_view text, int flags) {
  // A token covers at least one byte, plus room for added BOS/EOS.
  std::vector<mosaic_token> tokens(text.size() + 8);
  size_t count = 0;
  mosaic_status status =
      mosaic_tokenize(model, text.data(), text.size(), flags, tokens.data(), tokens.size(), &count);
  if (status == MOSAIC_ERR_INVALID_ARGUMENT && count > tokens.size()) {
    tokens.resize(count);
    status = mosaic_tokenize(model, text.data(), text.size(), flags, tokens.data(), tokens.size(),
                             &count);
  }
  check(status, "cannot tokenize");
  tokens.resize(count);
  return tokens;
}

std::string token_piece(const mosaic_model* model, mosaic_token token) {
  std::string piece(32, '\0');
  size_t length = 0;
  check(mosaic_token_to_piece(model, token, piece.data(), piece.size(), &length),
        "cannot read the text of token " + std::to_string(token));
  if (length > piece.size()) {
    piece.resize(length);
    check(mosaic_token_to_piece(model, token, piece.data(), piece.size(), &length),
          "cannot read the text of token " + std::to_string(token));
  }
  piece.resize(length);
  return piece;
}

namespace {

using MetaReader = mosaic_status (*)(const mosaic_model*, const char*, char*, size_t, size_t*);

bool read_meta(MetaReader read, const mosaic_model* model, const char* key, std::string& out) {
  std::string buffer(4096, '\0');
  size_t length = 0;
  if (read(model, key, buffer.data(), buffer.size(), &length) != MOSAIC_OK) return false;
  if (length >= buffer.size()) {  // a long chat template: ask again with room for all of it
    buffer.assign(length + 1, '\0');
    if (read(model, key, buffer.data(), buffer.size(), &length) != MOSAIC_OK) return false;
  }
  buffer.resize(length);
  out = std::move(buffer);
  return true;
}

}  // namespace

bool meta_string(const mosaic_model* model, const char* key, std::string& out) {
  return read_meta(&mosaic_model_meta_string, model, key, out);
}

bool meta_text(const mosaic_model* model, const char* key, std::string& out) {
  return read_meta(&mosaic_model_meta_text, model, key, out);
}

}  // namespace mosaic::app
