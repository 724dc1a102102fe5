#include "services/rating/rules_book.h"

#include <algorithm>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/rating/rating_keys.h"

namespace baton::rating {

v1::ScoringRules RulesToProto(const RulesVersion& version) {
  v1::ScoringRules out;
  if (!version.chain.empty()) out.set_chain(api::Name(api::kChains, version.chain));
  out.set_version(version.rules.version);
  out.set_rating_weight(version.rules.rating_weight);
  out.set_first_pass_weight(version.rules.first_pass_weight);
  out.set_timeliness_weight(version.rules.timeliness_weight);
  out.set_return_penalty(version.rules.return_penalty);
  out.set_prior_weight(version.rules.prior_weight);
  out.set_satisfied_from(version.rules.satisfied_from);
  if (version.create_time != absl::InfinitePast()) {
    *out.mutable_create_time() = ToProto(version.create_time);
  }
  return out;
}

ScoringRules RulesOf(const v1::ScoringRules& rules) {
  return ScoringRules{.version = rules.version(),
                      .rating_weight = rules.rating_weight(),
                      .first_pass_weight = rules.first_pass_weight(),
                      .timeliness_weight = rules.timeliness_weight(),
                      .return_penalty = rules.return_penalty(),
                      .prior_weight = rules.prior_weight(),
                      .satisfied_from = rules.satisfied_from()};
}

absl::StatusOr<RulesVersion> RulesVersionOf(const v1::ScoringRules& rules) {
  RulesVersion version;
  if (!rules.chain().empty()) {
    ASSIGN_OR_RETURN(version.chain, api::StoredId("scoring rules", rules.chain(), api::kChains));
  }
  version.rules = RulesOf(rules);
  if (absl::Status s = ValidateRules(version.rules); !s.ok()) {
    return absl::DataLossError(absl::StrCat("stored scoring rules are not valid: ", s.message()));
  }
  if (rules.has_create_time()) version.create_time = FromProto(rules.create_time());
  return version;
}

RulesBook::RulesBook(ScoringRules built_in) {
  built_in.version = 1;
  Add(RulesVersion{.chain = "", .rules = built_in});
}

absl::Status RulesBook::Load(const storage::Store& store, rocksdb::ColumnFamilyHandle* admin) {
  const std::string prefix = RulesKeyPrefix();
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(rocksdb::ReadOptions(), admin));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::ScoringRules stored;
    absl::StatusOr<RulesVersion> version =
        stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))
            ? RulesVersionOf(stored)
            : absl::DataLossError("they do not parse");
    if (!version.ok()) {
      return absl::DataLossError(absl::StrCat("rating.admin: the rules at key ",
                                              absl::CHexEscape(it->key().ToString()), ": ",
                                              version.status().message()));
    }
    Add(*std::move(version));
  }
  return FromRocksDb(it->status());
}

const RulesVersion* RulesBook::CurrentLocked(absl::string_view chain_id) const {
  auto own = current_.find(chain_id);
  if (own == current_.end()) own = current_.find("");
  return &versions_.at(own->second);
}

ScoringRules RulesBook::ForChain(absl::string_view chain_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return CurrentLocked(chain_id)->rules;
}

RulesVersion RulesBook::CurrentOf(absl::string_view chain_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return *CurrentLocked(chain_id);
}

std::optional<RulesVersion> RulesBook::Version(int version) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = versions_.find(version);
  if (it == versions_.end()) return std::nullopt;
  return it->second;
}

int RulesBook::Newest() const {
  absl::ReaderMutexLock lock(&mu_);
  return versions_.rbegin()->first;
}

void RulesBook::Add(RulesVersion version) {
  absl::MutexLock lock(&mu_);
  const int number = version.rules.version;
  if (!versions_.emplace(number, version).second) return;
  int& current = current_[version.chain];
  current = std::max(current, number);
}

}  // namespace baton::rating
