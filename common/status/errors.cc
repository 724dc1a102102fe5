#include "common/status/errors.h"

#include <algorithm>

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
  for (const auto& [key, value] : metadata) {
    (*info.mutable_metadata())[TruncateUtf8(key)] = TruncateUtf8(value);
  }
  Attach(status, info);
}

std::string NotListed(size_t count) {
  return absl::StrCat("and ", count, " more violation", count == 1 ? "" : "s", " not listed");
}

}  // namespace

std::string TruncateUtf8(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr absl::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026 "…"
  if (max_bytes < kEllipsis.size()) return "";
  size_t cut = max_bytes - kEllipsis.size();
  // Back up to the start of a character: never leave half of one.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), kEllipsis);
}

BadRequest& BadRequest::Add(std::string field, std::string description) {
  ++count_;
  if (violations_.size() < kMaxListedViolations) {
    violations_.emplace_back(TruncateUtf8(field), TruncateUtf8(description));
  }
  return *this;
}

absl::Status BadRequest::Build() const {
  if (count_ == 0) return absl::OkStatus();
  const auto& [field, description] = violations_.front();
  std::string message = absl::StrCat(field, ": ", description);
  if (count_ > 1) absl::StrAppend(&message, " (and ", count_ - 1, " more)");
  absl::Status status = absl::InvalidArgumentError(message);
  google::rpc::BadRequest detail;
  for (const auto& [f, d] : violations_) {
    auto* v = detail.add_field_violations();
    v->set_field(f);
    v->set_description(d);
  }
  if (count_ > violations_.size()) {
    detail.add_field_violations()->set_description(NotListed(count_ - violations_.size()));
  }
  Attach(status, detail);
  AttachInfo(status, "INVALID_FIELD", {{"field", field}});
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  return BadRequest().Add(std::move(field), std::move(description)).Build();
}

absl::Status FailedPrecondition(absl::string_view reason, std::string message,
                                const std::vector<Violation>& violations) {
  absl::Status status = absl::FailedPreconditionError(TruncateUtf8(message));
  if (!violations.empty()) {
    google::rpc::PreconditionFailure detail;
    const size_t listed = std::min(violations.size(), kMaxListedViolations);
    for (size_t i = 0; i < listed; ++i) {
      const Violation& v = violations[i];
      auto* out = detail.add_violations();
      out->set_type(TruncateUtf8(v.type));
      out->set_subject(TruncateUtf8(v.subject));
      out->set_description(TruncateUtf8(v.description));
    }
    if (violations.size() > listed) {
      auto* more = detail.add_violations();
      more->set_type("MORE");
      more->set_description(NotListed(violations.size() - listed));
    }
    Attach(status, detail);
  }
  AttachInfo(status, reason);
  return status;
}

absl::Status NotFound(absl::string_view resource_name) {
  const std::string name = TruncateUtf8(resource_name);
  absl::Status status = absl::NotFoundError(absl::StrCat(name, " not found"));
  AttachInfo(status, "RESOURCE_NOT_FOUND", {{"resource", name}});
  return status;
}

absl::Status ErrorWithInfo(absl::StatusCode code, absl::string_view reason, std::string message,
                           const std::map<std::string, std::string>& metadata) {
  absl::Status status(code, TruncateUtf8(message));
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
