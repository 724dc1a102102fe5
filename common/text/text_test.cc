#include "common/text/text.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::text {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
  return out;
}

// --- CountCodePoints ---

TEST(CountCodePointsTest, Ascii) {
  EXPECT_THAT(CountCodePoints(""), Optional(0u));
  EXPECT_THAT(CountCodePoints("a"), Optional(1u));
  EXPECT_THAT(CountCodePoints("front desk"), Optional(10u));
  EXPECT_THAT(CountCodePoints(absl::string_view("a\0b", 3)), Optional(3u));
}

TEST(CountCodePointsTest, ChineseCountsCharactersNotBytes) {
  const std::string reception = "前台接待";
  ASSERT_EQ(reception.size(), 12u);
  EXPECT_THAT(CountCodePoints(reception), Optional(4u));
  EXPECT_THAT(CountCodePoints("前台 front desk"), Optional(13u));
}

TEST(CountCodePointsTest, TwoAndFourByteSequences) {
  EXPECT_THAT(CountCodePoints("é"), Optional(1u));                 // U+00E9, 2 bytes
  EXPECT_THAT(CountCodePoints("\xF0\x9F\x98\x80"), Optional(1u));  // U+1F600 😀
  EXPECT_THAT(CountCodePoints("a😀b"), Optional(3u));
  EXPECT_THAT(CountCodePoints("\xF4\x8F\xBF\xBF"), Optional(1u));  // U+10FFFF, the last
  EXPECT_THAT(CountCodePoints("\xEF\xBF\xBF"), Optional(1u));      // U+FFFF
}

TEST(CountCodePointsTest, RejectsOverlongForms) {
  EXPECT_EQ(CountCodePoints("\xC0\xAF"), std::nullopt);  // '/' in 2 bytes
  EXPECT_EQ(CountCodePoints("\xC1\xBF"), std::nullopt);
  EXPECT_EQ(CountCodePoints("\xE0\x80\xAF"), std::nullopt);                    // '/' in 3 bytes
  EXPECT_EQ(CountCodePoints("\xE0\x9F\xBF"), std::nullopt);                    // U+07FF in 3 bytes
  EXPECT_EQ(CountCodePoints("\xF0\x80\x80\xAF"), std::nullopt);                // '/' in 4 bytes
  EXPECT_EQ(CountCodePoints("\xF0\x8F\xBF\xBF"), std::nullopt);                // U+FFFF in 4 bytes
  EXPECT_EQ(CountCodePoints(absl::string_view("\xC0\x80", 2)), std::nullopt);  // NUL
}

TEST(CountCodePointsTest, RejectsSurrogates) {
  EXPECT_EQ(CountCodePoints("\xED\xA0\x80"), std::nullopt);  // U+D800
  EXPECT_EQ(CountCodePoints("\xED\xBF\xBF"), std::nullopt);  // U+DFFF
  EXPECT_EQ(CountCodePoints("ok\xED\xB0\x80"), std::nullopt);
  EXPECT_THAT(CountCodePoints("\xED\x9F\xBF"), Optional(1u));  // U+D7FF is fine
}

TEST(CountCodePointsTest, RejectsValuesPastTheLastCodePoint) {
  EXPECT_EQ(CountCodePoints("\xF4\x90\x80\x80"), std::nullopt);  // U+110000
  EXPECT_EQ(CountCodePoints("\xF7\xBF\xBF\xBF"), std::nullopt);
  EXPECT_EQ(CountCodePoints("\xF8\x88\x80\x80\x80"), std::nullopt);  // 5-byte form
}

TEST(CountCodePointsTest, RejectsTruncatedSequences) {
  const std::string qian = "前";
  EXPECT_EQ(CountCodePoints(qian.substr(0, 2)), std::nullopt);
  EXPECT_EQ(CountCodePoints(qian.substr(0, 1)), std::nullopt);
  EXPECT_EQ(CountCodePoints("前台" + qian.substr(0, 2)), std::nullopt);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98"), std::nullopt);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98x"), std::nullopt);  // bad continuation
}

