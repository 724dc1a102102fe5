#ifndef BATON_COMMON_EVENTS_STREAM_TESTING_H_
#define BATON_COMMON_EVENTS_STREAM_TESTING_H_

// Test helpers for server streams over a real socket (tests only): a
// service of one raw server-streaming method whose handler the test
// writes, and a generic client that reads (or does not) when the test says
// so.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status/grpc_status.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"  // as generated code does
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace baton::events::testing {

inline std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}

// The service: `handler` gets each call's request bytes.
class RawStreamService final : public grpc::Service {
 public:
  using Handler = std::function<grpc::ServerWriteReactor<grpc::ByteBuffer>*(
      grpc::CallbackServerContext* context, const std::string& request)>;

  RawStreamService(const char* method, Handler handler) : handler_(std::move(handler)) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::SERVER_STREAMING, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
                 return handler_(context, BytesOf(*request));
               }));
  }

 private:
  Handler handler_;
};

// One call of `method` through a generic stub, step by step.
class RawStreamClient {
 public:
  RawStreamClient(const std::shared_ptr<grpc::Channel>& channel, const char* method,
                  const std::string& request)
      : stub_(channel) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    call_ = stub_.PrepareCall(&context_, method, &cq_);
    call_->StartCall(this);
    EXPECT_TRUE(Next());
    grpc::Slice slice(request);
    call_->Write(grpc::ByteBuffer(&slice, 1), this);
    EXPECT_TRUE(Next());
    call_->WritesDone(this);
    EXPECT_TRUE(Next());
  }
  ~RawStreamClient() {
    if (!finished_) {
      context_.TryCancel();
      while (Read().has_value()) {
      }
      Finish();
    }
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  // The next message; nullopt at the end of the stream.
  std::optional<std::string> Read() {
    grpc::ByteBuffer buffer;
    call_->Read(&buffer, this);
    if (!Next()) return std::nullopt;
    return BytesOf(buffer);
  }
  // Every message up to the end.
  std::vector<std::string> ReadAll() {
    std::vector<std::string> all;
    while (auto m = Read()) all.push_back(*std::move(m));
    return all;
  }
  grpc::Status Finish() {
    grpc::Status status;
    call_->Finish(&status, this);
    EXPECT_TRUE(Next());
    finished_ = true;
    return status;
  }
  void Cancel() { context_.TryCancel(); }

 private:
  bool Next() {
    void* tag;
    bool ok = false;
    EXPECT_TRUE(cq_.Next(&tag, &ok));
    return ok;
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  bool finished_ = false;
};

// The google.rpc.ErrorInfo of a status (empty when none).
inline google::rpc::ErrorInfo InfoOf(const grpc::Status& status) {
  absl::Status converted = FromGrpcStatus(status);
  google::rpc::ErrorInfo info;
  auto payload = converted.GetPayload("type.googleapis.com/google.rpc.ErrorInfo");
  if (payload.has_value()) info.ParseFromString(std::string(*payload));
  return info;
}

// A channel whose client takes at most 64 KiB the test has not read: a
// client that does not read stops the server's writes after a few
// messages, as a real slow one would.
inline std::shared_ptr<grpc::Channel> SmallWindowChannel(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 * 1024);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 16 << 20);
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials(), args);
}

}  // namespace baton::events::testing

#endif  // BATON_COMMON_EVENTS_STREAM_TESTING_H_
