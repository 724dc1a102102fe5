#include "services/rating/scoreboard_watch_hub.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/status/errors.h"
#include "common/testing/status_matchers.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::rating {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A stream as the hub sees it: what it was offered, how it ended.
class FakeStream final : public events::LatestValueSink {
 public:
  void Offer(std::shared_ptr<const std::string> message) override {
    v1::WatchScoreboardResponse response;
    ASSERT_TRUE(response.ParseFromString(*message));
    absl::MutexLock lock(&mu_);
    boards_.push_back(response.scoreboard());
  }
  void End(const absl::Status& status) override {
    absl::MutexLock lock(&mu_);
    if (ended_.ok()) ended_ = status;
  }
  void CheckStall(absl::Time now) override {
    absl::MutexLock lock(&mu_);
    stall_checks_.push_back(now);
  }

  size_t pushes() const {
    absl::MutexLock lock(&mu_);
    return boards_.size();
  }
  // The department mean of each scoreboard offered (what the tests change).
  std::vector<double> means() const {
    absl::MutexLock lock(&mu_);
    std::vector<double> means;
    for (const v1::Scoreboard& board : boards_) means.push_back(board.department_mean());
    return means;
  }
  absl::Status ended() const {
    absl::MutexLock lock(&mu_);
    return ended_;
  }
  std::vector<absl::Time> stall_checks() const {
    absl::MutexLock lock(&mu_);
    return stall_checks_;
  }
  bool AwaitPushes(size_t n) const {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return boards_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(30));
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<v1::Scoreboard> boards_ ABSL_GUARDED_BY(mu_);
  absl::Status ended_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Time> stall_checks_ ABSL_GUARDED_BY(mu_);
};

// Scoreboards by department, as a test sets them, and how often each was
// computed. Department "a" has teams a1, a2; "b" has b1.
class FakeBoards {
 public:
  explicit FakeBoards(const Clock* clock) : clock_(clock) {
    Set("a", 50, {"a1", "a2"});
    Set("b", 70, {"b1"});
  }

  void Set(const std::string& department, double mean, std::vector<std::string> teams = {}) {
    absl::MutexLock lock(&mu_);
    v1::Scoreboard& board = boards_[department];
    board.set_department("departments/" + department);
    board.set_department_mean(mean);
    if (!teams.empty()) board.clear_rows();
    for (const std::string& team : teams) board.add_rows()->set_team("teams/" + team);
  }
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_ = std::move(status);
  }
  int computed(const std::string& department) const {
    absl::MutexLock lock(&mu_);
    auto it = computed_.find(department);
    return it == computed_.end() ? 0 : it->second;
  }

  absl::StatusOr<v1::Scoreboard> Compute(const WatchKey& key) {
    absl::MutexLock lock(&mu_);
    ++computed_[key.department];
    if (!fail_.ok()) return fail_;
    auto it = boards_.find(key.department);
    if (it == boards_.end()) return NotFound("departments/" + key.department);
    v1::Scoreboard board = it->second;
    *board.mutable_as_of() = ToProto(clock_->Now());  // differs every time
    return board;
  }

 private:
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  std::map<std::string, v1::Scoreboard> boards_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> computed_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
};

constexpr absl::Duration kInterval = absl::Milliseconds(200);
constexpr absl::Duration kDecisionInterval = absl::Milliseconds(25);

class ScoreboardWatchHubTest : public ::testing::Test {
 protected:
  ScoreboardWatchHubTest() : hub_(Options()) {}

  ScoreboardWatchOptions Options() {
    return {.compute = [this](const WatchKey& key) { return boards_.Compute(key); },
            .calendar = *DayCalendar::Load("UTC"),
            .min_interval = kInterval,
            .decision_interval = kDecisionInterval,
            .max_watches = 3,
            .stall_check = absl::Seconds(1),
            .max_inbox_ids = 4,
            .clock = &clock_};
  }

  static WatchKey Key(const std::string& department, int days = 30) {
    return {.department = department, .days = days};
  }

