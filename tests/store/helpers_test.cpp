// Known-answer tests for the small helpers the store is built on.
#include <gtest/gtest.h>

#include <string>

#include "app/store/attachment_files.h"
#include "app/store/base64.h"
#include "app/store/fts_query.h"
#include "app/store/store_error.h"

namespace mosaic::store {
namespace {

TEST(Base64, Rfc4648TestVectors) {
  // RFC 4648 section 10.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("Zg=="), "f");
}

TEST(Base64, EveryByteValueRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t length = 0; length <= bytes.size(); length += 37) {
    std::string part = bytes.substr(0, length);
    EXPECT_EQ(base64_decode(base64_encode(part)), part) << "length " << length;
  }
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_THROW(base64_decode("Zm9"), StoreError);       // not a multiple of 4
  EXPECT_THROW(base64_decode("Zm9v!A=="), StoreError);  // outside the alphabet
  EXPECT_THROW(base64_decode("Z=9v"), StoreError);      // padding in the middle
}

TEST(Sha256, KnownDigests) {
  // FIPS 180-2 examples.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_sha256_hex(sha256_hex("abc")));
  EXPECT_FALSE(is_sha256_hex("../../etc/passwd"));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'G')));
}

TEST(FtsQuery, QuotesEveryWordAndDoublesQuotes) {
  EXPECT_EQ(make_fts_query("hello world"), "\"hello\" \"world\"");
  EXPECT_EQ(make_fts_query("  say\t\"hi\"\n"), "\"say\" \"\"\"hi\"\"\"");
  EXPECT_EQ(make_fts_query("AND( NEAR"), "\"AND(\" \"NEAR\"");
  EXPECT_EQ(make_fts_query(" \t\n "), "");
}

}  // namespace
}  // namespace mosaic::store
