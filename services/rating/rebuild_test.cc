// RebuildRollups on real RocksDB stores and real event logs: history is
// re-scored under the current rules to exactly the figures of a store that
// applied the same events under them from the start; reads keep answering
// from the complete old set while the rebuild runs and switch after; a
// restart in the middle finishes it with the same figures; a second call
// is REBUILD_RUNNING; only admins rebuild.

#include <memory>

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/rebuild_testing.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using testing::NewPatientRules;
using testing::RatingInstance;
using testing::SourceLogs;

constexpr uint64_t kMorningHandoffEvents = 13, kMorningFeedbackEvents = 2;
constexpr uint64_t kAllHandoffEvents = 15, kAllFeedbackEvents = 3;

absl::Time Soon() { return absl::Now() + absl::Seconds(30); }

class RatingRebuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_.Open(dir_);
    logs_.AppendMorning();
    live_ = std::make_unique<RatingInstance>(dir_.Sub("live"), &logs_);
    live_->Open();
    live_->StartAndCatchUp();
    live_->AwaitApplied(kMorningHandoffEvents, kMorningFeedbackEvents);
  }

  // The figures of a store that applied every event under the new rules.
  std::string FreshFigures() {
    RatingInstance fresh(dir_.Sub("fresh"), &logs_);
    fresh.Open();
    EXPECT_EQ(fresh.SetRules(NewPatientRules())->version(), 2);
    fresh.StartAndCatchUp();
    fresh.AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
    return fresh.Figures();
  }

  // Holds the rebuild's streams at these sequence numbers, asks for it and
  // waits until its consumers have applied that far.
  void RebuildUpTo(uint64_t handoff_events, uint64_t feedback_events) {
    live_->handoff_source().Hold(handoff_events);
    live_->feedback_source().Hold(feedback_events);
    ASSERT_THAT(live_->Rebuild(), IsOk());
    const auto rebuild = live_->consumers().AwaitRebuildConsumers(Soon());
    ASSERT_EQ(rebuild.size(), 2u);
    const uint64_t want[] = {handoff_events, feedback_events};
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(rebuild[i]->AwaitStatus(
          [&](const events::ConsumerStatus& s) { return s.applied_sequence >= want[i]; }, Soon()));
    }
  }

  double Quality(const char* handoff) {
    auto score = live_->queries().GetHandoffScore(handoff);
    EXPECT_THAT(score, IsOk());
    return score.ok() ? score->quality() : -1;
  }
  int Version(const char* handoff) {
    auto score = live_->queries().GetHandoffScore(handoff);
    EXPECT_THAT(score, IsOk());
    return score.ok() ? score->rules_version() : -1;
  }

  ::baton::testing::TempDir dir_;
  SourceLogs logs_;
  std::unique_ptr<RatingInstance> live_;
};

// h3 (attempt 2, 1 h late, rated 3) under version 1: F 50, T 50, R 50:
// q = 25 + 15 + 10 = 50. Under NewPatientRules (0.6/0.2/0.2, penalty 20):
// F 80, q = 30 + 16 + 10 = 56.
TEST_F(RatingRebuildTest, HistoryIsRescoredToTheFiguresOfAFreshStore) {
  EXPECT_DOUBLE_EQ(Quality("h3"), 50);
  ASSERT_THAT(live_->SetRules(NewPatientRules()), IsOk());
  logs_.AppendAfternoon();
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
  EXPECT_EQ(Version("h4"), 2) << "new events are scored with the new rules at once";
  EXPECT_EQ(Version("h3"), 1) << "history only after a rebuild";
  const std::string before = live_->Figures();

  auto response = live_->Rebuild();
  ASSERT_THAT(response, IsOk());
  ASSERT_EQ(response->consumers_size(), 2);
  EXPECT_THAT(response->consumers(0).source(), EndsWith(" (rebuild)"));
  ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon()));

  EXPECT_EQ(Version("h3"), 2);
  EXPECT_DOUBLE_EQ(Quality("h3"), 56);
  const std::string after = live_->Figures();
  EXPECT_NE(after, before);
  EXPECT_EQ(after, FreshFigures());
  for (rocksdb::ColumnFamilyHandle* cf : RatingCfs::OfSet(live_->store(), 0).all()) {
    std::unique_ptr<rocksdb::Iterator> it(
        live_->store().db()->NewIterator(rocksdb::ReadOptions(), cf));
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid()) << cf->GetName() << ": the old set is emptied after the switch";
  }
  // The rebuilt consumers are the live ones now and go on applying.
  logs_.AppendRating("h2", {2, 2, 2, 2, 2});
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents + 1);
}

TEST_F(RatingRebuildTest, ReadsKeepTheOldSetDuringTheRebuildThenSwitch) {
  ASSERT_THAT(live_->SetRules(NewPatientRules()), IsOk());
  const std::string old_figures = live_->Figures();
  RebuildUpTo(7, 1);  // half the handoff log, half the ratings

  // Half-built figures never show: reads answer from the complete old set.
  EXPECT_EQ(live_->Figures(), old_figures);
  EXPECT_EQ(Version("h3"), 1);
  auto second = live_->Rebuild();
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("running")));
  EXPECT_EQ(ErrorReason(second.status()), "REBUILD_RUNNING");
  // New rules now would leave history on two versions yet report it rebuilt.
  v1::ScoringRules newer = NewPatientRules();
  newer.set_return_penalty(30);
  auto rules_meanwhile = live_->SetRules(newer);
  EXPECT_THAT(rules_meanwhile,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("once it ends")));
  EXPECT_EQ(ErrorReason(rules_meanwhile.status()), "REBUILD_RUNNING");
  const std::vector<events::ConsumerStatus> statuses = live_->consumers().Statuses();
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_EQ(statuses[0].source, testing::kHandoffSource);
  EXPECT_EQ(statuses[2].source, std::string(testing::kHandoffSource) + " (rebuild)");
  EXPECT_EQ(statuses[2].applied_sequence, 7u);
  EXPECT_EQ(statuses[3].source, std::string(testing::kFeedbackSource) + " (rebuild)");

  // Events that come meanwhile reach the live set now and the new one later.
  logs_.AppendAfternoon();
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
  EXPECT_EQ(Version("h4"), 2);
  const std::string live_during = live_->Figures();
  EXPECT_NE(live_during, old_figures);

  live_->handoff_source().Release();
  live_->feedback_source().Release();
  ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon()));
  EXPECT_EQ(Version("h3"), 2);
  EXPECT_EQ(live_->consumers().Statuses().size(), 2u);
  EXPECT_EQ(live_->Figures(), FreshFigures());
}

