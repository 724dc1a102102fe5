#include "cmd/batonctl/client.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cmd/batonctl/flags.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace baton::batonctl {
namespace {

std::string RandomRequestId() {
  absl::BitGen gen;
  return absl::StrCat("batonctl-", absl::Hex(absl::Uniform<uint64_t>(gen), absl::kZeroPad16),
                      absl::Hex(absl::Uniform<uint64_t>(gen), absl::kZeroPad16));
}

// The whole of the file that `flag` names.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  if (in) contents << in.rdbuf();
  if (!in || contents.str().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read --", flag, "=", path, " (missing, unreadable or empty)"));
  }
  return std::move(contents).str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::FromFlags() {
  std::unique_ptr<Client> client(new Client());
  const std::string token = absl::GetFlag(FLAGS_token);
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (!token.empty() && !token_file.empty()) {
    return absl::InvalidArgumentError("give --token or --token_file, not both");
  }
  client->token_ = token;
  if (!token_file.empty()) {
    auto contents = ReadFlagFile("token_file", token_file);
    if (!contents.ok()) return contents.status();
    client->token_ = std::string(absl::StripAsciiWhitespace(*contents));
  }
  // The server compares the plain team id; accept teams/x too.
  client->act_as_team_ =
      std::string(absl::StripPrefix(absl::string_view(absl::GetFlag(FLAGS_act_as_team)), "teams/"));
  client->request_id_ = absl::GetFlag(FLAGS_request_id);
  if (client->request_id_.empty()) client->request_id_ = RandomRequestId();

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (const std::string ca_file = absl::GetFlag(FLAGS_tls_ca_file); !ca_file.empty()) {
    auto ca = ReadFlagFile("tls_ca_file", ca_file);
    if (!ca.ok()) return ca.status();
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = *std::move(ca);
    credentials = grpc::SslCredentials(options);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  // One channel for every service batond serves.
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target), credentials);
  client->stub_ = v1::HandoffService::NewStub(channel);
  client->feedback_stub_ = fv1::FeedbackService::NewStub(channel);
  client->rating_stub_ = rv1::RatingService::NewStub(channel);
  return client;
}

std::unique_ptr<grpc::ClientContext> Client::Context(bool unary) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  if (!act_as_team_.empty()) context->AddMetadata("x-baton-act-as-team", act_as_team_);
  if (unary) {
    context->set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)));
  }
  return context;
}

}  // namespace baton::batonctl
