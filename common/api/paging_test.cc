#include "common/api/paging.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::api {
namespace {

using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PageTokenTest, RoundTrips) {
  for (const std::string& last : {std::string("abc"), std::string(""),
                                  std::string("\x00\x01\xff key", 7), std::string("队列/中文")}) {
    const std::string token = EncodePageToken("f", last);
    EXPECT_NE(token, last);
    auto decoded = DecodePageToken(token, "f");
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, last);
  }
}

TEST(PageTokenTest, TokenIsWebSafe) {
  const std::string token = EncodePageToken("f", std::string("\xff\xfe\xfd\xfc\xfb\xfa", 6));
  EXPECT_EQ(token.find_first_of("+/"), std::string::npos) << token;
}

TEST(PageTokenTest, RejectsGarbage) {
  EXPECT_THAT(DecodePageToken("not a token!", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(DecodePageToken("%%%", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  // Valid base64, but not one of ours.
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape("v2:abc"), "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape("abc"), "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST(PageSizeTest, DefaultsAndClamps) {
  EXPECT_EQ(PageSize(0).value(), 50);
  EXPECT_EQ(PageSize(1).value(), 1);
  EXPECT_EQ(PageSize(50).value(), 50);
  EXPECT_EQ(PageSize(500).value(), 500);
  EXPECT_EQ(PageSize(501).value(), 500);
  EXPECT_EQ(PageSize(1'000'000).value(), 500);
}

TEST(PageSizeTest, RejectsNegative) {
  EXPECT_THAT(PageSize(-1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(PageSize(-500), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

TEST(PageTokenTest, BoundToTheFilterItWasMadeWith) {
  const std::string token = EncodePageToken("chain=chains/a;state=1", "k");
  ASSERT_OK(DecodePageToken(token, "chain=chains/a;state=1"));
  EXPECT_THAT(DecodePageToken(token, "chain=chains/b;state=1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other filters")));
  EXPECT_THAT(DecodePageToken(token, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other filters")));
}

class ScanPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open({.path = dir_.Sub("db"), .column_families = {"t"}});
    ASSERT_OK(store);
    store_ = *std::move(store);
    rocksdb::WriteBatch batch;
    for (int i = 0; i < 25; ++i) {
      batch.Put(store_->cf("t"), "p/" + std::to_string(100 + i), std::to_string(i));
    }
    batch.Put(store_->cf("t"), "q/1", "outside the prefix");
    // A second range whose suffixes fall between the first's.
    for (const char* suffix : {"1005", "1105", "1235"}) {
      batch.Put(store_->cf("t"), absl::StrCat("r/", suffix), "0");
    }
    ASSERT_OK(store_->WriteNoSync(&batch));
    // Scans read the durable state: make the batch durable, as the commit
    // queue would.
    ASSERT_OK(store_->SyncWal());
    store_->PublishDurable(store_->TakeSnapshot());
  }

  // Pages through every key under `prefixes`, taking those `take` accepts.
  std::vector<std::vector<std::string>> Pages(int page_size, bool (*take)(int),
                                              std::vector<std::string> prefixes = {"p/"},
                                              std::string start_at = "",
                                              std::string end_before = "") {
    std::vector<std::vector<std::string>> pages;
    std::string token;
    do {
      std::vector<std::string> page;
      std::string next;
      absl::Status s = ScanPage(
          {.store = store_.get(),
           .cf = store_->cf("t"),
           .prefixes = prefixes,
           .page_token = token,
           .filter = "f",
           .page_size = page_size,
           .start_at = start_at,
           .end_before = end_before},
          [&](absl::string_view suffix, absl::string_view value, bool* taken) {
            if (take(std::stoi(std::string(value)))) {
              page.emplace_back(suffix);
              *taken = true;
            }
            return absl::OkStatus();
          },
          &next);
      EXPECT_OK(s);
      if (!s.ok()) break;
      pages.push_back(page);
      token = next;
    } while (!token.empty());
    return pages;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ScanPageTest, PagesEveryKeyOnceInOrderWithinThePrefix) {
  auto pages = Pages(10, [](int) { return true; });
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].front(), "100");
  EXPECT_EQ(pages[1].front(), "110");
  EXPECT_THAT(pages[2], ElementsAre("120", "121", "122", "123", "124"));
}

TEST_F(ScanPageTest, FilteredPagesResumeAfterTheLastKeyExamined) {
  auto pages = Pages(3, [](int i) { return i % 4 == 0; });  // 0 4 8 12 16 20 24
  std::vector<std::string> all;
  for (const auto& page : pages) all.insert(all.end(), page.begin(), page.end());
  EXPECT_THAT(all, ElementsAre("100", "104", "108", "112", "116", "120", "124"));
}

TEST_F(ScanPageTest, SeveralPrefixesAreListedMergedInSuffixOrder) {
  auto pages = Pages(4, [](int) { return true; }, {"p/", "r/"});
  std::vector<std::string> all;
  for (const auto& page : pages) {
    EXPECT_LE(page.size(), 4u);
    all.insert(all.end(), page.begin(), page.end());
  }
  ASSERT_EQ(all.size(), 28u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a suffix served twice";
  EXPECT_EQ(all[1], "1005");
  EXPECT_THAT(std::vector<std::string>(all.end() - 3, all.end()),
              ElementsAre("123", "1235", "124"));
}

// Fails when either bound is ignored: the keys before "105" or from "115"
// on would be listed, under both prefixes.
TEST_F(ScanPageTest, BoundsStartAtAndStopBeforeTheGivenSuffixes) {
  auto pages = Pages(
      4, [](int) { return true; }, {"p/", "r/"}, "105", "115");
  std::vector<std::string> all;
  for (const auto& page : pages) all.insert(all.end(), page.begin(), page.end());
  EXPECT_THAT(all, ElementsAre("105", "106", "107", "108", "109", "110", "1105", "111", "112",
                               "113", "114"));
  EXPECT_EQ(pages.size(), 3u);
  // A bound beyond every key, and an empty range.
  EXPECT_THAT(Pages(
                  4, [](int) { return true; }, {"p/"}, "123", "9"),
              ElementsAre(ElementsAre("123", "124")));
  EXPECT_THAT(Pages(
                  4, [](int) { return true; }, {"p/"}, "115", "115"),
              ElementsAre(::testing::IsEmpty()));
}

}  // namespace
}  // namespace baton::api
