#include "services/rating/rollup_layout.h"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/storage/counters_merge.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"
#include "services/rating/scoring.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::_;
using ::testing::HasSubstr;

TEST(RollupSlotsTest, HistogramSlotsAreDistinctAndInRange) {
  std::set<uint32_t> seen;
  for (uint32_t s = slot::kOffers; s <= slot::kVerdictSumReworked; ++s) seen.insert(s);
  auto add = [&](uint32_t s) {
    EXPECT_TRUE(seen.insert(s).second) << "slot " << s << " used twice";
    EXPECT_LT(s, slot::kEnd);
  };
  for (uint32_t d = 0; d < 5; ++d) {
    for (int score = 1; score <= 5; ++score) add(RatingSlot(static_cast<Dimension>(d), score));
  }
  for (int score = 1; score <= 5; ++score) add(VerdictSlot(score));
  for (int b = 0; b < kLatencyBuckets; ++b) {
    add(AcceptLatencySlot(b));
    add(ComplaintResponseSlot(b));
  }
  // Fixed forever: spot-check the published indexes.
  EXPECT_EQ(RatingSlot(Dimension::kOverall, 1), 32u);
  EXPECT_EQ(RatingSlot(Dimension::kCommunication, 5), 56u);
  EXPECT_EQ(VerdictSlot(5), 68u);
  EXPECT_EQ(AcceptLatencySlot(kLatencyBuckets - 1), 109u);
  EXPECT_EQ(slot::kEnd, 142u);
}

TEST(RollupSlotsTest, ReadsCountsBackFromAValue) {
  std::vector<int64_t> counters(slot::kEnd, 0);
  counters[RatingSlot(Dimension::kOverall, 4)] = 3;
  counters[RatingSlot(Dimension::kOverall, 5)] = 1;
  counters[RatingSlot(Dimension::kAccuracy, 2)] = 9;
  counters[AcceptLatencySlot(13)] = 10;
  EXPECT_THAT(RatingCounts(counters, Dimension::kOverall), ElementsAre(0, 0, 0, 3, 1));
  EXPECT_THAT(RatingCounts(counters, Dimension::kAccuracy), ElementsAre(0, 9, 0, 0, 0));
  EXPECT_THAT(LatencyPercentile(HistogramCounts(counters, slot::kAcceptLatency), 0.5),
              ::testing::Optional(absl::Minutes(90)));
  // A value shorter than the layout reads zeros.
  EXPECT_THAT(RatingCounts(std::vector<int64_t>{1, 2}, Dimension::kOverall),
              ElementsAre(0, 0, 0, 0, 0));
}

TEST(RollupKeyTest, RoundTripsAndOrdersByDay) {
  const RollupOwner team{.scope = Scope::kSupplierTeam, .id = "front-desk"};
  const RollupOwner stage{.scope = Scope::kChainStage, .id = "new-patient", .stage = 2};
  for (const RollupOwner& owner : {team, stage}) {
    for (DayNumber day : {-400, -1, 0, 1, 20781}) {
      auto parsed = ParseRollupKey(RollupKey(owner, day));
      ASSERT_THAT(parsed, IsOk());
      EXPECT_EQ(parsed->first, owner);
      EXPECT_EQ(parsed->second, day);
    }
    EXPECT_LT(RollupKey(owner, -1), RollupKey(owner, 0));
    EXPECT_LT(RollupKey(owner, 0), RollupKey(owner, 1));
    EXPECT_LT(RollupKey(owner, 255), RollupKey(owner, 256));
  }
  EXPECT_THAT(ParseRollupKey("junk"), StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(ParseRollupKey(RollupKey(team, 1) + "x"), StatusIs(absl::StatusCode::kDataLoss, _));
}

TEST(DayCalendarTest, BucketsAcrossTheZonesMidnight) {
  auto shanghai = DayCalendar::Load("Asia/Shanghai");
  ASSERT_THAT(shanghai, IsOk());
  auto utc = DayCalendar::Load("UTC");
  ASSERT_THAT(utc, IsOk());
  absl::Time t;
  std::string err;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, "2026-11-23T16:30:00Z", &t, &err)) << err;
  // 16:30Z is 00:30 the next day in Shanghai (UTC+8).
  EXPECT_EQ(DayCalendar::Format(shanghai->DayOf(t)), "2026-11-24");
  EXPECT_EQ(DayCalendar::Format(utc->DayOf(t)), "2026-11-23");
  // Half an hour earlier is still the 23rd in Shanghai.
  EXPECT_EQ(DayCalendar::Format(shanghai->DayOf(t - absl::Minutes(31))), "2026-11-23");
  // The Shanghai day starts at 16:00Z the day before.
  EXPECT_EQ(shanghai->StartOf(shanghai->DayOf(t)), t - absl::Minutes(30));
  EXPECT_EQ(DayCalendar::FromCivil(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DayCalendar::FromCivil(absl::CivilDay(1969, 12, 31)), -1);
}

TEST(DayCalendarTest, UnknownZoneIsAClearError) {
  EXPECT_THAT(DayCalendar::Load("Mars/Olympus_Mons"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("time zone \"Mars/Olympus_Mons\" did not load")));
}

TEST(DayCalendarTest, ParsesOnlyCanonicalDays) {
  auto day = DayCalendar::Parse("2026-11-24");
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(DayCalendar::Format(*day), "2026-11-24");
  EXPECT_EQ(*DayCalendar::Parse("1970-01-02"), 1);
  EXPECT_THAT(DayCalendar::Parse("9999-12-31"), IsOk());
  // Far years once parsed, and a window from the first to the last made
  // its length wrap around int32 (the review's -5877641-06-23).
  for (const char* bad : {"2026-11-31", "2026-1-24", "20261124", "", "2026-11-24x", "yesterday",
                          "1969-12-31", "10000-01-01", "-5877641-06-23", "5881580-07-11"}) {
    EXPECT_THAT(DayCalendar::Parse(bad), StatusIs(absl::StatusCode::kInvalidArgument, _)) << bad;
  }
}

