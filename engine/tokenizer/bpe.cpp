#include "engine/tokenizer/bpe.h"

#include <queue>

#include "engine/error.h"
#include "engine/tokenizer/byte_unicode.h"

namespace mosaic::tok {

BpeModel::BpeModel(const Vocab& vocab, const TokenIndex& index, bool ignore_merges)
    : vocab_(&vocab), index_(&index), ignore_merges_(ignore_merges) {
  const auto& table = byte_to_unicode();
  for (int b = 0; b < 256; ++b) byte_token_[b] = index.find(table[b]);

  merges_.reserve(vocab.merges.size());
  for (size_t r = 0; r < vocab.merges.size(); ++r) {
    const std::string& m = vocab.merges[r];
    // Search from 1 so that a merge whose left part is " " still splits right.
    const size_t sp = m.size() > 1 ? m.find(' ', 1) : std::string::npos;
    if (sp == std::string::npos || sp + 1 >= m.size()) {
      fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.merges[" + std::to_string(r) + "] = '" +
                                  m + "' is not of the form 'left right'");
    }
    const std::string_view left(m.data(), sp);
    const std::string_view right(m.data() + sp + 1, m.size() - sp - 1);
    const int32_t a = index.find(left);
    const int32_t b = index.find(right);
    const int32_t c = index.find(std::string(left) + std::string(right));
    if (a < 0 || b < 0 || c < 0) {
      fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.merges[" + std::to_string(r) + "] = '" +
                                  m + "' refers to a text that is not in tokenizer.ggml.tokens");
    }
    merges_.try_emplace(key(a, b), Merge{static_cast<int32_t>(r), c});  // first rank wins
  }
}

void BpeModel::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    const int32_t whole = index_->find(bytes_to_unicode_text(word));
    if (whole >= 0) {
      const TokenType t = vocab_->types.empty() ? TokenType::Normal : vocab_->types[whole];
      if (t == TokenType::Normal || t == TokenType::Byte) {
        out.push_back(whole);
        return;
      }
    }
  }
  if (word.size() == 1) {
    const int32_t id = byte_token_[static_cast<unsigned char>(word[0])];
    if (id >= 0) {
      out.push_back(id);
    } else if (vocab_->unk >= 0) {
      out.push_back(vocab_->unk);
    }
    return;
  }

  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
  };
  struct Candidate {
    int32_t rank;
    int32_t left;  // symbol index
    int32_t right;
    int32_t left_id;
    int32_t right_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : left > o.left;
    }
  };
  const int32_t n = static_cast<int32_t>(word.size());
  std::vector<Symbol> sym(n);
  for (int32_t i = 0; i < n; ++i) {
    sym[i] = {byte_token_[static_cast<unsigned char>(word[i])], i - 1, i + 1 < n ? i + 1 : -1};
  }
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap;
  auto consider = [&](int32_t l, int32_t r) {
    if (l < 0 || r < 0 || sym[l].id < 0 || sym[r].id < 0) return;
    if (const Merge* m = find_merge(sym[l].id, sym[r].id)) {
      heap.push({m->rank, l, r, sym[l].id, sym[r].id});
    }
  };
  for (int32_t i = 0; i + 1 < n; ++i) consider(i, i + 1);

  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    // Stale when either side has merged since (ids change when a symbol grows)
    // or they are no longer neighbours.
    Symbol& l = sym[c.left];
    if (l.id != c.left_id || l.next != c.right || sym[c.right].id != c.right_id) continue;
    Symbol& r = sym[c.right];
    l.id = find_merge(c.left_id, c.right_id)->result;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = c.left;
    r.id = -2;  // dead
    consider(l.prev, c.left);
    consider(c.left, l.next);
  }

  for (int32_t i = 0; i >= 0; i = sym[i].next) {
    if (sym[i].id >= 0) {
      out.push_back(sym[i].id);
    } else if (vocab_->unk >= 0) {
      out.push_back(vocab_->unk);  // a byte whose character is missing from the vocab
    }
  }
}

}  // namespace mosaic::tok