TEST_F(RatingRebuildTest, ARestartInTheMiddleFinishesWithTheSameFigures) {
  ASSERT_THAT(live_->SetRules(NewPatientRules()), IsOk());
  logs_.AppendAfternoon();
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
  RebuildUpTo(6, 1);

  live_->Close();  // between batches: the rebuild's checkpoints are at 6 and 1
  live_->Open();
  EXPECT_TRUE(live_->consumers().rebuilding()) << "the record says it runs";
  EXPECT_EQ(Version("h3"), 1) << "still the old set";
  live_->StartAndCatchUp();
  ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon()));
  EXPECT_EQ(Version("h3"), 2);
  EXPECT_EQ(live_->Figures(), FreshFigures());
}

TEST_F(RatingRebuildTest, ARestartRightAfterTheRequestStillRebuilds) {
  ASSERT_THAT(live_->SetRules(NewPatientRules()), IsOk());
  logs_.AppendAfternoon();
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
  ASSERT_THAT(live_->Rebuild(), IsOk());
  live_->Close();  // perhaps before the other set was even cleared
  live_->Open();
  live_->StartAndCatchUp();
  ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon()));
  EXPECT_EQ(live_->Figures(), FreshFigures());
}

// Before the rebuild ended on a failure, it stayed running (refusing every
// new request) until a restart; this test then fails at AwaitNoRebuild.
TEST_F(RatingRebuildTest, AFailedRebuildEndsWithItsReasonAndMayBeAskedAgain) {
  ASSERT_THAT(live_->SetRules(NewPatientRules()), IsOk());
  auto last = live_->consumers().LastRebuild();
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(last->state(), "NONE");
  RebuildUpTo(7, kMorningFeedbackEvents);
  const auto rebuild = live_->consumers().AwaitRebuildConsumers(Soon());
  ASSERT_EQ(rebuild.size(), 2u);
  live_->handoff_source().FailAtHold(absl::DataLossError("event 8 cannot be read"));
  ASSERT_TRUE(rebuild[0]->AwaitStatus(
      [](const events::ConsumerStatus& s) { return s.state == events::ConsumerState::kFailed; },
      Soon()));
  ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon())) << "a failure ends the rebuild";
  last = live_->consumers().LastRebuild();
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(last->state(), "FAILED");
  EXPECT_EQ(last->error(),
            std::string(testing::kHandoffSource) + ": DATA_LOSS: event 8 cannot be read");
  EXPECT_TRUE(last->has_start_time());
  EXPECT_TRUE(last->has_end_time());
  EXPECT_EQ(live_->consumers().Statuses().size(), 2u) << "only the live consumers run on";

  // The live set goes on: new events are applied and read.
  logs_.AppendAfternoon();
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
  EXPECT_EQ(Version("h4"), 2);
  EXPECT_EQ(Version("h3"), 1);

  // A restart does not resume it: the record says it failed.
  live_->Close();
  live_->Open();
  EXPECT_FALSE(live_->consumers().rebuilding());
  live_->StartAndCatchUp();
  EXPECT_EQ(live_->consumers().LastRebuild()->state(), "FAILED");

  // The cause fixed, it is asked for again, and it rebuilds from a cleared set.
  ASSERT_THAT(live_->Rebuild(), IsOk());
  ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon()));
  last = live_->consumers().LastRebuild();
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(last->state(), "DONE");
  EXPECT_EQ(last->error(), "");
  EXPECT_EQ(live_->Figures(), FreshFigures());
}

TEST_F(RatingRebuildTest, ASecondRebuildReusesTheFirstSet) {
  ASSERT_THAT(live_->SetRules(NewPatientRules()), IsOk());
  logs_.AppendAfternoon();
  live_->AwaitApplied(kAllHandoffEvents, kAllFeedbackEvents);
  for (int i = 0; i < 2; ++i) {  // into set 1, then back into set 0 (cleared first)
    ASSERT_THAT(live_->Rebuild(), IsOk());
    ASSERT_TRUE(live_->consumers().AwaitNoRebuild(Soon()));
  }
  EXPECT_EQ(live_->Figures(), FreshFigures());
}

TEST_F(RatingRebuildTest, OnlyAdminsRebuild) {
  for (auth::Principal who :
       {::baton::testing::Member("ann", "outreach", "ops"),
        ::baton::testing::Head("bo", "outreach", "ops"), ::baton::testing::Service()}) {
    auto result = live_->Rebuild(who);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("RebuildRollups")));
    EXPECT_EQ(ErrorReason(result.status()), "ADMIN_REQUIRED");
  }
  EXPECT_FALSE(live_->consumers().rebuilding());
}

}  // namespace
}  // namespace baton::rating
