#include "services/rating/feedback_applier.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "baton/feedback/v1/events.pb.h"
#include "common/api/names.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/rating/histogram.h"

namespace baton::rating {
namespace {

namespace fv1 = ::baton::feedback::v1;
using v1::StoredHandoff;

class Application : public EventStep {
 public:
  using EventStep::EventStep;

  absl::Status Run(const fv1::Event& event) {
    switch (event.payload_case()) {
      case fv1::Event::kRatingGiven:
        return Finish(Rated(event.rating_given()));
      case fv1::Event::kRatingRevised:
        return Finish(Rated(event.rating_revised()));
      case fv1::Event::kRatingDisputed:
        return Finish(Disputed(event.rating_disputed()));
      case fv1::Event::kDisputeRuled:
        return Finish(Ruled(event.dispute_ruled()));
      case fv1::Event::kFeedbackSubmitted:
        return Finish(Submitted(event.feedback_submitted()));
      case fv1::Event::kFeedbackResolved:
        return Finish(OpenChanged(event.feedback_resolved(), -1));
      case fv1::Event::kFeedbackDismissed:
        return Finish(OpenChanged(event.feedback_dismissed(), -1));
      case fv1::Event::kFeedbackReopened:
        return Finish(OpenChanged(event.feedback_reopened(), +1));
      case fv1::Event::kFeedbackAcknowledged:
        return Finish(Acknowledged(event.feedback_acknowledged()));
      case fv1::Event::kFeedbackEscalated:
        return Finish(Escalated(event.feedback_escalated()));
      case fv1::Event::kVerdictRecorded:
        return Finish(Verdict(event.verdict_recorded()));
      default:  // nothing to count, or payloads newer than this binary
        return absl::OkStatus();
    }
  }

 private:
  // An id in `name`, or "" when `name` is empty.
  static absl::StatusOr<std::string> OptionalId(absl::string_view field, absl::string_view name,
                                                absl::string_view collection) {
    if (name.empty()) return std::string();
    return EventId(field, name, collection);
  }

  // The handoff record of `rating`: the stored one, or (the rating came
  // first) a new one from the rating's names, whose state stays
  // unspecified until the handoff log says more.
  absl::StatusOr<std::pair<std::string, StoredHandoff>> Record(const fv1::Rating& rating) {
    ASSIGN_OR_RETURN(std::string id, EventId("rating.handoff", rating.handoff(), api::kHandoffs));
    ASSIGN_OR_RETURN(std::optional<StoredHandoff> stored, LoadHandoff(tx_, cfs_, id));
    if (stored.has_value()) return std::make_pair(std::move(id), std::move(*stored));
    StoredHandoff record;
    ASSIGN_OR_RETURN(*record.mutable_supplier_team(),
                     OptionalId("rating.supplier_team", rating.supplier_team(), api::kTeams));
    ASSIGN_OR_RETURN(*record.mutable_customer_team(),
                     OptionalId("rating.customer_team", rating.customer_team(), api::kTeams));
    ASSIGN_OR_RETURN(*record.mutable_chain(),
                     OptionalId("rating.chain", rating.chain(), api::kChains));
    ASSIGN_OR_RETURN(*record.mutable_work_item(),
                     OptionalId("rating.work_item", rating.work_item(), api::kWorkItems));
    return std::make_pair(std::move(id), std::move(record));
  }

  absl::Status Rated(const fv1::Rating& rating) {
    v1::StoredScores scores;
    const fv1::Scores& s = rating.scores();
    for (int score :
         {s.overall(), s.completeness(), s.accuracy(), s.timeliness(), s.communication()}) {
      scores.add_scores(score);
    }
    RETURN_IF_ERROR(ValidateScores(scores));
    ASSIGN_OR_RETURN(auto record, Record(rating));
    *record.second.mutable_rating() = std::move(scores);
    RETURN_IF_ERROR(Reconcile(options_, record.second, rollups_));
    StoreHandoff(tx_, cfs_, record.first, record.second);
    return absl::OkStatus();
  }

  // The supplier team and its department, for dispute counts.
  absl::StatusOr<std::vector<RollupOwner>> SupplierOwners(const fv1::Rating& rating) {
    ASSIGN_OR_RETURN(std::string team,
                     EventId("rating.supplier_team", rating.supplier_team(), api::kTeams));
    ASSIGN_OR_RETURN(
        std::string department,
        OptionalId("rating.supplier_department", rating.supplier_department(), api::kDepartments));
    if (department.empty()) {
      ASSIGN_OR_RETURN(department, DepartmentOf(tx_, cfs_, team));
    }
    std::vector<RollupOwner> owners = {{.scope = Scope::kSupplierTeam, .id = team}};
    if (!department.empty()) owners.push_back({.scope = Scope::kDepartment, .id = department});
    return owners;
  }

  absl::Status Disputed(const fv1::Rating& rating) {
    ASSIGN_OR_RETURN(std::vector<RollupOwner> owners, SupplierOwners(rating));
    rollups_.Add(owners, Day(rating.dispute().file_time()), slot::kDisputesFiled, 1);
    return absl::OkStatus();
  }

