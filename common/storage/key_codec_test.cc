#include "common/storage/key_codec.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::storage {
namespace {

TEST(KeyCodecTest, FixedWidthIntegersAreBigEndian) {
  EXPECT_EQ(KeyWriter().U32(0x01020304).key(), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(KeyWriter().U64(0x0102030405060708).key(),
            std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(KeyWriter().U64(1).key(), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(KeyWriter().Byte(0xAB).key(), "\xAB");
}

TEST(KeyCodecTest, StringEscapesZeroAndEndsWithTerminator) {
  EXPECT_EQ(KeyWriter().Str("").key(), std::string("\0\x01", 2));
  EXPECT_EQ(KeyWriter().Str("ab").key(), std::string("ab\0\x01", 4));
  EXPECT_EQ(KeyWriter().Str(std::string("a\0b", 3)).key(), std::string("a\0\xFF"
                                                                       "b\0\x01",
                                                                       6));
}

TEST(KeyCodecTest, RoundTripsEveryPart) {
  const std::string tricky("\0\xFF\0\x01\xFF\x00z", 7);
  KeyWriter writer;
  writer.Byte(7)
      .U32(0xDEADBEEF)
      .Str("teams/前台")
      .U64(UINT64_MAX)
      .Str("")
      .Str(tricky)
      .U32(0)
      .Byte(0xFF);
  const std::string key = writer.Take();

  KeyReader reader(key);
  uint8_t b = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  std::string s;
  ASSERT_TRUE(reader.Byte(&b));
  EXPECT_EQ(b, 7);
  ASSERT_TRUE(reader.U32(&u32));
  EXPECT_EQ(u32, 0xDEADBEEFu);
  ASSERT_TRUE(reader.Str(&s));
  EXPECT_EQ(s, "teams/前台");
  ASSERT_TRUE(reader.U64(&u64));
  EXPECT_EQ(u64, UINT64_MAX);
  ASSERT_TRUE(reader.Str(&s));
  EXPECT_EQ(s, "");
  ASSERT_TRUE(reader.Str(&s));
  EXPECT_EQ(s, tricky);
  ASSERT_TRUE(reader.U32(&u32));
  EXPECT_EQ(u32, 0u);
  EXPECT_FALSE(reader.done());
  ASSERT_TRUE(reader.Byte(&b));
  EXPECT_EQ(b, 0xFF);
  EXPECT_TRUE(reader.done());
  EXPECT_FALSE(reader.Byte(&b));
}

TEST(KeyCodecTest, ReaderRejectsMalformedParts) {
  uint32_t u32;
  uint64_t u64;
  uint8_t b;
  std::string s;
  EXPECT_FALSE(KeyReader(std::string(3, 'x')).U32(&u32));
  EXPECT_FALSE(KeyReader(std::string(7, 'x')).U64(&u64));
  EXPECT_FALSE(KeyReader("").Byte(&b));
  EXPECT_FALSE(KeyReader("abc").Str(&s));                      // no terminator
  EXPECT_FALSE(KeyReader(std::string("abc\0", 4)).Str(&s));    // cut terminator
  EXPECT_FALSE(KeyReader(std::string("a\0\x02", 3)).Str(&s));  // bad escape
  EXPECT_FALSE(KeyReader(std::string("a\0\xFF", 3)).Str(&s));  // escape, then nothing

  // A failed read leaves the reader unusable. (The key outlives the reader,
  // which only views it: a temporary here died before the first read.)
  const std::string bad_then_good(
      "a\0\x02"
      "b\0\x01",
      6);
  KeyReader reader(bad_then_good);
  EXPECT_FALSE(reader.Str(&s));
  EXPECT_FALSE(reader.Str(&s));
}

TEST(KeyCodecTest, StringOrderExamples) {
  const auto key = [](absl::string_view s) { return KeyWriter().Str(s).Take(); };
  const std::string a0("a\0", 2);
  EXPECT_LT(key(""), key(std::string(1, '\0')));
  EXPECT_LT(key("a"), key(a0));
  EXPECT_LT(key(a0), key("ab"));
  EXPECT_LT(key("a"), key("ab"));
  EXPECT_LT(key("ab"), key("b"));
  EXPECT_LT(key("a\x7F"), key("a\x80"));  // bytes compare unsigned
  EXPECT_LT(key("a\xFE"), key("a\xFF"));
  // The first part decides before the second is looked at.
  EXPECT_LT(KeyWriter().Str("a").U64(UINT64_MAX).key(), KeyWriter().Str(a0).U64(0).key());
  EXPECT_LT(KeyWriter().Str("a").Str("\xFF\xFF").key(), KeyWriter().Str("a\x01").Str("").key());
}

TEST(KeyCodecTest, NoEncodingIsAPrefixOfAnother) {
  const std::vector<std::string> strings = {
      "", std::string(1, '\0'), "a", std::string("a\0", 2), "ab", "\xFF", std::string("\0\x01", 2)};
  for (const std::string& x : strings) {
    for (const std::string& y : strings) {
      if (x == y) continue;
      const std::string kx = KeyWriter().Str(x).Take();
      const std::string ky = KeyWriter().Str(y).Take();
      EXPECT_FALSE(ky.compare(0, kx.size(), kx) == 0)
          << absl::CHexEscape(kx) << " is a prefix of " << absl::CHexEscape(ky);
    }
  }
}

// A key schema mixing every part: (Byte, Str, U64, Str, U32).
using Tuple = std::tuple<uint8_t, std::string, uint64_t, std::string, uint32_t>;

std::string Encode(const Tuple& t) {
  return KeyWriter()
      .Byte(std::get<0>(t))
      .Str(std::get<1>(t))
      .U64(std::get<2>(t))
      .Str(std::get<3>(t))
      .U32(std::get<4>(t))
      .Take();
}

// Strings over a small alphabet rich in the bytes that matter to the escape.
std::string RandomString(std::mt19937_64& rng) {
  static constexpr char kBytes[] = {'\0', '\x01', 'a', 'b', '\x7F', '\x80', '\xFE', '\xFF'};
  const int length = static_cast<int>(rng() % 6);
  std::string s;
  for (int i = 0; i < length; ++i) s.push_back(kBytes[rng() % sizeof(kBytes)]);
  return s;
}

uint64_t RandomU64(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0:
      return 0;
    case 1:
      return UINT64_MAX;
    case 2:
      return rng() % 4;
    default:
      return rng();
  }
}

TEST(KeyCodecTest, EncodedOrderIsTupleOrder) {
  std::mt19937_64 rng(20240611);
  std::vector<Tuple> tuples;
  for (int i = 0; i < 3000; ++i) {
    tuples.emplace_back(static_cast<uint8_t>(rng() % 3 == 0 ? 0xFF : rng() % 3), RandomString(rng),
                        RandomU64(rng), RandomString(rng), static_cast<uint32_t>(RandomU64(rng)));
  }
  // std::string compares bytes as unsigned, as RocksDB's bytewise comparator does.
  for (size_t i = 0; i + 1 < tuples.size(); ++i) {
    const Tuple& x = tuples[i];
    const Tuple& y = tuples[i + 1];
    const std::string ex = Encode(x), ey = Encode(y);
    ASSERT_EQ(x < y, ex < ey) << absl::CHexEscape(ex) << " vs " << absl::CHexEscape(ey);
    ASSERT_EQ(x == y, ex == ey);
  }
  std::vector<std::string> encoded;
  for (const Tuple& t : tuples) encoded.push_back(Encode(t));
  std::vector<Tuple> by_tuple = tuples;
  std::sort(by_tuple.begin(), by_tuple.end());
  std::sort(encoded.begin(), encoded.end());
  for (size_t i = 0; i < by_tuple.size(); ++i) {
    ASSERT_EQ(Encode(by_tuple[i]), encoded[i]) << "at " << i;
  }
}

TEST(KeyCodecTest, RandomTuplesRoundTrip) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const Tuple t(static_cast<uint8_t>(rng()), RandomString(rng), RandomU64(rng), RandomString(rng),
                  static_cast<uint32_t>(rng()));
    const std::string key = Encode(t);
    Tuple back;
    KeyReader reader(key);
    ASSERT_TRUE(reader.Byte(&std::get<0>(back)));
    ASSERT_TRUE(reader.Str(&std::get<1>(back)));
    ASSERT_TRUE(reader.U64(&std::get<2>(back)));
    ASSERT_TRUE(reader.Str(&std::get<3>(back)));
    ASSERT_TRUE(reader.U32(&std::get<4>(back)));
    ASSERT_TRUE(reader.done());
    ASSERT_EQ(back, t);
  }
}

TEST(KeyCodecTest, PrefixScanFindsExactlyTheKeysWithThatPrefix) {
  std::mt19937_64 rng(99);
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; ++i) {
    keys.push_back(KeyWriter().Str(RandomString(rng)).Str(RandomString(rng)).Take());
  }
  std::sort(keys.begin(), keys.end());
  for (const std::string& first : {std::string(), std::string(1, '\0'), std::string("a\xFF"),
                                   std::string("\xFF\xFF"), std::string("\x80")}) {
    const std::string prefix = KeyWriter().Str(first).Take();
    const std::string end = PrefixEnd(prefix);
    for (const std::string& key : keys) {
      const bool in_range = key >= prefix && key < end;
      KeyReader reader(key);
      std::string part;
      ASSERT_TRUE(reader.Str(&part));
      EXPECT_EQ(in_range, part == first) << absl::CHexEscape(key);
    }
  }
}

