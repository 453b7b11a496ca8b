// vocab_from_gguf / vocab_to_gguf: a real file round trip with the synthetic
// vocabulary, defaults for absent keys, and errors naming the key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/error.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/tokenizer/synthetic_vocab.h"
#include "tests/tokenizer/test_vocabs.h"

namespace mosaic::tok::testing {
namespace {

void expect_same(const Vocab& a, const Vocab& b) {
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.pre, b.pre);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.merges, b.merges);
  EXPECT_EQ(a.bos, b.bos);
  EXPECT_EQ(a.eos, b.eos);
  EXPECT_EQ(a.eot, b.eot);
  EXPECT_EQ(a.pad, b.pad);
  EXPECT_EQ(a.unk, b.unk);
  EXPECT_EQ(a.add_bos, b.add_bos);
  EXPECT_EQ(a.add_eos, b.add_eos);
}

TEST(TokVocabFromGguf, SyntheticVocabFileRoundTrip) {
  const Vocab v = make_synthetic_bpe_vocab(151936, 42);
  gguf::GgufWriter w;
  w.set_string("general.architecture", "qwen3moe");
  vocab_to_gguf(v, w);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("mosaic-tok-" + std::to_string(::getpid()) + ".gguf"))
                               .string();
  w.write(path);
  Vocab back;
  {
    const gguf::GgufFile f = gguf::GgufFile::open(path);
    back = vocab_from_gguf(f.metadata());
  }
  std::filesystem::remove(path);
  expect_same(v, back);
  auto a = Tokenizer::create(v);
  auto b = Tokenizer::create(back);
  const std::string text = "<|im_start|>user\nCombien ça coûte ? 12345 😀<|im_end|>";
  EXPECT_EQ(a->encode(text, AddSpecial::Yes, ParseSpecial::Yes),
            b->encode(text, AddSpecial::Yes, ParseSpecial::Yes));
}

TEST(TokVocabFromGguf, SpmRoundTripAndDefaults) {
  Vocab v = spm_vocab({{"▁a", -1.0f}});
  v.add_bos = true;
  gguf::GgufWriter w;
  vocab_to_gguf(v, w);
  expect_same(v, vocab_from_gguf(w.metadata()));

  // Absent keys: SentencePiece defaults (bos 1, eos 2, unk 0, add BOS, space prefix).
  gguf::GgufWriter bare;
  bare.set_string("tokenizer.ggml.model", "llama");
  bare.set_string_array("tokenizer.ggml.tokens", v.tokens);
  const Vocab d = vocab_from_gguf(bare.metadata());
  EXPECT_EQ(d.bos, 1);
  EXPECT_EQ(d.eos, 2);
  EXPECT_EQ(d.unk, 0);
  EXPECT_TRUE(d.add_bos);
  EXPECT_TRUE(d.add_space_prefix);
  EXPECT_TRUE(d.types.empty());
}

TEST(TokVocabFromGguf, BpeDefaultsPerPre) {
  const Vocab base = bpe_vocab({{"a", "b"}});
  for (const char* pre : {"qwen2", "llama-bpe"}) {
    gguf::GgufWriter w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string("tokenizer.ggml.pre", pre);
    w.set_string_array("tokenizer.ggml.tokens", base.tokens);
    w.set_string_array("tokenizer.ggml.merges", base.merges);
    w.set_u32("tokenizer.ggml.bos_token_id", 3);
    const Vocab v = vocab_from_gguf(w.metadata());
    EXPECT_EQ(v.add_bos, std::string(pre) == "llama-bpe") << pre;  // Llama 3 adds BOS
    EXPECT_EQ(v.eos, -1);
    EXPECT_FALSE(v.add_space_prefix);
  }
}

void expect_format_error(gguf::GgufWriter& w, const std::string& key, ErrorCode code) {
  try {
    vocab_from_gguf(w.metadata());
    ADD_FAILURE() << "expected an error naming " << key;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(TokVocabFromGguf, ErrorsNameTheKey) {
  const Vocab base = bpe_vocab({{"a", "b"}});
  auto writer = [&] {
    gguf::GgufWriter w;
    vocab_to_gguf(base, w);
    return w;
  };
  {
    gguf::GgufWriter w = writer();
    w.set_f32_array("tokenizer.ggml.scores", {1.0f, 2.0f});
    expect_format_error(w, "tokenizer.ggml.scores", ErrorCode::Format);
  }
  {
    gguf::GgufWriter w = writer();
    w.set_i32_array("tokenizer.ggml.token_type", {1, 2});
    expect_format_error(w, "tokenizer.ggml.token_type", ErrorCode::Format);
  }
  {
    gguf::GgufWriter w = writer();
    std::vector<int32_t> types(base.tokens.size(), 1);
    types[5] = 42;
    w.set_i32_array("tokenizer.ggml.token_type", types);
    expect_format_error(w, "tokenizer.ggml.token_type[5]", ErrorCode::Format);
  }
  {
    gguf::GgufWriter w = writer();
    w.set_u32("tokenizer.ggml.eos_token_id", 100000);
    expect_format_error(w, "tokenizer.ggml.eos_token_id", ErrorCode::Format);
  }
  {
    gguf::GgufWriter w = writer();
    w.remove("tokenizer.ggml.merges");
    expect_format_error(w, "tokenizer.ggml.merges", ErrorCode::Format);
  }
  {
    gguf::GgufWriter w = writer();
    w.remove("tokenizer.ggml.tokens");
    expect_format_error(w, "tokenizer.ggml.tokens", ErrorCode::Format);
  }
  {
    gguf::GgufWriter w = writer();
    w.set_string("tokenizer.ggml.model", "rwkv");
    expect_format_error(w, "'rwkv'", ErrorCode::Unsupported);
  }
  {
    // An unknown pre is read as is; Tokenizer::create rejects it by name.
    gguf::GgufWriter w = writer();
    w.set_string("tokenizer.ggml.pre", "brand-new-pre");
    const Vocab v = vocab_from_gguf(w.metadata());
    try {
      Tokenizer::create(v);
      ADD_FAILURE();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Unsupported);
      EXPECT_NE(std::string(e.what()).find("brand-new-pre"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace mosaic::tok::testing
