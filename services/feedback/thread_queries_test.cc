// Feedback threads: lists by owner with filters and pages, who may list
// and watch what, and what each sees of grievances.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/threads_test_fixture.h"

namespace baton::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ThreadQueriesTest : public ThreadsFixture {
 protected:
  // Four threads: to outreach a complaint (acknowledged) and a praise from
  // front-desk and a suggestion from consultation; and front-desk's grievance.
  void SetUp() override {
    ThreadsFixture::SetUp();
    auto complaint = Complaint();
    ASSERT_OK(complaint);
    ASSERT_OK(Acknowledge(Outreach(), complaint->name()));
    auto praise =
        Submit(FrontDesk(), SubmitRequest(v1::FEEDBACK_KIND_PRAISE, "", "teams/outreach"));
    ASSERT_OK(praise);
    auto suggestion =
        Submit(Consultation(), SubmitRequest(v1::FEEDBACK_KIND_SUGGESTION, "", "teams/outreach"));
    ASSERT_OK(suggestion);
    auto grievance = Grievance();
    ASSERT_OK(grievance);
    complaint_ = complaint->name();
    praise_ = praise->name();
    suggestion_ = suggestion->name();
    grievance_ = grievance->name();
  }

  static v1::ListFeedbackRequest To(std::string team) {
    v1::ListFeedbackRequest request;
    request.set_addressee_team(std::move(team));
    return request;
  }
  static v1::ListFeedbackRequest By(std::string team) {
    v1::ListFeedbackRequest request;
    request.set_author_team(std::move(team));
    return request;
  }
  static v1::ListFeedbackRequest In(std::string department) {
    v1::ListFeedbackRequest request;
    request.set_department(std::move(department));
    return request;
  }

