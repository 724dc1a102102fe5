#ifndef BATON_CMD_BATONCTL_CLIENT_H_
#define BATON_CMD_BATONCTL_CLIENT_H_

// The connection to batond as the connection flags describe it: channel,
// credentials, per-call metadata and deadline, request ids.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace baton::batonctl {

namespace v1 = ::baton::handoff::v1;
namespace fv1 = ::baton::feedback::v1;
namespace rv1 = ::baton::rating::v1;

class Client {
 public:
  // From --target, --token/--token_file, --act_as_team, --request_id,
  // --timeout and --tls_ca_file. InvalidArgument for contradictory flags
  // (a usage error); other errors for files that cannot be read.
  static absl::StatusOr<std::unique_ptr<Client>> FromFlags();

  v1::HandoffService::Stub& stub() { return *stub_; }
  // The stub of a service, chosen by its type (batond serves all three on
  // one channel): StubFor(static_cast<fv1::FeedbackService::Stub*>(nullptr)).
  v1::HandoffService::Stub& StubFor(v1::HandoffService::Stub*) { return *stub_; }
  fv1::FeedbackService::Stub& StubFor(fv1::FeedbackService::Stub*) { return *feedback_stub_; }
  rv1::RatingService::Stub& StubFor(rv1::RatingService::Stub*) { return *rating_stub_; }

  // A context for one call, with the authorization and act-as metadata; for
  // a unary call (`unary`) also the --timeout deadline.
  std::unique_ptr<grpc::ClientContext> Context(bool unary = true) const;

  // --request_id, or a random id made once per process.
  const std::string& request_id() const { return request_id_; }

 private:
  Client() = default;

  std::unique_ptr<v1::HandoffService::Stub> stub_;
  std::unique_ptr<fv1::FeedbackService::Stub> feedback_stub_;
  std::unique_ptr<rv1::RatingService::Stub> rating_stub_;
  std::string token_;
  std::string act_as_team_;
  std::string request_id_;
};

}  // namespace baton::batonctl

#endif  // BATON_CMD_BATONCTL_CLIENT_H_
