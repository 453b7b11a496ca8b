// SentencePiece BPE ("llama" vocabularies): start from UTF-8 characters and
// repeatedly merge the adjacent pair whose concatenation is a token with the
// highest score (ties: leftmost first). Characters that end up as no token
// fall back to <0xXX> byte tokens, else to unk.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/token_index.h"
#include "engine/tokenizer/tokenizer.h"

namespace mosaic::tok {

class SpmModel {
 public:
  SpmModel() = default;
  SpmModel(const Vocab& vocab, const TokenIndex& index);

  // `text` is already escaped (spaces replaced by U+2581).
  void encode(std::string_view text, std::vector<int32_t>& out) const;

  int32_t byte_token(uint8_t b) const { return byte_token_[b]; }

 private:
  // Token usable as a merge result / final piece: Normal or UserDefined only,
  // so raw text never turns into a control token like "<s>".
  int32_t find_piece(std::string_view s) const;

  const Vocab* vocab_ = nullptr;
  const TokenIndex* index_ = nullptr;
  int32_t byte_token_[256] = {};
};

}  // namespace mosaic::tok
