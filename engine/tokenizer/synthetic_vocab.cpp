#include "engine/tokenizer/synthetic_vocab.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/error.h"
#include "engine/tokenizer/byte_unicode.h"
#include "engine/tokenizer/pretokenizer.h"

namespace mosaic::tok {
namespace {

constexpr int32_t kNumSpecial = 5;
constexpr int32_t kNumVisionSpecial = 4;
// Upper bound on learned tokens: keeps training well under a second and
// matches the 2000-4000 merges the tests and benchmarks expect.
constexpr int32_t kMaxLearned = 4000;

uint64_t mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

struct Word {
  std::vector<int32_t> sym;
  int64_t count;
};

// Classic BPE training: repeatedly merge the most frequent adjacent pair over
// the word counts. Counts are updated only for the words that contain the
// chosen pair. New token texts are appended to `texts` (ids 256, 257, ...)
// and each merge to `merges` as "left right"; a merge whose result text
// already exists (made earlier from another split) reuses that token. Stops
// after max_new_tokens new tokens or when every word is a single token.
void train(std::vector<Word>& words, int32_t max_new_tokens, uint64_t seed,
           std::vector<std::string>& texts, std::vector<std::string>& merges) {
  std::unordered_map<uint64_t, int64_t> counts;
  std::unordered_map<std::string, int32_t> text_ids;
  for (size_t i = 0; i < texts.size(); ++i) text_ids[texts[i]] = static_cast<int32_t>(i);
  auto add_pairs = [&](const Word& w, int64_t sign) {
    for (size_t i = 0; i + 1 < w.sym.size(); ++i) {
      int64_t& c = counts[pair_key(w.sym[i], w.sym[i + 1])];
      c += sign * w.count;
    }
  };
  for (const Word& w : words) add_pairs(w, +1);

  int32_t new_tokens = 0;
  while (new_tokens < max_new_tokens) {
    uint64_t best = 0;
    int64_t best_count = 0;
    uint64_t best_tie = 0;
    for (auto it = counts.begin(); it != counts.end();) {
      if (it->second <= 0) {
        it = counts.erase(it);
        continue;
      }
      const uint64_t tie = mix(seed ^ it->first);
      if (it->second > best_count || (it->second == best_count && tie < best_tie)) {
        best = it->first;
        best_count = it->second;
        best_tie = tie;
      }
      ++it;
    }
    if (best_count == 0) break;  // every word is a single token
    const auto a = static_cast<int32_t>(best >> 32);
    const auto b = static_cast<int32_t>(best & 0xFFFFFFFFu);
    const std::string text = texts[a] + texts[b];
    int32_t c;
    if (auto it = text_ids.find(text); it != text_ids.end()) {
      c = it->second;  // the same text was already made from another split
    } else {
      c = static_cast<int32_t>(texts.size());
      texts.push_back(text);
      text_ids.emplace(text, c);
      ++new_tokens;
    }
    merges.push_back(texts[a] + " " + texts[b]);

    for (Word& w : words) {
      bool has = false;
      for (size_t i = 0; i + 1 < w.sym.size() && !has; ++i)
        has = w.sym[i] == a && w.sym[i + 1] == b;
      if (!has) continue;
      add_pairs(w, -1);
      std::vector<int32_t> merged;
      merged.reserve(w.sym.size());
      for (size_t i = 0; i < w.sym.size(); ++i) {
        if (i + 1 < w.sym.size() && w.sym[i] == a && w.sym[i + 1] == b) {
          merged.push_back(c);
          ++i;
        } else {
          merged.push_back(w.sym[i]);
        }
      }
      w.sym.swap(merged);
      add_pairs(w, +1);
    }
  }
}

}  // namespace

Vocab make_synthetic_bpe_vocab(int32_t n_vocab, uint64_t seed, SpecialTokens specials) {
  const int32_t n_special =
      kNumSpecial + (specials == SpecialTokens::ChatAndVision ? kNumVisionSpecial : 0);
  if (n_vocab < 256 + n_special + 1) {
    fail(ErrorCode::InvalidArgument, "synthetic vocabulary: n_vocab " + std::to_string(n_vocab) +
                                         " is below the minimum of " +
                                         std::to_string(256 + n_special + 1));
  }
  Vocab v;
  v.model = "gpt2";
  v.pre = "qwen2";

  // Byte tokens, in the order GPT-2-style vocabularies list them.
  const auto& order = gpt2_byte_order();
  const auto& table = byte_to_unicode();
  int32_t byte_id[256];
  for (int i = 0; i < 256; ++i) {
    v.tokens.push_back(table[order[i]]);
    byte_id[order[i]] = i;
  }

  // Word counts of the training text, pre-tokenized exactly as encode() will.
  PreTokenizer pre(pretokenizer_patterns(v.pre));
  std::vector<std::string_view> pieces;
  pre.split(synthetic_training_text(), pieces);
  std::map<std::string_view, int64_t> word_counts;  // ordered: deterministic
  for (std::string_view p : pieces) ++word_counts[p];
  std::vector<Word> words;
  for (const auto& [text, count] : word_counts) {
    Word w{{}, count};
    for (char ch : text) w.sym.push_back(byte_id[static_cast<unsigned char>(ch)]);
    words.push_back(std::move(w));
  }

  const int32_t room = n_vocab - 256 - n_special;
  train(words, std::min(room, kMaxLearned), seed, v.tokens, v.merges);

  const auto add = [&](const char* text) {
    v.tokens.emplace_back(text);
    return static_cast<int32_t>(v.tokens.size() - 1);
  };
  v.types.assign(v.tokens.size(), TokenType::Normal);
  const int32_t endoftext = add("<|endoftext|>");
  add("<|im_start|>");
  const int32_t im_end = add("<|im_end|>");
  add("<think>");
  add("</think>");
  v.types.insert(v.types.end(), {TokenType::Control, TokenType::Control, TokenType::Control,
                                 TokenType::UserDefined, TokenType::UserDefined});
  if (specials == SpecialTokens::ChatAndVision) {
    for (const char* text :
         {"<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>"}) {
      add(text);
      v.types.push_back(TokenType::Control);
    }
  }
  for (int32_t i = 0; static_cast<int32_t>(v.tokens.size()) < n_vocab; ++i) {
    v.tokens.push_back("<|unused_" + std::to_string(i) + "|>");
    v.types.push_back(TokenType::Unused);
  }

  v.bos = -1;
  v.eos = im_end;
  v.eot = im_end;
  v.pad = endoftext;
  v.add_bos = false;
  v.add_eos = false;
  return v;
}

}  // namespace mosaic::tok
