#include "services/feedback/remote_handoff_facts.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "services/feedback/handoff_fact_parsing.h"

namespace baton::feedback {

namespace hv1 = ::baton::handoff::v1;
using api::Name;

namespace {

using Stub = hv1::HandoffService::Stub;
using Async = hv1::HandoffService::StubInterface::async_interface;
template <typename Request, typename Response>
using AsyncGet = void (Async::*)(grpc::ClientContext*, const Request*, Response*,
                                 std::function<void(grpc::Status)>);
// What to do with a response: fill in the fact and call the callback.
template <typename Response, typename Fact>
using Next = absl::AnyInvocable<void(Response&, FactCallback<Fact>)>;

// A handoff server's answer about `resource` as a fact lookup's status
// (the table in the header).
absl::Status FromHandoff(const grpc::Status& status, const std::string& resource) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::NOT_FOUND:
      return NotFound(resource);
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
      return ErrorWithInfo(
          absl::StatusCode::kUnavailable, "HANDOFF_UNAVAILABLE",
          absl::StrCat("the handoff service could not be reached in time to look up ", resource,
                       " (", status.error_message(), "); nothing was changed, retry later"));
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return absl::InternalError(absl::StrCat(
          "the handoff service refused feedback's credentials (", status.error_message(),
          "): a deployment error; baton-feedback needs a service token the handoff "
          "service accepts"));
    default:
      return absl::InternalError(absl::StrCat("the handoff service answered ", status.error_code(),
                                              " looking up ", resource, ": ",
                                              status.error_message()));
  }
}

}  // namespace

struct RemoteHandoffFacts::Connection {
  Connection(std::shared_ptr<grpc::Channel> channel, TokenSource token)
      : stub(hv1::HandoffService::NewStub(std::move(channel))), token(std::move(token)) {}

  // Gets the resource `name` with `method` (one of the stub's Get calls)
  // and continues with `next` on its response; on an error, `done` gets it
  // instead. The call's context, request and response live until it ends.
  template <typename Request, typename Response, typename Fact>
  void Get(AsyncGet<Request, Response> method, std::string name, absl::Time deadline,
           FactCallback<Fact> done, Next<Response, Fact> next) {
    struct Pending {
      grpc::ClientContext context;
      Request request;
      Response response;
      FactCallback<Fact> done;
      Next<Response, Fact> next;
    };
    auto pending = std::make_shared<Pending>();
    pending->request.set_name(std::move(name));
    pending->done = std::move(done);
    pending->next = std::move(next);
    pending->context.set_deadline(absl::ToChronoTime(deadline));
    if (const std::string bearer = token(); !bearer.empty()) {
      pending->context.AddMetadata("authorization", absl::StrCat("Bearer ", bearer));
    }
    (stub->async()->*method)(&pending->context, &pending->request, &pending->response,
                             [pending](grpc::Status status) {
                               absl::Status mapped = FromHandoff(status, pending->request.name());
                               if (!mapped.ok()) return pending->done(std::move(mapped));
                               pending->next(pending->response, std::move(pending->done));
                             });
  }

  std::optional<std::string> CachedDepartment(const std::string& team_id) {
    absl::MutexLock lock(&mu);
    auto it = departments.find(team_id);
    if (it == departments.end()) return std::nullopt;
    return it->second;
  }

  void Remember(const TeamFact& team) {
    absl::MutexLock lock(&mu);
    if (departments.size() >= kMaxCachedTeams) departments.clear();
    departments[team.team_id] = team.department_id;
  }

  const std::unique_ptr<Stub> stub;
  const TokenSource token;
  absl::Mutex mu;
  absl::flat_hash_map<std::string, std::string> departments ABSL_GUARDED_BY(mu);
};

