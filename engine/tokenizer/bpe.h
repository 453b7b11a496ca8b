// Byte-level BPE ("gpt2" vocabularies): a word's bytes become the tokens of
// their GPT-2 characters, then adjacent pairs are merged lowest merge rank
// first (ties: leftmost first), with a heap over a linked list of symbols:
// O(n log n) per word.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/tokenizer/token_index.h"
#include "engine/tokenizer/tokenizer.h"

namespace mosaic::tok {

class BpeModel {
 public:
  BpeModel() = default;
  // Throws mosaic::Error(Format) for malformed merges or merges naming texts
  // that are not tokens (left, right, or their concatenation).
  BpeModel(const Vocab& vocab, const TokenIndex& index, bool ignore_merges);

  // Appends the tokens of one pre-tokenized word (raw bytes).
  void encode_word(std::string_view word, std::vector<int32_t>& out) const;

  size_t n_merges() const { return merges_.size(); }

 private:
  struct Merge {
    int32_t rank;
    int32_t result;
  };
  static uint64_t key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  const Merge* find_merge(int32_t a, int32_t b) const {
    auto it = merges_.find(key(a, b));
    return it == merges_.end() ? nullptr : &it->second;
  }

  const Vocab* vocab_ = nullptr;
  const TokenIndex* index_ = nullptr;
  bool ignore_merges_ = false;
  int32_t byte_token_[256] = {};  // token of each byte's GPT-2 character, -1 if absent
  std::unordered_map<uint64_t, Merge> merges_;
};

}  // namespace mosaic::tok