TEST(CountCodePointsTest, RejectsStrayBytes) {
  EXPECT_EQ(CountCodePoints("\x80"), std::nullopt);  // lone continuation
  EXPECT_EQ(CountCodePoints("a\xBF"), std::nullopt);
  EXPECT_EQ(CountCodePoints("\xFF\xFE"), std::nullopt);
  EXPECT_EQ(CountCodePoints("\xFE"), std::nullopt);
}

// --- CheckText ---

TEST(CheckTextTest, AcceptsOrdinaryNames) {
  EXPECT_THAT(CheckText("display_name", "Front desk", {}), IsOk());
  EXPECT_THAT(CheckText("display_name", "前台 front desk", {}), IsOk());
  EXPECT_THAT(CheckText("display_name", "  padded  ", {}), IsOk());
}

TEST(CheckTextTest, MaxIsInCharactersNotBytes) {
  const TextLimits limits{.min_chars = 1, .max_chars = 4};
  EXPECT_THAT(CheckText("display_name", "前台接待", limits), IsOk());  // 12 bytes
  EXPECT_THAT(CheckText("display_name", "前台接待员", limits),
              StatusIs(kInvalid, AllOf(HasSubstr("display_name"), HasSubstr("5 characters"),
                                       HasSubstr("at most 4"))));
  EXPECT_THAT(CheckText("display_name", "😀😀😀😀", limits), IsOk());  // 16 bytes
  EXPECT_THAT(CheckText("display_name", "abcde", limits),
              StatusIs(kInvalid, HasSubstr("at most 4")));
}

TEST(CheckTextTest, DefaultMaxIs100Characters) {
  EXPECT_THAT(CheckText("note", Repeat("接", 100), {}), IsOk());  // 300 bytes
  EXPECT_THAT(CheckText("note", Repeat("接", 101), {}),
              StatusIs(kInvalid, HasSubstr("101 characters")));
}

TEST(CheckTextTest, MinIsInCharactersNotBytes) {
  const TextLimits limits{.min_chars = 4, .max_chars = 10};
  EXPECT_THAT(
      CheckText("summary", "前台接", limits),  // 9 bytes, 3 characters
      StatusIs(kInvalid, AllOf(HasSubstr("summary"), HasSubstr("at least 4"), HasSubstr("has 3"))));
  EXPECT_THAT(CheckText("summary", "前台接待", limits), IsOk());
}

TEST(CheckTextTest, RequiredByDefault) {
  EXPECT_THAT(CheckText("display_name", "", {}),
              StatusIs(kInvalid, AllOf(HasSubstr("display_name"), HasSubstr("required"))));
}

TEST(CheckTextTest, OptionalWhenMinIsZero) {
  EXPECT_THAT(CheckText("note", "", {.min_chars = 0}), IsOk());
}

TEST(CheckTextTest, RejectsInvalidUtf8) {
  EXPECT_THAT(CheckText("display_name", "ab\xFF\xFE", {}),
              StatusIs(kInvalid, AllOf(HasSubstr("display_name"), HasSubstr("UTF-8"))));
  EXPECT_THAT(CheckText("display_name", "\xED\xA0\x80", {}),
              StatusIs(kInvalid, HasSubstr("UTF-8")));
  EXPECT_THAT(CheckText("display_name", "\xC0\xAF", {}), StatusIs(kInvalid, HasSubstr("UTF-8")));
}

