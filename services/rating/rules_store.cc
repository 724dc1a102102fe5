#include "services/rating/rules_store.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/checks.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/time/proto_time.h"
#include "services/rating/rating_keys.h"
#include "services/rating/rollup_sets.h"

namespace baton::rating {
namespace {

// The newest version committed before this mutation (1: only the
// built-in defaults). Read through the transaction, not the book: the
// book learns a version only once it is durable, and two calls in one
// commit group must still get two versions.
absl::StatusOr<int> NewestVersion(storage::Transaction& tx, rocksdb::ColumnFamilyHandle* admin) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, tx.Get(admin, NewestRulesVersionKey()));
  if (!bytes.has_value()) return 1;
  uint32_t version = 0;
  storage::KeyReader reader(*bytes);
  if (!reader.U32(&version) || !reader.done() || version < 1) {
    return absl::DataLossError("rating.admin: the newest rules version does not parse");
  }
  return static_cast<int>(version);
}

}  // namespace

absl::StatusOr<std::string> RulesChainId(absl::string_view field, absl::string_view chain) {
  if (chain.empty()) return std::string();
  return api::ParseName(field, chain, api::kChains);
}

absl::StatusOr<ScoringRules> RulesFromRequest(v1::ScoringRules in,
                                              const ScoringRules* organisation) {
  BadRequest bad;
  if (organisation != nullptr) {
    if (in.prior_weight() == 0) in.set_prior_weight(organisation->prior_weight);
    if (in.satisfied_from() == 0) in.set_satisfied_from(organisation->satisfied_from);
    const std::string where =
        "is organisation-wide (a team's figures mix chains): set it on the default rules "
        "(rules.chain empty); for a chain give 0 or the default's ";
    if (in.prior_weight() != organisation->prior_weight) {
      bad.Add("rules.prior_weight", absl::StrCat(where, organisation->prior_weight));
      in.set_prior_weight(organisation->prior_weight);  // reported once
    }
    if (in.satisfied_from() != organisation->satisfied_from) {
      bad.Add("rules.satisfied_from", absl::StrCat(where, organisation->satisfied_from));
      in.set_satisfied_from(organisation->satisfied_from);
    }
  }
  const auto fraction = [&](const char* field, double w) {
    if (!(w >= 0 && w <= 1)) bad.Add(field, absl::StrCat("must be in [0, 1], not ", w));
  };
  fraction("rules.rating_weight", in.rating_weight());
  fraction("rules.first_pass_weight", in.first_pass_weight());
  fraction("rules.timeliness_weight", in.timeliness_weight());
  if (bad.empty()) {
    const double sum = in.rating_weight() + in.first_pass_weight() + in.timeliness_weight();
    if (std::abs(sum - 1) > 1e-9) {
      // %.12g: a sum off by 1e-8 printed with StrCat's six digits read "1".
      const std::string why = absl::StrFormat(
          "rating_weight + first_pass_weight + timeliness_weight must sum to 1 (within 1e-9), "
          "not %.12g",
          sum);
      bad.Add("rules.rating_weight", why)
          .Add("rules.first_pass_weight", why)
          .Add("rules.timeliness_weight", why);
    } else if (in.first_pass_weight() + in.timeliness_weight() <= 0) {
      bad.Add("rules.first_pass_weight",
              "first_pass_weight + timeliness_weight must be > 0: an unrated handoff is scored "
              "by them alone");
    }
  }
  const auto within = [&](const char* field, double v, double most, const char* why) {
    if (!(v >= 0 && v <= most)) {
      bad.Add(field, absl::StrFormat("must be from 0 to %g (%s), not %g", most, why, v));
    }
  };
  within("rules.return_penalty", in.return_penalty(), kMaxReturnPenalty,
         "F is 0-100, so a larger penalty says no more");
  // C·m must stay finite, and a prior that outweighs a million handoffs
  // already hides every team's own work.
  within("rules.prior_weight", in.prior_weight(), kMaxPriorWeight,
         "the handoffs the department mean counts as");
  if (in.satisfied_from() < 1 || in.satisfied_from() > 5) {
    bad.Add("rules.satisfied_from",
            absl::StrCat("must be an overall score 1-5, not ", in.satisfied_from()));
  }
  RETURN_IF_ERROR(bad.Build());
  ScoringRules rules = RulesOf(in);
  rules.version = 1;
  RETURN_IF_ERROR(ValidateRules(rules));  // the scorer's own check agrees
  rules.version = 0;
  return rules;
}

absl::Status ScoringRulesStore::GetScoringRules(const auth::Caller&,
                                                const v1::GetScoringRulesRequest& request,
                                                v1::GetScoringRulesResponse* response) const {
  ASSIGN_OR_RETURN(const std::string chain, RulesChainId("chain", request.chain()));
  v1::ScoringRules& rules = *response->mutable_rules() = RulesToProto(book_->CurrentOf(chain));
  // The organisation-wide fields as they apply now, not as the chain's
  // version recorded them.
  const ScoringRules organisation = book_->Default();
  rules.set_prior_weight(organisation.prior_weight);
  rules.set_satisfied_from(organisation.satisfied_from);
  return absl::OkStatus();
}

void ScoringRulesStore::SetScoringRules(const auth::Caller& caller,
                                        const v1::SetScoringRulesRequest& request,
                                        v1::SetScoringRulesResponse* response, storage::Done done) {
  if (absl::Status s = auth::RequireAdmin(caller, "SetScoringRules"); !s.ok()) return done(s);
  BadRequest bad;
  api::CheckRequestId(bad, request.request_id());
  if (!bad.empty()) return done(bad.Build());
  absl::StatusOr<std::string> chain = RulesChainId("rules.chain", request.rules().chain());
  if (!chain.ok()) return done(chain.status());
  const ScoringRules organisation = book_->Default();
  absl::StatusOr<ScoringRules> rules =
      RulesFromRequest(request.rules(), chain->empty() ? nullptr : &organisation);
  if (!rules.ok()) return done(rules.status());
  mutations_.Submit(
      "SetScoringRules", caller, request, response,
      [this, response, done = std::move(done)](absl::Status status) mutable {
        // Also a retry answered from the ledger: Add ignores a known version.
        if (status.ok()) {
          absl::StatusOr<RulesVersion> version = RulesVersionOf(response->rules());
          if (version.ok()) book_->Add(*std::move(version));
          status = version.status();
        }
        done(std::move(status));
      },
      [this, chain = *std::move(chain), rules = *rules,
       response](storage::Transaction& tx) -> absl::Status {
        // A rebuild applies the rules in force as it goes: a new version
        // now would leave history on two versions, yet report it rebuilt.
        ASSIGN_OR_RETURN(const v1::StoredRollupSets sets, LoadRollupSets(tx, admin_));
        RETURN_IF_ERROR(RefuseWhileRebuilding(
            sets, "set the rules once it ends (GetConsumerStatus shows it), then rebuild again"));
        ASSIGN_OR_RETURN(const int newest, NewestVersion(tx, admin_));
        RulesVersion version{.chain = chain, .rules = rules, .create_time = tx.now()};
        version.rules.version = newest + 1;
        *response->mutable_rules() = RulesToProto(version);
        tx.PutProto(admin_, RulesKey(chain, version.rules.version), response->rules());
        tx.Put(admin_, NewestRulesVersionKey(),
               storage::KeyWriter().U32(static_cast<uint32_t>(version.rules.version)).Take());
        return absl::OkStatus();
      });
}

}  // namespace baton::rating
