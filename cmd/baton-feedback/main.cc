// baton-feedback: the feedback service on its own, with its own RocksDB,
// asking a baton-handoff server for the facts it needs over gRPC.
#include "absl/flags/flag.h"
#include "cmd/feedback_flags/feedback_flags.h"
#include "cmd/server_main/server_main.h"
#include "cmd/service_token/service_token.h"
#include "cmd/upstream/upstream_channel.h"
#include "services/feedback/feedback_module.h"
#include "services/feedback/remote_handoff_facts.h"

ABSL_FLAG(std::string, handoff_address, "", "host:port of the handoff service (required)");
ABSL_FLAG(absl::Duration, handoff_timeout, absl::Seconds(2),
          "longest a call waits for the handoff service's answer before failing UNAVAILABLE");
ABSL_FLAG(std::string, handoff_token_file, "",
          "file with a JWT with the service role for calls to the handoff service; when absent, "
          "a token is signed with --jwt_key_file (HS256 only)");

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
    absl::StatusOr<baton::cmd::TokenSource> token =
        baton::cmd::ServiceToken({.token_file = absl::GetFlag(FLAGS_handoff_token_file),
                                  .hs256_key_file = baton::cmd::Hs256KeyFile(),
                                  .subject = "baton-feedback",
                                  .token_flag = "--handoff_token_file"});
    if (!token.ok()) return token.status();
    auto channel = baton::cmd::UpstreamChannel(address, baton::cmd::UpstreamOptionsFromFlags());
    if (!channel.ok()) return channel.status();
    return std::make_unique<baton::feedback::RemoteHandoffFacts>(*std::move(channel),
                                                                 *std::move(token));
  };
  std::vector<std::unique_ptr<baton::server::ServiceModule>> modules;
  modules.push_back(std::make_unique<baton::feedback::FeedbackModule>(
      baton::feedback::FeedbackModuleOptions{.feedback = options, .facts = facts}));
  return baton::cmd::RunServer(std::move(modules));
}
