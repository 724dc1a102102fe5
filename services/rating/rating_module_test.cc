// RatingModule on its own (no gRPC): it opens on the rating store, refuses
// to open without sources or with an unknown zone, and reports itself ready
// only once BOTH consumers have caught up.

#include "services/rating/rating_module.h"

#include <atomic>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "common/events/consumer_testing.h"
#include "common/events/local_event_source.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/rating/rating_keys.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;

// A source that refuses (UNAVAILABLE) until opened, then reads `log`.
class GatedSource final : public events::EventSource {
 public:
  GatedSource(std::string name, events::EventLog* log) : local_(std::move(name), log) {}
  const std::string& name() const override { return local_.name(); }
  absl::StatusOr<std::unique_ptr<events::EventStream>> Open(uint64_t after,
                                                            const std::string& epoch) override {
    if (!open_->load()) return absl::UnavailableError("not yet");
    return local_.Open(after, epoch);
  }
  std::shared_ptr<std::atomic<bool>> gate() const { return open_; }

 private:
  events::LocalEventSource local_;
  std::shared_ptr<std::atomic<bool>> open_ = std::make_shared<std::atomic<bool>>(false);
};

class RatingModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open(RatingStoreOptions(dir_.Sub("rating")));
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());
    for (const char* name : {"handoff", "feedback"}) {
      auto log = events::testing::SourceLog::Open(dir_.Sub(name), Clock::Real());
      ASSERT_THAT(log, IsOk());
      logs_.push_back(*std::move(log));
    }
  }

  void TearDown() override { queue_->Stop(); }

  // Options whose handoff source is local and whose feedback source is
  // gated (closed until `*gate` is set).
  RatingModuleOptions Options(std::shared_ptr<std::atomic<bool>>* gate) {
    events::EventLog* handoff = &logs_[0]->log();
    events::EventLog* feedback = &logs_[1]->log();
    auto source = std::make_shared<std::unique_ptr<GatedSource>>(
        std::make_unique<GatedSource>("baton.feedback.v1.FeedbackService", feedback));
    *gate = (*source)->gate();
    return RatingModuleOptions{
        .handoff_source = [handoff]() -> absl::StatusOr<std::unique_ptr<events::EventSource>> {
          return std::make_unique<events::LocalEventSource>("baton.handoff.v1.HandoffService",
                                                            handoff);
        },
        .feedback_source = [source]() -> absl::StatusOr<std::unique_ptr<events::EventSource>> {
          return std::move(*source);
        },
        .backoff_initial = absl::Milliseconds(1),
        .backoff_max = absl::Milliseconds(5)};
  }

  server::ModuleContext Context() {
    return {.store = store_.get(),
            .queue = queue_.get(),
            .clock = Clock::Real(),
            .identity = nullptr,
            .set_ready = [this](bool ready) {
              if (ready && !ready_.HasBeenNotified()) ready_.Notify();
            }};
  }

  baton::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::vector<std::unique_ptr<events::testing::SourceLog>> logs_;
  absl::Notification ready_;
};

// The logs are empty (what the appliers make of events is their tests'):
// a local consumer is caught up as soon as it connects. Fails with
// AwaitReady waiting for the handoff consumer only (tried: it does).
TEST_F(RatingModuleTest, ReadyOnlyOnceBothConsumersCaughtUp) {
  std::shared_ptr<std::atomic<bool>> gate;
  RatingModule module(Options(&gate));
  EXPECT_FALSE(module.ReadyAtStart());
  ASSERT_THAT(module.Open(Context()), IsOk());
  module.Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  ASSERT_TRUE(module.handoff_consumer().AwaitStatus(
      [](const events::ConsumerStatus& s) { return s.caught_up; }, deadline));
  ASSERT_TRUE(module.feedback_consumer().AwaitStatus(
      [](const events::ConsumerStatus& s) { return s.reconnects >= 3; }, deadline));
  EXPECT_FALSE(ready_.HasBeenNotified());
  gate->store(true);
  EXPECT_TRUE(ready_.WaitForNotificationWithDeadline(deadline));
  module.Stop();
}

TEST_F(RatingModuleTest, StoppedBeforeCatchingUpNeverReportsReady) {
  std::shared_ptr<std::atomic<bool>> gate;
  RatingModule module(Options(&gate));
  ASSERT_THAT(module.Open(Context()), IsOk());
  module.Start();
  ASSERT_TRUE(module.feedback_consumer().AwaitStatus(
      [](const events::ConsumerStatus& s) { return s.reconnects >= 1; },
      absl::Now() + absl::Seconds(20)));
  module.BeginShutdown();  // joins the readiness thread: bounded
  module.Stop();
  EXPECT_FALSE(ready_.HasBeenNotified());
  EXPECT_EQ(module.handoff_consumer().Status().state, events::ConsumerState::kStopped);
}

TEST_F(RatingModuleTest, AnUnknownTimeZoneOrMissingSourceFailsOpen) {
  std::shared_ptr<std::atomic<bool>> gate;
  RatingModuleOptions options = Options(&gate);
  options.time_zone = "Mars/Olympus_Mons";
  EXPECT_THAT(RatingModule(options).Open(Context()),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("Mars")));
  options = Options(&gate);
  options.feedback_source = nullptr;
  EXPECT_THAT(RatingModule(options).Open(Context()),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("sources")));
}

}  // namespace
}  // namespace baton::rating