  // The names listed for `caller`, following every page.
  absl::StatusOr<std::vector<std::string>> Names(const Caller& caller,
                                                 v1::ListFeedbackRequest request) {
    std::vector<std::string> names;
    do {
      ASSIGN_OR_RETURN(v1::ListFeedbackResponse page, List(caller, request));
      for (const v1::Feedback& thread : page.feedback()) names.push_back(thread.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  std::string complaint_, praise_, suggestion_, grievance_;
};

TEST_F(ThreadQueriesTest, ListsPageOldestFirstAndBindTheirTokensToTheFilter) {
  v1::ListFeedbackRequest request = To("teams/outreach");
  request.set_page_size(2);
  auto first = List(Outreach(), request);
  ASSERT_OK(first);
  ASSERT_EQ(first->feedback_size(), 2);
  EXPECT_EQ(first->feedback(0).name(), complaint_);
  EXPECT_EQ(first->feedback(1).name(), praise_);
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  auto second = List(Outreach(), request);
  ASSERT_OK(second);
  ASSERT_EQ(second->feedback_size(), 1);
  EXPECT_EQ(second->feedback(0).name(), suggestion_);
  EXPECT_TRUE(second->next_page_token().empty());

  request.set_state(v1::FEEDBACK_STATE_OPEN);  // another filter, the same token
  auto refused = List(Outreach(), request);
  EXPECT_THAT(BadRequestFields(refused.status()), ElementsAre("page_token"));
  // An outsider cannot use the team's token either.
  request.clear_state();
  EXPECT_EQ(List(Treatment(), request).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(ThreadQueriesTest, FiltersApplyWhileScanning) {
  v1::ListFeedbackRequest open = To("teams/outreach");
  open.set_state(v1::FEEDBACK_STATE_OPEN);
  EXPECT_THAT(*Names(Outreach(), open), ElementsAre(praise_, suggestion_));
  v1::ListFeedbackRequest praise = To("teams/outreach");
  praise.set_kind(v1::FEEDBACK_KIND_PRAISE);
  EXPECT_THAT(*Names(Outreach(), praise), ElementsAre(praise_));
  v1::ListFeedbackRequest escalated = To("teams/outreach");
  escalated.set_escalated_only(true);
  EXPECT_THAT(*Names(Outreach(), escalated), IsEmpty());
  // One item per page: skipped items do not end the list early.
  praise.set_page_size(1);
  EXPECT_THAT(*Names(Outreach(), praise), ElementsAre(praise_));
}

TEST_F(ThreadQueriesTest, TeamListsAreForTheTeamItsHeadServicesAndAdmins) {
  for (const Caller& viewer : {Outreach(), OpsHead(), Service(), Admin()}) {
    auto names = Names(viewer, To("teams/outreach"));
    ASSERT_OK(names);
    EXPECT_THAT(*names, ElementsAre(complaint_, praise_, suggestion_)) << viewer.principal.subject;
  }
  for (const Caller& outsider : {FrontDesk(), ClinicHead(), Treatment()}) {
    auto refused = List(outsider, To("teams/outreach"));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
        << outsider.principal.subject;
    EXPECT_EQ(ErrorReason(refused.status()), "NOT_FEEDBACK_VIEWER");
  }
  EXPECT_EQ(List(Head("x-head", "x"), To("teams/nope")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ThreadQueriesTest, GrievancesAppearOnlyToTheirAuthorAndItsHead) {
  EXPECT_THAT(*Names(FrontDesk(), By("teams/front-desk")),
              ElementsAre(complaint_, praise_, grievance_));
  EXPECT_THAT(*Names(OpsHead(), By("teams/front-desk")),
              ElementsAre(complaint_, praise_, grievance_));
  EXPECT_THAT(*Names(Service(), By("teams/front-desk")), ElementsAre(complaint_, praise_));
  EXPECT_THAT(*Names(Admin(), By("teams/front-desk")), ElementsAre(complaint_, praise_));
  // The department: its head hears all, services and admins not grievances.
  EXPECT_THAT(*Names(OpsHead(), In("departments/ops")),
              ElementsAre(complaint_, praise_, suggestion_, grievance_));
  EXPECT_THAT(*Names(Service(), In("departments/ops")),
              ElementsAre(complaint_, praise_, suggestion_));
  // The author's head sees its team's thread to another department.
  EXPECT_THAT(*Names(ClinicHead(), By("teams/consultation")), ElementsAre(suggestion_));
  for (const Caller& outsider : {ClinicHead(), Outreach(), Member("ops-x", "ops")}) {
    EXPECT_EQ(List(outsider, In("departments/ops")).status().code(),
              absl::StatusCode::kPermissionDenied)
        << outsider.principal.subject;
  }
}

TEST_F(ThreadQueriesTest, WatchesAreForTheTeamOrTheDepartmentsHeadServicesAndAdmins) {
  v1::WatchFeedbackRequest team;
  team.set_team("teams/outreach");
  v1::WatchFeedbackRequest department;
  department.set_department("departments/ops");
  for (const Caller& watcher : {Outreach(), Service(), Admin()}) {
    auto topic = feedback().AuthorizeFeedbackWatch(watcher, team);
    ASSERT_OK(topic);
    EXPECT_EQ(*topic, FeedbackStore::TeamTopic("outreach"));
  }
  for (const Caller& watcher : {OpsHead(), Service(), Admin()}) {
    auto topic = feedback().AuthorizeFeedbackWatch(watcher, department);
    ASSERT_OK(topic);
    EXPECT_EQ(*topic, FeedbackStore::DepartmentTopic("ops"));
  }
  for (const Caller& outsider : {FrontDesk(), OpsHead()}) {
    EXPECT_EQ(ErrorReason(feedback().AuthorizeFeedbackWatch(outsider, team).status()),
              "NOT_FEEDBACK_VIEWER");
  }
  for (const Caller& outsider : {ClinicHead(), Outreach()}) {
    EXPECT_EQ(ErrorReason(feedback().AuthorizeFeedbackWatch(outsider, department).status()),
              "NOT_FEEDBACK_VIEWER");
  }
}

}  // namespace
}  // namespace baton::feedback
