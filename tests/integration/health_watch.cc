#include "tests/integration/health_watch.h"

#include <chrono>

namespace baton::testing {

bool WaitForHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                   grpc::health::v1::HealthCheckResponse::ServingStatus wanted) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  auto reader = stub->Watch(&context, request);
  grpc::health::v1::HealthCheckResponse response;
  while (reader->Read(&response)) {
    if (response.status() == wanted) {
      context.TryCancel();
      reader->Finish();
      return true;
    }
  }
  reader->Finish();
  return false;
}

}  // namespace baton::testing