TEST(CheckTextTest, RejectsControlCharacters) {
  for (absl::string_view bad : {absl::string_view("a\x01z"), absl::string_view("a\0z", 3),
                                absl::string_view("a\x1bz"), absl::string_view("a\x7fz"),
                                absl::string_view("a\xC2\x85z"),  // U+0085, a C1 control
                                absl::string_view("a\x1fz")}) {
    EXPECT_THAT(CheckText("display_name", bad, {}),
                StatusIs(kInvalid, AllOf(HasSubstr("display_name"), HasSubstr("control"))))
        << absl::CHexEscape(bad);
  }
  // Newlines are no exception where they are not allowed.
  EXPECT_THAT(CheckText("note", "a\x01z", {.allow_newlines = true}),
              StatusIs(kInvalid, HasSubstr("control")));
}

TEST(CheckTextTest, NewlinesOnlyWhenAllowed) {
  for (absl::string_view text : {"line one\nline two", "a\r\nb", "a\tb"}) {
    EXPECT_THAT(CheckText("display_name", text, {}), StatusIs(kInvalid, HasSubstr("control")))
        << absl::CHexEscape(text);
    EXPECT_THAT(CheckText("note", text, {.allow_newlines = true}), IsOk())
        << absl::CHexEscape(text);
  }
}

TEST(CheckTextTest, RejectsOnlyWhitespace) {
  EXPECT_THAT(CheckText("display_name", "   ", {}),
              StatusIs(kInvalid, AllOf(HasSubstr("display_name"), HasSubstr("whitespace"))));
  EXPECT_THAT(CheckText("note", " \n\t\r\n ", {.allow_newlines = true}),
              StatusIs(kInvalid, HasSubstr("whitespace")));
}

// --- CheckResourceId ---

TEST(CheckResourceIdTest, AcceptsValidIds) {
  for (absl::string_view id : {"a", "z9", "front-desk", "team-2024-a", "a-b-c"}) {
    EXPECT_THAT(CheckResourceId("team_id", id), IsOk()) << id;
  }
  EXPECT_THAT(CheckResourceId("team_id", "a" + std::string(62, 'b')), IsOk());  // 63
}

TEST(CheckResourceIdTest, RejectsInvalidIds) {
  for (absl::string_view id : {"", "1team", "-team", "team-", "Team", "teAm", "team_a", "team.a",
                               "team a", "équipe", "前台", "a\xFF"}) {
    EXPECT_THAT(CheckResourceId("team_id", id), StatusIs(kInvalid, HasSubstr("team_id")))
        << absl::CHexEscape(id);
  }
}

TEST(CheckResourceIdTest, AtMost63Characters) {
  EXPECT_THAT(CheckResourceId("chain_id", "a" + std::string(63, 'b')),
              StatusIs(kInvalid, AllOf(HasSubstr("chain_id"), HasSubstr("63"))));
}

// --- CheckRequestId ---

TEST(CheckRequestIdTest, EmptyMeansNoIdempotency) {
  EXPECT_THAT(CheckRequestId("request_id", ""), IsOk());
}

TEST(CheckRequestIdTest, AcceptsAllowedCharacters) {
  EXPECT_THAT(CheckRequestId("request_id", "a"), IsOk());
  EXPECT_THAT(CheckRequestId("request_id", "Retry-1.attempt_2:ABCxyz09"), IsOk());
  EXPECT_THAT(CheckRequestId("request_id", "0f8fad5b-d9cb-469f-a165-70867728950e"), IsOk());
  EXPECT_THAT(CheckRequestId("request_id", std::string(128, 'x')), IsOk());
}

TEST(CheckRequestIdTest, AtMost128Characters) {
  EXPECT_THAT(CheckRequestId("request_id", std::string(129, 'x')),
              StatusIs(kInvalid, AllOf(HasSubstr("request_id"), HasSubstr("128"))));
}

TEST(CheckRequestIdTest, RejectsOtherCharacters) {
  for (absl::string_view id : {"a b", "a/b", "a+b", "a@b", "a\nb", "前台", "a\xFF", "a#"}) {
    EXPECT_THAT(CheckRequestId("request_id", id), StatusIs(kInvalid, HasSubstr("request_id")))
        << absl::CHexEscape(id);
  }
}

}  // namespace
}  // namespace baton::text
