#ifndef BATON_CMD_BATONCTL_FLAGS_H_
#define BATON_CMD_BATONCTL_FLAGS_H_

// Every batonctl flag. Flags may come before or after the command words
// (absl style): `batonctl --chain=chains/x items create` and
// `batonctl items create --chain=chains/x` are the same.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

// Connection.
ABSL_DECLARE_FLAG(std::string, target);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, token_file);
ABSL_DECLARE_FLAG(std::string, act_as_team);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, tls_ca_file);

// Command fields.
ABSL_DECLARE_FLAG(std::string, chain);
ABSL_DECLARE_FLAG(std::string, ref);
ABSL_DECLARE_FLAG(std::vector<std::string>, field);
ABSL_DECLARE_FLAG(std::string, note);
ABSL_DECLARE_FLAG(std::string, read_back);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(std::vector<std::string>, fields);
ABSL_DECLARE_FLAG(std::string, state);
ABSL_DECLARE_FLAG(std::string, department);
ABSL_DECLARE_FLAG(std::string, team);
ABSL_DECLARE_FLAG(uint64_t, after);
ABSL_DECLARE_FLAG(int64_t, limit);
ABSL_DECLARE_FLAG(std::vector<std::string>, scores);
ABSL_DECLARE_FLAG(std::string, comment);
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(std::string, handoff);
ABSL_DECLARE_FLAG(std::string, about);
ABSL_DECLARE_FLAG(std::string, title);
ABSL_DECLARE_FLAG(std::string, body);
ABSL_DECLARE_FLAG(std::string, text);
ABSL_DECLARE_FLAG(std::string, ruling);
ABSL_DECLARE_FLAG(std::string, from);
ABSL_DECLARE_FLAG(std::string, to);
ABSL_DECLARE_FLAG(std::string, order);
ABSL_DECLARE_FLAG(bool, watch);
ABSL_DECLARE_FLAG(int32_t, days);
ABSL_DECLARE_FLAG(std::string, rating_weight);
ABSL_DECLARE_FLAG(std::string, first_pass_weight);
ABSL_DECLARE_FLAG(std::string, timeliness_weight);
ABSL_DECLARE_FLAG(std::string, return_penalty);
ABSL_DECLARE_FLAG(std::string, prior_weight);
ABSL_DECLARE_FLAG(std::string, satisfied_from);

// `token` command.
ABSL_DECLARE_FLAG(std::string, key_file);
ABSL_DECLARE_FLAG(std::string, algorithm);
ABSL_DECLARE_FLAG(std::string, sub);
ABSL_DECLARE_FLAG(std::vector<std::string>, roles);
ABSL_DECLARE_FLAG(absl::Duration, ttl);
ABSL_DECLARE_FLAG(std::string, issuer);
ABSL_DECLARE_FLAG(std::string, audience);

namespace baton::batonctl {

// The usage text shown by --help and after a usage error.
extern const char kUsage[];

// Makes --help list batonctl's own flags (absl shows only the main file's
// by default).
void ConfigureFlagsUsage();

// Checks argv[1..] before absl::ParseCommandLine, which would exit with 1 on
// an unknown flag or a bad value: InvalidArgument naming the flag instead,
// so that main can exit with the usage code 2.
absl::Status CheckFlags(int argc, char** argv);

}  // namespace baton::batonctl

#endif  // BATON_CMD_BATONCTL_FLAGS_H_
