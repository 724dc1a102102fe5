#ifndef BATON_CMD_SERVICE_TOKEN_SERVICE_TOKEN_H_
#define BATON_CMD_SERVICE_TOKEN_SERVICE_TOKEN_H_

// The bearer token a server binary sends when it calls another Baton
// service (baton-feedback asking handoff for facts, baton-rating streaming
// both event logs): read from a file, or signed by the binary itself with
// the HS256 key its peers verify with. Linked only by executables.

#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace baton::cmd {

// Returns the token to send; thread-safe.
using TokenSource = std::function<std::string()>;

struct ServiceTokenOptions {
  // A file holding a JWT with the service role (surrounding whitespace
  // ignored). When set, the token is read once and sent as is.
  std::string token_file;
  // Otherwise: the HS256 key file to sign with (cmd::Hs256KeyFile()).
  std::string hs256_key_file;
  // The signed token's subject, e.g. "baton-rating".
  std::string subject;
  // The token file's flag, for errors, e.g. "--source_token_file".
  std::string token_flag;
};

// The token of `token_file`, or tokens signed with the HS256 key (role
// service, valid an hour, renewed after 30 minutes). Errors: the file's
// (NOT_FOUND, …); INVALID_ARGUMENT naming `token_flag` when neither is
// given, or when the key cannot sign.
absl::StatusOr<TokenSource> ServiceToken(const ServiceTokenOptions& options);

}  // namespace baton::cmd

#endif  // BATON_CMD_SERVICE_TOKEN_SERVICE_TOKEN_H_
