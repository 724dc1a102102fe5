#include "cmd/batonctl/commands.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/output.h"
#include "cmd/batonctl/parse.h"
#include "common/auth/jwt_signer.h"

namespace baton::batonctl {
namespace {

using Handler = std::function<int(Client&, const std::string&)>;

// token needs no server: it signs locally.
int Token() {
  const std::string key_file = absl::GetFlag(FLAGS_key_file);
  if (key_file.empty()) return UsageError("token needs --key_file");
  auth::TokenClaims claims;
  claims.subject = absl::GetFlag(FLAGS_sub);
  if (claims.subject.empty()) return UsageError("token needs --sub");
  claims.team = std::string(absl::StripPrefix(absl::GetFlag(FLAGS_team), "teams/"));
  claims.department =
      std::string(absl::StripPrefix(absl::GetFlag(FLAGS_department), "departments/"));
  for (const std::string& name : absl::GetFlag(FLAGS_roles)) {
    auto role = auth::ParseRole(name);
    if (!role.ok()) return UsageError(absl::StrCat("--roles: ", role.status().message()));
    claims.roles.push_back(*role);
  }
  claims.issued_at = absl::Now();
  claims.ttl = absl::GetFlag(FLAGS_ttl);
  claims.issuer = absl::GetFlag(FLAGS_issuer);
  claims.audience = absl::GetFlag(FLAGS_audience);
  auth::JwtVerifierOptions::Algorithm algorithm;
  if (const std::string name = absl::GetFlag(FLAGS_algorithm); name == "HS256") {
    algorithm = auth::JwtVerifierOptions::Algorithm::kHs256;
  } else if (name == "RS256") {
    algorithm = auth::JwtVerifierOptions::Algorithm::kRs256;
  } else {
    return UsageError(absl::StrCat("--algorithm: '", name, "' is not HS256 or RS256"));
  }
  auto key = auth::ReadKeyFile(key_file);
  if (!key.ok()) return LocalFailure("--key_file", key.status());
  auto token = auth::SignToken(algorithm, *key, claims);
  if (!token.ok()) return LocalFailure("cannot sign the token", token.status());
  std::cout << *token << std::endl;
  return kExitOk;
}

int DepartmentsList(Client& client, const std::string&) {
  return ListAll(client, &v1::HandoffService::Stub::ListDepartments, v1::ListDepartmentsRequest(),
                 [](const v1::ListDepartmentsResponse& r) { return r.departments(); });
}

int TeamsList(Client& client, const std::string&) {
  v1::ListTeamsRequest request;
  request.set_department(Qualify("departments", absl::GetFlag(FLAGS_department)));
  return ListAll(client, &v1::HandoffService::Stub::ListTeams, request,
                 [](const v1::ListTeamsResponse& r) { return r.teams(); });
}

int ChainsList(Client& client, const std::string&) {
  return ListAll(client, &v1::HandoffService::Stub::ListChains, v1::ListChainsRequest(),
                 [](const v1::ListChainsResponse& r) { return r.chains(); });
}

int ChainsGet(Client& client, const std::string& name) {
  v1::GetChainRequest request;
  request.set_name(Qualify("chains", name));
  return CallAndPrint(client, &v1::HandoffService::Stub::GetChain, request,
                      [](const v1::GetChainResponse& r) { return r.chain(); });
}

int ItemsCreate(Client& client, const std::string&) {
  v1::CreateWorkItemRequest request;
  request.set_request_id(client.request_id());
  request.set_chain(Qualify("chains", absl::GetFlag(FLAGS_chain)));
  if (request.chain().empty()) return UsageError("items create needs --chain");
  request.set_external_reference(absl::GetFlag(FLAGS_ref));
  if (request.external_reference().empty()) return UsageError("items create needs --ref");
  auto fields = ParseFields(absl::GetFlag(FLAGS_field));
  if (!fields.ok()) return UsageError(fields.status().message());
  request.mutable_fields()->insert(fields->begin(), fields->end());
  return CallAndPrint(client, &v1::HandoffService::Stub::CreateWorkItem, request,
                      [](const v1::CreateWorkItemResponse& r) { return r.work_item(); });
}

int ItemsGet(Client& client, const std::string& name) {
  v1::GetWorkItemRequest request;
  request.set_name(Qualify("workItems", name));
  return CallAndPrint(client, &v1::HandoffService::Stub::GetWorkItem, request,
                      [](const v1::GetWorkItemResponse& r) { return r.work_item(); });
}

int ItemsList(Client& client, const std::string&) {
  v1::ListWorkItemsRequest request;
  request.set_chain(Qualify("chains", absl::GetFlag(FLAGS_chain)));
  request.set_holder_team(Qualify("teams", absl::GetFlag(FLAGS_team)));
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    auto parsed = ParseWorkItemState("state", state);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    request.set_state(*parsed);
  }
  return ListAll(client, &v1::HandoffService::Stub::ListWorkItems, request,
                 [](const v1::ListWorkItemsResponse& r) { return r.work_items(); });
}

struct Command {
  std::vector<std::string> words;  // e.g. {"items", "get"}
  std::string operand;             // e.g. "ITEM"; "[CHAIN]" when optional; empty: none
  Handler handler;
};

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {{"departments", "list"}, "", DepartmentsList},
      {{"teams", "list"}, "", TeamsList},
      {{"chains", "list"}, "", ChainsList},
      {{"chains", "get"}, "CHAIN", ChainsGet},
      {{"items", "create"}, "", ItemsCreate},
      {{"items", "get"}, "ITEM", ItemsGet},
      {{"items", "list"}, "", ItemsList},
      {{"offer"}, "ITEM", Offer},
      {{"accept"}, "HANDOFF", Accept},
      {{"return"}, "HANDOFF", Return},
      {{"complete"}, "ITEM", Complete},
      {{"drop"}, "ITEM", Drop},
      {{"inbox"}, "TEAM", Inbox},
      {{"outbox"}, "TEAM", Outbox},
      {{"watch"}, "TEAM", Watch},
      {{"events"}, "", Events},
      {{"rate"}, "HANDOFF", Rate},
      {{"rating", "get"}, "RATING", RatingGet},
      {{"rating", "rules", "get"}, "[CHAIN]", RulesGet},
      {{"rating", "rules", "set"}, "[CHAIN]", RulesSet},
      {{"rating", "rebuild"}, "", Rebuild},
      {{"rating", "status"}, "", RatingStatus},
      {{"dispute"}, "RATING", Dispute},
      {{"rule"}, "RATING", Rule},
      {{"feedback", "submit"}, "", FeedbackSubmit},
      {{"feedback", "ack"}, "ID", FeedbackAck},
      {{"feedback", "reply"}, "ID", FeedbackReply},
      {{"feedback", "resolve"}, "ID", FeedbackResolve},
      {{"feedback", "get"}, "ID", FeedbackGet},
      {{"feedback", "list"}, "", FeedbackList},
      {{"score"}, "HANDOFF", Score},
      {{"scorecard"}, "TEAM", Scorecard},
      {{"scoreboard"}, "DEPARTMENT", Scoreboard},
      {{"funnel"}, "CHAIN", Funnel},
  };
  return *commands;
}

