#ifndef BATON_COMMON_TESTING_SYNC_CALL_H_
#define BATON_COMMON_TESTING_SYNC_CALL_H_

// Test-only: runs a domain's asynchronous call (one that ends by calling a
// storage::Done) and waits for its outcome.

#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "common/auth/caller.h"
#include "common/storage/commit_queue.h"

namespace baton::testing {

template <typename Domain, typename Request, typename Response>
absl::Status SyncCall(Domain* domain,
                      void (Domain::*method)(const auth::Caller&, const Request&, Response*,
                                             storage::Done),
                      const auth::Caller& caller, const Request& request, Response* response) {
  absl::Notification finished;
  absl::Status result = absl::InternalError("done was not called");
  (domain->*method)(caller, request, response, [&](absl::Status status) {
    result = std::move(status);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

template <typename Domain, typename Request, typename Response>
absl::Status SyncCall(const Domain* domain,
                      void (Domain::*method)(const auth::Caller&, const Request&, Response*,
                                             storage::Done) const,
                      const auth::Caller& caller, const Request& request, Response* response) {
  absl::Notification finished;
  absl::Status result = absl::InternalError("done was not called");
  (domain->*method)(caller, request, response, [&](absl::Status status) {
    result = std::move(status);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

}  // namespace baton::testing

#endif  // BATON_COMMON_TESTING_SYNC_CALL_H_
