#include "common/server/identity.h"

#include <optional>
#include "absl/strings/string_view.h"

#include "absl/strings/match.h"

namespace baton::server {

// One per call: verifies the token when the client's metadata arrives and
// forgets the outcome when the call ends.
class CallIdentity::Interceptor final : public grpc::experimental::Interceptor {
 public:
  Interceptor(CallIdentity* owner, grpc::experimental::ServerRpcInfo* info)
      : owner_(owner), context_(info->server_context()) {}
  ~Interceptor() override { owner_->Erase(context_); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::optional<std::string_view> authorization;
      auto* metadata = methods->GetRecvInitialMetadata();
      if (auto it = metadata->find("authorization"); it != metadata->end()) {
        authorization = std::string_view(it->second.data(), it->second.size());
      }
      owner_->Set(context_, owner_->authenticator_->Authenticate(authorization));
    }
    methods->Proceed();
  }

 private:
  CallIdentity* owner_;
  const grpc::ServerContextBase* context_;
};

class CallIdentity::Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(CallIdentity* owner) : owner_(owner) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    absl::string_view method = info->method();
    if (absl::StartsWith(method, "/grpc.health.") ||
        absl::StartsWith(method, "/grpc.reflection.")) {
      return nullptr;
    }
    return new Interceptor(owner_, info);
  }

 private:
  CallIdentity* owner_;
};

CallIdentity::CallIdentity(std::unique_ptr<auth::Authenticator> authenticator)
    : authenticator_(std::move(authenticator)) {}

CallIdentity::~CallIdentity() = default;

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
CallIdentity::NewInterceptorFactory() {
  return std::make_unique<Factory>(this);
}

absl::StatusOr<auth::Principal> CallIdentity::Of(const grpc::ServerContextBase* context) const {
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(context);
  if (it == calls_.end()) {
    return absl::UnauthenticatedError("call was not authenticated (no identity interceptor ran)");
  }
  return it->second.outcome;
}

void CallIdentity::Set(const grpc::ServerContextBase* context,
                       absl::StatusOr<auth::Principal> outcome) {
  absl::MutexLock lock(&mu_);
  if (refusing_) {
    outcome =
        absl::UnavailableError("the server is shutting down; retry, another replica will answer");
  } else {
    ++admitted_;
  }
  auto [it, inserted] = calls_.insert_or_assign(context, Call{std::move(outcome), !refusing_});
  if (!inserted && !refusing_) --admitted_;  // the same call set twice counts once
}

void CallIdentity::Erase(const grpc::ServerContextBase* context) {
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(context);
  if (it == calls_.end()) return;
  if (it->second.admitted) --admitted_;
  calls_.erase(it);
}

void CallIdentity::StartRefusing() {
  absl::MutexLock lock(&mu_);
  refusing_ = true;
}

bool CallIdentity::WaitForAdmittedCalls(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return admitted_ == 0; };
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

}  // namespace baton::server
