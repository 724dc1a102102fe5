#ifndef BATON_SERVICES_HANDOFF_HANDOFF_STORE_TEST_FIXTURE_H_
#define BATON_SERVICES_HANDOFF_HANDOFF_STORE_TEST_FIXTURE_H_

// Test-only: a HandoffStore over a real RocksDB in a temporary directory,
// with a FakeClock, synchronous wrappers of the asynchronous mutations, and
// a small org (two departments, four teams, two chains).

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/status/status_macros.h"
#include "common/storage/commit_queue.h"
#include "common/storage/store.h"
#include "common/testing/status_details.h"
#include "common/testing/status_matchers.h"
#include "common/testing/sync_call.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "common/api/names.h"
#include "services/handoff/access.h"
#include "services/handoff/handoff_store.h"
#include "services/handoff/keys.h"

namespace baton::handoff {
using api::kChains;
using api::kDepartments;
using api::kHandoffs;
using api::kTeams;
using api::kWorkItems;
using api::Name;
using api::ParseName;
}  // namespace baton::handoff

namespace baton::handoff {

using Fields = std::map<std::string, std::string>;

inline constexpr char kNewPatient[] = "chains/new-patient";
inline constexpr char kFollowUp[] = "chains/follow-up";

using ::baton::testing::BadRequestFields;
using ::baton::testing::ErrorMetadata;
using ::baton::testing::PreconditionViolations;

class HandoffStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenAll()); }

  // Opens the Store, CommitQueue and HandoffStore on dir_ (again, after CloseAll()).
  void OpenAll() {
    std::vector<std::string> families = keys::ColumnFamilies();
    families.insert(families.end(), extra_column_families_.begin(), extra_column_families_.end());
    auto store = storage::Store::Open({.path = dir_.Sub("db"), .column_families = families});
    ASSERT_OK(store);
    store_ = *std::move(store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), &clock_);
    auto handoffs = HandoffStore::Open(store_.get(), queue_.get(), &clock_);
    ASSERT_OK(handoffs);
    handoffs_ = *std::move(handoffs);
    OpenMore();
  }

  // Destroys everything but the directory.
  void CloseAll() {
    CloseMore();
    handoffs_.reset();
    queue_.reset();
    store_.reset();
  }

  HandoffStore& handoffs() { return *handoffs_; }

  // For fixtures that host another service on the same store (feedback):
  // its column families, set before SetUp; what it opens once the handoff
  // store is open, and closes before it closes.
  std::vector<std::string> extra_column_families_;
  virtual void OpenMore() {}
  virtual void CloseMore() {}

  // --- Callers.
  static Caller MakeOrDie(auth::Principal principal, absl::string_view act_as = "") {
    auto caller = MakeCaller(std::move(principal), act_as);
    EXPECT_OK(caller);
    return caller.ok() ? *std::move(caller) : Caller{};
  }
  static Caller Admin() { return MakeOrDie({.subject = "root", .roles = {auth::Role::kAdmin}}); }
  static Caller Member(std::string team, std::string department) {
    return MakeOrDie({.subject = team + "-member",
                      .team = team,
                      .department = std::move(department),
                      .roles = {auth::Role::kMember}});
  }
  static Caller Head(std::string subject, std::string department) {
    return MakeOrDie({.subject = std::move(subject),
                      .department = std::move(department),
                      .roles = {auth::Role::kMember, auth::Role::kHead}});
  }
  static Caller Service(absl::string_view act_as = "") {
    return MakeOrDie({.subject = "crm-sync", .roles = {auth::Role::kService}}, act_as);
  }
  static Caller Outreach() { return Member("outreach", "ops"); }
  static Caller FrontDesk() { return Member("front-desk", "ops"); }
  static Caller Consultation() { return Member("consultation", "clinic"); }
  static Caller Treatment() { return Member("treatment", "clinic"); }

  // --- The sync helper: runs a mutation and waits for its `done`.
  template <typename Request, typename Response>
  absl::Status Call(void (HandoffStore::*method)(const Caller&, const Request&, Response*,
                                                 storage::Done),
                    const Caller& caller, const Request& request, Response* response) {
    return ::baton::testing::SyncCall(handoffs_.get(), method, caller, request, response);
  }

  absl::StatusOr<int> MarkOverdue(size_t limit = 100) {
    absl::Notification finished;
    absl::Status result;
    int marked = -1;
    handoffs_->MarkOverdue(limit, &marked, [&](absl::Status status) {
      result = std::move(status);
      finished.Notify();
    });
    finished.WaitForNotification();
    RETURN_IF_ERROR(result);
    return marked;
  }

  // --- Org.
  absl::Status CreateDepartment(const Caller& caller, std::string id, std::string display_name) {
    v1::CreateDepartmentRequest request;
    request.set_department_id(std::move(id));
    request.mutable_department()->set_display_name(std::move(display_name));
    v1::CreateDepartmentResponse response;
    return Call(&HandoffStore::CreateDepartment, caller, request, &response);
  }

  absl::Status CreateTeam(const Caller& caller, std::string id, std::string department,
                          std::string display_name) {
    v1::CreateTeamRequest request;
    request.set_team_id(std::move(id));
    request.mutable_team()->set_department(std::move(department));
    request.mutable_team()->set_display_name(std::move(display_name));
    v1::CreateTeamResponse response;
    return Call(&HandoffStore::CreateTeam, caller, request, &response);
  }

  static v1::Stage MakeStage(std::string display_name, std::string owner_team, absl::Duration sla,
                             std::vector<std::string> required = {}, bool read_back = false) {
    v1::Stage stage;
    stage.set_display_name(std::move(display_name));
    stage.set_owner_team(std::move(owner_team));
    if (sla > absl::ZeroDuration()) *stage.mutable_sla() = ToProto(sla);
    for (std::string& field : required) stage.add_required_fields(std::move(field));
    stage.set_requires_read_back(read_back);
    return stage;
  }

  absl::Status CreateChain(const Caller& caller, std::string id, std::string display_name,
                           std::vector<v1::Stage> stages, v1::Chain* created = nullptr) {
    v1::CreateChainRequest request;
    request.set_chain_id(std::move(id));
    request.mutable_chain()->set_display_name(std::move(display_name));
    for (v1::Stage& stage : stages) *request.mutable_chain()->add_stages() = std::move(stage);
    v1::CreateChainResponse response;
    absl::Status status = Call(&HandoffStore::CreateChain, caller, request, &response);
    if (created != nullptr) *created = response.chain();
    return status;
  }

  // new-patient: outreach → front-desk (1h) → consultation (2h, read-back) → treatment (30m).
  // follow-up:   treatment → front-desk (24h).
  void SetUpOrg() {
    const Caller admin = Admin();
    ASSERT_OK(CreateDepartment(admin, "ops", "运营部"));
    ASSERT_OK(CreateDepartment(admin, "clinic", "诊所"));
    ASSERT_OK(CreateTeam(admin, "outreach", "departments/ops", "外联组"));
    ASSERT_OK(CreateTeam(admin, "front-desk", "departments/ops", "前台"));
    ASSERT_OK(CreateTeam(admin, "consultation", "departments/clinic", "问诊"));
    ASSERT_OK(CreateTeam(admin, "treatment", "departments/clinic", "治疗"));
    ASSERT_OK(CreateChain(
        admin, "new-patient", "新患者",
        {MakeStage("外联 outreach", "teams/outreach", absl::ZeroDuration(), {"phone"}),
         MakeStage("前台 front desk", "teams/front-desk", absl::Hours(1),
                   {"phone", "name", "birth_date"}),
         MakeStage("问诊 consultation", "teams/consultation", absl::Hours(2), {"complaint"},
                   /*read_back=*/true),
         MakeStage("治疗 treatment", "teams/treatment", absl::Minutes(30))}));
    ASSERT_OK(CreateChain(admin, "follow-up", "复诊",
                          {MakeStage("治疗", "teams/treatment", absl::ZeroDuration()),
                           MakeStage("前台", "teams/front-desk", absl::Hours(24))}));
  }

  // --- Work items and handoffs.
  absl::StatusOr<v1::WorkItem> CreateItem(const Caller& caller, std::string reference,
                                          Fields fields = {{"phone", "13800000000"}},
                                          std::string chain = kNewPatient,
                                          std::string request_id = "") {
    v1::CreateWorkItemRequest request;
    request.set_request_id(std::move(request_id));
    request.set_chain(std::move(chain));
    request.set_external_reference(std::move(reference));
    for (auto& [key, value] : fields) (*request.mutable_fields())[key] = value;
    v1::CreateWorkItemResponse response;
    RETURN_IF_ERROR(Call(&HandoffStore::CreateWorkItem, caller, request, &response));
    return response.work_item();
  }

  absl::StatusOr<v1::Handoff> Offer(const Caller& caller, const std::string& item,
                                    Fields fields = {}, std::string note = "",
                                    std::string request_id = "") {
    v1::OfferHandoffRequest request;
    request.set_request_id(std::move(request_id));
    request.set_work_item(item);
    for (auto& [key, value] : fields) (*request.mutable_fields())[key] = value;
    request.set_note(std::move(note));
    v1::OfferHandoffResponse response;
    RETURN_IF_ERROR(Call(&HandoffStore::OfferHandoff, caller, request, &response));
    return response.handoff();
  }

  absl::StatusOr<v1::Handoff> Accept(const Caller& caller, const std::string& handoff,
                                     std::string read_back = "", std::string request_id = "") {
    v1::AcceptHandoffRequest request;
    request.set_request_id(std::move(request_id));
    request.set_name(handoff);
    request.set_read_back(std::move(read_back));
    v1::AcceptHandoffResponse response;
    RETURN_IF_ERROR(Call(&HandoffStore::AcceptHandoff, caller, request, &response));
    return response.handoff();
  }

  absl::StatusOr<v1::Handoff> Return(
      const Caller& caller, const std::string& handoff,
      std::vector<v1::ReturnReason> reasons = {v1::RETURN_REASON_MISSING_INFORMATION},
      std::vector<std::string> fields = {}, std::string note = "") {
    v1::ReturnHandoffRequest request;
    request.set_name(handoff);
    for (v1::ReturnReason reason : reasons) request.add_reasons(reason);
    for (std::string& field : fields) request.add_fields(std::move(field));
    request.set_note(std::move(note));
    v1::ReturnHandoffResponse response;
    RETURN_IF_ERROR(Call(&HandoffStore::ReturnHandoff, caller, request, &response));
    return response.handoff();
  }

  absl::StatusOr<v1::WorkItem> Complete(const Caller& caller, const std::string& item) {
    v1::CompleteWorkItemRequest request;
    request.set_name(item);
    v1::CompleteWorkItemResponse response;
    RETURN_IF_ERROR(Call(&HandoffStore::CompleteWorkItem, caller, request, &response));
    return response.work_item();
  }

  absl::StatusOr<v1::WorkItem> Drop(const Caller& caller, const std::string& item,
                                    v1::DropReason reason, std::string note = "") {
    v1::DropWorkItemRequest request;
    request.set_name(item);
    request.set_reason(reason);
    request.set_note(std::move(note));
    v1::DropWorkItemResponse response;
    RETURN_IF_ERROR(Call(&HandoffStore::DropWorkItem, caller, request, &response));
    return response.work_item();
  }

  // Creates an item and moves it to front desk (stage 1).
  absl::StatusOr<v1::WorkItem> ItemAtFrontDesk(std::string reference) {
    ASSIGN_OR_RETURN(v1::WorkItem item, CreateItem(Outreach(), std::move(reference)));
    ASSIGN_OR_RETURN(v1::Handoff offer, Offer(Outreach(), item.name(),
                                              {{"name", "张三"}, {"birth_date", "1990-01-01"}}));
    RETURN_IF_ERROR(Accept(FrontDesk(), offer.name()).status());
    return GetItem(item.name());
  }

  // --- Reads.
  absl::StatusOr<v1::WorkItem> GetItem(const std::string& name) {
    v1::GetWorkItemRequest request;
    request.set_name(name);
    v1::GetWorkItemResponse response;
    RETURN_IF_ERROR(handoffs_->GetWorkItem(Admin(), request, &response));
    return response.work_item();
  }

  absl::StatusOr<v1::Handoff> GetHandoff(const std::string& name) {
    v1::GetHandoffRequest request;
    request.set_name(name);
    v1::GetHandoffResponse response;
    RETURN_IF_ERROR(handoffs_->GetHandoff(Admin(), request, &response));
    return response.handoff();
  }

  uint64_t LastSequence() const { return handoffs_->event_log()->last_sequence(); }

  // The events after `after`, decoded.
  std::vector<v1::Event> Events(uint64_t after = 0) const {
    std::vector<events::EventLog::Entry> entries;
    EXPECT_OK(handoffs_->event_log()->Read(after, 1'000'000, &entries));
    std::vector<v1::Event> out;
    for (const auto& entry : entries) {
      v1::Event event;
      EXPECT_TRUE(HandoffStore::DecodeEvent(entry, &event)) << "sequence " << entry.sequence;
      out.push_back(std::move(event));
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<HandoffStore> handoffs_;
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_HANDOFF_STORE_TEST_FIXTURE_H_