  absl::Status Ruled(const fv1::Rating& rating) {
    ASSIGN_OR_RETURN(std::vector<RollupOwner> owners, SupplierOwners(rating));
    const DayNumber day = Day(rating.dispute().rule_time());
    switch (rating.dispute().state()) {
      case fv1::DISPUTE_STATE_UPHELD:
        rollups_.Add(owners, day, slot::kDisputesUpheld, 1);
        return absl::OkStatus();
      case fv1::DISPUTE_STATE_OVERTURNED:
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("dispute_ruled of ", rating.name(), " is neither upheld nor overturned"));
    }
    rollups_.Add(owners, day, slot::kDisputesOverturned, 1);
    ASSIGN_OR_RETURN(auto record, Record(rating));
    record.second.set_overturned(true);
    RETURN_IF_ERROR(Reconcile(options_, record.second, rollups_));
    StoreHandoff(tx_, cfs_, record.first, record.second);
    return absl::OkStatus();
  }

  // The addressee team (when any) and the thread's department.
  absl::StatusOr<std::vector<RollupOwner>> ThreadOwners(const fv1::Feedback& feedback) {
    ASSIGN_OR_RETURN(std::string team,
                     OptionalId("feedback.addressee_team", feedback.addressee_team(), api::kTeams));
    ASSIGN_OR_RETURN(std::string department,
                     OptionalId("feedback.department", feedback.department(), api::kDepartments));
    std::vector<RollupOwner> owners;
    if (!team.empty()) owners.push_back({.scope = Scope::kSupplierTeam, .id = team});
    if (!department.empty()) owners.push_back({.scope = Scope::kDepartment, .id = department});
    return owners;
  }

  absl::Status Submitted(const fv1::Feedback& feedback) {
    uint32_t counter = 0;
    switch (feedback.kind()) {
      case fv1::FEEDBACK_KIND_PRAISE:
        counter = slot::kPraise;
        break;
      case fv1::FEEDBACK_KIND_COMPLAINT:
        counter = slot::kComplaints;
        break;
      case fv1::FEEDBACK_KIND_SUGGESTION:
        counter = slot::kSuggestions;
        break;
      case fv1::FEEDBACK_KIND_GRIEVANCE:
        counter = slot::kGrievances;
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("feedback ", feedback.name(), " has no kind"));
    }
    ASSIGN_OR_RETURN(std::vector<RollupOwner> owners, ThreadOwners(feedback));
    rollups_.Add(owners, Day(feedback.create_time()), counter, 1);
    rollups_.Add(owners, kStandingDay, slot::kOpenFeedback, 1);
    return absl::OkStatus();
  }

  // A thread closed (−1) or reopened (+1): the standing open count.
  absl::Status OpenChanged(const fv1::Feedback& feedback, int delta) {
    ASSIGN_OR_RETURN(std::vector<RollupOwner> owners, ThreadOwners(feedback));
    rollups_.Add(owners, kStandingDay, slot::kOpenFeedback, delta);
    return absl::OkStatus();
  }

  absl::Status Acknowledged(const fv1::Feedback& feedback) {
    if (feedback.kind() != fv1::FEEDBACK_KIND_COMPLAINT || feedback.reopened()) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<RollupOwner> owners, ThreadOwners(feedback));
    const absl::Time acknowledged = FromProto(feedback.acknowledge_time());
    const int bucket = LatencyBucket(acknowledged - FromProto(feedback.create_time()));
    rollups_.Add(owners, options_.calendar.DayOf(acknowledged), ComplaintResponseSlot(bucket), 1);
    return absl::OkStatus();
  }

  absl::Status Escalated(const fv1::Feedback& feedback) {
    ASSIGN_OR_RETURN(std::vector<RollupOwner> owners, ThreadOwners(feedback));
    rollups_.Add(owners, Day(feedback.escalate_time()), slot::kEscalations, 1);
    return absl::OkStatus();
  }

  absl::Status Verdict(const fv1::Verdict& verdict) {
    if (verdict.score() < 1 || verdict.score() > 5) {
      return absl::InvalidArgumentError(
          absl::StrCat("verdict ", verdict.name(), " has score ", verdict.score(), ", not 1-5"));
    }
    ASSIGN_OR_RETURN(std::string item,
                     EventId("verdict.work_item", verdict.work_item(), api::kWorkItems));
    ASSIGN_OR_RETURN(v1::StoredItem stored, LoadItem(tx_, cfs_, item));
    const DayNumber day = Day(verdict.create_time());
    if (!stored.finished()) {
      // The handoff log is behind: count it when the item finishes there,
      // so that every team that held it is known.
      stored.mutable_pending_verdict()->set_score(verdict.score());
      stored.mutable_pending_verdict()->set_day(day);
      StoreItem(tx_, cfs_, item, stored);
      return absl::OkStatus();
    }
    CountVerdict(stored, verdict.score(), day, rollups_);
    return absl::OkStatus();
  }
};

}  // namespace

absl::Status FeedbackApplier::Apply(storage::Transaction& tx, const events::ConsumedEvent& event) {
  ASSIGN_OR_RETURN(fv1::Event parsed, ParseEvent<fv1::Event>(event, "baton.feedback.v1.Event"));
  return Application(tx, options_, rollups_, FromProto(parsed.time())).Run(parsed);
}

}  // namespace baton::rating
