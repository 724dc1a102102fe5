#ifndef BATON_COMMON_AUTH_TOKEN_CACHE_H_
#define BATON_COMMON_AUTH_TOKEN_CACHE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace baton::auth {

// Remembers tokens whose signature and claims were verified, so the next call
// with the same token skips the JWT work (base64, JSON parsing, HMAC or RSA),
// which is most of what authentication costs: clients reuse one token for
// thousands of calls. An entry is keyed by the exact token bytes and holds
// the moment verification would start refusing the token (exp + leeway);
// after it, Find misses and the caller verifies again (and gets the expiry
// error). Bounded: at `capacity` entries, expired ones are dropped, and if
// none are, everything is (the next calls simply verify again).
// Thread-safe.
class TokenCache {
 public:
  explicit TokenCache(size_t capacity) : capacity_(capacity) {}

  // The principal of `token` if it was verified and is still valid at `now`.
  std::optional<Principal> Find(std::string_view token, absl::Time now) const;

  // Records a verified token. `valid_until`: the first instant it is refused;
  // `now`: the current time, for dropping expired entries when full.
  void Insert(std::string_view token, const Principal& principal, absl::Time valid_until,
              absl::Time now);

  size_t size() const;

 private:
  struct Entry {
    Principal principal;
    absl::Time valid_until;
  };

  const size_t capacity_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::auth

#endif  // BATON_COMMON_AUTH_TOKEN_CACHE_H_
