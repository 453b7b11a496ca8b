#include "engine/tokenizer/spm.h"

#include <cstdio>
#include <queue>

#include "engine/tokenizer/utf8.h"

namespace mosaic::tok {

SpmModel::SpmModel(const Vocab& vocab, const TokenIndex& index) : vocab_(&vocab), index_(&index) {
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    byte_token_[b] = index.find(name);
  }
}

int32_t SpmModel::find_piece(std::string_view s) const {
  const int32_t id = index_->find(s);
  if (id < 0) return -1;
  if (vocab_->types.empty()) return id;
  const TokenType t = vocab_->types[id];
  return (t == TokenType::Normal || t == TokenType::UserDefined) ? id : -1;
}

void SpmModel::encode(std::string_view text, std::vector<int32_t>& out) const {
  struct Symbol {
    size_t begin;
    size_t len;  // 0: merged away
    int32_t prev;
    int32_t next;
  };
  struct Candidate {
    float score;
    int32_t left;
    int32_t right;
    size_t len;                                 // of the merged text, to detect stale entries
    bool operator<(const Candidate& o) const {  // max-heap: best score, then leftmost
      return score != o.score ? score < o.score : left > o.left;
    }
  };

  std::vector<Symbol> sym;
  for (size_t i = 0; i < text.size();) {
    // Invalid UTF-8 bytes are characters of their own (they will fall back
    // to byte tokens) so they never swallow the valid text after them.
    uint32_t cp = 0;
    size_t n = decode_utf8(text, i, cp);
    if (n == 0) n = 1;
    const auto idx = static_cast<int32_t>(sym.size());
    sym.push_back({i, n, idx - 1, i + n < text.size() ? idx + 1 : -1});
    i += n;
  }
  if (sym.empty()) return;

  std::priority_queue<Candidate> heap;
  auto consider = [&](int32_t l, int32_t r) {
    if (l < 0 || r < 0) return;
    const size_t len = sym[l].len + sym[r].len;
    const int32_t id = find_piece(text.substr(sym[l].begin, len));
    if (id < 0) return;
    const float score = vocab_->scores.empty() ? 0.0f : vocab_->scores[id];
    heap.push({score, l, r, len});
  };
  for (int32_t i = 0; i + 1 < static_cast<int32_t>(sym.size()); ++i) consider(i, i + 1);

  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    Symbol& l = sym[c.left];
    Symbol& r = sym[c.right];
    if (l.len == 0 || r.len == 0 || l.next != c.right || l.len + r.len != c.len) continue;
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = c.left;
    consider(l.prev, c.left);
    consider(c.left, l.next);
  }

  for (int32_t i = 0; i >= 0; i = sym[i].next) {
    const std::string_view piece = text.substr(sym[i].begin, sym[i].len);
    const int32_t id = find_piece(piece);
    if (id >= 0) {
      out.push_back(id);
      continue;
    }
    for (char ch : piece) {  // byte fallback
      const int32_t bt = byte_token_[static_cast<unsigned char>(ch)];
      if (bt >= 0) {
        out.push_back(bt);
      } else if (vocab_->unk >= 0) {
        out.push_back(vocab_->unk);
        break;  // one unk per unknown character, as SentencePiece does
      }
    }
  }
}

}  // namespace mosaic::tok
