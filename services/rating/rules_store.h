#ifndef BATON_SERVICES_RATING_RULES_STORE_H_
#define BATON_SERVICES_RATING_RULES_STORE_H_

// GetScoringRules and SetScoringRules as a domain class (no gRPC): the
// versioned scoring rules of each chain and of the organisation's default
// (chain ""), kept in rating.admin (rating_keys.h) and served from the
// RulesBook (rules_book.h says which rules apply where).
//
// SetScoringRules makes a new version — the next of one organisation-wide
// sequence, version 1 being the built-in defaults — durable through the
// commit queue like every mutation, idempotent by request_id
// (api::Mutations), and adds it to the RulesBook once it is durable: every
// event applied after that is scored with it. History keeps the version
// it was scored with until a rebuild (rebuild.h) replays it under the
// current rules. Rules may name a chain the rating service has not seen
// yet (its events may still be on their way); they apply once it has.
//
// Thread-safe. The queue, column families and book are not owned and
// must outlive this object.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/api/mutation.h"
#include "common/auth/caller.h"
#include "common/storage/commit_queue.h"
#include "services/rating/rules_book.h"

namespace baton::rating {

// The chain id of `chain` in a request: "" for "" (the default), else the
// id of `chains/{id}`; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> RulesChainId(absl::string_view field, absl::string_view chain);

// The largest return penalty and Bayesian prior weight rules may have.
inline constexpr double kMaxReturnPenalty = 100, kMaxPriorWeight = 1e6;

// `rules` (a request's, named "rules") as ScoringRules, version unset:
// INVALID_ARGUMENT listing every field out of range ("rules.rating_weight",
// …; the three weights when they do not sum to 1; return_penalty and
// prior_weight above their maximum). NaN is out of every range. A chain's
// rules pass `organisation`, the default's: their organisation-wide fields
// (prior_weight, satisfied_from) must be 0 (taken from it) or its value,
// since team figures use only the default's.
absl::StatusOr<ScoringRules> RulesFromRequest(v1::ScoringRules rules,
                                              const ScoringRules* organisation = nullptr);

class ScoringRulesStore {
 public:
  ScoringRulesStore(storage::CommitQueue* queue, rocksdb::ColumnFamilyHandle* admin,
                    rocksdb::ColumnFamilyHandle* requests, RulesBook* book)
      : mutations_(queue, requests), admin_(admin), book_(book) {}

  // The current rules of `request.chain` ("" or `chains/{id}`): the
  // chain's own newest version, or — when it has none — the default's,
  // whose `chain` is then "" (so the answer says whose rules apply). The
  // organisation-wide fields (prior_weight, satisfied_from) are always the
  // default's current ones. Any authenticated caller. INVALID_ARGUMENT
  // naming "chain".
  absl::Status GetScoringRules(const auth::Caller& caller,
                               const v1::GetScoringRulesRequest& request,
                               v1::GetScoringRulesResponse* response) const;

  // Commits `request.rules` as the newest version of its chain and answers
  // it (version and create_time filled). A chain's rules take
  // prior_weight and satisfied_from from the default (0, or the default's
  // value: anything else is refused, since team figures use only the
  // default's). PERMISSION_DENIED (ADMIN_REQUIRED) for a non-admin, before
  // anything else is looked at; INVALID_ARGUMENT naming "request_id",
  // "rules.chain" or the rule fields (RulesFromRequest);
  // FAILED_PRECONDITION (REBUILD_RUNNING) while a rebuild runs, which
  // applies the rules in force as it goes; the commit queue's errors. A
  // retry with the same request_id answers the first version and makes no
  // new one.
  void SetScoringRules(const auth::Caller& caller, const v1::SetScoringRulesRequest& request,
                       v1::SetScoringRulesResponse* response, storage::Done done);

 private:
  const api::Mutations mutations_;
  rocksdb::ColumnFamilyHandle* const admin_;
  RulesBook* const book_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RULES_STORE_H_
