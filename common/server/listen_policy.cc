#include "common/server/listen_policy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>

#include "absl/strings/str_cat.h"

namespace baton::server {
namespace {

// The host part of "host:port" or "[v6]:port"; nullopt when malformed.
std::optional<std::string> HostOf(const std::string& address) {
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string::npos) return std::nullopt;
    const std::string rest = address.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    return address.substr(1, close - 1);
  }
  const size_t colon = address.rfind(':');
  std::string host = colon == std::string::npos ? address : address.substr(0, colon);
  // An unbracketed IPv6 address ("::1:80") is ambiguous; gRPC wants brackets.
  if (host.find(':') != std::string::npos) return std::nullopt;
  return host;
}

bool IsLoopback(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr->sa_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace

bool IsLoopbackAddress(const std::string& address) {
  const std::optional<std::string> host = HostOf(address);
  // An empty host means every interface to gRPC.
  if (!host.has_value() || host->empty()) return false;
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  if (getaddrinfo(host->c_str(), nullptr, &hints, &results) != 0 || results == nullptr) {
    return false;
  }
  bool all_loopback = true;
  for (const addrinfo* r = results; r != nullptr; r = r->ai_next) {
    if (r->ai_addr == nullptr || !IsLoopback(r->ai_addr)) all_loopback = false;
  }
  freeaddrinfo(results);
  return all_loopback;
}

absl::StatusOr<std::vector<std::string>> CheckListenPolicy(const ListenPolicyInput& input) {
  std::vector<std::string> warnings;
  const bool loopback = IsLoopbackAddress(input.address);
  if (input.dev_mode) {
    if (!loopback) {
      return absl::FailedPreconditionError(absl::StrCat(
          "open dev mode (no token verification) may only listen on a loopback address, not '",
          input.address, "'; give --jwt_key_file or --jwt_key_dir, or listen on 127.0.0.1"));
    }
    warnings.push_back(
        "OPEN DEV MODE: tokens are not verified; every caller is trusted. Never run this way "
        "outside a developer machine.");
    return warnings;
  }
  if (!input.tls && !loopback) {
    if (!input.allow_plaintext_tokens_on_network) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to receive bearer tokens in plaintext on '", input.address,
          "', which is not a loopback address: anyone on the network path could read and replay "
          "them. Give --tls_cert_file and --tls_key_file; or, when TLS is terminated in front of "
          "this server (a service mesh sidecar), say so with "
          "--allow_plaintext_tokens_on_network; or listen on 127.0.0.1"));
    }
    warnings.push_back(absl::StrCat(
        "PLAINTEXT TOKENS ON THE NETWORK: bearer tokens arrive unencrypted on '", input.address,
        "' (--allow_plaintext_tokens_on_network). Only safe when a service mesh or proxy "
        "terminates TLS in front of this server and the hop to it cannot be observed."));
  }
  return warnings;
}

}  // namespace baton::server