TEST(PrefixEndTest, IncrementsTheLastByte) {
  EXPECT_EQ(PrefixEnd("abc"), "abd");
  EXPECT_EQ(PrefixEnd(std::string("a\0", 2)), "a\x01");
  EXPECT_EQ(PrefixEnd("a\xFE"), "a\xFF");
}

TEST(PrefixEndTest, DropsTrailingFF) {
  EXPECT_EQ(PrefixEnd("a\xFF"), "b");
  EXPECT_EQ(PrefixEnd("a\xFF\xFF\xFF"), "b");
  EXPECT_EQ(PrefixEnd("\x01\xFF"), "\x02");
}

TEST(PrefixEndTest, EmptyWhenNoneExists) {
  EXPECT_EQ(PrefixEnd(""), "");
  EXPECT_EQ(PrefixEnd("\xFF"), "");
  EXPECT_EQ(PrefixEnd("\xFF\xFF\xFF"), "");
}

TEST(PrefixEndTest, IsAboveEveryExtensionOfThePrefix) {
  const std::string prefix = KeyWriter().Byte(3).U64(42).Take();
  const std::string end = PrefixEnd(prefix);
  EXPECT_LT(prefix, end);
  EXPECT_LT(prefix + "\xFF\xFF\xFF\xFF", end);
  EXPECT_LE(end, KeyWriter().Byte(3).U64(43).Take());
}

}  // namespace
}  // namespace baton::storage
