// Ratings and their disputes: the writes. The handoff's facts (its teams,
// their departments, its acceptance) never change once true, so they are
// learnt before the commit; everything that can change (the rating's
// versions, its dispute, the clock against the window) is re-read and
// checked on the committer, serialised with every other write.

#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/validation.h"

namespace baton::feedback {
namespace {

using api::kChains;
using api::kDepartments;
using api::kHandoffs;
using api::kRatings;
using api::kTeams;
using api::kWorkItems;
using api::Name;

std::string Format(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", time, absl::UTCTimeZone());
}

absl::Status RatingRefused(absl::string_view reason, absl::string_view rating,
                           std::string message) {
  return FailedPrecondition(reason, message, {{"STATE", std::string(rating), message}});
}

// The rules RateHandoff checks before the commit, on facts that never change.
absl::Status CheckRater(const Caller& caller, const HandoffFact& fact) {
  RETURN_IF_ERROR(auth::RequireTeam(caller, fact.customer.team_id, "RateHandoff", "the customer",
                                    "NOT_CUSTOMER"));
  if (fact.state == handoff::v1::HANDOFF_STATE_ACCEPTED) return absl::OkStatus();
  const std::string handoff = Name(kHandoffs, fact.handoff_id);
  const std::string message =
      fact.state == handoff::v1::HANDOFF_STATE_RETURNED
          ? absl::StrCat(handoff,
                         " was returned for rework: only an accepted handoff is rated; rate the "
                         "attempt you accept")
          : absl::StrCat(handoff, " is still offered: accept it first, then rate it");
  return FailedPrecondition("HANDOFF_NOT_ACCEPTED", message,
                            {{"STATE", handoff, "the handoff is not accepted"}});
}

// The first version of the rating of `fact`'s handoff, without its scores.
v1::Rating FirstVersion(const HandoffFact& fact, absl::Time now, absl::Time revise_until) {
  v1::Rating rating;
  rating.set_name(Name(kRatings, fact.handoff_id));
  rating.set_handoff(Name(kHandoffs, fact.handoff_id));
  rating.set_work_item(Name(kWorkItems, fact.work_item_id));
  rating.set_chain(Name(kChains, fact.chain_id));
  rating.set_supplier_team(Name(kTeams, fact.supplier.team_id));
  rating.set_customer_team(Name(kTeams, fact.customer.team_id));
  rating.set_supplier_department(Name(kDepartments, fact.supplier.department_id));
  rating.set_customer_department(Name(kDepartments, fact.customer.department_id));
  rating.set_revision(0);
  *rating.mutable_create_time() = ToProto(now);
  *rating.mutable_revise_until() = ToProto(revise_until);
  return rating;
}

// Whether a stored rating may take one more version.
absl::Status CheckRevisable(const v1::Rating& rating, int max_versions) {
  if (rating.overturned()) {
    return RatingRefused("RATING_OVERTURNED", rating.name(),
                         absl::StrCat(rating.name(),
                                      " was overturned on dispute and no longer counts; it cannot "
                                      "be revised"));
  }
  if (rating.revision() >= max_versions) {
    return RatingRefused(
        "TOO_MANY_REVISIONS", rating.name(),
        absl::StrCat(rating.name(), " already has ", rating.revision(), " versions, the most a ",
                     "rating may have; say what changed in feedback on the handoff instead"));
  }
  return absl::OkStatus();
}

// Keeps the current version in `earlier` (none yet for a first version)
// and makes the request's scores and comment the latest.
void NewVersion(const v1::RateHandoffRequest& request, const Caller& caller, absl::Time now,
                v1::Rating& rating) {
  if (rating.revision() > 0) {
    v1::RatingRevision* earlier = rating.add_earlier();
    earlier->set_revision(rating.revision());
    *earlier->mutable_scores() = rating.scores();
    earlier->set_comment(rating.comment());
    *earlier->mutable_time() = rating.update_time();
    *earlier->mutable_rated_by() = rating.rated_by();
  }
  rating.set_revision(rating.revision() + 1);
  *rating.mutable_scores() = request.scores();
  rating.set_comment(request.comment());
  *rating.mutable_rated_by() = api::ActorOf(caller);
  *rating.mutable_update_time() = ToProto(now);
}

// Loads the stored rating `id` (NOT_FOUND naming it when there is none),
// lets `change` check and change it, and stages it as updated now.
absl::Status ChangeRating(storage::Transaction& tx, rocksdb::ColumnFamilyHandle* cf,
                          const std::string& id,
                          absl::FunctionRef<absl::Status(v1::Rating&)> change, v1::Rating* rating) {
  ASSIGN_OR_RETURN(bool found, tx.GetProto(cf, keys::Id(id), rating));
  if (!found) return NotFound(Name(kRatings, id));
  RETURN_IF_ERROR(change(*rating));
  *rating->mutable_update_time() = ToProto(tx.now());
  tx.PutProto(cf, keys::Id(id), *rating);
  return absl::OkStatus();
}

// The supplier team files its one dispute of `rating`.
absl::Status FileDispute(const Caller& caller, const v1::DisputeRatingRequest& request,
                         absl::Time now, v1::Rating& rating) {
  ASSIGN_OR_RETURN(std::string supplier,
                   api::StoredId("rating supplier team", rating.supplier_team(), kTeams));
  RETURN_IF_ERROR(
      auth::RequireTeam(caller, supplier, "DisputeRating", "the supplier", "NOT_SUPPLIER"));
  // An overturned rating was disputed: this refuses it too.
  if (rating.has_dispute()) {
    return RatingRefused("ALREADY_DISPUTED", rating.name(),
                         absl::StrCat(rating.name(), " was already disputed on ",
                                      Format(FromProto(rating.dispute().file_time())),
                                      "; a rating is disputed once, and the head of ",
                                      rating.supplier_department(), " rules on it"));
  }
  v1::Dispute* dispute = rating.mutable_dispute();
  dispute->set_state(v1::DISPUTE_STATE_PENDING);
  dispute->set_reason(request.reason());
  *dispute->mutable_filed_by() = api::ActorOf(caller);
  *dispute->mutable_file_time() = ToProto(now);
  return absl::OkStatus();
}

// The head of the supplier's department rules on the pending dispute.
absl::Status RuleDispute(const Caller& caller, const v1::RuleOnDisputeRequest& request,
                         absl::Time now, v1::Rating& rating) {
  ASSIGN_OR_RETURN(
      std::string department,
      api::StoredId("rating supplier department", rating.supplier_department(), kDepartments));
  // The supplier's own head: not the customer's, not an admin's, not a
  // service's (DESIGN.md: who rules on a dispute).
  if (!caller.heads(department)) {
    return auth::Denied(
        "NOT_SUPPLIER_HEAD",
        absl::StrCat("RuleOnDispute on ", rating.name(), " is for the head of ",
                     rating.supplier_department(), ", the supplier team's department"));
  }
  if (rating.dispute().state() != v1::DISPUTE_STATE_PENDING) {
    return RatingRefused(
        "NO_PENDING_DISPUTE", rating.name(),
        absl::StrCat(rating.name(),
                     rating.has_dispute() ? " has a dispute already ruled on" : " is not disputed",
                     ": there is nothing to rule on"));
  }
  const bool overturn = request.ruling() == v1::RULING_OVERTURN;
  v1::Dispute* dispute = rating.mutable_dispute();
  dispute->set_state(overturn ? v1::DISPUTE_STATE_OVERTURNED : v1::DISPUTE_STATE_UPHELD);
  dispute->set_ruling_note(request.note());
  *dispute->mutable_ruled_by() = api::ActorOf(caller);
  *dispute->mutable_rule_time() = ToProto(now);
  rating.set_overturned(overturn);
  return absl::OkStatus();
}

}  // namespace

void FeedbackStore::RateHandoff(const Caller& caller, const v1::RateHandoffRequest& request,
                                v1::RateHandoffResponse* response, Done done) {
  absl::StatusOr<std::string> handoff_id = Validate(request);
  if (!handoff_id.ok()) return done(handoff_id.status());
  facts_->Handoff(
      *handoff_id, FactsDeadline(caller),
      [this, caller, &request, response,
       done = std::move(done)](absl::StatusOr<HandoffFact> fact) mutable {
        if (!fact.ok()) return done(fact.status());
        if (absl::Status allowed = CheckRater(caller, *fact); !allowed.ok()) return done(allowed);
        Submit("RateHandoff", caller, request, response, std::move(done),
               [this, caller, &request, response,
                fact = *std::move(fact)](storage::Transaction& tx) -> absl::Status {
                 // Checked at commit time: a retry of an answered request
                 // gets its answer from the ledger even after the window.
                 const absl::Time open_until = fact.decide_time + options_.rating_window;
                 if (tx.now() > open_until) {
                   return RatingRefused(
                       "RATING_WINDOW_CLOSED", Name(kRatings, fact.handoff_id),
                       absl::StrCat("the rating window of handoffs/", fact.handoff_id,
                                    " was open until ", Format(open_until), " (",
                                    absl::FormatDuration(options_.rating_window),
                                    " after its acceptance); say what you think in feedback on "
                                    "the handoff instead"));
                 }
                 v1::Rating rating;
                 ASSIGN_OR_RETURN(bool found,
                                  tx.GetProto(ratings_, keys::Id(fact.handoff_id), &rating));
                 if (found) {
                   RETURN_IF_ERROR(CheckRevisable(rating, options_.max_rating_versions));
                 } else {
                   rating = FirstVersion(fact, tx.now(), open_until);
                   for (const auto& [by, owner] :
                        {std::pair(keys::RatingBy::kSupplier, fact.supplier.team_id),
                         std::pair(keys::RatingBy::kCustomer, fact.customer.team_id),
                         std::pair(keys::RatingBy::kChain, fact.chain_id)}) {
                     tx.Put(index_, keys::RatingEntry(by, owner, tx.now(), fact.handoff_id), "");
                   }
                 }
                 NewVersion(request, caller, tx.now(), rating);
                 tx.PutProto(ratings_, keys::Id(fact.handoff_id), rating);
                 AppendEvent(tx, &caller, [&](v1::Event& e) {
                   *(found ? e.mutable_rating_revised() : e.mutable_rating_given()) = rating;
                 });
                 *response->mutable_rating() = std::move(rating);
                 return absl::OkStatus();
               });
      });
}

void FeedbackStore::DisputeRating(const Caller& caller, const v1::DisputeRatingRequest& request,
                                  v1::DisputeRatingResponse* response, Done done) {
  absl::StatusOr<std::string> rating_id = Validate(request);
  if (!rating_id.ok()) return done(rating_id.status());
  Submit("DisputeRating", caller, request, response, std::move(done),
         [this, caller, id = *std::move(rating_id), &request,
          response](storage::Transaction& tx) -> absl::Status {
           v1::Rating rating;
           RETURN_IF_ERROR(ChangeRating(
               tx, ratings_, id,
               [&](v1::Rating& r) { return FileDispute(caller, request, tx.now(), r); }, &rating));
           AppendEvent(tx, &caller, [&](v1::Event& e) { *e.mutable_rating_disputed() = rating; });
           *response->mutable_rating() = std::move(rating);
           return absl::OkStatus();
         });
}

void FeedbackStore::RuleOnDispute(const Caller& caller, const v1::RuleOnDisputeRequest& request,
                                  v1::RuleOnDisputeResponse* response, Done done) {
  absl::StatusOr<std::string> rating_id = Validate(request);
  if (!rating_id.ok()) return done(rating_id.status());
  Submit("RuleOnDispute", caller, request, response, std::move(done),
         [this, caller, id = *std::move(rating_id), &request,
          response](storage::Transaction& tx) -> absl::Status {
           v1::Rating rating;
           RETURN_IF_ERROR(ChangeRating(
               tx, ratings_, id,
               [&](v1::Rating& r) { return RuleDispute(caller, request, tx.now(), r); }, &rating));
           AppendEvent(tx, &caller, [&](v1::Event& e) { *e.mutable_dispute_ruled() = rating; });
           *response->mutable_rating() = std::move(rating);
           return absl::OkStatus();
         });
}

}  // namespace baton::feedback
