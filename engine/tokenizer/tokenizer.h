// Text <-> token ids for the two vocabulary kinds GGUF models ship:
// byte-level BPE ("gpt2": Qwen, Llama 3, DeepSeek) and SentencePiece BPE
// ("llama"). Conventions (special-token matching, pre-tokenizer regexes,
// byte fallback) follow what llama.cpp documents, so ids match the model.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic::gguf {
class Metadata;
class GgufWriter;
}  // namespace mosaic::gguf

namespace mosaic::tok {

// Values are those of GGUF's tokenizer.ggml.token_type.
enum class TokenType : int32_t {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6
};

struct Vocab {
  std::string model;  // tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SPM)
  std::string pre;    // tokenizer.ggml.pre (gpt2 only); "" means "default"
  std::vector<std::string> tokens;
  std::vector<float> scores;        // may be empty for gpt2
  std::vector<TokenType> types;     // may be empty -> all Normal
  std::vector<std::string> merges;  // "a b" (gpt2)
  int32_t bos = -1, eos = -1, eot = -1, pad = -1, unk = -1;
  bool add_bos = false, add_eos = false;
  bool add_space_prefix = true;  // SPM only
};

// Reads the tokenizer.ggml.* keys (defined in vocab_from_gguf.cpp, the only
// file that depends on the GGUF reader). Throws mosaic::Error(Format) naming
// the key for missing/inconsistent data.
Vocab vocab_from_gguf(const gguf::Metadata& md);
// The inverse, for writers of (synthetic) GGUF models: sets the same keys, so
// vocab_from_gguf(written metadata) gives back an equal Vocab. Ids of -1 are
// left out; scores only when present.
void vocab_to_gguf(const Vocab& vocab, gguf::GgufWriter& writer);

enum class AddSpecial { No, Yes };    // add BOS/EOS per the vocab's add_bos/add_eos
enum class ParseSpecial { No, Yes };  // match Control (and Unknown) token texts in the input

class Tokenizer {
 public:
  // Validates the vocabulary and builds the lookup tables. Throws
  // mosaic::Error: Unsupported (unknown model/pre), Format (inconsistent data).
  static std::unique_ptr<Tokenizer> create(Vocab vocab);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Thread-safe. UserDefined tokens are always matched whole in the input;
  // Control/Unknown ones only with ParseSpecial::Yes (llama.cpp convention).
  std::vector<int32_t> encode(std::string_view utf8, AddSpecial add_special,
                              ParseSpecial parse_special) const;

  // The accessors below throw mosaic::Error(InvalidArgument) for ids out of range.
  const std::string& token_text(int32_t id) const;  // as stored in the vocab
  // The raw bytes the token stands for: byte-level BPE undoes the GPT-2 byte
  // map, SPM turns '▁' into ' ' and <0xAB> into that byte, Control/UserDefined/
  // Unknown give their text, Unused gives "".
  std::string token_to_piece(int32_t id) const;
  // Concatenated pieces; for SPM with add_space_prefix the space that encode
  // adds (at the start and after each special token) is removed again, so
  // decode(encode(s, No, No)) == s for any bytes s.
  std::string decode(std::span<const int32_t> ids) const;

  int32_t n_vocab() const;
  int32_t bos() const;
  int32_t eos() const;
  // eos, eot and special tokens named like <|im_end|>, <|endoftext|>, <|eot_id|>,
  // <｜end▁of▁sentence｜> present in the vocab. False for ids out of range.
  bool is_end_of_generation(int32_t id) const;
  TokenType type(int32_t id) const;
  const Vocab& vocab() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Streaming detokenization: never emits half a UTF-8 character. Incomplete
// bytes are held until completed; sequences that can never complete are
// emitted as U+FFFD (one per maximal invalid subpart, as the Unicode standard
// recommends). Pieces are emitted raw (no SPM leading-space removal): the
// stream is meant for generated tokens that continue a prompt.
class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tokenizer);
  std::string push(int32_t id);  // the text that became complete (maybe empty)
  std::string flush();           // at the end: what is held comes out as U+FFFD
  void reset();

 private:
  const Tokenizer* tokenizer_;
  std::string pending_;
};

}  // namespace mosaic::tok