// The command whose words start `args`, or null.
const Command* Find(const std::vector<std::string>& args) {
  for (const Command& command : Commands()) {
    if (args.size() >= command.words.size() &&
        std::equal(command.words.begin(), command.words.end(), args.begin())) {
      return &command;
    }
  }
  return nullptr;
}

// Names the longest run of leading words that some command starts with, and
// every way to go on from there (two- and three-word commands alike:
// "rating" goes on with "get", "rules get", "rules set", ...).
int UnknownCommand(const std::vector<std::string>& args) {
  size_t known = 0;  // leading words of args that start some command
  std::vector<std::string> continuations;
  for (size_t n = 1; n <= args.size(); ++n) {
    std::vector<std::string> found;
    for (const Command& command : Commands()) {
      if (command.words.size() > n &&
          std::equal(args.begin(), args.begin() + static_cast<long>(n), command.words.begin())) {
        found.push_back(
            absl::StrJoin(command.words.begin() + static_cast<long>(n), command.words.end(), " "));
      }
    }
    if (found.empty()) break;
    known = n;
    continuations = std::move(found);
  }
  if (known == 0) return UsageError(absl::StrCat("unknown command '", args[0], "'"));
  const std::string group =
      absl::StrJoin(args.begin(), args.begin() + static_cast<long>(known), " ");
  const std::string choices = absl::StrJoin(continuations, ", ");
  if (args.size() == known) {
    return UsageError(absl::StrCat("'", group, "' needs a subcommand: ", choices));
  }
  return UsageError(absl::StrCat("unknown command '", group, " ", args[known], "' (", group,
                                 " takes ", choices, ")"));
}

}  // namespace

int Run(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("no command given");
  size_t used = 0;
  const Command* command = nullptr;
  if (args[0] == "token") {
    used = 1;
  } else {
    command = Find(args);
    if (command == nullptr) return UnknownCommand(args);
    used = command->words.size();
  }
  const std::string name = absl::StrJoin(args.begin(), args.begin() + static_cast<long>(used), " ");
  std::string operand;
  if (command != nullptr && !command->operand.empty()) {
    const bool optional = command->operand.front() == '[';
    if (args.size() > used) {
      operand = args[used++];
    } else if (!optional) {
      return UsageError(absl::StrCat(name, " needs ", command->operand));
    }
  }
  if (args.size() > used) {
    return UsageError(absl::StrCat("unexpected argument '", args[used], "' after '", name, "'"));
  }
  if (command == nullptr) return Token();

  auto client = Client::FromFlags();
  if (!client.ok()) {
    if (absl::IsInvalidArgument(client.status())) return UsageError(client.status().message());
    return LocalFailure("cannot set up the connection", client.status());
  }
  return command->handler(**client, operand);
}

}  // namespace baton::batonctl
