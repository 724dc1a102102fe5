// baton-feedback: the feedback service on its own, with its own RocksDB,
// asking a baton-handoff server for the facts it needs over gRPC.
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "cmd/feedback_flags/feedback_flags.h"
#include "cmd/server_main/server_main.h"
#include "common/auth/jwt_signer.h"
#include "common/log/log.h"
#include "grpcpp/create_channel.h"
#include "services/feedback/feedback_module.h"
#include "services/feedback/remote_handoff_facts.h"

ABSL_FLAG(std::string, handoff_address, "", "host:port of the handoff service (required)");
ABSL_FLAG(absl::Duration, handoff_timeout, absl::Seconds(2),
          "longest a call waits for the handoff service's answer before failing UNAVAILABLE");
ABSL_FLAG(std::string, handoff_token_file, "",
          "file with a JWT with the service role for calls to the handoff service; when absent, "
          "a token is signed with --jwt_key_file (HS256 only)");

namespace {

using baton::feedback::TokenSource;

// The token of --handoff_token_file, or one signed with the HS256 key and
// renewed well before it expires.
absl::StatusOr<TokenSource> HandoffToken() {
  if (const std::string file = absl::GetFlag(FLAGS_handoff_token_file); !file.empty()) {
    absl::StatusOr<std::string> token = baton::auth::ReadKeyFile(file);
    if (!token.ok()) return token.status();
    return [token = std::string(absl::StripAsciiWhitespace(*token))] { return token; };
  }
  const std::string key_file = baton::cmd::Hs256KeyFile();
  if (key_file.empty()) {
    return absl::InvalidArgumentError(
        "--handoff_token_file is required unless --jwt_key_file holds an HS256 key");
  }
  absl::StatusOr<std::string> key = baton::auth::ReadKeyFile(key_file);
  if (!key.ok()) return key.status();
  struct Minted {
    absl::Mutex mu;
    std::string token ABSL_GUARDED_BY(mu);
    absl::Time renew ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  };
  auto minted = std::make_shared<Minted>();
  TokenSource source = [key = *std::move(key), minted]() -> std::string {
    absl::MutexLock lock(&minted->mu);
    const absl::Time now = absl::Now();
    if (now < minted->renew) return minted->token;
    absl::StatusOr<std::string> token = baton::auth::SignToken(
        baton::auth::JwtVerifierOptions::Algorithm::kHs256, key,
        {.subject = "baton-feedback", .roles = {baton::auth::Role::kService}, .issued_at = now});
    if (!token.ok()) {
      baton::log::Error("cannot sign a token for handoff", {{"error", token.status().ToString()}});
      return minted->token;
    }
    minted->token = *std::move(token);
    minted->renew = now + absl::Minutes(30);  // of the token's hour
    return minted->token;
  };
  if (source().empty()) return absl::InvalidArgumentError("cannot sign with --jwt_key_file");
  return source;
}

}  // namespace

int main(int argc, char** argv) {
  baton::cmd::ParseServerFlags(
      argc, argv,
      {.usage = "baton-feedback: ratings, feedback threads, pulse and verdicts over gRPC "
                "(baton.feedback.v1.FeedbackService).\nUsage: baton-feedback --jwt_key_file=KEY "
                "--handoff_address=HOST:PORT [--listen=0.0.0.0:7402] [--data_dir=DIR]",
       .listen = "127.0.0.1:7402",
       .data_dir = "./data/feedback"});
  baton::feedback::FeedbackOptions options = baton::cmd::FeedbackOptionsFromFlags();
  options.facts_timeout = absl::GetFlag(FLAGS_handoff_timeout);
  auto facts = []() -> absl::StatusOr<std::unique_ptr<baton::feedback::HandoffFacts>> {
    const std::string address = absl::GetFlag(FLAGS_handoff_address);
    if (address.empty()) return absl::InvalidArgumentError("--handoff_address is required");
    absl::StatusOr<TokenSource> token = HandoffToken();
    if (!token.ok()) return token.status();
    return std::make_unique<baton::feedback::RemoteHandoffFacts>(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), *std::move(token));
  };
  std::vector<std::unique_ptr<baton::server::ServiceModule>> modules;
  modules.push_back(std::make_unique<baton::feedback::FeedbackModule>(
      baton::feedback::FeedbackModuleOptions{.feedback = options, .facts = facts}));
  return baton::cmd::RunServer(std::move(modules));
}