  // A watcher of `key` with its first message; the fixture owns it.
  FakeStream* Watch(const WatchKey& key) {
    FakeStream* stream = streams_.emplace_back(std::make_unique<FakeStream>()).get();
    EXPECT_OK(hub_.Add(key, stream, "ann"));
    EXPECT_OK(hub_.First(stream));
    return stream;
  }
  void Mark(std::vector<std::string> departments, std::vector<std::string> teams = {},
            Change change = Change::kDecision) {
    ChangeMarks marks;
    marks.departments.insert(departments.begin(), departments.end());
    marks.teams.insert(teams.begin(), teams.end());
    if (change == Change::kDecision) {
      marks.decided_departments = marks.departments;
      marks.decided_teams = marks.teams;
    }
    hub_.Mark(std::move(marks));
  }
  void MarkVolume(std::vector<std::string> departments, std::vector<std::string> teams = {}) {
    Mark(std::move(departments), std::move(teams), Change::kVolume);
  }

  // Noon, so that no test crosses midnight unless it means to.
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 2, 12, 0, 0), absl::UTCTimeZone())};
  FakeBoards boards_{&clock_};
  // Before the hub: they outlive it, which ends them at its destruction.
  std::vector<std::unique_ptr<FakeStream>> streams_;
  ScoreboardWatchHub hub_;
};

TEST_F(ScoreboardWatchHubTest, TheFirstMessageIsTheScoreboardNow) {
  auto stream = Watch(Key("a"));
  EXPECT_THAT(stream->means(), ElementsAre(50));
  EXPECT_EQ(hub_.stats().watches, 1u);
}

TEST_F(ScoreboardWatchHubTest, AChangeAfterAQuietSpellGoesOutAtOnce) {
  auto stream = Watch(Key("a"));
  hub_.RunDue();
  boards_.Set("a", 60);
  Mark({"a"});
  hub_.RunDue();  // the clock has not moved: nothing waits for an interval
  EXPECT_THAT(stream->means(), ElementsAre(50, 60));
}

// Fails when each mark is recomputed (5 recomputations, 5 pushes) or the
// interval's changes are dropped instead of sent at its end.
TEST_F(ScoreboardWatchHubTest, VolumeWithinAnIntervalGoesOutOnceAtItsEnd) {
  auto stream = Watch(Key("a"));
  boards_.Set("a", 51);
  MarkVolume({"a"});
  hub_.RunDue();  // leading edge
  const int computed = boards_.computed("a");
  absl::Time next;
  for (int i = 2; i <= 6; ++i) {
    clock_.Advance(absl::Milliseconds(30));
    boards_.Set("a", 50 + i);
    MarkVolume({"a"}, {"a1"});
    next = hub_.RunDue();
  }
  EXPECT_EQ(boards_.computed("a"), computed);
  EXPECT_THAT(stream->means(), ElementsAre(50, 51));
  EXPECT_EQ(next, clock_.Now() - absl::Milliseconds(150) + kInterval);  // the interval's end
  clock_.Advance(absl::Milliseconds(50));
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), computed + 1);
  EXPECT_THAT(stream->means(), ElementsAre(50, 51, 56));
}

// A decision amid a stream of offers goes out a decision interval after
// the last recomputation, not at the volume interval's end; decisions are
// still coalesced to one recomputation per decision interval. Fails when
// a decision waits like volume (no push at +25 ms), when volume is pushed
// like a decision, or when a team's decision mark loses its urgency on the
// way to its department.
TEST_F(ScoreboardWatchHubTest, ADecisionGoesOutAfterTheDecisionIntervalNotTheVolumeOne) {
  auto stream = Watch(Key("a"));
  MarkVolume({"a"});
  hub_.RunDue();  // leading edge: computed at t0, equal, not pushed
  const int computed = boards_.computed("a");
  clock_.Advance(absl::Milliseconds(10));
  boards_.Set("a", 51);
  MarkVolume({"a"}, {"a1"});
  EXPECT_EQ(hub_.RunDue(), clock_.Now() - absl::Milliseconds(10) + kInterval);
  clock_.Advance(absl::Milliseconds(5));
  boards_.Set("a", 52);
  Mark({}, {"a2"});  // a decision of team a2, at t0 + 15 ms
  EXPECT_EQ(hub_.RunDue(), clock_.Now() - absl::Milliseconds(15) + kDecisionInterval);
  EXPECT_EQ(boards_.computed("a"), computed);
  clock_.Advance(absl::Milliseconds(10));  // t0 + 25 ms
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), computed + 1);
  EXPECT_THAT(stream->means(), ElementsAre(50, 52));
  // Two decisions within the next 25 ms: one recomputation at its end.
  clock_.Advance(absl::Milliseconds(5));
  boards_.Set("a", 53);
  Mark({"a"});
  hub_.RunDue();
  clock_.Advance(absl::Milliseconds(5));
  boards_.Set("a", 54);
  Mark({"a"});
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), computed + 1);
  clock_.Advance(absl::Milliseconds(15));
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), computed + 2);
  EXPECT_THAT(stream->means(), ElementsAre(50, 52, 54));
}

