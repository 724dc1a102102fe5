#ifndef BATON_COMMON_TESTING_STATUS_DETAILS_H_
#define BATON_COMMON_TESTING_STATUS_DETAILS_H_

// Test-only: the google.rpc detail messages an absl::Status carries as
// payloads (common/status/errors.h attaches them), for assertions.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"

namespace baton::testing {

inline std::vector<google::rpc::PreconditionFailure::Violation> PreconditionViolations(
    const absl::Status& status) {
  std::vector<google::rpc::PreconditionFailure::Violation> out;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.PreconditionFailure");
  google::rpc::PreconditionFailure detail;
  if (payload.has_value() && detail.ParseFromString(std::string(*payload))) {
    for (const auto& v : detail.violations()) out.push_back(v);
  }
  return out;
}

// The ErrorInfo's reason ("" without one).
inline std::string ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  google::rpc::ErrorInfo info;
  if (payload.has_value() && info.ParseFromString(std::string(*payload))) return info.reason();
  return "";
}

inline std::map<std::string, std::string> ErrorMetadata(const absl::Status& status) {
  std::map<std::string, std::string> out;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  google::rpc::ErrorInfo info;
  if (payload.has_value() && info.ParseFromString(std::string(*payload))) {
    for (const auto& [key, value] : info.metadata()) out[key] = value;
  }
  return out;
}

inline std::vector<std::string> BadRequestFields(const absl::Status& status) {
  std::vector<std::string> out;
  auto payload = status.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  google::rpc::BadRequest detail;
  if (payload.has_value() && detail.ParseFromString(std::string(*payload))) {
    for (const auto& v : detail.field_violations()) out.push_back(v.field());
  }
  return out;
}

}  // namespace baton::testing

#endif  // BATON_COMMON_TESTING_STATUS_DETAILS_H_
