// The commands of the feedback service: rate handoffs, dispute and rule,
// and the feedback threads a team answers.

#include "absl/flags/flag.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/parse.h"

namespace baton::batonctl {
namespace {

using Stub = fv1::FeedbackService::Stub;

const fv1::Rating& RatingOf(const auto& response) { return response.rating(); }
const fv1::Feedback& ThreadOf(const auto& response) { return response.feedback(); }

}  // namespace

int Rate(Client& client, const std::string& handoff) {
  fv1::RateHandoffRequest request;
  request.set_request_id(client.request_id());
  request.set_handoff(Qualify("handoffs", handoff));
  auto scores = ParseScores("scores", absl::GetFlag(FLAGS_scores));
  if (!scores.ok()) return UsageError(scores.status().message());
  *request.mutable_scores() = *std::move(scores);
  request.set_comment(absl::GetFlag(FLAGS_comment));
  return CallAndPrint(client, &Stub::RateHandoff, request, RatingOf<fv1::RateHandoffResponse>);
}

int RatingGet(Client& client, const std::string& rating) {
  fv1::GetRatingRequest request;
  request.set_name(Qualify("ratings", rating));
  return CallAndPrint(client, &Stub::GetRating, request, RatingOf<fv1::GetRatingResponse>);
}

int Dispute(Client& client, const std::string& rating) {
  fv1::DisputeRatingRequest request;
  request.set_request_id(client.request_id());
  request.set_rating(Qualify("ratings", rating));
  request.set_reason(absl::GetFlag(FLAGS_reason));
  return CallAndPrint(client, &Stub::DisputeRating, request, RatingOf<fv1::DisputeRatingResponse>);
}

int Rule(Client& client, const std::string& rating) {
  fv1::RuleOnDisputeRequest request;
  request.set_request_id(client.request_id());
  request.set_rating(Qualify("ratings", rating));
  auto ruling = ParseRuling("ruling", absl::GetFlag(FLAGS_ruling));
  if (!ruling.ok()) return UsageError(ruling.status().message());
  request.set_ruling(*ruling);
  request.set_note(absl::GetFlag(FLAGS_note));
  return CallAndPrint(client, &Stub::RuleOnDispute, request, RatingOf<fv1::RuleOnDisputeResponse>);
}

int FeedbackSubmit(Client& client, const std::string&) {
  fv1::SubmitFeedbackRequest request;
  request.set_request_id(client.request_id());
  auto kind = ParseFeedbackKind("kind", absl::GetFlag(FLAGS_kind));
  if (!kind.ok()) return UsageError(kind.status().message());
  request.set_kind(*kind);
  request.set_handoff(Qualify("handoffs", absl::GetFlag(FLAGS_handoff)));
  request.set_about_team(Qualify("teams", absl::GetFlag(FLAGS_about)));
  request.set_title(absl::GetFlag(FLAGS_title));
  request.set_body(absl::GetFlag(FLAGS_body));
  return CallAndPrint(client, &Stub::SubmitFeedback, request,
                      ThreadOf<fv1::SubmitFeedbackResponse>);
}

int FeedbackAck(Client& client, const std::string& thread) {
  fv1::AcknowledgeFeedbackRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("feedback", thread));
  return CallAndPrint(client, &Stub::AcknowledgeFeedback, request,
                      ThreadOf<fv1::AcknowledgeFeedbackResponse>);
}

int FeedbackReply(Client& client, const std::string& thread) {
  fv1::RespondToFeedbackRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("feedback", thread));
  request.set_text(absl::GetFlag(FLAGS_text));
  return CallAndPrint(client, &Stub::RespondToFeedback, request,
                      ThreadOf<fv1::RespondToFeedbackResponse>);
}

int FeedbackResolve(Client& client, const std::string& thread) {
  fv1::ResolveFeedbackRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("feedback", thread));
  request.set_note(absl::GetFlag(FLAGS_note));
  return CallAndPrint(client, &Stub::ResolveFeedback, request,
                      ThreadOf<fv1::ResolveFeedbackResponse>);
}

int FeedbackGet(Client& client, const std::string& thread) {
  fv1::GetFeedbackRequest request;
  request.set_name(Qualify("feedback", thread));
  return CallAndPrint(client, &Stub::GetFeedback, request, ThreadOf<fv1::GetFeedbackResponse>);
}

int FeedbackList(Client& client, const std::string&) {
  fv1::ListFeedbackRequest request;
  request.set_addressee_team(Qualify("teams", absl::GetFlag(FLAGS_team)));
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    auto parsed = ParseFeedbackState("state", state);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    request.set_state(*parsed);
  }
  return ListAll(client, &Stub::ListFeedback, request,
                 [](const fv1::ListFeedbackResponse& r) { return r.feedback(); });
}

}  // namespace baton::batonctl
