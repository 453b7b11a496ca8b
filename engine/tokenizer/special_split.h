// Splits input text at special tokens before any model-specific processing.
// llama.cpp's convention: UserDefined tokens are always matched; Control and
// Unknown ones only when the caller asks to parse special tokens. Longer
// token texts are matched first over the whole text (then shorter ones in
// the remaining raw parts), so "<|im_start|>" wins over a special "<|".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/tokenizer.h"

namespace mosaic::tok {

struct Fragment {
  int32_t token;  // >= 0: a special token; -1: raw text [begin, end)
  size_t begin;
  size_t end;
};

class SpecialSplitter {
 public:
  SpecialSplitter() = default;
  explicit SpecialSplitter(const Vocab& vocab);
  void split(std::string_view text, ParseSpecial parse, std::vector<Fragment>& out) const;

 private:
  struct Special {
    int32_t id;
    std::string_view text;  // points into the Vocab owned by the Tokenizer
    bool always;            // UserDefined: matched even without ParseSpecial
  };
  std::vector<Special> specials_;  // longest text first, then lowest id
};

}  // namespace mosaic::tok
