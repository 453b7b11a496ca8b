#include "engine/tokenizer/tokenizer.h"

#include <climits>

#include "engine/error.h"
#include "engine/tokenizer/bpe.h"
#include "engine/tokenizer/byte_unicode.h"
#include "engine/tokenizer/pretokenizer.h"
#include "engine/tokenizer/special_split.h"
#include "engine/tokenizer/spm.h"
#include "engine/tokenizer/token_index.h"

namespace mosaic::tok {
namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // U+2581 '▁'

// Chat/end-of-text markers of common model families; generation stops on them.
constexpr std::string_view kEndOfGenerationNames[] = {
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|end_of_text|>",
    "<|eom_id|>",
    "<|end|>",
    "<end_of_turn>",
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",  // <｜end▁of▁sentence｜>
};

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (true) {
    const size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s.substr(pos));
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void check_id(int32_t id, size_t n, const char* key) {
  if (id < -1 || id >= static_cast<int64_t>(n)) {
    fail(ErrorCode::Format, std::string("tokenizer: ") + key + " = " + std::to_string(id) +
                                " is out of range (vocabulary of " + std::to_string(n) +
                                " tokens)");
  }
}

}  // namespace

struct Tokenizer::Impl {
  Vocab vocab;
  bool spm = false;
  TokenIndex index;
  std::vector<std::string> pieces;  // token_to_piece, precomputed
  std::vector<uint8_t> eog;
  SpecialSplitter specials;
  std::unique_ptr<PreTokenizer> pre;
  BpeModel bpe;
  SpmModel spm_model;

  TokenType type_of(size_t id) const {
    return vocab.types.empty() ? TokenType::Normal : vocab.types[id];
  }
  std::string make_piece(size_t id) const;
};

std::string Tokenizer::Impl::make_piece(size_t id) const {
  const std::string& text = vocab.tokens[id];
  switch (type_of(id)) {
    case TokenType::Control:
    case TokenType::Unknown:
      return text;
    case TokenType::Unused:
      return {};
    case TokenType::UserDefined:
      return spm ? replace_all(text, kSpmSpace, " ") : text;
    case TokenType::Byte:
      if (spm) {
        if (text.size() == 6 && text.compare(0, 3, "<0x") == 0 && text[5] == '>' &&
            hex_digit(text[3]) >= 0 && hex_digit(text[4]) >= 0) {
          return std::string(1, static_cast<char>(hex_digit(text[3]) * 16 + hex_digit(text[4])));
        }
        return text;
      }
      return unicode_text_to_bytes(text);
    case TokenType::Normal:
    default:
      return spm ? replace_all(text, kSpmSpace, " ") : unicode_text_to_bytes(text);
  }
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::create(Vocab vocab) {
  auto impl = std::make_unique<Impl>();
  Impl& m = *impl;
  m.vocab = std::move(vocab);
  const Vocab& v = m.vocab;

  if (v.model == "llama") {
    m.spm = true;
  } else if (v.model != "gpt2") {
    fail(ErrorCode::Unsupported,
         "tokenizer: unsupported tokenizer model '" + v.model + "' (tokenizer.ggml.model)");
  }
  if (v.tokens.empty()) fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.tokens is empty");
  if (v.tokens.size() > static_cast<size_t>(INT32_MAX)) {
    fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.tokens has too many entries");
  }
  const size_t n = v.tokens.size();
  if (!v.scores.empty() && v.scores.size() != n) {
    fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.scores has " +
                                std::to_string(v.scores.size()) + " entries for " +
                                std::to_string(n) + " tokens");
  }
  if (!v.types.empty() && v.types.size() != n) {
    fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.token_type has " +
                                std::to_string(v.types.size()) + " entries for " +
                                std::to_string(n) + " tokens");
  }
  for (size_t i = 0; i < v.types.size(); ++i) {
    const auto t = static_cast<int32_t>(v.types[i]);
    if (t < 1 || t > 6) {
      fail(ErrorCode::Format, "tokenizer: tokenizer.ggml.token_type[" + std::to_string(i) +
                                  "] = " + std::to_string(t) + " is not a token type");
    }
  }
  check_id(v.bos, n, "tokenizer.ggml.bos_token_id");
  check_id(v.eos, n, "tokenizer.ggml.eos_token_id");
  check_id(v.eot, n, "tokenizer.ggml.eot_token_id");
  check_id(v.pad, n, "tokenizer.ggml.padding_token_id");
  check_id(v.unk, n, "tokenizer.ggml.unknown_token_id");
  if (v.add_bos && v.bos < 0) {
    fail(ErrorCode::Format,
         "tokenizer: tokenizer.ggml.add_bos_token is true but tokenizer.ggml.bos_token_id is "
         "not set");
  }
  if (v.add_eos && v.eos < 0) {
    fail(ErrorCode::Format,
         "tokenizer: tokenizer.ggml.add_eos_token is true but tokenizer.ggml.eos_token_id is "
         "not set");
  }

  m.index = TokenIndex(v.tokens);
  m.specials = SpecialSplitter(v);
  if (m.spm) {
    m.spm_model = SpmModel(v, m.index);
  } else {
    m.pre = std::make_unique<PreTokenizer>(pretokenizer_patterns(v.pre));
    m.bpe = BpeModel(v, m.index, pretokenizer_ignores_merges(v.pre));
  }

  m.pieces.resize(n);
  for (size_t i = 0; i < n; ++i) m.pieces[i] = m.make_piece(i);

  m.eog.assign(n, 0);
  if (v.eos >= 0) m.eog[v.eos] = 1;
  if (v.eot >= 0) m.eog[v.eot] = 1;
  for (std::string_view name : kEndOfGenerationNames) {
    const int32_t id = m.index.find(name);
    if (id < 0) continue;
    const TokenType t = m.type_of(id);
    if (v.types.empty() || t == TokenType::Control || t == TokenType::UserDefined) m.eog[id] = 1;
  }
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

