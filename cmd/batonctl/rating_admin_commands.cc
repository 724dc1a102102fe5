// The rating service's administration (admin only, but for rules get and
// status): the scoring rules in force, a new version of them, a rebuild of
// the rollups under them, and where the consumers and the last rebuild
// stand.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/parse.h"

namespace baton::batonctl {
namespace {

using Stub = rv1::RatingService::Stub;

const rv1::ScoringRules& RulesOf(const auto& response) { return response.rules(); }

// The fields `rating rules set` can change, one flag each.
struct RulesField {
  const char* flag;
  std::string value;  // as given; empty: not given
  void (rv1::ScoringRules::*set_double)(double);
  void (rv1::ScoringRules::*set_int)(int32_t);
};

std::vector<RulesField> RulesFieldsFromFlags() {
  return {
      {"rating_weight", absl::GetFlag(FLAGS_rating_weight), &rv1::ScoringRules::set_rating_weight,
       nullptr},
      {"first_pass_weight", absl::GetFlag(FLAGS_first_pass_weight),
       &rv1::ScoringRules::set_first_pass_weight, nullptr},
      {"timeliness_weight", absl::GetFlag(FLAGS_timeliness_weight),
       &rv1::ScoringRules::set_timeliness_weight, nullptr},
      {"return_penalty", absl::GetFlag(FLAGS_return_penalty),
       &rv1::ScoringRules::set_return_penalty, nullptr},
      {"prior_weight", absl::GetFlag(FLAGS_prior_weight), &rv1::ScoringRules::set_prior_weight,
       nullptr},
      {"satisfied_from", absl::GetFlag(FLAGS_satisfied_from), nullptr,
       &rv1::ScoringRules::set_satisfied_from},
  };
}

// Sets the given fields of `rules` from their flags; InvalidArgument naming
// the flag when a value is not a number (a whole one for an int field). The
// range is the server's to check.
absl::Status ApplyRulesFields(const std::vector<RulesField>& fields, rv1::ScoringRules* rules) {
  for (const RulesField& field : fields) {
    if (field.value.empty()) continue;
    if (field.set_int != nullptr) {
      int32_t number = 0;
      if (!absl::SimpleAtoi(field.value, &number)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", field.flag, "=", field.value, " is not a whole number"));
      }
      (rules->*field.set_int)(number);
    } else {
      double number = 0;
      if (!absl::SimpleAtod(field.value, &number)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", field.flag, "=", field.value, " is not a number"));
      }
      (rules->*field.set_double)(number);
    }
  }
  return absl::OkStatus();
}

}  // namespace

int RulesGet(Client& client, const std::string& chain) {
  rv1::GetScoringRulesRequest request;
  request.set_chain(Qualify("chains", chain));
  return CallAndPrint(client, &Stub::GetScoringRules, request,
                      RulesOf<rv1::GetScoringRulesResponse>);
}

int RulesSet(Client& client, const std::string& chain) {
  // Usage errors before any call: no field given (a version identical to
  // the one in force), or a value that is not a number.
  const std::vector<RulesField> fields = RulesFieldsFromFlags();
  std::vector<std::string> flags;
  for (const RulesField& field : fields) flags.push_back(absl::StrCat("--", field.flag));
  if (std::all_of(fields.begin(), fields.end(),
                  [](const RulesField& field) { return field.value.empty(); })) {
    return UsageError(absl::StrCat("rating rules set needs at least one field to change: ",
                                   absl::StrJoin(flags, ", ")));
  }
  rv1::ScoringRules check;
  if (absl::Status s = ApplyRulesFields(fields, &check); !s.ok()) return UsageError(s.message());

  // The rules in force, with the fields given changed: a flag left out
  // keeps its value.
  rv1::GetScoringRulesRequest get;
  get.set_chain(Qualify("chains", chain));
  rv1::GetScoringRulesResponse current;
  const grpc::Status status = client.StubFor(static_cast<Stub*>(nullptr))
                                  .GetScoringRules(client.Context().get(), get, &current);
  if (!status.ok()) return CallFailed(status);
  rv1::SetScoringRulesRequest request;
  request.set_request_id(client.request_id());
  rv1::ScoringRules& rules = *request.mutable_rules() = current.rules();
  rules.set_chain(get.chain());
  if (absl::Status s = ApplyRulesFields(fields, &rules); !s.ok()) return UsageError(s.message());
  return CallAndPrint(client, &Stub::SetScoringRules, request,
                      RulesOf<rv1::SetScoringRulesResponse>);
}

int Rebuild(Client& client, const std::string&) {
  rv1::RebuildRollupsRequest request;
  request.set_request_id(client.request_id());
  return CallAndPrint(client, &Stub::RebuildRollups, request,
                      [](const rv1::RebuildRollupsResponse& r) { return r; });
}

int RatingStatus(Client& client, const std::string&) {
  return CallAndPrint(client, &Stub::GetConsumerStatus, rv1::GetConsumerStatusRequest(),
                      [](const rv1::GetConsumerStatusResponse& r) { return r; });
}

}  // namespace baton::batonctl
