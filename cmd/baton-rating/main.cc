// baton-rating: the rating service on its own, with its own RocksDB,
// consuming the handoff and feedback services' event logs over gRPC
// (StreamEvents, with a service token).
#include "absl/flags/flag.h"
#include "cmd/rating_flags/rating_flags.h"
#include "cmd/server_main/server_main.h"
#include "cmd/service_token/service_token.h"
#include "cmd/upstream/upstream_channel.h"
#include "common/events/grpc_event_source.h"
#include "services/rating/rating_module.h"

ABSL_FLAG(std::string, handoff_address, "", "host:port of the handoff service (required)");
ABSL_FLAG(std::string, feedback_address, "", "host:port of the feedback service (required)");
ABSL_FLAG(std::string, source_token_file, "",
          "file with a JWT with the service role for streaming the handoff and feedback event "
          "logs; when absent, a token is signed with --jwt_key_file (HS256 only)");

namespace {

// The event log of `service` ("baton.handoff.v1.HandoffService") at the
// address in `address_flag`, streamed with the service token.
baton::rating::SourceFactory GrpcSource(std::string service, std::string address,
                                        std::string address_flag) {
  return [service, address,
          address_flag]() -> absl::StatusOr<std::unique_ptr<baton::events::EventSource>> {
    if (address.empty()) return absl::InvalidArgumentError(address_flag + " is required");
    absl::StatusOr<baton::cmd::TokenSource> token =
        baton::cmd::ServiceToken({.token_file = absl::GetFlag(FLAGS_source_token_file),
                                  .hs256_key_file = baton::cmd::Hs256KeyFile(),
                                  .subject = "baton-rating",
                                  .token_flag = "--source_token_file"});
    if (!token.ok()) return token.status();
    auto channel = baton::cmd::UpstreamChannel(address, baton::cmd::UpstreamOptionsFromFlags());
    if (!channel.ok()) return channel.status();
    return std::make_unique<baton::events::GrpcEventSource>(
        baton::events::GrpcEventSourceOptions{.name = service,
                                              .channel = *std::move(channel),
                                              .method = "/" + service + "/StreamEvents",
                                              .token = *std::move(token)});
  };
}

}  // namespace

int main(int argc, char** argv) {
  baton::cmd::ParseServerFlags(
      argc, argv,
      {.usage = "baton-rating: handoff scores, scorecards, scoreboards and funnels over gRPC "
                "(baton.rating.v1.RatingService), from the handoff and feedback event logs.\n"
                "Usage: baton-rating --jwt_key_file=KEY --handoff_address=HOST:PORT "
                "--feedback_address=HOST:PORT [--time_zone=Asia/Shanghai] "
                "[--listen=0.0.0.0:7403] [--data_dir=DIR]",
       .listen = "127.0.0.1:7403",
       .data_dir = "./data/rating"});
  baton::rating::RatingModuleOptions options = baton::cmd::RatingOptionsFromFlags();
  options.handoff_source = GrpcSource("baton.handoff.v1.HandoffService",
                                      absl::GetFlag(FLAGS_handoff_address), "--handoff_address");
  options.feedback_source = GrpcSource("baton.feedback.v1.FeedbackService",
                                       absl::GetFlag(FLAGS_feedback_address), "--feedback_address");
  std::vector<std::unique_ptr<baton::server::ServiceModule>> modules;
  modules.push_back(std::make_unique<baton::rating::RatingModule>(std::move(options)));
  return baton::cmd::RunServer(std::move(modules));
}