TEST_F(ScoreboardWatchHubTest, OnlyMarkedDepartmentsAreRecomputed) {
  auto a = Watch(Key("a"));
  auto b = Watch(Key("b"));
  boards_.Set("a", 1);
  boards_.Set("b", 2);
  Mark({"a", "elsewhere"});
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), 2);
  EXPECT_EQ(boards_.computed("b"), 1);
  EXPECT_EQ(boards_.computed("elsewhere"), 0);
  EXPECT_THAT(a->means(), ElementsAre(50, 1));
  EXPECT_THAT(b->means(), ElementsAre(70));

  // A team's mark reaches the department its row is on; an unknown team's
  // reaches none.
  clock_.Advance(kInterval);
  Mark({}, {"b1", "nobody"});
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), 2);
  EXPECT_EQ(boards_.computed("b"), 2);
  EXPECT_THAT(b->means(), ElementsAre(70, 2));
}

TEST_F(ScoreboardWatchHubTest, AnEqualScoreboardIsNotPushed) {
  auto stream = Watch(Key("a"));
  clock_.Advance(absl::Seconds(1));  // as_of differs
  Mark({"a"});
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), 2);
  EXPECT_EQ(stream->pushes(), 1u);
}

TEST_F(ScoreboardWatchHubTest, OneRecomputationServesEveryWatcherOfAKey) {
  auto first = Watch(Key("a"));
  auto second = Watch(Key("a"));
  auto other_window = Watch(Key("a", 7));
  const int computed = boards_.computed("a");  // one per first message
  boards_.Set("a", 99);
  Mark({"a"});
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), computed + 2);  // keys (a, 30) and (a, 7)
  EXPECT_THAT(first->means(), ElementsAre(50, 99));
  EXPECT_THAT(second->means(), ElementsAre(50, 99));
  EXPECT_THAT(other_window->means(), ElementsAre(50, 99));
  EXPECT_EQ(hub_.stats().keys, 2u);
}

TEST_F(ScoreboardWatchHubTest, ANewDayRecomputesEveryKeyWithoutEvents) {
  auto stream = Watch(Key("a"));
  const absl::Time next = hub_.RunDue();
  EXPECT_LE(next, clock_.Now() + absl::Seconds(1));  // the stall check comes first
  boards_.Set("a", 42);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 3, 0, 0, 0), absl::UTCTimeZone()));
  hub_.RunDue();
  EXPECT_THAT(stream->means(), ElementsAre(50, 42));
}

TEST_F(ScoreboardWatchHubTest, StreamsAreCheckedForStallsEveryStallCheck) {
  auto stream = Watch(Key("a"));
  hub_.RunDue();
  clock_.Advance(absl::Milliseconds(500));
  hub_.RunDue();
  clock_.Advance(absl::Milliseconds(500));
  hub_.RunDue();
  EXPECT_EQ(stream->stall_checks().size(), 2u);
}

TEST_F(ScoreboardWatchHubTest, WatchesAreBoundedAndTheRefusalNamesTheLimit) {
  auto one = Watch(Key("a"));
  Watch(Key("a"));
  Watch(Key("b"));
  FakeStream four;
  absl::Status refused = hub_.Add(Key("b"), &four, "ann");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("most scoreboard watches (3)"));
  hub_.Remove(one);
  EXPECT_OK(hub_.Add(Key("b"), &four, "ann"));
  hub_.Remove(&four);
}

