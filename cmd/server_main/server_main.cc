#include "cmd/server_main/server_main.h"

#include <iostream>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/authenticator.h"
#include "common/auth/authenticator_config.h"
#include "common/log/log.h"
#include "common/server/module_host.h"
#include "common/server/server_host.h"

ABSL_FLAG(std::string, listen, "", "host:port to serve gRPC on (port 0 picks a free port)");
ABSL_FLAG(std::string, data_dir, "", "RocksDB directory; created when missing");
ABSL_FLAG(std::string, jwt_key_file, "",
          "file with the HS256 secret (at least 32 bytes) or the RS256 public key (PEM) that "
          "verifies bearer tokens");
ABSL_FLAG(std::string, jwt_key_dir, "",
          "directory of verification keys, one file per key named by its `kid` (a mounted "
          "Kubernetes secret); re-read every 30 s, so keys rotate without a restart. Instead of "
          "--jwt_key_file");
ABSL_FLAG(std::string, jwt_algorithm, "HS256", "HS256 or RS256");
ABSL_FLAG(std::string, jwt_issuer, "", "when set, tokens must carry this `iss`");
ABSL_FLAG(std::string, jwt_audience, "", "when set, tokens must carry this `aud`");
ABSL_FLAG(bool, insecure_dev_mode, false,
          "serve without verifying tokens; refused unless --listen is a loopback address");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate chain; turns TLS on");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA; when set, clients need a certificate (mTLS); needs --tls_cert_file");
ABSL_FLAG(bool, allow_plaintext_tokens_on_network, false,
          "accept bearer tokens without TLS on a non-loopback --listen address (and, in the "
          "binaries that call other Baton services, send them without TLS to a non-loopback "
          "peer: no --upstream_tls_ca_file): only when a service mesh or proxy encrypts this "
          "server's traffic (logged as a warning)");
ABSL_FLAG(double, lame_duck_seconds, 2,
          "on SIGTERM, how long to keep serving new calls after health turns NOT_SERVING");
ABSL_FLAG(int, drain_seconds, 10, "on SIGTERM, how long running calls get to finish");
ABSL_FLAG(
    int, max_pending_writes, 10000,
    "writes admitted and not yet answered; past it a new write is refused at once with "
    "RESOURCE_EXHAUSTED (accepts and returns, which drain work, are admitted up to twice it)");
ABSL_FLAG(int, max_wal_mb, 256,
          "most MiB the write-ahead log holds before the oldest data is flushed to table files: "
          "bounds its disk use and how long a restart replays it; lower flushes more often");
ABSL_FLAG(int, max_request_bytes, 4 << 20,
          "largest request message accepted; a larger one is refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_streams_per_connection, 2048,
          "calls one connection may have open at once; clients queue further calls until one "
          "ends");
ABSL_FLAG(int, keepalive_seconds, 60,
          "ping each connection this often and close it when no answer comes within 20 s: a "
          "vanished client releases its calls and watch slots within this + 20 s. Clients may "
          "ping every 10 s or more");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error");
ABSL_FLAG(std::string, port_file, "",
          "when set, the bound port is written to this file once serving (for scripts and tests)");

