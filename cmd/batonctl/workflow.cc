// The commands that move work items along a chain and follow it live.

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cmd/batonctl/call.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/parse.h"

namespace baton::batonctl {
namespace {

int ListBox(Client& client, const std::string& team, v1::Box box) {
  v1::ListHandoffsRequest request;
  request.set_team(Qualify("teams", team));
  request.set_box(box);
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    auto parsed = ParseHandoffState("state", state);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    request.set_state(*parsed);
  }
  return ListAll(client, &v1::HandoffService::Stub::ListHandoffs, request,
                 [](const v1::ListHandoffsResponse& r) { return r.handoffs(); });
}

}  // namespace

int Offer(Client& client, const std::string& item) {
  v1::OfferHandoffRequest request;
  request.set_request_id(client.request_id());
  request.set_work_item(Qualify("workItems", item));
  auto fields = ParseFields(absl::GetFlag(FLAGS_field));
  if (!fields.ok()) return UsageError(fields.status().message());
  request.mutable_fields()->insert(fields->begin(), fields->end());
  request.set_note(absl::GetFlag(FLAGS_note));
  return CallAndPrint(client, &v1::HandoffService::Stub::OfferHandoff, request,
                      [](const v1::OfferHandoffResponse& r) { return r.handoff(); });
}

int Accept(Client& client, const std::string& handoff) {
  v1::AcceptHandoffRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("handoffs", handoff));
  request.set_read_back(absl::GetFlag(FLAGS_read_back));
  return CallAndPrint(client, &v1::HandoffService::Stub::AcceptHandoff, request,
                      [](const v1::AcceptHandoffResponse& r) { return r.handoff(); });
}

int Return(Client& client, const std::string& handoff) {
  v1::ReturnHandoffRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("handoffs", handoff));
  const std::string reason = absl::GetFlag(FLAGS_reason);
  if (reason.empty()) return UsageError("return needs --reason");
  auto reasons = ParseReturnReasons("reason", reason);
  if (!reasons.ok()) return UsageError(reasons.status().message());
  for (v1::ReturnReason r : *reasons) request.add_reasons(r);
  for (const std::string& field : absl::GetFlag(FLAGS_fields)) request.add_fields(field);
  request.set_note(absl::GetFlag(FLAGS_note));
  return CallAndPrint(client, &v1::HandoffService::Stub::ReturnHandoff, request,
                      [](const v1::ReturnHandoffResponse& r) { return r.handoff(); });
}

int Complete(Client& client, const std::string& item) {
  v1::CompleteWorkItemRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("workItems", item));
  return CallAndPrint(client, &v1::HandoffService::Stub::CompleteWorkItem, request,
                      [](const v1::CompleteWorkItemResponse& r) { return r.work_item(); });
}

int Drop(Client& client, const std::string& item) {
  v1::DropWorkItemRequest request;
  request.set_request_id(client.request_id());
  request.set_name(Qualify("workItems", item));
  const std::string reason = absl::GetFlag(FLAGS_reason);
  if (reason.empty()) return UsageError("drop needs --reason");
  auto parsed = ParseDropReason("reason", reason);
  if (!parsed.ok()) return UsageError(parsed.status().message());
  request.set_reason(*parsed);
  request.set_note(absl::GetFlag(FLAGS_note));
  return CallAndPrint(client, &v1::HandoffService::Stub::DropWorkItem, request,
                      [](const v1::DropWorkItemResponse& r) { return r.work_item(); });
}

int Inbox(Client& client, const std::string& team) { return ListBox(client, team, v1::BOX_INBOX); }

int Outbox(Client& client, const std::string& team) {
  return ListBox(client, team, v1::BOX_OUTBOX);
}

int Watch(Client& client, const std::string& team) {
  v1::WatchInboxRequest request;
  request.set_team(Qualify("teams", team));
  auto context = client.Context(/*unary=*/false);
  auto reader = client.stub().WatchInbox(context.get(), request);
  // The first message, {"synced":true}, says the watch is live; --limit
  // counts only the offers and overdue notices after it.
  return Follow(
      *context, *reader, [](const v1::WatchInboxResponse& m) -> const auto& { return m; },
      [](const v1::WatchInboxResponse& m) { return !m.has_synced(); });
}

int Events(Client& client, const std::string&) {
  v1::StreamEventsRequest request;
  request.set_after_sequence(absl::GetFlag(FLAGS_after));
  auto context = client.Context(/*unary=*/false);
  auto reader = client.stub().StreamEvents(context.get(), request);
  return Follow(
      *context, *reader, [](const v1::StreamEventsResponse& m) -> const auto& { return m.event(); },
      [](const v1::StreamEventsResponse&) { return true; });
}

}  // namespace baton::batonctl
