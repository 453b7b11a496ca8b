#include "engine/tokenizer/special_split.h"

#include <algorithm>

namespace mosaic::tok {

SpecialSplitter::SpecialSplitter(const Vocab& vocab) {
  for (size_t i = 0; i < vocab.tokens.size(); ++i) {
    const TokenType t = vocab.types.empty() ? TokenType::Normal : vocab.types[i];
    if (t != TokenType::Control && t != TokenType::UserDefined && t != TokenType::Unknown) continue;
    if (vocab.tokens[i].empty()) continue;  // would match everywhere
    specials_.push_back({static_cast<int32_t>(i), vocab.tokens[i], t == TokenType::UserDefined});
  }
  std::stable_sort(specials_.begin(), specials_.end(), [](const Special& a, const Special& b) {
    return a.text.size() > b.text.size();
  });
}

void SpecialSplitter::split(std::string_view text, ParseSpecial parse,
                            std::vector<Fragment>& out) const {
  out.clear();
  if (text.empty()) return;
  out.push_back({-1, 0, text.size()});
  std::vector<Fragment> next;
  for (const Special& sp : specials_) {
    if (!sp.always && parse == ParseSpecial::No) continue;
    // Cheap pre-check: most specials never occur in the text.
    if (text.find(sp.text) == std::string_view::npos) continue;
    next.clear();
    for (const Fragment& f : out) {
      if (f.token >= 0) {
        next.push_back(f);
        continue;
      }
      size_t pos = f.begin;
      while (pos < f.end) {
        const std::string_view raw = text.substr(pos, f.end - pos);
        const size_t hit = raw.find(sp.text);
        if (hit == std::string_view::npos) break;
        if (hit > 0) next.push_back({-1, pos, pos + hit});
        next.push_back({sp.id, pos + hit, pos + hit + sp.text.size()});
        pos += hit + sp.text.size();
      }
      if (pos < f.end) next.push_back({-1, pos, f.end});
    }
    out.swap(next);
  }
}

}  // namespace mosaic::tok
