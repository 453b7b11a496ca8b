// Small hand-built vocabularies for known-answer tests.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "engine/tokenizer/byte_unicode.h"
#include "engine/tokenizer/tokenizer.h"

namespace mosaic::tok::testing {

// Ids of the 256 byte tokens in GPT-2 order (worked out from the byte map):
// printable ASCII '!'..'~' are 0..93 (id = byte - 33), 0xA1..0xAC are 94..105,
// 0xAE..0xFF are 106..187, then the remapped bytes 0x00..0x20 are 188..220
// (so '\n' = 198, ' ' = 220), 0x7F..0xA0 are 221..254, and 0xAD is 255.
inline constexpr int kSpace = 220;
inline constexpr int kNewline = 198;
inline constexpr int ascii(char c) { return c - 33; }

// Byte-level BPE vocabulary: 256 byte tokens, then one token per merge
// (ids 256, 257, ... in merge order). Merges are given as raw byte strings.
inline Vocab bpe_vocab(const std::vector<std::pair<std::string, std::string>>& raw_merges,
                       std::string pre = "qwen2") {
  Vocab v;
  v.model = "gpt2";
  v.pre = std::move(pre);
  for (uint8_t b : gpt2_byte_order()) v.tokens.push_back(byte_to_unicode()[b]);
  for (const auto& [l, r] : raw_merges) {
    const std::string ml = bytes_to_unicode_text(l);
    const std::string mr = bytes_to_unicode_text(r);
    v.merges.push_back(ml + " " + mr);
    v.tokens.push_back(ml + mr);
  }
  v.types.assign(v.tokens.size(), TokenType::Normal);
  return v;
}

inline int32_t add_token(Vocab& v, const std::string& text, TokenType type, float score = 0.0f) {
  v.tokens.push_back(text);
  if (!v.types.empty() || type != TokenType::Normal) {
    v.types.resize(v.tokens.size() - 1, TokenType::Normal);
    v.types.push_back(type);
  }
  if (!v.scores.empty()) v.scores.push_back(score);
  return static_cast<int32_t>(v.tokens.size() - 1);
}

// SentencePiece vocabulary: 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>,
// then the given pieces (text, score) from id 259 on.
inline Vocab spm_vocab(const std::vector<std::pair<std::string, float>>& pieces,
                       bool byte_tokens = true) {
  Vocab v;
  v.model = "llama";
  v.tokens = {"<unk>", "<s>", "</s>"};
  v.types = {TokenType::Unknown, TokenType::Control, TokenType::Control};
  v.scores = {0.0f, 0.0f, 0.0f};
  if (byte_tokens) {
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      v.tokens.push_back(name);
      v.types.push_back(TokenType::Byte);
      v.scores.push_back(0.0f);
    }
  }
  for (const auto& [text, score] : pieces) {
    v.tokens.push_back(text);
    v.types.push_back(TokenType::Normal);
    v.scores.push_back(score);
  }
  v.unk = 0;
  v.bos = 1;
  v.eos = 2;
  return v;
}

using Ids = std::vector<int32_t>;

}  // namespace mosaic::tok::testing
