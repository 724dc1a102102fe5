#include "common/server/server_host.h"

#include <signal.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace baton::server {

namespace {

// gRPC's channel arguments take int milliseconds; longer durations saturate.
int Millis(absl::Duration duration) {
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(duration), INT_MAX));
}

// The messages name the batond flag that sets each bound, as the listen
// policy and the TLS checks do.
absl::Status CheckTransportBounds(const ServerHostOptions& options) {
  if (options.max_receive_message_bytes <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max_request_bytes (max_receive_message_bytes) must be positive, got ",
                     options.max_receive_message_bytes));
  }
  if (options.max_streams_per_connection <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max_streams_per_connection must be positive, got ", options.max_streams_per_connection));
  }
  if (options.keepalive_time < absl::Milliseconds(1) ||
      options.keepalive_timeout < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--keepalive_seconds (keepalive_time) and keepalive_timeout must be positive, got ",
        absl::FormatDuration(options.keepalive_time), " and ",
        absl::FormatDuration(options.keepalive_timeout)));
  }
  if (options.min_client_ping_interval < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_client_ping_interval must be positive, got ",
                     absl::FormatDuration(options.min_client_ping_interval)));
  }
  return absl::OkStatus();
}

}  // namespace

ServerHost::ServerHost(ServerHostOptions options, CallIdentity* identity)
    : options_(std::move(options)), identity_(identity) {}

ServerHost::~ServerHost() { Shutdown(); }

void ServerHost::AddService(grpc::Service* service, std::string health_name,
                            bool serving_at_start) {
  services_.push_back({service, std::move(health_name), serving_at_start});
}

void ServerHost::OnShutdown(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

absl::Status ServerHost::Start() {
  auto warnings = CheckListenPolicy(
      {.address = options_.address,
       .tls = options_.tls.enabled(),
       .dev_mode = identity_->dev_mode(),
       .allow_plaintext_tokens_on_network = options_.allow_plaintext_tokens_on_network});
  if (!warnings.ok()) return warnings.status();
  for (const std::string& warning : *warnings) {
    log::Warn(warning, {{"address", options_.address}});
  }
  if (absl::Status valid = CheckTransportBounds(options_); !valid.ok()) return valid;
  auto credentials = LoadServerCredentials(options_.tls);
  if (!credentials.ok()) return credentials.status();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_streams_per_connection);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options_.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options_.keepalive_timeout));
  // Ping connections without calls too: a dead peer holding only an idle
  // connection is found as well, and clients' pings on idle channels are
  // not counted as strikes.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // A long watch that sends nothing still gets its keepalive pings (the
  // limit on pings without data is meant for clients).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Millis(options_.min_client_ping_interval));
  builder.AddListeningPort(options_.address, *credentials, &port_);
  for (const Registered& registered : services_) builder.RegisterService(registered.service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(identity_->NewInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(factories));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.address));
  }
  auto* health = server_->GetHealthCheckService();
  for (const Registered& registered : services_) {
    health->SetServingStatus(registered.health_name, registered.serving_at_start);
  }
  health->SetServingStatus("", true);
  log::Info("listening", {{"address", options_.address},
                          {"port", port_},
                          {"tls", options_.tls.enabled()},
                          {"mtls", options_.tls.enabled() && options_.tls.mutual()},
                          {"max_receive_message_bytes", options_.max_receive_message_bytes},
                          {"max_streams_per_connection", options_.max_streams_per_connection},
                          {"keepalive_seconds", absl::ToDoubleSeconds(options_.keepalive_time)}});
  return absl::OkStatus();
}

void ServerHost::SetServing(bool serving) {
  auto* health = server_->GetHealthCheckService();
  for (const Registered& registered : services_) {
    health->SetServingStatus(registered.health_name, serving);
  }
  health->SetServingStatus(serving);
}

void ServerHost::SetServing(const std::string& health_name, bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(health_name, serving);
}

void ServerHost::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  SetServing(false);
  if (options_.lame_duck > absl::ZeroDuration()) {
    // Not a synchronisation: the period itself is the point. Calls keep
    // being served while health watchers and balancers see NOT_SERVING.
    log::Info("lame duck: serving while health says NOT_SERVING",
              {{"seconds", absl::ToDoubleSeconds(options_.lame_duck)}});
    absl::SleepFor(options_.lame_duck);
  }
  // New calls are answered UNAVAILABLE from here on; streams end; the calls
  // already taken finish; only then does gRPC stop the port, with nothing
  // left for it to cancel.
  const absl::Time deadline = absl::Now() + options_.drain_timeout;
  identity_->StartRefusing();
  // Newest first, as modules stop: a module that consumes another's event
  // log (rating) stops its consumers before that log closes, rather than
  // seeing the closing as an outage and warning that it reconnects.
  for (auto hook = shutdown_hooks_.rbegin(); hook != shutdown_hooks_.rend(); ++hook) (*hook)();
  if (!identity_->WaitForAdmittedCalls(options_.drain_timeout)) {
    log::Warn("calls still running after the drain timeout are cancelled",
              {{"drain_seconds", absl::ToDoubleSeconds(options_.drain_timeout)}});
  }
  // A deliberate period, as the lame duck: clients told UNAVAILABLE go to
  // another replica before the port closes.
  absl::SleepFor(std::min(options_.refuse_period, deadline - absl::Now()));
  server_->Shutdown(absl::ToChronoTime(deadline));
  server_->Wait();
  log::Info("server stopped", {{"port", port_}});
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

}  // namespace baton::server
