#ifndef BATON_SERVICES_HANDOFF_CHAIN_CACHE_H_
#define BATON_SERVICES_HANDOFF_CHAIN_CACHE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "baton/handoff/v1/resources.pb.h"
#include "common/api/names.h"
#include "common/status/status_macros.h"
#include "services/handoff/access.h"

namespace baton::handoff {

// A chain and who may read its items and handoffs.
struct CachedChain {
  v1::Chain chain;
  ChainAudience audience;
};

// Reads the chain's teams through `get_team` and returns the chain with its
// audience (who may read its items and handoffs).
template <typename GetTeam>
absl::StatusOr<std::shared_ptr<CachedChain>> WithAudience(v1::Chain chain, GetTeam get_team) {
  auto cached = std::make_shared<CachedChain>();
  for (const v1::Stage& stage : chain.stages()) {
    ASSIGN_OR_RETURN(std::string team_id,
                     api::StoredId("stage owner team", stage.owner_team(), api::kTeams));
    v1::Team team;
    RETURN_IF_ERROR(get_team(team_id, &team));
    ASSIGN_OR_RETURN(std::string department_id,
                     api::StoredId("team department", team.department(), api::kDepartments));
    cached->audience.teams.insert(std::move(team_id));
    cached->audience.departments.insert(std::move(department_id));
  }
  cached->chain = std::move(chain);
  return cached;
}

// Committed chains by id. A chain never changes once created (there is no
// UpdateChain: a changed process is a new chain), and neither do the
// departments of its teams, so an entry never goes stale; every offer,
// accept, return and read of an item or handoff finds its chain here
// instead of parsing it from RocksDB. Chains are created by admins and are
// few, so the cache holds all of them. Thread-safe.
class ChainCache {
 public:
  // nullptr when `id` is not cached.
  std::shared_ptr<const CachedChain> Find(absl::string_view id) const {
    absl::MutexLock lock(&mu_);
    auto it = chains_.find(id);
    return it == chains_.end() ? nullptr : it->second;
  }

  // `chain` must be committed (durable): the cache is never rolled back.
  void Insert(absl::string_view id, std::shared_ptr<const CachedChain> chain) {
    absl::MutexLock lock(&mu_);
    chains_.emplace(std::string(id), std::move(chain));
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const CachedChain>> chains_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_CHAIN_CACHE_H_
