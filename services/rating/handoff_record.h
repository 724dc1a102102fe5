#ifndef BATON_SERVICES_RATING_HANDOFF_RECORD_H_
#define BATON_SERVICES_RATING_HANDOFF_RECORD_H_

// What the two appliers share: their configuration, the rating service's
// per-handoff record (baton.rating.v1.StoredHandoff) and how a handoff's
// score and rating reach the rollups.
//
// A handoff's score lives on ONE day: the day it was first decided
// (`added_day`, the decide day in the organisation's zone). Its q, its
// score count, its rating's histogram counts and an overturn are all kept
// on that day, and a later rating, revision or overturn merges only the
// difference there. So a window counts each decided handoff once, with
// its current score, whenever the rating came.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "baton/rating/v1/stored.pb.h"
#include "common/events/event_sink.h"
#include "common/events/event_source.h"
#include "common/storage/commit_queue.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/rating/rating_keys.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/rollup_writer.h"
#include "services/rating/rules_book.h"
#include "services/rating/scoreboard_marks.h"
#include "services/rating/scoring.h"

namespace baton::rating {

// What both appliers are built with.
struct ApplierOptions {
  // The rating service's column families (RatingCfs::Of). Required.
  RatingCfs cfs;
  // The organisation's calendar, for day buckets. Required (no default
  // zone: see DayCalendar::Load).
  DayCalendar calendar;
  // The rules every handoff is scored with when `book` is null. Default:
  // version 1.
  ScoringRules rules;
  // The versioned per-chain rules (rules_book.h): a handoff is scored with
  // its chain's current rules. Not owned. Default: null (use `rules`).
  const RulesBook* book = nullptr;
  // Told which departments and teams each event's rollups touched, for the
  // scoreboard watches (scoreboard_marks.h: one per consumer). Not owned.
  // Default: none.
  ScoreboardMarks* marks = nullptr;

  // The rules a handoff of chain `chain_id` is scored with now.
  ScoringRules RulesFor(absl::string_view chain_id) const {
    return book != nullptr ? book->ForChain(chain_id) : rules;
  }
};

// The id in a resource name carried by an event: INVALID_ARGUMENT naming
// `field` when `name` is not `collection` + an id (api::ParseName).
absl::StatusOr<std::string> EventId(absl::string_view field, absl::string_view name,
                                    absl::string_view collection);

// The stored record of handoff `id`, or nullopt; DATA_LOSS when it does
// not parse.
absl::StatusOr<std::optional<v1::StoredHandoff>> LoadHandoff(storage::Transaction& tx,
                                                             const RatingCfs& cfs,
                                                             absl::string_view id);
void StoreHandoff(storage::Transaction& tx, const RatingCfs& cfs, absl::string_view id,
                  const v1::StoredHandoff& record);

// The stored record of work item `id` (empty when none); DATA_LOSS when it
// does not parse.
absl::StatusOr<v1::StoredItem> LoadItem(storage::Transaction& tx, const RatingCfs& cfs,
                                        absl::string_view id);
void StoreItem(storage::Transaction& tx, const RatingCfs& cfs, absl::string_view id,
               const v1::StoredItem& item);

// Counts the outside customer's verdict `score` (1–5) on `day` for the
// teams that held `item` (the attribution rule of feedback_applier.h):
// each team gets kVerdicts +1, kVerdictSum += score and the verdict
// histogram, plus the first-pass or reworked split it is in; each distinct
// department of those teams gets the count, sum and histogram once, and so
// does the chain stage the item finished at (the funnel's verdict by stage
// reached).
void CountVerdict(const v1::StoredItem& item, int score, DayNumber day, RollupWriter& rollups);

// The department id of team `team_id` as learnt from the org events, or ""
// when unknown.
absl::StatusOr<std::string> DepartmentOf(storage::Transaction& tx, const RatingCfs& cfs,
                                         absl::string_view team_id);

// The rollups a handoff's figures go to: the supplier team, the supplier's
// department (when known), the supplier's chain stage (to_stage − 1, when
// ≥ 0), and the customer team as customer (when known).
std::vector<RollupOwner> HandoffOwners(const v1::StoredHandoff& record);

// INVALID_ARGUMENT unless `scores` holds five scores, each 1–5.
absl::Status ValidateScores(const v1::StoredScores& scores);

// Brings the rollups in line with `record` and records in it what they now
// hold (the added_* fields). Nothing while it is undecided (a rating that
// came first stays pending in the record). Once decided:
//   - the first time: score_count +1 on the decide day (then `added_day`);
//   - score_sum += q − added_quality, where q is ScoreHandoff of the
//     record: the rating counts when accepted, rated and not overturned;
//     a returned handoff is unrated and its F counts the return itself
//     (scored as attempt + 1);
//   - the rating histograms and kRatings: −1 for the rating counted
//     before, +1 for the one that counts now (none when overturned);
//   - kOverturned: +1 once a counted rating is overturned.
// q is scored with the rules of the handoff's chain as they are now
// (ApplierOptions::RulesFor), and the record keeps their version
// (added_rules_version), so the read side re-scores it with the same.
// INVALID_ARGUMENT when the scores are invalid (ValidateScores) or
// ScoreHandoff refuses the facts.
// What scoring needs of a decided handoff's record: a returned handoff is
// unrated and scored as attempt + 1; an overturned rating does not count.
// Reconcile and the read side (RatingQueries) both score with it, so the
// parts shown add up to the q in the rollups.
HandoffFacts ScoringFactsOf(const v1::StoredHandoff& record);

absl::Status Reconcile(const ApplierOptions& options, v1::StoredHandoff& record,
                       RollupWriter& rollups);

// What both appliers are: an EventSink whose rollup changes are summed
// over each batch and staged once at its end (rollup_writer.h says why).
class RollupApplier : public events::EventSink {
 public:
  void BeginBatch() override { rollups_.Clear(); }
  absl::Status EndBatch(storage::Transaction& tx) override { return rollups_.Flush(tx); }

 protected:
  explicit RollupApplier(ApplierOptions options)
      : options_(std::move(options)), rollups_(options_.cfs.rollups, options_.marks) {}

  const ApplierOptions options_;
  RollupWriter rollups_;
};

// The state of applying one event, for the appliers' per-event classes:
// the transaction, the options and the batch's rollup changes.
class EventStep {
 public:
  EventStep(storage::Transaction& tx, const ApplierOptions& options, RollupWriter& rollups,
            absl::Time event_time)
      : tx_(tx), options_(options), cfs_(options.cfs), rollups_(rollups), event_time_(event_time) {}

 protected:
  // The organisation's day of `t`; of the event's time when `t` is unset.
  DayNumber Day(const google::protobuf::Timestamp& t) const;
  // Ends the event's rollup changes (RollupWriter::EndEvent) after
  // `status`, when it is OK. An error fails the whole batch.
  absl::Status Finish(absl::Status status);

  storage::Transaction& tx_;
  const ApplierOptions& options_;
  const RatingCfs& cfs_;
  RollupWriter& rollups_;
  const absl::Time event_time_;
};

// `event`'s bytes parsed as `Event`; INVALID_ARGUMENT naming `type` when
// they do not parse.
template <typename Event>
absl::StatusOr<Event> ParseEvent(const events::ConsumedEvent& event, absl::string_view type) {
  Event parsed;
  if (!parsed.ParseFromString(event.bytes)) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event.sequence, " is not a ", type));
  }
  return parsed;
}

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_HANDOFF_RECORD_H_
