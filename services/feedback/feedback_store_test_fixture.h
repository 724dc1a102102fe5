#ifndef BATON_SERVICES_FEEDBACK_FEEDBACK_STORE_TEST_FIXTURE_H_
#define BATON_SERVICES_FEEDBACK_FEEDBACK_STORE_TEST_FIXTURE_H_

// Test-only: a FeedbackStore and the HandoffStore it learns facts from, on
// one real RocksDB in a temporary directory (as batond hosts them), with a
// FakeClock and the handoff fixture's org: departments ops (outreach,
// front-desk) and clinic (consultation, treatment), chains new-patient and
// follow-up. The facts can be switched to "unreachable" to see a call fail
// UNAVAILABLE with nothing written.

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/testing/sync_call.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/local_handoff_facts.h"
#include "services/handoff/handoff_store_test_fixture.h"

namespace baton::feedback {

namespace hv1 = ::baton::handoff::v1;
using ::baton::testing::BadRequestFields;
using ::baton::testing::ErrorMetadata;
using ::baton::testing::ErrorReason;
using ::baton::testing::PreconditionViolations;

// LocalHandoffFacts that can be made to behave as an unreachable handoff
// service (UNAVAILABLE, reason HANDOFF_UNAVAILABLE), and counts lookups.
class SwitchableFacts final : public HandoffFacts {
 public:
  explicit SwitchableFacts(const handoff::HandoffStore* store) : local_(store) {}

  void set_unreachable(bool unreachable) { unreachable_ = unreachable; }
  int lookups() const { return lookups_; }

  void Handoff(absl::string_view id, absl::Time deadline, FactCallback<HandoffFact> done) override {
    ++lookups_;
    if (unreachable_) return done(Unreachable());
    local_.Handoff(id, deadline, std::move(done));
  }
  void Team(absl::string_view id, absl::Time deadline, FactCallback<TeamFact> done) override {
    ++lookups_;
    if (unreachable_) return done(Unreachable());
    local_.Team(id, deadline, std::move(done));
  }
  void WorkItem(absl::string_view id, absl::Time deadline,
                FactCallback<WorkItemFact> done) override {
    ++lookups_;
    if (unreachable_) return done(Unreachable());
    local_.WorkItem(id, deadline, std::move(done));
  }

 private:
  static absl::Status Unreachable() {
    return absl::UnavailableError("the handoff service is unreachable (test)");
  }

  LocalHandoffFacts local_;
  std::atomic<bool> unreachable_{false};
  std::atomic<int> lookups_{0};
};

class FeedbackStoreFixture : public handoff::HandoffStoreFixture {
 protected:
  FeedbackStoreFixture() { extra_column_families_ = keys::ColumnFamilies(); }

  void SetUp() override {
    handoff::HandoffStoreFixture::SetUp();
    ASSERT_NO_FATAL_FAILURE(SetUpOrg());
  }

  void OpenMore() override {
    facts_ = std::make_unique<SwitchableFacts>(handoffs_.get());
    auto feedback =
        FeedbackStore::Open(store_.get(), queue_.get(), &clock_, facts_.get(), options_);
    ASSERT_OK(feedback);
    feedback_ = *std::move(feedback);
  }
  void CloseMore() override {
    feedback_.reset();
    facts_.reset();
  }

  FeedbackStore& feedback() { return *feedback_; }

  // Runs a feedback call and waits for it.
  template <typename Method, typename Request, typename Response>
  absl::Status Run(Method method, const Caller& caller, const Request& request,
                   Response* response) {
    return ::baton::testing::SyncCall(feedback_.get(), method, caller, request, response);
  }

  // A handoff from outreach to front-desk, accepted at the clock's now.
  absl::StatusOr<hv1::Handoff> AcceptedHandoff(std::string reference) {
    ASSIGN_OR_RETURN(hv1::WorkItem item, CreateItem(Outreach(), std::move(reference)));
    ASSIGN_OR_RETURN(hv1::Handoff offer, Offer(Outreach(), item.name(),
                                               {{"name", "张三"}, {"birth_date", "1990-01-01"}}));
    return Accept(FrontDesk(), offer.name());
  }

  // A handoff from outreach to front-desk, returned for rework.
  absl::StatusOr<hv1::Handoff> ReturnedHandoff(std::string reference) {
    ASSIGN_OR_RETURN(hv1::WorkItem item, CreateItem(Outreach(), std::move(reference)));
    ASSIGN_OR_RETURN(hv1::Handoff offer, Offer(Outreach(), item.name(),
                                               {{"name", "张三"}, {"birth_date", "1990-01-01"}}));
    return Return(FrontDesk(), offer.name(), {hv1::RETURN_REASON_MISSING_INFORMATION});
  }

  uint64_t FeedbackLastSequence() const { return feedback_->event_log()->last_sequence(); }

  // The feedback events after `after`, decoded.
  std::vector<v1::Event> FeedbackEvents(uint64_t after = 0) const {
    std::vector<events::EventLog::Entry> entries;
    EXPECT_OK(feedback_->event_log()->Read(after, 1'000'000, &entries));
    std::vector<v1::Event> out;
    for (const auto& entry : entries) {
      v1::Event event;
      EXPECT_TRUE(FeedbackStore::DecodeEvent(entry, &event)) << "sequence " << entry.sequence;
      out.push_back(std::move(event));
    }
    return out;
  }

  // Heads of the two departments.
  static Caller OpsHead() { return Head("ops-head", "ops"); }
  static Caller ClinicHead() { return Head("clinic-head", "clinic"); }

  // Set before SetUp to change the rules.
  FeedbackOptions options_;
  std::unique_ptr<SwitchableFacts> facts_;
  std::unique_ptr<FeedbackStore> feedback_;
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_FEEDBACK_STORE_TEST_FIXTURE_H_
