// The only GGUF-dependent part of the tokenizer: reads the tokenizer.ggml.*
// keys into a Vocab. Defaults for absent keys follow llama.cpp's loader so a
// file means the same thing here as there.
#include "engine/error.h"
#include "engine/gguf/gguf_metadata.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/tokenizer/pretokenizer.h"
#include "engine/tokenizer/tokenizer.h"

namespace mosaic::tok {
namespace {

[[noreturn]] void format_error(const gguf::Metadata& md, const std::string& what) {
  const std::string prefix = md.source().empty() ? "" : md.source() + ": ";
  fail(ErrorCode::Format, prefix + "tokenizer: " + what);
}

// Reads an id key: absent -> fallback; -1 is accepted as "none" (some
// converters write it); anything else must index the vocabulary.
int32_t read_id(const gguf::Metadata& md, const char* key, int32_t fallback, size_t n_tokens) {
  const std::optional<int64_t> v = md.get_int(key);
  if (!v) return fallback < static_cast<int64_t>(n_tokens) ? fallback : -1;
  if (*v == -1) return -1;
  if (*v < 0 || *v >= static_cast<int64_t>(n_tokens)) {
    format_error(md, std::string(key) + " = " + std::to_string(*v) + " is out of range (" +
                         std::to_string(n_tokens) + " tokens)");
  }
  return static_cast<int32_t>(*v);
}

}  // namespace

Vocab vocab_from_gguf(const gguf::Metadata& md) {
  Vocab v;
  const auto model = md.get_string("tokenizer.ggml.model");
  if (!model) format_error(md, "tokenizer.ggml.model is missing");
  v.model = *model;
  const bool spm = v.model == "llama";
  if (!spm && v.model != "gpt2") {
    fail(ErrorCode::Unsupported,
         "tokenizer: unsupported tokenizer model '" + v.model + "' (tokenizer.ggml.model)");
  }
  if (!spm) v.pre = md.get_string("tokenizer.ggml.pre").value_or("default");

  auto tokens = md.get_string_array("tokenizer.ggml.tokens");
  if (!tokens || tokens->empty()) format_error(md, "tokenizer.ggml.tokens is missing or empty");
  v.tokens = std::move(*tokens);
  const size_t n = v.tokens.size();

  if (auto scores = md.get_float_array("tokenizer.ggml.scores")) {
    if (scores->size() != n) {
      format_error(md, "tokenizer.ggml.scores has " + std::to_string(scores->size()) +
                           " entries for " + std::to_string(n) + " tokens");
    }
    v.scores.assign(scores->begin(), scores->end());
  }
  if (auto types = md.get_int_array("tokenizer.ggml.token_type")) {
    if (types->size() != n) {
      format_error(md, "tokenizer.ggml.token_type has " + std::to_string(types->size()) +
                           " entries for " + std::to_string(n) + " tokens");
    }
    v.types.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t t = (*types)[i];
      if (t < 0 || t > 6) {
        format_error(md, "tokenizer.ggml.token_type[" + std::to_string(i) +
                             "] = " + std::to_string(t) + " is not a token type");
      }
      // 0 is "undefined" in the format; treat it as a normal token.
      v.types.push_back(t == 0 ? TokenType::Normal : static_cast<TokenType>(t));
    }
  }
  if (auto merges = md.get_string_array("tokenizer.ggml.merges")) {
    v.merges = std::move(*merges);
  } else if (!spm) {
    format_error(md, "tokenizer.ggml.merges is missing (required for byte-level BPE)");
  }

  // SentencePiece vocabularies conventionally put <unk>, <s>, </s> at 0, 1, 2.
  v.bos = read_id(md, "tokenizer.ggml.bos_token_id", spm ? 1 : -1, n);
  v.eos = read_id(md, "tokenizer.ggml.eos_token_id", spm ? 2 : -1, n);
  v.eot = read_id(md, "tokenizer.ggml.eot_token_id", -1, n);
  v.pad = read_id(md, "tokenizer.ggml.padding_token_id", -1, n);
  v.unk = read_id(md, "tokenizer.ggml.unknown_token_id", spm ? 0 : -1, n);

  // BOS is added by default for SentencePiece and for Llama 3's byte-level BPE.
  const bool default_bos = spm || pretokenizer_ignores_merges(v.pre);
  v.add_bos = md.get_bool("tokenizer.ggml.add_bos_token").value_or(default_bos);
  v.add_eos = md.get_bool("tokenizer.ggml.add_eos_token").value_or(false);
  v.add_space_prefix = md.get_bool("tokenizer.ggml.add_space_prefix").value_or(spm);
  return v;
}

void vocab_to_gguf(const Vocab& v, gguf::GgufWriter& w) {
  w.set_string("tokenizer.ggml.model", v.model);
  if (v.model != "llama") w.set_string("tokenizer.ggml.pre", v.pre.empty() ? "default" : v.pre);
  w.set_string_array("tokenizer.ggml.tokens", v.tokens);
  if (!v.scores.empty()) w.set_f32_array("tokenizer.ggml.scores", v.scores);
  if (!v.types.empty()) {
    std::vector<int32_t> types(v.types.size());
    for (size_t i = 0; i < types.size(); ++i) types[i] = static_cast<int32_t>(v.types[i]);
    w.set_i32_array("tokenizer.ggml.token_type", std::move(types));
  }
  if (!v.merges.empty() || v.model == "gpt2") w.set_string_array("tokenizer.ggml.merges", v.merges);
  const auto set_id = [&](const char* key, int32_t id) {
    if (id >= 0) w.set_u32(key, static_cast<uint32_t>(id));
  };
  set_id("tokenizer.ggml.bos_token_id", v.bos);
  set_id("tokenizer.ggml.eos_token_id", v.eos);
  set_id("tokenizer.ggml.eot_token_id", v.eot);
  set_id("tokenizer.ggml.padding_token_id", v.pad);
  set_id("tokenizer.ggml.unknown_token_id", v.unk);
  w.set_bool("tokenizer.ggml.add_bos_token", v.add_bos);
  w.set_bool("tokenizer.ggml.add_eos_token", v.add_eos);
  if (v.model == "llama") w.set_bool("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
}

}  // namespace mosaic::tok