std::vector<int32_t> Tokenizer::encode(std::string_view utf8, AddSpecial add_special,
                                       ParseSpecial parse_special) const {
  const Impl& m = *impl_;
  const Vocab& v = m.vocab;
  std::vector<int32_t> out;
  out.reserve(utf8.size() / 3 + 4);
  if (add_special == AddSpecial::Yes && v.add_bos) out.push_back(v.bos);

  std::vector<Fragment> frags;
  m.specials.split(utf8, parse_special, frags);
  std::vector<std::string_view> words;
  bool prev_special = true;  // SPM: a space is prefixed at the start and after specials
  for (const Fragment& f : frags) {
    if (f.token >= 0) {
      out.push_back(f.token);
      prev_special = true;
      continue;
    }
    const std::string_view raw = utf8.substr(f.begin, f.end - f.begin);
    if (m.spm) {
      std::string text;
      if (v.add_space_prefix && prev_special) text = " ";
      text.append(raw);
      m.spm_model.encode(replace_all(text, " ", kSpmSpace), out);
      prev_special = false;
    } else {
      m.pre->split(raw, words);
      for (std::string_view w : words) m.bpe.encode_word(w, out);
    }
  }
  if (add_special == AddSpecial::Yes && v.add_eos) out.push_back(v.eos);
  return out;
}

const std::string& Tokenizer::token_text(int32_t id) const {
  if (id < 0 || id >= n_vocab()) {
    fail(ErrorCode::InvalidArgument, "tokenizer: token id " + std::to_string(id) +
                                         " out of range [0, " + std::to_string(n_vocab()) + ")");
  }
  return impl_->vocab.tokens[id];
}

std::string Tokenizer::token_to_piece(int32_t id) const {
  token_text(id);  // range check
  return impl_->pieces[id];
}

std::string Tokenizer::decode(std::span<const int32_t> ids) const {
  const Impl& m = *impl_;
  std::string out;
  bool fragment_start = true;
  for (int32_t id : ids) {
    token_text(id);  // range check
    const std::string& piece = m.pieces[id];
    const TokenType t = m.type_of(id);
    const bool special =
        t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown;
    if (m.spm && m.vocab.add_space_prefix && fragment_start && !special && !piece.empty() &&
        piece[0] == ' ') {
      out.append(piece, 1);  // the space encode() prefixed
    } else {
      out += piece;
    }
    if (!piece.empty() || special) fragment_start = special;
  }
  return out;
}

int32_t Tokenizer::n_vocab() const { return static_cast<int32_t>(impl_->vocab.tokens.size()); }
int32_t Tokenizer::bos() const { return impl_->vocab.bos; }
int32_t Tokenizer::eos() const { return impl_->vocab.eos; }

bool Tokenizer::is_end_of_generation(int32_t id) const {
  return id >= 0 && id < n_vocab() && impl_->eog[id] != 0;
}

TokenType Tokenizer::type(int32_t id) const {
  token_text(id);  // range check
  return impl_->type_of(id);
}

const Vocab& Tokenizer::vocab() const { return impl_->vocab; }

}  // namespace mosaic::tok