// One caller once held every slot (the review took all 5 of --max_watches=5).
TEST_F(ScoreboardWatchHubTest, OneCallerHoldsAtMostItsShare) {
  ScoreboardWatchOptions options = Options();
  options.max_watches = 10;
  options.max_watches_per_caller = 2;
  ScoreboardWatchHub hub(options);
  FakeStream streams[4];
  EXPECT_OK(hub.Add(Key("a"), &streams[0], "ann"));
  EXPECT_OK(hub.Add(Key("b", 7), &streams[1], "ann"));
  const absl::Status refused = hub.Add(Key("a"), &streams[2], "ann");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("your most scoreboard watches (2)"));
  EXPECT_OK(hub.Add(Key("a"), &streams[3], "bo")) << "another caller still gets one";
  hub.Remove(&streams[0]);
  EXPECT_OK(hub.Add(Key("a"), &streams[2], "ann")) << "a closed stream frees its slot";
  for (FakeStream* s : {&streams[1], &streams[2], &streams[3]}) hub.Remove(s);
}

TEST_F(ScoreboardWatchHubTest, ARemovedWatcherIsNeitherRecomputedNorCalled) {
  auto stream = Watch(Key("a"));
  hub_.Remove(stream);
  EXPECT_EQ(hub_.stats().keys, 0u);
  Mark({"a"}, {"a1"});
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), 1);
  EXPECT_EQ(stream->pushes(), 1u);
}

TEST_F(ScoreboardWatchHubTest, AnUnknownDepartmentEndsTheWatchWithNotFound) {
  FakeStream stream;
  ASSERT_OK(hub_.Add(Key("nowhere"), &stream, "ann"));
  absl::Status first = hub_.First(&stream);
  EXPECT_EQ(first.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(first.message(), HasSubstr("departments/nowhere"));
  hub_.Remove(&stream);
}

TEST_F(ScoreboardWatchHubTest, AFailedRecomputationEndsTheKeysStreamsWithItsError) {
  auto stream = Watch(Key("a"));
  boards_.Fail(absl::DataLossError("a rollup does not decode"));
  Mark({"a"});
  hub_.RunDue();
  EXPECT_EQ(stream->ended().code(), absl::StatusCode::kDataLoss);
  hub_.Remove(stream);
}

TEST_F(ScoreboardWatchHubTest, AFullInboxBecomesEverythingChanged) {
  Watch(Key("a"));
  Watch(Key("b"));
  Mark({"x1", "x2", "x3"}, {"t1", "t2"});  // 5 ids > max_inbox_ids 4
  hub_.RunDue();
  EXPECT_EQ(boards_.computed("a"), 2);
  EXPECT_EQ(boards_.computed("b"), 2);
}

TEST_F(ScoreboardWatchHubTest, ShutdownEndsEveryStreamWithUnavailableAndRefusesNewOnes) {
  auto stream = Watch(Key("a"));
  hub_.Shutdown();
  EXPECT_EQ(stream->ended().code(), absl::StatusCode::kUnavailable);
  FakeStream late;
  EXPECT_EQ(hub_.Add(Key("a"), &late, "ann").code(), absl::StatusCode::kUnavailable);
}

// The hub's own thread, on the real clock: a mark is pushed without anyone
// calling RunDue.
TEST(ScoreboardWatchHubThreadTest, TheThreadPushesMarkedChanges) {
  FakeBoards boards(Clock::Real());
  ScoreboardWatchHub hub({.compute = [&](const WatchKey& key) { return boards.Compute(key); }});
  hub.Start();
  FakeStream stream;
  ASSERT_OK(hub.Add({.department = "a", .days = 30}, &stream, "ann"));
  ASSERT_OK(hub.First(&stream));
  boards.Set("a", 77);
  ChangeMarks marks;
  marks.departments.insert("a");
  hub.Mark(std::move(marks));
  ASSERT_TRUE(stream.AwaitPushes(2));
  EXPECT_THAT(stream.means(), ElementsAre(50, 77));
  hub.Shutdown();
  hub.Remove(&stream);
}

TEST(WatchKeyTest, DefaultsShareOneKey) {
  v1::WatchScoreboardRequest request;
  EXPECT_EQ(KeyOf("a", request), (WatchKey{.department = "a", .days = 30}));
  request.set_days(7);
  request.set_order(v1::SCOREBOARD_ORDER_CSAT);
  EXPECT_EQ(KeyOf("a", request),
            (WatchKey{.department = "a", .days = 7, .order = v1::SCOREBOARD_ORDER_CSAT}));
  const v1::Window window = WindowEndingOn(*DayCalendar::Parse("2026-03-02"), 7);
  EXPECT_EQ(window.start_day(), "2026-02-24");
  EXPECT_EQ(window.end_day(), "2026-03-02");
}

}  // namespace
}  // namespace baton::rating
