#include "common/status/errors.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace baton {
namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

template <typename Message>
void Attach(absl::Status& status, const Message& detail) {
  status.SetPayload(absl::StrCat(kTypePrefix, Message::descriptor()->full_name()),
                    absl::Cord(detail.SerializeAsString()));
}

void AttachInfo(absl::Status& status, absl::string_view reason,
                const std::map<std::string, std::string>& metadata = {}) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  Attach(status, info);
}

}  // namespace

BadRequest& BadRequest::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
  return *this;
}

absl::Status BadRequest::Build() const {
  if (violations_.empty()) return absl::OkStatus();
  const auto& [field, description] = violations_.front();
  std::string message = absl::StrCat(field, ": ", description);
  if (violations_.size() > 1) {
    absl::StrAppend(&message, " (and ", violations_.size() - 1, " more)");
  }
  absl::Status status = absl::InvalidArgumentError(message);
  google::rpc::BadRequest detail;
  for (const auto& [f, d] : violations_) {
    auto* v = detail.add_field_violations();
    v->set_field(f);
    v->set_description(d);
  }
  Attach(status, detail);
  AttachInfo(status, "INVALID_ARGUMENT", {{"field", field}});
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  return BadRequest().Add(std::move(field), std::move(description)).Build();
}

absl::Status FailedPrecondition(absl::string_view reason, std::string message,
                                const std::vector<Violation>& violations) {
  absl::Status status = absl::FailedPreconditionError(message);
  if (!violations.empty()) {
    google::rpc::PreconditionFailure detail;
    for (const Violation& v : violations) {
      auto* out = detail.add_violations();
      out->set_type(v.type);
      out->set_subject(v.subject);
      out->set_description(v.description);
    }
    Attach(status, detail);
  }
  AttachInfo(status, reason);
  return status;
}

absl::Status NotFound(absl::string_view resource_name) {
  absl::Status status = absl::NotFoundError(absl::StrCat(resource_name, " not found"));
  AttachInfo(status, "NOT_FOUND", {{"resource", std::string(resource_name)}});
  return status;
}

absl::Status ErrorWithInfo(absl::StatusCode code, absl::string_view reason, std::string message,
                           const std::map<std::string, std::string>& metadata) {
  absl::Status status(code, message);
  AttachInfo(status, reason, metadata);
  return status;
}

std::string ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(
      absl::StrCat(kTypePrefix, google::rpc::ErrorInfo::descriptor()->full_name()));
  if (!payload.has_value()) return "";
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

}  // namespace baton
