#include "common/api/mutation.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"

namespace baton::api {

common::v1::Actor ActorOf(const auth::Caller& caller) {
  common::v1::Actor actor;
  actor.set_subject(caller.principal.subject);
  if (!caller.team.empty()) actor.set_team(Name(kTeams, caller.team));
  return actor;
}

std::string RequestScope(const auth::Caller& caller) {
  // Length-prefixed: no subject can end so as to look like another's team.
  return absl::StrCat(caller.principal.subject.size(), ":", caller.principal.subject, "/",
                      caller.team);
}

void Mutations::Submit(const char* method, const auth::Caller& caller,
                       const google::protobuf::Message& request,
                       google::protobuf::Message* response, storage::Done done,
                       absl::AnyInvocable<absl::Status(storage::Transaction&)> body,
                       storage::Admission admission) const {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr) {  // a programming error: every mutation request has one
    std::fprintf(stderr, "%s has no request_id field\n", request.GetTypeName().c_str());
    std::abort();
  }
  std::string request_id = request.GetReflection()->GetString(request, field);
  queue_->Submit(
      [this, method, deadline = caller.deadline, scope = RequestScope(caller),
       request_id = std::move(request_id), &request, response,
       body = std::move(body)](storage::Transaction& tx) mutable -> absl::Status {
        if (tx.now() > deadline) {
          return absl::DeadlineExceededError(
              "the call's deadline passed before its turn to commit; nothing was changed");
        }
        return ledger_.Run(tx, scope, method, request_id, request, response,
                           [&] { return body(tx); });
      },
      std::move(done), admission);
}

}  // namespace baton::api
