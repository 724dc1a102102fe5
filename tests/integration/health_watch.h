#ifndef BATON_TESTS_INTEGRATION_HEALTH_WATCH_H_
#define BATON_TESTS_INTEGRATION_HEALTH_WATCH_H_

// Waiting for a service's grpc.health.v1 status, event-driven (Watch), for
// integration tests.

#include <memory>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace baton::testing {

// Follows grpc.health.v1 Watch of `service` on `channel` until it reports
// `wanted` (true) or the stream ends or 30 s pass (false). No polling.
bool WaitForHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                   grpc::health::v1::HealthCheckResponse::ServingStatus wanted);

}  // namespace baton::testing

#endif  // BATON_TESTS_INTEGRATION_HEALTH_WATCH_H_
