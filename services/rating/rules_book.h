#ifndef BATON_SERVICES_RATING_RULES_BOOK_H_
#define BATON_SERVICES_RATING_RULES_BOOK_H_

// The scoring rules in force, in memory: every version of every chain's
// rules (and of the organisation's default, chain ""), as rating.admin
// holds them (rating_keys.h), plus version 1, the built-in defaults.
// The appliers consult it once per scored handoff; the read side for the
// team-level figures and to re-score a handoff under the version it was
// scored with.
//
// Versions are ONE organisation-wide sequence (1, 2, 3, … whichever chain
// each is of), so the version a score records names exactly one set of
// rules. A chain without rules of its own is scored with the default's
// current version.
//
// Which rules apply where:
//   - a handoff's score (q and its parts): its chain's current rules;
//   - team, department and chain-stage figures (the Bayesian prior weight
//     C, CSAT's satisfied_from): the organisation default's current rules.
//     A team's figures mix handoffs of many chains, and a department
//     ranks teams that work on different chains: one C and one CSAT line
//     keep them comparable. Both are applied when figures are READ, so a
//     change of them shows at once, without a rebuild.
//
// Thread-safe; Add is called once a new version is durable.

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/status/statusor.h"
#include "baton/rating/v1/resources.pb.h"
#include "common/storage/store.h"
#include "services/rating/scoring.h"

namespace baton::rating {

// One version of one chain's rules.
struct RulesVersion {
  // The chain's id; "" for the organisation's default.
  std::string chain;
  // The rules; rules.version is the version.
  ScoringRules rules;
  // When it was committed; InfinitePast for the built-in version 1.
  absl::Time create_time = absl::InfinitePast();
};

// `version` as the API shows it (chain `chains/{id}` or ""); rating.admin
// stores it so too.
v1::ScoringRules RulesToProto(const RulesVersion& version);
// The rule fields of `rules`, its version included (no validation).
ScoringRules RulesOf(const v1::ScoringRules& rules);
// The version a stored (or answered) ScoringRules holds: DATA_LOSS when
// its chain is not `chains/{id}` or "", or its rules are not valid.
absl::StatusOr<RulesVersion> RulesVersionOf(const v1::ScoringRules& rules);

class RulesBook {
 public:
  // Version 1 is `built_in` (its version field is set to 1), the default's
  // until a default of its own is set.
  explicit RulesBook(ScoringRules built_in);

  // Adds every version stored in `admin` (the latest state of `store`).
  // DATA_LOSS naming the key when a record does not parse or is not
  // valid rules.
  absl::Status Load(const storage::Store& store, rocksdb::ColumnFamilyHandle* admin);

  // The rules a handoff of chain `chain_id` is scored with: the chain's
  // newest version, else the default's.
  ScoringRules ForChain(absl::string_view chain_id) const;
  // The default's newest version (team-level figures).
  ScoringRules Default() const { return ForChain(""); }
  // The version ForChain(chain_id) is, with its chain ("" when the chain
  // has none of its own).
  RulesVersion CurrentOf(absl::string_view chain_id) const;
  // Version `version`, or nullopt when there is none such.
  std::optional<RulesVersion> Version(int version) const;
  // The newest version number (1 with nothing stored).
  int Newest() const;

  // Adds a committed version; a version already known is ignored (an
  // idempotent retry answers with one).
  void Add(RulesVersion version);

 private:
  const RulesVersion* CurrentLocked(absl::string_view chain_id) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<int, RulesVersion> versions_ ABSL_GUARDED_BY(mu_);
  // Chain id → its newest version.
  std::map<std::string, int, std::less<>> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RULES_BOOK_H_
