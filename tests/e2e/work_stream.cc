#include "tests/e2e/work_stream.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "grpcpp/grpcpp.h"

namespace baton::testing {
namespace {

namespace fv1 = ::baton::feedback::v1;
namespace hv1 = ::baton::handoff::v1;
using HandoffStub = hv1::HandoffService::Stub;
using FeedbackStub = fv1::FeedbackService::Stub;

constexpr absl::Duration kCallTimeout = absl::Seconds(5);
// A pause between tries of a failed call, so that a process that is
// restarting is not hammered; not a synchronisation.
constexpr absl::Duration kRetryPause = absl::Milliseconds(20);

// A channel that reconnects soon after its server comes back (gRPC's
// default backoff starts at 1 s and grows to 2 min).
std::shared_ptr<grpc::Channel> QuickReconnectChannel(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

// How calls fail while a process is killed or restarting.
bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::CANCELLED;
}

}  // namespace

WorkStream::WorkStream(WorkStreamOptions options)
    : options_(std::move(options)),
      handoff_(hv1::HandoffService::NewStub(QuickReconnectChannel(options_.handoff_port))),
      feedback_(fv1::FeedbackService::NewStub(QuickReconnectChannel(options_.feedback_port))),
      rng_(options_.seed) {
  tally_.stages.resize(options_.stages.size());
}

WorkStream::~WorkStream() { Join().IgnoreError(); }

void WorkStream::Start() {
  give_up_at_ = absl::Now() + options_.give_up;
  thread_ = std::thread([this] {
    const absl::Status status = Run();
    absl::MutexLock lock(&mu_);
    outcome_ = status;
    ended_ = true;
  });
}

absl::Status WorkStream::Join() {
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  return outcome_;
}

void WorkStream::AwaitCalls(int64_t calls) const {
  struct Wait {
    const WorkStream* stream;
    int64_t calls;
  } wait{this, calls};
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return w->stream->ended_ || w->stream->acknowledged_ >= w->calls;
      },
      &wait));
}

bool WorkStream::Running() const {
  absl::MutexLock lock(&mu_);
  return !ended_;
}

absl::Status WorkStream::Run() {
  for (int i = 0; i < options_.items; ++i) {
    if (options_.before_item) {
      int64_t calls = 0;
      {
        absl::MutexLock lock(&mu_);
        calls = acknowledged_;
      }
      options_.before_item(calls);
    }
    RETURN_IF_ERROR(Item(i));
  }
  return absl::OkStatus();
}

template <typename Stub, typename Request, typename Response>
absl::Status WorkStream::Call(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const std::string& token, const Request& request, Response* response) {
  for (;;) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
    const grpc::Status status = (stub.*method)(&context, request, response);
    if (status.ok()) {
      absl::MutexLock lock(&mu_);
      ++acknowledged_;
      return absl::OkStatus();
    }
    const std::string what =
        absl::StrCat(request.GetDescriptor()->name(), " ", request.ShortDebugString(), ": ",
                     status.error_code(), " ", status.error_message());
    if (!Retryable(status.error_code())) return absl::InternalError(what);
    if (absl::Now() > give_up_at_) return absl::DeadlineExceededError(what);
    ++retries_;
    absl::SleepFor(kRetryPause);
  }
}

