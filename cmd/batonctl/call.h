#ifndef BATON_CMD_BATONCTL_CALL_H_
#define BATON_CMD_BATONCTL_CALL_H_

// Unary call, paging and stream-following helpers shared by the command
// handlers.

#include <cstdint>

#include "absl/flags/flag.h"
#include "cmd/batonctl/client.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/output.h"
#include "grpcpp/support/sync_stream.h"

namespace baton::batonctl {

// A unary method of any service's stub (Client::StubFor picks the stub).
template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// Calls `method` once; on success prints pick(response) as one JSON line.
template <typename Stub, typename Request, typename Response, typename Pick>
int CallAndPrint(Client& client, UnaryMethod<Stub, Request, Response> method,
                 const Request& request, Pick pick) {
  Response response;
  Stub& stub = client.StubFor(static_cast<Stub*>(nullptr));
  const grpc::Status status = (stub.*method)(client.Context().get(), request, &response);
  if (!status.ok()) return CallFailed(status);
  PrintJson(pick(response));
  return kExitOk;
}

// Pages through a List method until next_page_token is empty, printing each
// element of items(response) as one JSON line. Each page has its own deadline.
template <typename Stub, typename Request, typename Response, typename Items>
int ListAll(Client& client, UnaryMethod<Stub, Request, Response> method, Request request,
            Items items) {
  request.set_page_size(200);
  Stub& stub = client.StubFor(static_cast<Stub*>(nullptr));
  while (true) {
    Response response;
    const grpc::Status status = (stub.*method)(client.Context().get(), request, &response);
    if (!status.ok()) return CallFailed(status);
    for (const auto& item : items(response)) PrintJson(item);
    if (response.next_page_token().empty()) return kExitOk;
    request.set_page_token(response.next_page_token());
  }
}

// Reads `reader` to its end, printing pick(message) for each message;
// counted(message) says which ones count towards --limit. Reaching the
// limit cancels the call and succeeds; the stream's own end is kExitOk
// when the server ended it OK, else CallFailed's exit code. Ctrl-C ends the
// process as its default action does.
template <typename Response, typename Pick, typename Counted>
int Follow(grpc::ClientContext& context, grpc::ClientReader<Response>& reader, Pick pick,
           Counted counted) {
  const int64_t limit = absl::GetFlag(FLAGS_limit);
  int64_t seen = 0;
  Response message;
  while (reader.Read(&message)) {
    PrintJson(pick(message));
    if (counted(message) && limit > 0 && ++seen >= limit) {
      context.TryCancel();
      reader.Finish();
      return kExitOk;
    }
  }
  const grpc::Status status = reader.Finish();
  return status.ok() ? kExitOk : CallFailed(status);
}

}  // namespace baton::batonctl

#endif  // BATON_CMD_BATONCTL_CALL_H_