namespace baton::cmd {
namespace {

int Fail(absl::string_view what, const absl::Status& status) {
  log::Error(what, {{"error", status.ToString()}});
  std::cerr << "baton: " << what << ": " << status << "\n";
  return 1;
}

absl::StatusOr<std::unique_ptr<auth::Authenticator>> MakeAuthenticator() {
  return auth::MakeAuthenticator({.insecure_dev_mode = absl::GetFlag(FLAGS_insecure_dev_mode),
                                  .key_file = absl::GetFlag(FLAGS_jwt_key_file),
                                  .key_dir = absl::GetFlag(FLAGS_jwt_key_dir),
                                  .algorithm = absl::GetFlag(FLAGS_jwt_algorithm),
                                  .issuer = absl::GetFlag(FLAGS_jwt_issuer),
                                  .audience = absl::GetFlag(FLAGS_jwt_audience)},
                                 Clock::Real());
}

}  // namespace

void ParseServerFlags(int argc, char** argv, const MainDefaults& defaults) {
#ifdef NDEBUG
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex deadlock
  // detection on: a global lock graph updated on every lock, gRPC's included
  // (~1% of the server's CPU under load). A debugging aid, off in release
  // builds as it would be with Abseil built for release.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  server::BlockTerminationSignals();
  absl::SetProgramUsageMessage(defaults.usage);
  // Abseil's --help looks for flags in a file named after the binary by
  // default; ours live in cmd/: the shared ones here, a service's in its
  // cmd/*_flags library (shared by batond and its own binary), a binary's
  // own in its main.cc, the upstream channels' in cmd/upstream. Libraries
  // outside cmd/ define none.
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, "cmd/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_listen).empty()) absl::SetFlag(&FLAGS_listen, defaults.listen);
  if (absl::GetFlag(FLAGS_data_dir).empty()) absl::SetFlag(&FLAGS_data_dir, defaults.data_dir);
}

std::string Hs256KeyFile() {
  return absl::GetFlag(FLAGS_jwt_algorithm) == "HS256" ? absl::GetFlag(FLAGS_jwt_key_file) : "";
}

bool AllowPlaintextTokensOnNetwork() {
  return absl::GetFlag(FLAGS_allow_plaintext_tokens_on_network);
}

int RunServer(std::vector<std::unique_ptr<server::ServiceModule>> modules,
              const StartupHook& hook) {
  log::Level level;
  if (!log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    return Fail("bad flag",
                absl::InvalidArgumentError("--log_level must be debug, info, warn or error"));
  }
  log::SetLevel(level);
  log::CaptureProtobufLogs();

  auto authenticator = MakeAuthenticator();
  if (!authenticator.ok()) return Fail("cannot set up authentication", authenticator.status());

  server::ModuleHostOptions options;
  options.store.path = absl::GetFlag(FLAGS_data_dir);
  options.server.address = absl::GetFlag(FLAGS_listen);
  options.server.tls = {absl::GetFlag(FLAGS_tls_cert_file), absl::GetFlag(FLAGS_tls_key_file),
                        absl::GetFlag(FLAGS_tls_client_ca_file)};
  options.server.allow_plaintext_tokens_on_network =
      absl::GetFlag(FLAGS_allow_plaintext_tokens_on_network);
  options.server.lame_duck = absl::Seconds(absl::GetFlag(FLAGS_lame_duck_seconds));
  options.server.drain_timeout = absl::Seconds(absl::GetFlag(FLAGS_drain_seconds));
  if (absl::GetFlag(FLAGS_max_request_bytes) < 1) {
    return Fail("bad flag", absl::InvalidArgumentError("--max_request_bytes must be at least 1"));
  }
  options.server.max_receive_message_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  options.server.max_streams_per_connection = absl::GetFlag(FLAGS_max_streams_per_connection);
  if (absl::GetFlag(FLAGS_keepalive_seconds) < 1) {
    return Fail("bad flag", absl::InvalidArgumentError("--keepalive_seconds must be at least 1"));
  }
  options.server.keepalive_time = absl::Seconds(absl::GetFlag(FLAGS_keepalive_seconds));
  if (absl::GetFlag(FLAGS_max_pending_writes) < 1) {
    return Fail("bad flag", absl::InvalidArgumentError("--max_pending_writes must be at least 1"));
  }
  options.queue.max_pending = static_cast<size_t>(absl::GetFlag(FLAGS_max_pending_writes));
  if (absl::GetFlag(FLAGS_max_wal_mb) < 1) {
    return Fail("bad flag", absl::InvalidArgumentError("--max_wal_mb must be at least 1"));
  }
  options.store.max_total_wal_bytes = static_cast<uint64_t>(absl::GetFlag(FLAGS_max_wal_mb)) << 20;
  auto host =
      server::ModuleHost::Open(std::move(options), *std::move(authenticator), std::move(modules));
  if (!host.ok()) return Fail("cannot open the services", host.status());
  if (hook) {
    if (absl::Status s = hook(); !s.ok()) return Fail("start-up hook failed", s);
  }
  if (absl::Status s = (*host)->Start(); !s.ok()) return Fail("cannot start serving", s);

  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    FILE* f = std::fopen((port_file + ".tmp").c_str(), "w");
    if (f == nullptr || std::fprintf(f, "%d\n", (*host)->port()) < 0 || std::fclose(f) != 0 ||
        std::rename((port_file + ".tmp").c_str(), port_file.c_str()) != 0) {
      return Fail("cannot write --port_file", absl::InternalError(port_file));
    }
  }

  const int signal = server::WaitForTerminationSignal();
  log::Info("shutting down", {{"signal", signal}});
  (*host)->Shutdown();
  host->reset();
  log::Info("stopped cleanly");
  return 0;
}

}  // namespace baton::cmd
