#include "common/auth/token_cache.h"

namespace baton::auth {

std::optional<Principal> TokenCache::Find(std::string_view token, absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.find(absl::string_view(token.data(), token.size()));
  if (it == entries_.end() || now >= it->second.valid_until) return std::nullopt;
  return it->second.principal;
}

void TokenCache::Insert(std::string_view token, const Principal& principal, absl::Time valid_until,
                        absl::Time now) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_) {
    // Expired entries can never be returned again; drop them first.
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (now >= it->second.valid_until) {
        entries_.erase(it++);
      } else {
        ++it;
      }
    }
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(std::string(token), Entry{principal, valid_until});
}

size_t TokenCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace baton::auth
