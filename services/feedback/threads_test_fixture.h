#ifndef BATON_SERVICES_FEEDBACK_THREADS_TEST_FIXTURE_H_
#define BATON_SERVICES_FEEDBACK_THREADS_TEST_FIXTURE_H_

// Test-only: FeedbackStoreFixture with short ways to submit and change
// feedback threads (threads_test.cc, escalation_test.cc).

#include <string>
#include <utility>

#include "services/feedback/feedback_store_test_fixture.h"

namespace baton::feedback {

class ThreadsFixture : public FeedbackStoreFixture {
 protected:
  static v1::SubmitFeedbackRequest SubmitRequest(v1::FeedbackKind kind, std::string handoff,
                                                 std::string about_team) {
    v1::SubmitFeedbackRequest request;
    request.set_kind(kind);
    request.set_handoff(std::move(handoff));
    request.set_about_team(std::move(about_team));
    request.set_title("交接资料不完整");
    request.set_body("病人的出生日期缺失，前台无法登记。");
    return request;
  }

  absl::StatusOr<v1::Feedback> Submit(const Caller& caller,
                                      const v1::SubmitFeedbackRequest& request) {
    v1::SubmitFeedbackResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::SubmitFeedback, caller, request, &response));
    return response.feedback();
  }
  // A complaint by front-desk about outreach (the team).
  absl::StatusOr<v1::Feedback> Complaint() {
    return Submit(FrontDesk(), SubmitRequest(v1::FEEDBACK_KIND_COMPLAINT, "", "teams/outreach"));
  }
  // A grievance of front-desk to ops' management, against outreach.
  absl::StatusOr<v1::Feedback> Grievance() {
    v1::SubmitFeedbackRequest request = SubmitRequest(v1::FEEDBACK_KIND_GRIEVANCE, "", "");
    request.set_against_team("teams/outreach");
    return Submit(FrontDesk(), request);
  }

  // A request of a change to thread `name`.
  template <typename Request>
  static Request On(const std::string& name) {
    Request request;
    request.set_name(name);
    return request;
  }

  // Runs a change of a thread; the thread as it now stands.
  template <typename Request, typename Response>
  absl::StatusOr<v1::Feedback> Change(void (FeedbackStore::*method)(const Caller&, const Request&,
                                                                    Response*, Done),
                                      const Caller& caller, const Request& request) {
    Response response;
    RETURN_IF_ERROR(Run(method, caller, request, &response));
    return response.feedback();
  }

  absl::StatusOr<v1::Feedback> Acknowledge(const Caller& caller, const std::string& name) {
    return Change(&FeedbackStore::AcknowledgeFeedback, caller,
                  On<v1::AcknowledgeFeedbackRequest>(name));
  }
  absl::StatusOr<v1::Feedback> Reply(const Caller& caller, const std::string& name,
                                     std::string text) {
    auto request = On<v1::RespondToFeedbackRequest>(name);
    request.set_text(std::move(text));
    return Change(&FeedbackStore::RespondToFeedback, caller, request);
  }
  absl::StatusOr<v1::Feedback> Resolve(const Caller& caller, const std::string& name,
                                       std::string note = "") {
    auto request = On<v1::ResolveFeedbackRequest>(name);
    request.set_note(std::move(note));
    return Change(&FeedbackStore::ResolveFeedback, caller, request);
  }
  absl::StatusOr<v1::Feedback> Dismiss(const Caller& caller, const std::string& name,
                                       std::string reason = "不属于我们的职责") {
    auto request = On<v1::DismissFeedbackRequest>(name);
    request.set_reason(std::move(reason));
    return Change(&FeedbackStore::DismissFeedback, caller, request);
  }
  absl::StatusOr<v1::Feedback> Reopen(const Caller& caller, const std::string& name,
                                      std::string reason = "问题没有解决") {
    auto request = On<v1::ReopenFeedbackRequest>(name);
    request.set_reason(std::move(reason));
    return Change(&FeedbackStore::ReopenFeedback, caller, request);
  }
  absl::StatusOr<v1::Feedback> Recognize(const Caller& caller, const std::string& name,
                                         std::string note = "感谢你们的坚持") {
    auto request = On<v1::RecognizeGrievanceRequest>(name);
    request.set_note(std::move(note));
    return Change(&FeedbackStore::RecognizeGrievance, caller, request);
  }
  absl::StatusOr<v1::Feedback> Get(const Caller& caller, const std::string& name) {
    v1::GetFeedbackResponse response;
    RETURN_IF_ERROR(feedback().GetFeedback(caller, On<v1::GetFeedbackRequest>(name), &response));
    return response.feedback();
  }
  absl::StatusOr<v1::ListFeedbackResponse> List(const Caller& caller,
                                                const v1::ListFeedbackRequest& request) {
    v1::ListFeedbackResponse response;
    RETURN_IF_ERROR(Run(&FeedbackStore::ListFeedback, caller, request, &response));
    return response;
  }
  // Has the escalation mark what is due now; how many it marked.
  absl::StatusOr<int> MarkEscalated() {
    int marked = -1;
    absl::Notification finished;
    absl::Status result;
    feedback().MarkEscalated(100, &marked, [&](absl::Status status) {
      result = std::move(status);
      finished.Notify();
    });
    finished.WaitForNotification();
    RETURN_IF_ERROR(result);
    return marked;
  }
};

}  // namespace baton::feedback

#endif  // BATON_SERVICES_FEEDBACK_THREADS_TEST_FIXTURE_H_