// Rollups of several owners over many days, written by Merge: a window read
// returns exactly the asked days of the asked owner, summed as written.
class RollupWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        storage::Store::Open({.path = dir_.Sub("db"),
                              .column_families = {"rollups"},
                              .merge_operators = {{"rollups", storage::NewCountersMergeOperator()}},
                              .sync = false});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    cf_ = store_->cf("rollups");
  }

  // One offer and one score of q on `day` for `owner`.
  void Offer(const RollupOwner& owner, DayNumber day, double q) {
    auto op = storage::CounterDelta()
                  .Add(slot::kOffers, 1)
                  .Add(slot::kScoreSum, QualityToFixed(q))
                  .Add(slot::kScoreCount, 1)
                  .Encode();
    ASSERT_THAT(op, IsOk());
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(batch.Merge(cf_, RollupKey(owner, day), *op).ok());
    ASSERT_OK(store_->WriteNoSync(&batch));
  }

  std::vector<DayCounters> Window(const RollupOwner& owner, DayNumber from, DayNumber to) {
    auto days = ReadRollupWindow(store_->db(), cf_, rocksdb::ReadOptions(), owner, from, to);
    EXPECT_THAT(days, IsOk());
    return days.ok() ? *days : std::vector<DayCounters>{};
  }

  ::baton::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  rocksdb::ColumnFamilyHandle* cf_ = nullptr;
};

TEST_F(RollupWindowTest, ReadsExactlyTheDaysAskedFor) {
  const RollupOwner a{.scope = Scope::kSupplierTeam, .id = "a"};
  const RollupOwner a_customer{.scope = Scope::kCustomerTeam, .id = "a"};
  const RollupOwner ab{.scope = Scope::kSupplierTeam, .id = "ab"};
  const RollupOwner stage1{.scope = Scope::kChainStage, .id = "a", .stage = 1};
  const RollupOwner stage2{.scope = Scope::kChainStage, .id = "a", .stage = 2};
  const DayNumber d = 20781;  // 2026-11-24
  // Owner a: days d-3 .. d+3, day k having k+4 offers of q = 50.
  for (int k = -3; k <= 3; ++k) {
    for (int i = 0; i < k + 4; ++i) Offer(a, d + k, 50);
  }
  // Neighbours in key order: other scopes, an id extending "a", other stages.
  for (const RollupOwner& other : {a_customer, ab, stage1, stage2}) {
    for (int k = -3; k <= 3; ++k) Offer(other, d + k, 100);
  }
  ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), cf_).ok());
  Offer(a, d, 80);  // one more on day d, unflushed: read merged with the file

  const std::vector<DayCounters> days = Window(a, d - 1, d + 2);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].day, d - 1);
  EXPECT_EQ(days[1].day, d);
  EXPECT_EQ(days[2].day, d + 1);
  EXPECT_EQ(storage::CounterAt(days[0].counters, slot::kOffers), 3);
  EXPECT_EQ(storage::CounterAt(days[1].counters, slot::kOffers), 5);
  EXPECT_EQ(storage::CounterAt(days[1].counters, slot::kScoreSum), 4 * 50000 + 80000);
  EXPECT_EQ(storage::CounterAt(days[2].counters, slot::kOffers), 5);

  auto total = SumDays(days);
  ASSERT_THAT(total, IsOk());
  EXPECT_EQ(storage::CounterAt(*total, slot::kOffers), 13);
  EXPECT_EQ(storage::CounterAt(*total, slot::kScoreCount), 13);
  EXPECT_EQ(storage::CounterAt(*total, slot::kScoreSum), 12 * 50000 + 80000);

  // Chain stages are owners of their own.
  const auto stage_days = Window(stage1, d - 10, d + 10);
  ASSERT_EQ(stage_days.size(), 7u);
  EXPECT_EQ(stage_days.front().day, d - 3);
  EXPECT_EQ(stage_days.back().day, d + 3);
  // Empty windows and windows without data.
  EXPECT_TRUE(Window(a, d, d).empty());
  EXPECT_TRUE(Window(a, d + 1, d).empty());
  EXPECT_TRUE(Window(a, d + 4, d + 40).empty());
  EXPECT_EQ(Window(a, d - 100, d + 100).size(), 7u);
}

TEST_F(RollupWindowTest, MalformedValueIsDataLoss) {
  const RollupOwner a{.scope = Scope::kDepartment, .id = "dept"};
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(cf_, RollupKey(a, 5), "garbage").ok());
  ASSERT_OK(store_->WriteNoSync(&batch));
  EXPECT_THAT(ReadRollupWindow(store_->db(), cf_, rocksdb::ReadOptions(), a, 0, 10),
              StatusIs(absl::StatusCode::kDataLoss, _));
}

TEST(SumDaysTest, SumsAndReportsOverflow) {
  std::vector<DayCounters> days = {{.day = 1, .counters = {1, 2}},
                                   {.day = 2, .counters = {3, 4, 5}}};
  auto total = SumDays(days);
  ASSERT_THAT(total, IsOk());
  EXPECT_THAT(*total, ElementsAre(4, 6, 5));
  days.push_back({.day = 3, .counters = {INT64_MAX}});
  EXPECT_THAT(SumDays(days), StatusIs(absl::StatusCode::kOutOfRange, _));
}

}  // namespace
}  // namespace baton::rating
