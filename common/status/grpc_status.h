#ifndef BATON_COMMON_STATUS_GRPC_STATUS_H_
#define BATON_COMMON_STATUS_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace baton {

// absl::Status → grpc::Status: same code and message; payloads keyed by a
// type URL (see errors.h) become the details of a google.rpc.Status sent as
// `grpc-status-details-bin`.
grpc::Status ToGrpcStatus(const absl::Status& status);

// grpc::Status → absl::Status, keeping the code, message and details
// payloads. For clients and tests.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace baton

#endif  // BATON_COMMON_STATUS_GRPC_STATUS_H_
