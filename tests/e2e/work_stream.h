#ifndef BATON_TESTS_E2E_WORK_STREAM_H_
#define BATON_TESTS_E2E_WORK_STREAM_H_

// A driver for exactly-once tests: a bounded, seeded stream of work along
// one chain through baton-handoff and baton-feedback, from its own thread,
// that goes on through kills and restarts of those processes.
//
// Per item: created at the first stage; at each stage dropped now and
// then, else offered to the next stage and accepted, or returned and
// offered again (at most two returns a stage); accepted handoffs mostly
// rated, with praise or a complaint now and then; at the last stage
// completed; a verdict on some finished items.
//
// Every call carries a request_id and is retried with the same id while
// it fails the way a killed or restarting process makes calls fail
// (UNAVAILABLE, DEADLINE_EXCEEDED, UNKNOWN, CANCELLED): a retry of a call
// that was committed returns the first answer and changes nothing more.
// So every step happens exactly once, and the tally records it when it is
// acknowledged. The stream's choices come from the seed only (never from
// timing), so one seed gives one tally.

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "baton/feedback/v1/feedback_service.grpc.pb.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"

namespace baton::testing {

// What the services acknowledged. Team maps are by team id.
struct WorkTally {
  struct Side {
    int64_t offers = 0, accepts = 0, returns = 0, drops = 0;
    std::array<int64_t, 5> overall{};  // ratings by overall score 1..5
  };
  struct Stage {
    int64_t entered = 0, passed = 0, dropped = 0;
  };
  std::map<std::string, Side> as_supplier, as_customer;
  std::map<std::string, int64_t> praise, complaints, verdicts;
  std::vector<Stage> stages;
  // Every decided handoff's name.
  std::vector<std::string> decided;
};

struct WorkStreamOptions {
  uint32_t seed = 1;
  int items = 50;
  // Where baton-handoff and baton-feedback listen (restarts keep the ports).
  int handoff_port = 0;
  int feedback_port = 0;
  // `chains/{chain}` and its stages' owner team ids, in order.
  std::string chain;
  std::vector<std::string> stages;
  // A member token per team id; a token with the service role (verdicts).
  std::map<std::string, std::string> tokens;
  std::string service_token;
  // Called on the stream's thread before each item with the number of
  // calls acknowledged so far; may block (e.g. to wait for a restart).
  // Default: none.
  std::function<void(int64_t calls)> before_item;
  // After this long (from Start) the stream gives up with DEADLINE_EXCEEDED.
  absl::Duration give_up = absl::Seconds(75);
};

class WorkStream {
 public:
  explicit WorkStream(WorkStreamOptions options);
  ~WorkStream();  // Join()

  void Start();
  // Waits for the stream's end: OK, or the first call that failed for
  // another reason than a restart, or DEADLINE_EXCEEDED. Idempotent.
  absl::Status Join();
  // Blocks until `calls` calls were acknowledged or the stream has ended.
  void AwaitCalls(int64_t calls) const;
  // Whether the stream is still going.
  bool Running() const;
  // Calls retried, so far.
  int64_t retries() const { return retries_.load(); }
  // What was acknowledged; read after Join.
  const WorkTally& tally() const { return tally_; }

 private:
  absl::Status Run();
  absl::Status Item(int i);
  template <typename Stub, typename Request, typename Response>
  absl::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& token, const Request& request, Response* response);

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  const WorkStreamOptions options_;
  std::unique_ptr<handoff::v1::HandoffService::Stub> handoff_;
  std::unique_ptr<feedback::v1::FeedbackService::Stub> feedback_;
  std::mt19937 rng_;
  absl::Time give_up_at_;
  WorkTally tally_;
  std::atomic<int64_t> retries_{0};
  std::thread thread_;
  mutable absl::Mutex mu_;
  int64_t acknowledged_ ABSL_GUARDED_BY(mu_) = 0;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status outcome_ ABSL_GUARDED_BY(mu_);
};

}  // namespace baton::testing

#endif  // BATON_TESTS_E2E_WORK_STREAM_H_
