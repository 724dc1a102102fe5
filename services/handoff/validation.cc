#include "services/handoff/validation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/text/text.h"
#include "common/api/checks.h"
#include "common/api/names.h"

namespace baton::handoff {
namespace {

using api::kChains;
using api::kDepartments;
using api::kHandoffs;
using api::kTeams;
using api::kWorkItems;
using api::Check;
using api::CheckName;
using api::CheckNote;
using api::CheckOptionalId;
using api::CheckRequestId;
using api::CheckText;
using api::Ok;
using text::TextLimits;

void CheckFieldKey(BadRequest& bad, absl::string_view field, absl::string_view key) {
  CheckText(bad, field, key, {.min_chars = 1, .max_chars = kMaxFieldKeyChars});
}

void CheckFields(BadRequest& bad, absl::string_view field,
                 const google::protobuf::Map<std::string, std::string>& fields) {
  if (fields.size() > kMaxFields) {
    bad.Add(std::string(field),
            absl::StrCat("has ", fields.size(), " entries; at most ", kMaxFields, " allowed"));
    return;
  }
  // Sorted, so that the first violation reported does not depend on hashing.
  std::set<std::string> keys;
  for (const auto& [key, value] : fields) keys.insert(key);
  for (const std::string& key : keys) {
    const std::string path = absl::StrCat(field, "[\"", key, "\"]");
    CheckFieldKey(bad, path, key);
    CheckText(bad, path, fields.at(key),
              {.min_chars = 0, .max_chars = kMaxFieldValueChars, .allow_newlines = true});
  }
}

}  // namespace

absl::Status Validate(const v1::CreateDepartmentRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  CheckOptionalId(bad, "department_id", request.department_id());
  CheckText(bad, "department.display_name", request.department().display_name(),
            {.max_chars = kMaxNameChars});
  return bad.Build();
}

absl::StatusOr<std::string> Validate(const v1::CreateTeamRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  CheckOptionalId(bad, "team_id", request.team_id());
  std::string department =
      CheckName(bad, "team.department", request.team().department(), kDepartments);
  CheckText(bad, "team.display_name", request.team().display_name(), {.max_chars = kMaxNameChars});
  return Ok(bad, std::move(department));
}

absl::StatusOr<std::vector<std::string>> Validate(const v1::CreateChainRequest& request) {
  BadRequest bad;
  std::vector<std::string> owners;
  CheckRequestId(bad, request.request_id());
  CheckOptionalId(bad, "chain_id", request.chain_id());
  const v1::Chain& chain = request.chain();
  CheckText(bad, "chain.display_name", chain.display_name(), {.max_chars = kMaxNameChars});
  if (chain.stages_size() < kMinStages || chain.stages_size() > kMaxStages) {
    bad.Add("chain.stages", absl::StrCat("has ", chain.stages_size(), " stages; a chain needs ",
                                         kMinStages, " to ", kMaxStages));
  }
  for (int i = 0; i < chain.stages_size() && i < kMaxStages; ++i) {
    const v1::Stage& stage = chain.stages(i);
    const std::string at = absl::StrCat("chain.stages[", i, "]");
    CheckText(bad, at + ".display_name", stage.display_name(), {.max_chars = kMaxNameChars});
    owners.push_back(CheckName(bad, at + ".owner_team", stage.owner_team(), kTeams));
    const absl::Duration sla =
        absl::Seconds(stage.sla().seconds()) + absl::Nanoseconds(stage.sla().nanos());
    if (i > 0 && (sla < absl::Seconds(1) || sla > absl::Hours(24 * 365))) {
      bad.Add(at + ".sla", "must be between 1 second and 365 days");
    }
    if (stage.required_fields_size() > kMaxFields) {
      bad.Add(at + ".required_fields", absl::StrCat("at most ", kMaxFields, " allowed"));
      continue;
    }
    std::set<std::string> seen;
    for (int f = 0; f < stage.required_fields_size(); ++f) {
      const std::string path = absl::StrCat(at, ".required_fields[", f, "]");
      CheckFieldKey(bad, path, stage.required_fields(f));
      if (!seen.insert(stage.required_fields(f)).second) bad.Add(path, "is listed twice");
    }
  }
  return Ok(bad, std::move(owners));
}

absl::StatusOr<std::string> Validate(const v1::CreateWorkItemRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "chain", request.chain(), kChains);
  CheckText(bad, "external_reference", request.external_reference(),
            {.max_chars = kMaxExternalReferenceChars});
  CheckFields(bad, "fields", request.fields());
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::CompleteWorkItemRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "name", request.name(), kWorkItems);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::DropWorkItemRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "name", request.name(), kWorkItems);
  if (request.reason() == v1::DROP_REASON_UNSPECIFIED ||
      !v1::DropReason_IsValid(request.reason())) {
    bad.Add("reason", "is required: one of the DropReason values");
  }
  CheckNote(bad, "note", request.note(), kMaxNoteChars);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::OfferHandoffRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "work_item", request.work_item(), kWorkItems);
  CheckFields(bad, "fields", request.fields());
  CheckNote(bad, "note", request.note(), kMaxNoteChars);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::AcceptHandoffRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "name", request.name(), kHandoffs);
  CheckNote(bad, "read_back", request.read_back(), kMaxReadBackChars);
  return Ok(bad, std::move(id));
}

absl::StatusOr<std::string> Validate(const v1::ReturnHandoffRequest& request) {
  BadRequest bad;
  CheckRequestId(bad, request.request_id());
  std::string id = CheckName(bad, "name", request.name(), kHandoffs);
  if (request.reasons_size() == 0) bad.Add("reasons", "at least one reason is required");
  for (int i = 0; i < request.reasons_size(); ++i) {
    const int reason = request.reasons(i);
    if (reason == v1::RETURN_REASON_UNSPECIFIED || !v1::ReturnReason_IsValid(reason)) {
      bad.Add(absl::StrCat("reasons[", i, "]"), "must be one of the ReturnReason values");
    }
  }
  if (request.fields_size() > kMaxFields) {
    bad.Add("fields", absl::StrCat("at most ", kMaxFields, " allowed"));
  } else {
    for (int i = 0; i < request.fields_size(); ++i) {
      CheckFieldKey(bad, absl::StrCat("fields[", i, "]"), request.fields(i));
    }
  }
  CheckNote(bad, "note", request.note(), kMaxNoteChars);
  return Ok(bad, std::move(id));
}

}  // namespace baton::handoff
