#include "common/server/unary_adapter.h"

#include "absl/time/time.h"

namespace baton::server {

absl::StatusOr<auth::Caller> CallerFrom(auth::Principal principal,
                                        const grpc::CallbackServerContext* context) {
  absl::string_view act_as;
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find(std::string(auth::kActAsTeamHeader)); it != metadata.end()) {
    act_as = absl::string_view(it->second.data(), it->second.size());
  }
  absl::StatusOr<auth::Caller> caller = auth::MakeCaller(std::move(principal), act_as);
  if (caller.ok() && context->deadline() != std::chrono::system_clock::time_point::max()) {
    caller->deadline = absl::FromChrono(context->deadline());
  }
  return caller;
}

}  // namespace baton::server
