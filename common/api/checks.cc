#include "common/api/checks.h"

#include "absl/strings/str_cat.h"
#include "common/api/names.h"

namespace baton::api {

void Check(BadRequest& bad, absl::string_view field, const absl::Status& status) {
  if (status.ok()) return;
  std::string message(status.message());
  // Checks say "field: why"; keep the why.
  const std::string prefix = absl::StrCat(field, ": ");
  if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
  bad.Add(std::string(field), message);
}

void CheckText(BadRequest& bad, absl::string_view field, absl::string_view value,
               text::TextLimits limits) {
  Check(bad, field, text::CheckText(field, value, limits));
}

void CheckNote(BadRequest& bad, absl::string_view field, absl::string_view note, size_t max) {
  CheckText(bad, field, note, {.min_chars = 0, .max_chars = max, .allow_newlines = true});
}

void CheckRequiredNote(BadRequest& bad, absl::string_view field, absl::string_view note,
                       size_t max) {
  CheckText(bad, field, note, {.min_chars = 1, .max_chars = max, .allow_newlines = true});
}

std::string CheckName(BadRequest& bad, absl::string_view field, absl::string_view value,
                      absl::string_view collection) {
  absl::StatusOr<std::string> id = ParseName(field, value, collection);
  Check(bad, field, id.status());
  return id.ok() ? *std::move(id) : std::string();
}

void CheckRequestId(BadRequest& bad, absl::string_view request_id) {
  Check(bad, "request_id", text::CheckRequestId("request_id", request_id));
}

void CheckOptionalId(BadRequest& bad, absl::string_view field, absl::string_view id) {
  if (!id.empty()) Check(bad, field, text::CheckResourceId(field, id));
}

}  // namespace baton::api
