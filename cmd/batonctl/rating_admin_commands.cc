// The rating service's administration (admin only, but for rules get and
// status): the scoring rules in force, a new version of them, a rebuild of
// the rollups under them, and where the consumers and the last rebuild
// stand.

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/parse.h"

namespace baton::batonctl {
namespace {

using Stub = rv1::RatingService::Stub;

const rv1::ScoringRules& RulesOf(const auto& response) { return response.rules(); }

// Sets `*out` from `--flag` when it was given; false (after a usage error
// message) when it is not a number.
template <typename Number>
bool Override(absl::string_view flag, const std::string& value, Number* out, int* exit_code) {
  if (value.empty()) return true;
  bool parsed = false;
  if constexpr (std::is_same_v<Number, double>) {
    parsed = absl::SimpleAtod(value, out);
  } else {
    parsed = absl::SimpleAtoi(value, out);
  }
  if (!parsed) *exit_code = UsageError(absl::StrCat("--", flag, "=", value, " is not a number"));
  return parsed;
}

}  // namespace

int RulesGet(Client& client, const std::string& chain) {
  rv1::GetScoringRulesRequest request;
  request.set_chain(Qualify("chains", chain));
  return CallAndPrint(client, &Stub::GetScoringRules, request,
                      RulesOf<rv1::GetScoringRulesResponse>);
}

int RulesSet(Client& client, const std::string& chain) {
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
  double number = 0;
  int exit_code = kExitOk;
  const struct {
    const char* flag;
    std::string value;
    void (rv1::ScoringRules::*set)(double);
  } doubles[] = {
      {"rating_weight", absl::GetFlag(FLAGS_rating_weight), &rv1::ScoringRules::set_rating_weight},
      {"first_pass_weight", absl::GetFlag(FLAGS_first_pass_weight),
       &rv1::ScoringRules::set_first_pass_weight},
      {"timeliness_weight", absl::GetFlag(FLAGS_timeliness_weight),
       &rv1::ScoringRules::set_timeliness_weight},
      {"return_penalty", absl::GetFlag(FLAGS_return_penalty),
       &rv1::ScoringRules::set_return_penalty},
      {"prior_weight", absl::GetFlag(FLAGS_prior_weight), &rv1::ScoringRules::set_prior_weight},
  };
  for (const auto& field : doubles) {
    if (field.value.empty()) continue;
    if (!Override(field.flag, field.value, &number, &exit_code)) return exit_code;
    (rules.*field.set)(number);
  }
  int32_t satisfied_from = rules.satisfied_from();
  if (!Override("satisfied_from", absl::GetFlag(FLAGS_satisfied_from), &satisfied_from,
                &exit_code)) {
    return exit_code;
  }
  rules.set_satisfied_from(satisfied_from);
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
