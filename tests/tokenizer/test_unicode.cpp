// GPT-2 byte map and UTF-8 completion: facts worked out by hand.
#include <gtest/gtest.h>

#include "engine/tokenizer/byte_unicode.h"
#include "engine/tokenizer/utf8.h"

namespace mosaic::tok {
namespace {

TEST(TokByteUnicode, KnownCharacters) {
  const auto& t = byte_to_unicode();
  EXPECT_EQ(t[' '], "\xC4\xA0");   // U+0120 'Ġ'
  EXPECT_EQ(t['\n'], "\xC4\x8A");  // U+010A 'Ċ'
  EXPECT_EQ(t[0x00], "\xC4\x80");  // U+0100 'Ā'
  EXPECT_EQ(t[0x7F], "\xC4\xA1");  // U+0121: first of the 127..160 block
  EXPECT_EQ(t[0xAD], "\xC5\x83");  // U+0143 'Ń': the last remapped byte
  EXPECT_EQ(t['A'], "A");
  EXPECT_EQ(t[0xE9], "\xC3\xA9");  // printable Latin-1 maps to itself
}

TEST(TokByteUnicode, OrderAndInverse) {
  const auto& order = gpt2_byte_order();
  EXPECT_EQ(order[0], '!');
  EXPECT_EQ(order[93], '~');
  EXPECT_EQ(order[188], 0x00);
  EXPECT_EQ(order[198], '\n');
  EXPECT_EQ(order[220], ' ');
  EXPECT_EQ(order[255], 0xAD);
  EXPECT_EQ(unicode_to_byte(0x120), ' ');
  EXPECT_EQ(unicode_to_byte(0x143), 0xAD);
  EXPECT_EQ(unicode_to_byte(0x144), -1);
  EXPECT_EQ(unicode_to_byte(0x20), -1);  // a real space is not a mapped character
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(unicode_text_to_bytes(bytes_to_unicode_text(all)), all);
}

std::string complete(std::string_view in, bool at_end, size_t* consumed = nullptr) {
  std::string out;
  const size_t n = take_complete_utf8(in, at_end, out);
  if (consumed) *consumed = n;
  return out;
}

TEST(TokUtf8, HoldsIncompleteAndReplacesInvalid) {
  const std::string fffd = "\xEF\xBF\xBD";
  size_t n = 0;
  EXPECT_EQ(complete("a\xC3\xA9z", false, &n), "a\xC3\xA9z");
  EXPECT_EQ(complete("a\xF0\x9F\x98", false, &n), "a");  // may still complete
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(complete("a\xF0\x9F\x98", true), "a" + fffd);  // one U+FFFD for the subpart
  EXPECT_EQ(complete("\xFF"
                     "b",
                     false),
            fffd + "b");
  EXPECT_EQ(complete("\xE2\x82"
                     "A",
                     false),
            fffd + "A");                                           // maximal subpart E2 82
  EXPECT_EQ(complete("\xC0\xAF", false), fffd + fffd);             // overlong lead, stray byte
  EXPECT_EQ(complete("\xED\xA0\x80", false), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(complete("\xF4\x90\x80\x80", false), fffd + fffd + fffd + fffd);  // > U+10FFFF
}

}  // namespace
}  // namespace mosaic::tok
