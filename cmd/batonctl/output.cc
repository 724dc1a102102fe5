#include "cmd/batonctl/output.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"

namespace baton::batonctl {
namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

// Parses the payload of `status` that holds a `Detail`, if any.
template <typename Detail>
bool GetDetail(const absl::Status& status, Detail* detail) {
  auto payload = status.GetPayload(absl::StrCat(kTypePrefix, Detail::descriptor()->full_name()));
  return payload.has_value() && detail->ParseFromString(std::string(*payload));
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.preserve_proto_field_names = false;
  std::string json;
  if (auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
      !status.ok()) {
    // Only possible for messages with unresolvable Any fields; none here.
    return absl::StrCat("{\"error\":\"cannot print ", message.GetTypeName(), "\"}");
  }
  return json;
}

void PrintJson(const google::protobuf::Message& message) {
  std::cout << ToJson(message) << std::endl;
}

int CallFailed(const grpc::Status& grpc_status) {
  const absl::Status status = FromGrpcStatus(grpc_status);
  std::cerr << "batonctl: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  google::rpc::BadRequest bad_request;
  if (GetDetail(status, &bad_request)) {
    for (const auto& v : bad_request.field_violations()) {
      std::cerr << "  " << v.field() << ": " << v.description() << "\n";
    }
  }
  google::rpc::PreconditionFailure precondition;
  if (GetDetail(status, &precondition)) {
    for (const auto& v : precondition.violations()) {
      std::cerr << "  " << v.subject() << ": " << v.description() << " (" << v.type() << ")\n";
    }
  }
  google::rpc::ErrorInfo info;
  if (GetDetail(status, &info)) {
    for (const auto& [key, value] : info.metadata()) {
      // "field" and "resource" only repeat the message and the violations.
      if (key == "field" || key == "resource") continue;
      std::cerr << "  " << key << ": " << value << "\n";
    }
  }
  std::cerr << std::flush;
  return kExitCallFailed;
}

int LocalFailure(absl::string_view what, const absl::Status& status) {
  std::cerr << "batonctl: " << what << ": " << status.message() << std::endl;
  return kExitCallFailed;
}

int UsageError(absl::string_view message) {
  std::cerr << "batonctl: " << message << "\n(batonctl --help lists the commands and flags)"
            << std::endl;
  return kExitUsage;
}

}  // namespace baton::batonctl