namespace {

using Connection = RemoteHandoffFacts::Connection;

void LookUpTeam(std::shared_ptr<Connection> connection, absl::string_view id, absl::Time deadline,
                FactCallback<TeamFact> done) {
  if (std::optional<std::string> department = connection->CachedDepartment(std::string(id))) {
    return done(TeamFact{.team_id = std::string(id), .department_id = *std::move(department)});
  }
  connection->Get<hv1::GetTeamRequest, hv1::GetTeamResponse, TeamFact>(
      &Async::GetTeam, Name(api::kTeams, id), deadline, std::move(done),
      [connection](hv1::GetTeamResponse& got, FactCallback<TeamFact> done) {
        absl::StatusOr<TeamFact> team = TeamFactOf(got.team());
        if (team.ok()) connection->Remember(*team);
        done(std::move(team));
      });
}

// Fills the department of `fact`'s supplier, then its customer.
void FillTeams(std::shared_ptr<Connection> connection, HandoffFact fact, absl::Time deadline,
               FactCallback<HandoffFact> done) {
  const std::string supplier = fact.supplier.team_id;
  LookUpTeam(connection, supplier, deadline,
             [connection, fact = std::move(fact), deadline,
              done = std::move(done)](absl::StatusOr<TeamFact> supplier) mutable {
               if (!supplier.ok()) return done(supplier.status());
               fact.supplier = *std::move(supplier);
               const std::string customer = fact.customer.team_id;
               LookUpTeam(connection, customer, deadline,
                          [fact = std::move(fact),
                           done = std::move(done)](absl::StatusOr<TeamFact> customer) mutable {
                            if (!customer.ok()) return done(customer.status());
                            fact.customer = *std::move(customer);
                            done(std::move(fact));
                          });
             });
}

// A handoff's fact, once its two teams' departments are known.
Next<hv1::GetHandoffResponse, HandoffFact> WithTeams(std::shared_ptr<Connection> connection,
                                                     absl::Time deadline) {
  return [connection, deadline](hv1::GetHandoffResponse& got, FactCallback<HandoffFact> done) {
    absl::StatusOr<HandoffFact> fact = HandoffFactOf(got.handoff());
    if (!fact.ok()) return done(fact.status());
    FillTeams(connection, *std::move(fact), deadline, std::move(done));
  };
}

// A work item's fact, once its chain's stages are known.
Next<hv1::GetWorkItemResponse, WorkItemFact> WithChain(std::shared_ptr<Connection> connection,
                                                       absl::Time deadline) {
  return [connection, deadline](hv1::GetWorkItemResponse& got, FactCallback<WorkItemFact> done) {
    const std::string chain = got.work_item().chain();
    connection->Get<hv1::GetChainRequest, hv1::GetChainResponse, WorkItemFact>(
        &Async::GetChain, chain, deadline, std::move(done),
        [item = std::move(*got.mutable_work_item())](hv1::GetChainResponse& chain,
                                                     FactCallback<WorkItemFact> done) {
          done(WorkItemFactOf(item, chain.chain()));
        });
  };
}

}  // namespace

RemoteHandoffFacts::RemoteHandoffFacts(std::shared_ptr<grpc::Channel> channel, TokenSource token)
    : connection_(std::make_shared<Connection>(std::move(channel), std::move(token))) {}

RemoteHandoffFacts::~RemoteHandoffFacts() = default;

void RemoteHandoffFacts::Team(absl::string_view id, absl::Time deadline,
                              FactCallback<TeamFact> done) {
  LookUpTeam(connection_, id, deadline, std::move(done));
}

void RemoteHandoffFacts::Handoff(absl::string_view id, absl::Time deadline,
                                 FactCallback<HandoffFact> done) {
  connection_->Get<hv1::GetHandoffRequest, hv1::GetHandoffResponse, HandoffFact>(
      &Async::GetHandoff, Name(api::kHandoffs, id), deadline, std::move(done),
      WithTeams(connection_, deadline));
}

void RemoteHandoffFacts::WorkItem(absl::string_view id, absl::Time deadline,
                                  FactCallback<WorkItemFact> done) {
  connection_->Get<hv1::GetWorkItemRequest, hv1::GetWorkItemResponse, WorkItemFact>(
      &Async::GetWorkItem, Name(api::kWorkItems, id), deadline, std::move(done),
      WithChain(connection_, deadline));
}

}  // namespace baton::feedback
