#ifndef BATON_SERVICES_HANDOFF_CHAIN_CACHE_H_
#define BATON_SERVICES_HANDOFF_CHAIN_CACHE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "baton/handoff/v1/resources.pb.h"

namespace baton::handoff {

// Committed chains by id. A chain never changes once created (there is no
// UpdateChain: a changed process is a new chain), so an entry never goes
// stale, and every offer, accept and return reads its chain from here
// instead of parsing it from RocksDB. Chains are created by admins and are
// few, so the cache holds all of them. Thread-safe.
class ChainCache {
 public:
  // nullptr when `id` is not cached.
  std::shared_ptr<const v1::Chain> Find(absl::string_view id) const {
    absl::MutexLock lock(&mu_);
    auto it = chains_.find(id);
    return it == chains_.end() ? nullptr : it->second;
  }

  // `chain` must be committed (durable): the cache is never rolled back.
  void Insert(absl::string_view id, std::shared_ptr<const v1::Chain> chain) {
    absl::MutexLock lock(&mu_);
    chains_.emplace(std::string(id), std::move(chain));
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const v1::Chain>> chains_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::handoff

#endif  // BATON_SERVICES_HANDOFF_CHAIN_CACHE_H_