absl::Status WorkStream::Item(int i) {
  const std::vector<std::string>& stages = options_.stages;
  const auto token = [&](int stage) -> const std::string& {
    return options_.tokens.at(stages[stage]);
  };
  hv1::CreateWorkItemRequest create;
  create.set_request_id(absl::StrCat("create-", i));
  create.set_chain(options_.chain);
  create.set_external_reference(absl::StrCat("S-", options_.seed, "-", i));
  hv1::CreateWorkItemResponse created;
  RETURN_IF_ERROR(Call(*handoff_, &HandoffStub::CreateWorkItem, token(0), create, &created));
  const std::string item = created.work_item().name();
  ++tally_.stages[0].entered;

  int stage = 0;
  for (; stage + 1 < static_cast<int>(stages.size()); ++stage) {
    const std::string& supplier = stages[stage];
    const std::string& customer = stages[stage + 1];
    if (Chance(0.08)) {
      hv1::DropWorkItemRequest drop;
      drop.set_request_id(absl::StrCat("drop-", i));
      drop.set_name(item);
      drop.set_reason(hv1::DROP_REASON_LOST_CONTACT);
      hv1::DropWorkItemResponse dropped;
      RETURN_IF_ERROR(Call(*handoff_, &HandoffStub::DropWorkItem, token(stage), drop, &dropped));
      ++tally_.as_supplier[supplier].drops;
      ++tally_.stages[stage].dropped;
      break;
    }
    for (int attempt = 1;; ++attempt) {
      const std::string step = absl::StrCat(i, "-", stage, "-", attempt);
      hv1::OfferHandoffRequest offer;
      offer.set_request_id("offer-" + step);
      offer.set_work_item(item);
      hv1::OfferHandoffResponse offered;
      RETURN_IF_ERROR(Call(*handoff_, &HandoffStub::OfferHandoff, token(stage), offer, &offered));
      const std::string handoff = offered.handoff().name();
      ++tally_.as_supplier[supplier].offers;
      ++tally_.as_customer[customer].offers;
      if (attempt < 3 && Chance(0.25)) {
        hv1::ReturnHandoffRequest ret;
        ret.set_request_id("return-" + step);
        ret.set_name(handoff);
        ret.add_reasons(hv1::RETURN_REASON_INCOMPLETE_WORK);
        hv1::ReturnHandoffResponse returned;
        RETURN_IF_ERROR(
            Call(*handoff_, &HandoffStub::ReturnHandoff, token(stage + 1), ret, &returned));
        ++tally_.as_supplier[supplier].returns;
        ++tally_.as_customer[customer].returns;
        tally_.decided.push_back(handoff);
        continue;
      }
      hv1::AcceptHandoffRequest accept;
      accept.set_request_id("accept-" + step);
      accept.set_name(handoff);
      hv1::AcceptHandoffResponse accepted;
      RETURN_IF_ERROR(
          Call(*handoff_, &HandoffStub::AcceptHandoff, token(stage + 1), accept, &accepted));
      ++tally_.as_supplier[supplier].accepts;
      ++tally_.as_customer[customer].accepts;
      ++tally_.stages[stage].passed;
      ++tally_.stages[stage + 1].entered;
      tally_.decided.push_back(handoff);
      if (!Chance(0.7)) break;

      const int overall = Uniform(1, 5);
      fv1::RateHandoffRequest rate;
      rate.set_request_id("rate-" + step);
      rate.set_handoff(handoff);
      fv1::Scores* scores = rate.mutable_scores();
      scores->set_overall(overall);
      scores->set_completeness(Uniform(1, 5));
      scores->set_accuracy(Uniform(1, 5));
      scores->set_timeliness(Uniform(1, 5));
      scores->set_communication(Uniform(1, 5));
      fv1::RateHandoffResponse rated;
      RETURN_IF_ERROR(Call(*feedback_, &FeedbackStub::RateHandoff, token(stage + 1), rate, &rated));
      ++tally_.as_supplier[supplier].overall[overall - 1];
      ++tally_.as_customer[customer].overall[overall - 1];
      if (!Chance(0.15)) break;

      fv1::SubmitFeedbackRequest feedback;
      feedback.set_request_id("feedback-" + step);
      const bool praise = overall >= 4;
      feedback.set_kind(praise ? fv1::FEEDBACK_KIND_PRAISE : fv1::FEEDBACK_KIND_COMPLAINT);
      feedback.set_handoff(handoff);
      feedback.set_title(praise ? "交接顺利" : "资料不全");
      feedback.set_body("见评分");
      fv1::SubmitFeedbackResponse submitted;
      RETURN_IF_ERROR(
          Call(*feedback_, &FeedbackStub::SubmitFeedback, token(stage + 1), feedback, &submitted));
      ++(praise ? tally_.praise : tally_.complaints)[supplier];
      break;
    }
  }
  if (stage + 1 == static_cast<int>(stages.size())) {
    hv1::CompleteWorkItemRequest complete;
    complete.set_request_id(absl::StrCat("complete-", i));
    complete.set_name(item);
    hv1::CompleteWorkItemResponse completed;
    RETURN_IF_ERROR(
        Call(*handoff_, &HandoffStub::CompleteWorkItem, token(stage), complete, &completed));
    ++tally_.stages[stage].passed;
  }
  if (!Chance(0.3)) return absl::OkStatus();
  fv1::RecordVerdictRequest verdict;
  verdict.set_request_id(absl::StrCat("verdict-", i));
  verdict.set_work_item(item);
  verdict.set_score(Uniform(1, 5));
  fv1::RecordVerdictResponse recorded;
  RETURN_IF_ERROR(
      Call(*feedback_, &FeedbackStub::RecordVerdict, options_.service_token, verdict, &recorded));
  // Every team that held the item: those of the stages up to where it ended.
  for (int held = 0; held <= stage && held < static_cast<int>(stages.size()); ++held) {
    ++tally_.verdicts[stages[held]];
  }
  return absl::OkStatus();
}

}  // namespace baton::testing
