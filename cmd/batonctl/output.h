#ifndef BATON_CMD_BATONCTL_OUTPUT_H_
#define BATON_CMD_BATONCTL_OUTPUT_H_

// What batonctl writes: resources as one JSON object per line on stdout,
// errors as "batonctl: ..." lines on stderr, and the exit codes.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"

namespace baton::batonctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCallFailed = 1;
inline constexpr int kExitUsage = 2;

// `message` as compact proto3 JSON (lowerCamelCase names, enums by name,
// non-ASCII text as UTF-8).
std::string ToJson(const google::protobuf::Message& message);

// Writes ToJson(message) and a newline to stdout and flushes, so that
// streams can be piped line by line.
void PrintJson(const google::protobuf::Message& message);

// Writes the failed call's "batonctl: CODE: message" and then one indented
// line per detail the server attached (BadRequest field violations,
// PreconditionFailure violations, ErrorInfo metadata) to stderr.
// Returns kExitCallFailed.
int CallFailed(const grpc::Status& status);

// Writes "batonctl: what: status message" to stderr; returns kExitCallFailed.
// For local failures such as an unreadable key file.
int LocalFailure(absl::string_view what, const absl::Status& status);

// Writes "batonctl: message" and a pointer to --help to stderr; returns
// kExitUsage.
int UsageError(absl::string_view message);

}  // namespace baton::batonctl

#endif  // BATON_CMD_BATONCTL_OUTPUT_H_
