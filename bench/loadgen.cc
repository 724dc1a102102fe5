// baton-loadgen: keeps exactly N unary calls in flight against a Baton server
// and measures calls per second and latency of
//   health  grpc.health.v1 Health/Check (no auth, no disk: the floor of the stack)
//   create  HandoffService/CreateWorkItem (durable write; also fills the pool)
//   offer   HandoffService/OfferHandoff, stage 0 → 1 of each created item
//   accept  HandoffService/AcceptHandoff of each offered handoff
// in one run against one server, so the ratios offer/health and accept/health
// are measured side by side. See bench/README.md.
//
// --watchers=N first opens N WatchInbox streams to a team that receives no
// offers, which read their `synced` message and then never read again (the
// hostile case: each holds a server stream and its wait), and keeps them
// open while the modes run: "N idle watchers cost durable offers X %".
//
// Uses the gRPC callback client API: each of the N slots starts its next call
// from the completion callback of the previous one.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "bench/bench_tokens.h"
#include "bench/percentile.h"
#include "common/auth/jwt_signer.h"
#include "common/auth/jwt_verifier.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, target, "127.0.0.1:7400", "host:port of the server (batond)");
ABSL_FLAG(std::string, jwt_key_file, "",
          "file with the server's HS256 secret; tokens are minted from it (required unless "
          "--mode=health)");
ABSL_FLAG(std::string, mode, "all",
          "health | create | offer | accept | all. offer also runs create (to have items to "
          "offer), accept also runs create and offer; all runs health, create, offer, accept, "
          "health");
ABSL_FLAG(int, inflight, 64, "calls kept in flight");
ABSL_FLAG(double, duration, 5, "seconds measured per mode (after --warmup)");
ABSL_FLAG(double, warmup, 1, "seconds per mode run but not measured");
ABSL_FLAG(int64_t, count, 0,
          "when > 0: measure this many calls per mode (after --warmup) instead of --duration");
ABSL_FLAG(int64_t, items, 0,
          "work items to create; 0 = create for --warmup + --duration (the measured creation "
          "rate), then create (and offer) more, unmeasured, so that offers and accepts cannot "
          "run out");
ABSL_FLAG(int, channels, 2, "gRPC channels (TCP connections); slot i uses channel i % channels");
ABSL_FLAG(bool, allow_errors, false, "do not fail (exit 1) when calls fail");
ABSL_FLAG(bool, request_ids, false,
          "send an idempotency key (request_id) with every mutation, as a retrying client would");
ABSL_FLAG(int, rpc_timeout_ms, 10000, "deadline of each call");
ABSL_FLAG(int, server_pid, 0,
          "pid of the server when it runs on this machine: its CPU use per mode and per thread "
          "name is read from /proc and reported");
ABSL_FLAG(std::string, health_service, "",
          "service name sent in HealthCheckRequest (\"\" = the whole server)");
ABSL_FLAG(std::string, json_out, "", "also append the JSON lines to this file");
ABSL_FLAG(int, watchers, 0,
          "open this many WatchInbox streams (to a team that gets no offers; after `synced` they "
          "never read) before the modes run, and keep them open until the end");

namespace baton::bench {
namespace {

namespace hv1 = ::baton::handoff::v1;
namespace health = ::grpc::health::v1;
using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "baton-loadgen: " << message << "\n";
  std::exit(2);
}

// ---------------------------------------------------------------------------
// CPU accounting from /proc (Linux): this process, the server per thread
// name, and the whole machine.

double TicksPerSecond() { return static_cast<double>(sysconf(_SC_CLK_TCK)); }

// utime + stime in seconds from a /proc/.../stat line; -1 when unreadable.
double StatCpuSeconds(const std::string& path, std::string* comm = nullptr) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return -1;
  const size_t open = line.find('(');
  const size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return -1;
  if (comm != nullptr) *comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  // Fields after comm start at 3 (state); utime is 14, stime 15.
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / TicksPerSecond();
}

struct CpuSnapshot {
  SteadyClock::time_point at{};
  double self_s = 0;
  double server_s = -1;                          // -1: no --server_pid
  std::map<std::string, double> server_threads;  // by thread name ("comm")
  std::map<int, std::pair<std::string, double>> server_tids;
  double machine_busy_s = 0, machine_total_s = 0;  // over all cores
};

CpuSnapshot TakeCpuSnapshot(int server_pid) {
  CpuSnapshot snap;
  snap.at = SteadyClock::now();
  snap.self_s = StatCpuSeconds("/proc/self/stat");
  if (server_pid > 0) {
    snap.server_s = StatCpuSeconds(absl::StrCat("/proc/", server_pid, "/stat"));
    const std::string dir = absl::StrCat("/proc/", server_pid, "/task");
    if (DIR* d = opendir(dir.c_str()); d != nullptr) {
      while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        std::string comm;
        double s = StatCpuSeconds(absl::StrCat(dir, "/", e->d_name, "/stat"), &comm);
        if (s >= 0) snap.server_tids[std::atoi(e->d_name)] = {comm, s};
      }
      closedir(d);
    }
  }
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;  // "cpu": the sum over all cores
  unsigned long long v[10] = {};
  for (auto& x : v) in >> x;
  unsigned long long total = 0;
  for (auto x : v) total += x;
  const unsigned long long idle = v[3] + v[4];  // idle + iowait
  snap.machine_total_s = static_cast<double>(total) / TicksPerSecond();
  snap.machine_busy_s = static_cast<double>(total - idle) / TicksPerSecond();
  return snap;
}

struct CpuUse {
  double wall_s = 0;
  double client_cores = 0;  // this process
  double server_cores = -1;
  std::map<std::string, double> server_thread_cores;  // by thread name
  double machine_busy_cores = 0;
  double machine_cores = 0;
};

CpuUse CpuBetween(const CpuSnapshot& a, const CpuSnapshot& b) {
  CpuUse use;
  use.wall_s = std::chrono::duration<double>(b.at - a.at).count();
  if (use.wall_s <= 0) return use;
  use.client_cores = (b.self_s - a.self_s) / use.wall_s;
  if (a.server_s >= 0 && b.server_s >= 0) {
    use.server_cores = (b.server_s - a.server_s) / use.wall_s;
    for (const auto& [tid, entry] : b.server_tids) {
      auto it = a.server_tids.find(tid);
      const double before = it == a.server_tids.end() ? 0 : it->second.second;
      use.server_thread_cores[entry.first] += (entry.second - before) / use.wall_s;
    }
  }
  const double total = b.machine_total_s - a.machine_total_s;
  use.machine_busy_cores = (b.machine_busy_s - a.machine_busy_s) / use.wall_s;
  use.machine_cores = total / use.wall_s;
  return use;
}

// ---------------------------------------------------------------------------
// One measured phase: `inflight` slots, each with one call in flight at a time.

struct Limits {
  double warmup_s = 1;
  double duration_s = 5;
  int64_t count = 0;  // > 0: measure this many calls instead of duration_s
};

struct PhaseResult {
  std::string mode;
  int inflight = 0;
  uint64_t calls = 0;  // measured calls (started after the warm-up, in the window)
  uint64_t ok = 0;
  uint64_t errors_total = 0;               // every failed call, warm-up included
  std::map<std::string, uint64_t> errors;  // by status code name
  std::map<std::string, std::string> first_error_message;
  double seconds = 0;
  double qps = 0;
  std::vector<uint32_t> latencies_us;  // sorted, measured calls
  bool pool_exhausted = false;
  CpuUse cpu;

  uint32_t Percentile(double p) const { return bench::Percentile(latencies_us, p); }
  double Mean() const {
    if (latencies_us.empty()) return 0;
    double sum = 0;
    for (uint32_t v : latencies_us) sum += v;
    return sum / latencies_us.size();
  }
};

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  if (i >= 0 && i < static_cast<int>(std::size(kNames))) return kNames[i];
  return absl::StrCat("CODE_", i);
}

class Phase {
 public:
  using Done = std::function<void(grpc::Status)>;

  Phase(std::string mode, int inflight, Limits limits, int server_pid)
      : mode_(std::move(mode)), limits_(limits), server_pid_(server_pid), slots_(inflight) {}
  virtual ~Phase() = default;

  PhaseResult Run() {
    const auto begin = SteadyClock::now();
    measure_start_ = begin + ToSteady(limits_.warmup_s);
    end_ = limits_.count > 0 ? measure_start_ + std::chrono::hours(1)
                             : measure_start_ + ToSteady(limits_.duration_s);
    active_ = static_cast<int>(slots_.size());
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i) Issue(i);

    // This thread takes the start-of-window CPU snapshot and restarts slots
    // whose calls completed inline (see Complete) until every slot retired.
    std::optional<CpuSnapshot> at_start;
    while (true) {
      std::optional<int> slot;
      bool all_retired = false;
      {
        absl::MutexLock lock(&mu_);
        auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !deferred_.empty() || active_ == 0;
        };
        if (at_start.has_value()) {
          mu_.Await(absl::Condition(&wake));
        } else {
          mu_.AwaitWithDeadline(absl::Condition(&wake), ToAbsl(measure_start_));
        }
        if (!deferred_.empty()) {
          slot = deferred_.front();
          deferred_.pop_front();
        }
        all_retired = active_ == 0 && deferred_.empty() && !slot.has_value();
      }
      if (!at_start.has_value() && (all_retired || SteadyClock::now() >= measure_start_)) {
        at_start = TakeCpuSnapshot(server_pid_);
      }
      if (slot.has_value()) Issue(*slot);
      if (all_retired) break;
    }
    const CpuSnapshot at_end = TakeCpuSnapshot(server_pid_);

    PhaseResult result;
    result.mode = mode_;
    result.inflight = static_cast<int>(slots_.size());
    for (Slot& s : slots_) {
      result.ok += s.ok;
      result.calls += s.latencies_us.size();
      result.errors_total += s.errors_total;
      for (const auto& [code, n] : s.errors) result.errors[code] += n;
      for (const auto& [code, message] : s.first_error_message) {
        result.first_error_message.emplace(code, message);
      }
      result.latencies_us.insert(result.latencies_us.end(), s.latencies_us.begin(),
                                 s.latencies_us.end());
    }
    std::sort(result.latencies_us.begin(), result.latencies_us.end());
    result.pool_exhausted = pool_exhausted_.load();
    SteadyClock::time_point stop = SteadyClock::time_point(SteadyClock::duration(stop_at_.load()));
    if (stop_at_.load() == 0 || stop > end_) stop = end_;
    result.seconds = std::max(0.0, std::chrono::duration<double>(stop - measure_start_).count());
    result.qps = result.seconds > 0 ? result.calls / result.seconds : 0;
    result.cpu = CpuBetween(*at_start, at_end);
    return result;
  }

 protected:
  // Builds slot's next request; false when there is no more work (pool empty).
  virtual bool Prepare(int slot) = 0;
  // Starts slot's call; `done` runs once when it completes.
  virtual void Launch(int slot, grpc::ClientContext* ctx, Done done) = 0;
  // After a successful call (warm-up included): harvest the response.
  virtual void OnOk(int slot) {}
  // Per-call metadata (the bearer token).
  virtual void Decorate(grpc::ClientContext* ctx) {}

  static inline std::atomic<int> rpc_timeout_ms_{10000};
  static inline std::atomic<bool> allow_errors_{false};

 public:
  static void Configure(int rpc_timeout_ms, bool allow_errors) {
    rpc_timeout_ms_ = rpc_timeout_ms;
    allow_errors_ = allow_errors;
  }

 private:
  struct Slot {
    // Two contexts, alternating: the previous call's context is destroyed
    // one call later, never inside its own completion callback.
    std::unique_ptr<grpc::ClientContext> ctx[2];
    int which = 0;
    SteadyClock::time_point start{};
    bool measured = false;
    std::vector<uint32_t> latencies_us;
    uint64_t ok = 0;
    uint64_t errors_total = 0;
    std::map<std::string, uint64_t> errors;
    std::map<std::string, std::string> first_error_message;
  };

  static SteadyClock::duration ToSteady(double seconds) {
    return std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(seconds));
  }
  static absl::Time ToAbsl(SteadyClock::time_point t) {
    return absl::Now() + absl::FromChrono(t - SteadyClock::now());
  }

  void MarkStop(SteadyClock::time_point now) {
    int64_t expected = 0;
    stop_at_.compare_exchange_strong(expected, now.time_since_epoch().count());
  }

  void Retire() {
    absl::MutexLock lock(&mu_);
    --active_;
  }

  void Issue(int slot) {
    const auto now = SteadyClock::now();
    if (stop_.load(std::memory_order_relaxed)) return Retire();
    if (now >= end_) {
      MarkStop(now);
      return Retire();
    }
    const bool measured = now >= measure_start_;
    if (measured && limits_.count > 0 && measured_started_.fetch_add(1) >= limits_.count) {
      MarkStop(now);
      return Retire();
    }
    if (!Prepare(slot)) {
      pool_exhausted_ = true;
      MarkStop(now);
      return Retire();
    }
    Slot& s = slots_[slot];
    s.which ^= 1;
    s.ctx[s.which] = std::make_unique<grpc::ClientContext>();
    grpc::ClientContext* ctx = s.ctx[s.which].get();
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(rpc_timeout_ms_.load()));
    Decorate(ctx);
    s.measured = measured;
    s.start = SteadyClock::now();
    Launch(slot, ctx, [this, slot](grpc::Status status) { Complete(slot, std::move(status)); });
  }

  void Complete(int slot, grpc::Status status) {
    const auto now = SteadyClock::now();
    Slot& s = slots_[slot];
    if (s.measured) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - s.start).count();
      s.latencies_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    }
    if (status.ok()) {
      if (s.measured) ++s.ok;
      OnOk(slot);
    } else {
      const std::string code = CodeName(status.error_code());
      ++s.errors_total;
      ++s.errors[code];
      s.first_error_message.emplace(code, status.error_message());
      if (!allow_errors_.load(std::memory_order_relaxed)) {
        stop_ = true;
        MarkStop(now);
      }
    }
    // A call can complete inline inside Launch (e.g. an immediate failure);
    // bound the recursion by handing deep restarts to the Run() thread.
    thread_local int depth = 0;
    if (depth >= 8) {
      absl::MutexLock lock(&mu_);
      deferred_.push_back(slot);
      return;
    }
    ++depth;
    Issue(slot);
    --depth;
  }

  const std::string mode_;
  const Limits limits_;
  const int server_pid_;
  std::vector<Slot> slots_;
  SteadyClock::time_point measure_start_{};
  SteadyClock::time_point end_{};
  std::atomic<bool> stop_{false};
  std::atomic<bool> pool_exhausted_{false};
  std::atomic<int64_t> measured_started_{0};
  std::atomic<int64_t> stop_at_{0};  // steady-clock ticks when issuing first stopped

  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<int> deferred_ ABSL_GUARDED_BY(mu_);
};

// ---------------------------------------------------------------------------
// The connection to the server.

struct Env {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<hv1::HandoffService::Stub>> handoff;
  std::vector<std::unique_ptr<health::Health::Stub>> health;
  int server_pid = 0;
  bool request_ids = false;
  std::string run_id;  // makes ids and references unique per run

  hv1::HandoffService::Stub* Handoff(int slot) const {
    return handoff[slot % handoff.size()].get();
  }
  health::Health::Stub* Health(int slot) const { return health[slot % health.size()].get(); }
};

class HealthPhase final : public Phase {
 public:
  HealthPhase(const Env& env, int inflight, Limits limits, std::string service)
      : Phase("health", inflight, limits, env.server_pid),
        env_(env),
        requests_(inflight),
        responses_(inflight) {
    for (auto& r : requests_) r.set_service(service);
  }

 private:
  bool Prepare(int slot) override { return true; }
  void Launch(int slot, grpc::ClientContext* ctx, Done done) override {
    env_.Health(slot)->async()->Check(ctx, &requests_[slot], &responses_[slot], std::move(done));
  }
  const Env& env_;
  std::vector<health::HealthCheckRequest> requests_;
  std::vector<health::HealthCheckResponse> responses_;
};

// A phase of authenticated HandoffService calls.
template <typename Request, typename Response>
class HandoffPhase : public Phase {
 public:
  HandoffPhase(std::string mode, const Env& env, int inflight, Limits limits, std::string token)
      : Phase(std::move(mode), inflight, limits, env.server_pid),
        env_(env),
        bearer_("Bearer " + token),
        requests_(inflight),
        responses_(inflight),
        harvest_(inflight) {}

  // Names harvested from successful responses, in no particular order.
  std::vector<std::string> TakeHarvest() {
    std::vector<std::string> all;
    for (auto& h : harvest_) {
      all.insert(all.end(), std::make_move_iterator(h.begin()), std::make_move_iterator(h.end()));
      h.clear();
    }
    return all;
  }

 protected:
  void Decorate(grpc::ClientContext* ctx) override { ctx->AddMetadata("authorization", bearer_); }
  std::string RequestId(absl::string_view kind, absl::string_view key) const {
    return env_.request_ids ? absl::StrCat(kind, "-", env_.run_id, "-", key) : std::string();
  }

  const Env& env_;
  const std::string bearer_;
  std::vector<Request> requests_;
  std::vector<Response> responses_;
  std::vector<std::vector<std::string>> harvest_;  // per slot: no locking
};

class CreatePhase final
    : public HandoffPhase<hv1::CreateWorkItemRequest, hv1::CreateWorkItemResponse> {
 public:
  // `limit` > 0: create at most that many items.
  CreatePhase(const Env& env, int inflight, Limits limits, std::string token,
              const std::string& chain, int64_t limit, std::atomic<int64_t>* next_reference)
      : HandoffPhase("create", env, inflight, limits, std::move(token)),
        limit_(limit),
        next_(next_reference) {
    for (auto& r : requests_) {
      r.set_chain(chain);
      (*r.mutable_fields())["phone"] = "13800000000";
      (*r.mutable_fields())["complaint"] = "头痛 headache";
    }
  }

 private:
  bool Prepare(int slot) override {
    const int64_t n = next_->fetch_add(1);
    if (limit_ > 0 && created_.fetch_add(1) >= limit_) return false;
    const std::string reference = absl::StrCat("lg-", env_.run_id, "-", n);
    requests_[slot].set_external_reference(reference);
    requests_[slot].set_request_id(RequestId("c", reference));
    return true;
  }
  void Launch(int slot, grpc::ClientContext* ctx, Done done) override {
    env_.Handoff(slot)->async()->CreateWorkItem(ctx, &requests_[slot], &responses_[slot],
                                                std::move(done));
  }
  void OnOk(int slot) override { harvest_[slot].push_back(responses_[slot].work_item().name()); }

  const int64_t limit_;
  std::atomic<int64_t> created_{0};
  std::atomic<int64_t>* next_;
};

class OfferPhase final : public HandoffPhase<hv1::OfferHandoffRequest, hv1::OfferHandoffResponse> {
 public:
  OfferPhase(const Env& env, int inflight, Limits limits, std::string token,
             const std::vector<std::string>& items, size_t first = 0, size_t limit = SIZE_MAX)
      : HandoffPhase("offer", env, inflight, limits, std::move(token)),
        items_(items),
        end_(std::min(items.size(), limit == SIZE_MAX ? SIZE_MAX : first + limit)),
        next_(first) {}

  // The index of the first item not offered by this phase.
  size_t next_index() const { return std::min(next_.load(), end_); }

 private:
  bool Prepare(int slot) override {
    const size_t i = next_.fetch_add(1);
    if (i >= end_) return false;
    requests_[slot].set_work_item(items_[i]);
    requests_[slot].set_request_id(RequestId("o", items_[i].substr(items_[i].rfind('/') + 1)));
    return true;
  }
  void Launch(int slot, grpc::ClientContext* ctx, Done done) override {
    env_.Handoff(slot)->async()->OfferHandoff(ctx, &requests_[slot], &responses_[slot],
                                              std::move(done));
  }
  void OnOk(int slot) override { harvest_[slot].push_back(responses_[slot].handoff().name()); }

  const std::vector<std::string>& items_;
  const size_t end_;
  std::atomic<size_t> next_;
};

class AcceptPhase final
    : public HandoffPhase<hv1::AcceptHandoffRequest, hv1::AcceptHandoffResponse> {
 public:
  AcceptPhase(const Env& env, int inflight, Limits limits, std::string token,
              const std::vector<std::string>& handoffs)
      : HandoffPhase("accept", env, inflight, limits, std::move(token)), handoffs_(handoffs) {}

 private:
  bool Prepare(int slot) override {
    const size_t i = next_.fetch_add(1);
    if (i >= handoffs_.size()) return false;
    requests_[slot].set_name(handoffs_[i]);
    requests_[slot].set_request_id(
        RequestId("a", handoffs_[i].substr(handoffs_[i].rfind('/') + 1)));
    return true;
  }
  void Launch(int slot, grpc::ClientContext* ctx, Done done) override {
    env_.Handoff(slot)->async()->AcceptHandoff(ctx, &requests_[slot], &responses_[slot],
                                               std::move(done));
  }

  const std::vector<std::string>& handoffs_;
  std::atomic<size_t> next_{0};
};

// ---------------------------------------------------------------------------
// Set-up: tokens and the organisation.

std::string Mint(const std::string& key, const std::string& subject, const std::string& team,
                 const std::string& department, auth::Role role) {
  auto token = MintToken(key, subject, team, department, role);
  if (!token.ok()) Die(absl::StrCat("cannot sign a token: ", token.status().ToString()));
  return *std::move(token);
}

template <typename Request, typename Response>
void SetupCall(const char* what, const std::string& token,
               grpc::Status (hv1::HandoffService::Stub::*method)(grpc::ClientContext*,
                                                                 const Request&, Response*),
               hv1::HandoffService::Stub* stub, const Request& request) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  Response response;
  grpc::Status status = (stub->*method)(&ctx, request, &response);
  if (!status.ok()) {
    Die(absl::StrCat("set-up: ", what, " failed: ", CodeName(status.error_code()), ": ",
                     status.error_message()));
  }
}

struct Org {
  std::string department, team_a, team_b, chain;  // plain ids
  std::string admin_token, a_token, b_token;
  std::string team_w, w_token;  // the watchers' team (no offers); set with --watchers
};

Org SetUpOrg(const Env& env, const std::string& key, bool watchers) {
  Org org;
  org.department = "lgd-" + env.run_id;
  org.team_a = "lga-" + env.run_id;
  org.team_b = "lgb-" + env.run_id;
  org.chain = "lgc-" + env.run_id;
  org.admin_token = Mint(key, "loadgen-admin", "", "", auth::Role::kAdmin);
  org.a_token = Mint(key, "loadgen-a", org.team_a, org.department, auth::Role::kMember);
  org.b_token = Mint(key, "loadgen-b", org.team_b, org.department, auth::Role::kMember);
  if (watchers) {
    org.team_w = "lgw-" + env.run_id;
    org.w_token = Mint(key, "loadgen-w", org.team_w, org.department, auth::Role::kMember);
  }
  hv1::HandoffService::Stub* stub = env.Handoff(0);

  hv1::CreateDepartmentRequest department;
  department.set_department_id(org.department);
  department.mutable_department()->set_display_name("Load generator");
  SetupCall("CreateDepartment", org.admin_token, &hv1::HandoffService::Stub::CreateDepartment, stub,
            department);
  for (const std::string& id : {org.team_a, org.team_b, org.team_w}) {
    if (id.empty()) continue;
    hv1::CreateTeamRequest team;
    team.set_team_id(id);
    team.mutable_team()->set_department("departments/" + org.department);
    team.mutable_team()->set_display_name("Load generator " + id);
    SetupCall("CreateTeam", org.admin_token, &hv1::HandoffService::Stub::CreateTeam, stub, team);
  }
  // A → B → A; the stages after the first ask for no fields and no read-back,
  // SLA 1 hour (so nothing turns overdue during the run).
  hv1::CreateChainRequest chain;
  chain.set_chain_id(org.chain);
  chain.mutable_chain()->set_display_name("Load generator chain");
  const std::string owners[] = {org.team_a, org.team_b, org.team_a};
  for (int i = 0; i < 3; ++i) {
    hv1::Stage* stage = chain.mutable_chain()->add_stages();
    stage->set_display_name(absl::StrCat("stage ", i));
    stage->set_owner_team("teams/" + owners[i]);
    if (i > 0) stage->mutable_sla()->set_seconds(3600);
  }
  SetupCall("CreateChain", org.admin_token, &hv1::HandoffService::Stub::CreateChain, stub, chain);
  return org;
}

// ---------------------------------------------------------------------------
// Idle inbox watchers (--watchers).

// One WatchInbox stream that reads its `synced` message and then never
// reads again, until cancelled.
class IdleWatcher final : public grpc::ClientReadReactor<hv1::WatchInboxResponse> {
 public:
  // `on_ready(ok)` runs once: after `synced` (true) or when the stream ended
  // before it (false; see status()).
  IdleWatcher(hv1::HandoffService::Stub* stub, const std::string& token, const std::string& team,
              std::function<void(bool)> on_ready)
      : on_ready_(std::move(on_ready)) {
    context_.AddMetadata("authorization", "Bearer " + token);
    request_.set_team(team);
    stub->async()->WatchInbox(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override { Ready(ok && response_.synced()); }
  void OnDone(const grpc::Status& status) override {
    Ready(false);
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

  void Cancel() { context_.TryCancel(); }
  // Waits for the stream to end; its status.
  grpc::Status Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return status_;
  }
  grpc::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  void Ready(bool ok) {
    std::function<void(bool)> fn;
    {
      absl::MutexLock lock(&mu_);
      fn.swap(on_ready_);
    }
    if (fn) fn(ok);
  }

  grpc::ClientContext context_;
  hv1::WatchInboxRequest request_;
  hv1::WatchInboxResponse response_;
  absl::Mutex mu_;
  std::function<void(bool)> on_ready_ ABSL_GUARDED_BY(mu_);
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

// Opens `n` idle watchers of `team` over the channels and waits until each
// is synced; dies when one is refused.
std::vector<std::unique_ptr<IdleWatcher>> OpenWatchers(const Env& env, int n,
                                                       const std::string& token,
                                                       const std::string& team) {
  // Shared with the callbacks, which may still be unlocking it when this
  // function returns.
  struct Count {
    absl::Mutex mu;
    int ready ABSL_GUARDED_BY(mu) = 0;
    int failed ABSL_GUARDED_BY(mu) = 0;
  };
  auto count = std::make_shared<Count>();
  std::vector<std::unique_ptr<IdleWatcher>> watchers;
  watchers.reserve(n);
  for (int i = 0; i < n; ++i) {
    watchers.push_back(std::make_unique<IdleWatcher>(env.Handoff(i), token, team, [count](bool ok) {
      absl::MutexLock lock(&count->mu);
      ++(ok ? count->ready : count->failed);
    }));
  }
  int ready = 0, failed = 0;
  {
    absl::MutexLock lock(&count->mu);
    auto all = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(count->mu) {
      return count->ready + count->failed == n;
    };
    count->mu.AwaitWithTimeout(absl::Condition(&all), absl::Seconds(60));
    ready = count->ready;
    failed = count->failed;
  }
  if (ready + failed < n) {
    Die(absl::StrCat("--watchers: only ", ready, " of ", n, " streams synced within 60 s"));
  }
  if (failed > 0) {
    for (auto& w : watchers) {
      grpc::Status s = w->status();
      if (!s.ok()) {
        Die(absl::StrCat("--watchers: ", failed, " of ", n, " streams failed, e.g. ",
                         CodeName(s.error_code()), ": ", s.error_message()));
      }
    }
    Die(absl::StrCat("--watchers: ", failed, " of ", n, " streams ended before `synced`"));
  }
  return watchers;
}

// ---------------------------------------------------------------------------
// Reporting.

nlohmann::json ToJson(const PhaseResult& r) {
  nlohmann::json j;
  j["mode"] = r.mode;
  j["inflight"] = r.inflight;
  j["calls"] = r.calls;
  j["ok"] = r.ok;
  j["errors_total"] = r.errors_total;
  j["errors"] = r.errors;
  j["seconds"] = r.seconds;
  j["qps"] = std::round(r.qps * 10) / 10;
  j["latency_us"] = {{"p50", r.Percentile(50)},
                     {"p90", r.Percentile(90)},
                     {"p99", r.Percentile(99)},
                     {"p999", r.Percentile(99.9)},
                     {"max", r.latencies_us.empty() ? 0 : r.latencies_us.back()},
                     {"mean", std::round(r.Mean())}};
  if (r.pool_exhausted) j["pool_exhausted"] = true;
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
  nlohmann::json cpu;
  cpu["client_cores"] = round3(r.cpu.client_cores);
  if (r.cpu.server_cores >= 0) {
    cpu["server_cores"] = round3(r.cpu.server_cores);
    nlohmann::json threads = nlohmann::json::object();
    for (const auto& [name, cores] : r.cpu.server_thread_cores) {
      if (cores >= 0.005) threads[name] = round3(cores);
    }
    cpu["server_threads_cores"] = threads;
    if (r.calls > 0 && r.cpu.wall_s > 0) {
      cpu["server_cpu_us_per_call"] =
          std::round(r.cpu.server_cores * r.cpu.wall_s / r.calls * 1e6 * 10) / 10;
    }
  }
  if (r.calls > 0 && r.cpu.wall_s > 0) {
    cpu["client_cpu_us_per_call"] =
        std::round(r.cpu.client_cores * r.cpu.wall_s / r.calls * 1e6 * 10) / 10;
  }
  cpu["machine_busy_cores"] = round3(r.cpu.machine_busy_cores);
  cpu["machine_cores"] = round3(r.cpu.machine_cores);
  j["cpu"] = cpu;
  return j;
}

class Reporter {
 public:
  Reporter(std::string json_out, int watchers)
      : json_out_(std::move(json_out)), watchers_(watchers) {}

  void Header() const {
    std::printf("%-8s %8s %9s %7s %7s %9s %8s %8s %8s %8s %7s %7s %7s\n", "mode", "inflight",
                "calls", "errors", "seconds", "qps", "p50_us", "p90_us", "p99_us", "max_us",
                "cli_cpu", "srv_cpu", "machine");
  }

  void Row(const PhaseResult& r) {
    std::string server =
        r.cpu.server_cores >= 0 ? absl::StrFormat("%.2f", r.cpu.server_cores) : "-";
    std::printf(
        "%-8s %8d %9" PRIu64 " %7" PRIu64 " %7.2f %9.0f %8u %8u %8u %8u %7.2f %7s %7.2f%s\n",
        r.mode.c_str(), r.inflight, r.calls, r.errors_total, r.seconds, r.qps, r.Percentile(50),
        r.Percentile(90), r.Percentile(99), r.latencies_us.empty() ? 0u : r.latencies_us.back(),
        r.cpu.client_cores, server.c_str(), r.cpu.machine_busy_cores,
        !r.pool_exhausted    ? ""
        : r.mode == "create" ? "  (--items all created)"
                             : "  (pool ran out: measured until then)");
    for (const auto& [code, n] : r.errors) {
      std::printf("         %s x%" PRIu64 ": %s\n", code.c_str(), n,
                  r.first_error_message.at(code).c_str());
    }
    std::fflush(stdout);
    nlohmann::json j = ToJson(r);
    if (watchers_ > 0) j["watchers"] = watchers_;
    Json(j);
  }

  void Json(const nlohmann::json& j) {
    lines_.push_back(j.dump());
    if (!json_out_.empty()) {
      std::ofstream out(json_out_, std::ios::app);
      out << j.dump() << "\n";
    }
  }

  void PrintJson() const {
    std::printf("\n");
    for (const std::string& line : lines_) std::printf("%s\n", line.c_str());
  }

 private:
  std::string json_out_;
  const int watchers_;
  std::vector<std::string> lines_;
};

int Main() {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const bool run_health = mode == "health" || mode == "all";
  const bool run_create = mode == "create" || mode == "offer" || mode == "accept" || mode == "all";
  const bool run_offer = mode == "offer" || mode == "accept" || mode == "all";
  const bool run_accept = mode == "accept" || mode == "all";
  if (!run_health && !run_create) Die("--mode must be health, create, offer, accept or all");
  const int watchers = absl::GetFlag(FLAGS_watchers);
  if (watchers < 0) Die("--watchers must be at least 0");
  const int inflight = absl::GetFlag(FLAGS_inflight);
  if (inflight < 1) Die("--inflight must be at least 1");
  const int channels = std::max(1, absl::GetFlag(FLAGS_channels));
  Phase::Configure(absl::GetFlag(FLAGS_rpc_timeout_ms), absl::GetFlag(FLAGS_allow_errors));
  const Limits limits{.warmup_s = absl::GetFlag(FLAGS_warmup),
                      .duration_s = absl::GetFlag(FLAGS_duration),
                      .count = absl::GetFlag(FLAGS_count)};

  std::string jwt_key;
  if (run_create || watchers > 0) {
    const std::string key_file = absl::GetFlag(FLAGS_jwt_key_file);
    if (key_file.empty()) {
      Die("--jwt_key_file is needed to mint tokens for " +
          (run_create ? "--mode=" + mode : std::string("--watchers")));
    }
    auto key = auth::ReadKeyFile(key_file);
    if (!key.ok()) Die(absl::StrCat("--jwt_key_file: ", key.status().ToString()));
    jwt_key = *std::move(key);
  }

  Env env;
  env.server_pid = absl::GetFlag(FLAGS_server_pid);
  env.request_ids = absl::GetFlag(FLAGS_request_ids);
  {
    std::random_device random;
    env.run_id = absl::StrFormat("%08x", random());
  }
  const std::string target = absl::GetFlag(FLAGS_target);
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    // A distinct argument per channel: otherwise channels share one subchannel
    // (one TCP connection).
    args.SetInt("baton.loadgen.channel", i);
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      Die("cannot connect to " + target);
    }
    env.handoff.push_back(hv1::HandoffService::NewStub(channel));
    env.health.push_back(health::Health::NewStub(channel));
    env.channels.push_back(std::move(channel));
  }

  std::printf(
      "baton-loadgen: target %s, mode %s, %d in flight over %d channel(s), %s, "
      "request_ids %s, %u cores here\n",
      target.c_str(), mode.c_str(), inflight, channels,
      limits.count > 0
          ? absl::StrFormat("warm-up %gs + %" PRId64 " calls per mode", limits.warmup_s,
                            limits.count)
                .c_str()
          : absl::StrFormat("warm-up %gs + %gs per mode", limits.warmup_s, limits.duration_s)
                .c_str(),
      env.request_ids ? "on" : "off", std::thread::hardware_concurrency());

  Reporter reporter(absl::GetFlag(FLAGS_json_out), watchers);
  std::vector<PhaseResult> results;
  auto run = [&](Phase& phase) -> PhaseResult& {
    results.push_back(phase.Run());
    reporter.Row(results.back());
    if (results.back().errors_total > 0 && !absl::GetFlag(FLAGS_allow_errors)) {
      reporter.PrintJson();
      std::fprintf(stderr, "baton-loadgen: %s: %" PRIu64 " calls failed (see above); stopping\n",
                   results.back().mode.c_str(), results.back().errors_total);
      std::fflush(stdout);
      std::exit(1);
    }
    return results.back();
  };

  Org org;
  if (run_create || watchers > 0) {
    org = SetUpOrg(env, jwt_key, watchers > 0);
    std::printf("set-up: departments/%s, teams/%s, teams/%s, chains/%s (run %s)\n",
                org.department.c_str(), org.team_a.c_str(), org.team_b.c_str(), org.chain.c_str(),
                env.run_id.c_str());
  }
  std::vector<std::unique_ptr<IdleWatcher>> idle_watchers;
  if (watchers > 0) {
    idle_watchers = OpenWatchers(env, watchers, org.w_token, "teams/" + org.team_w);
    std::printf(
        "watchers: %d WatchInbox streams open on teams/%s (no offers go there); after "
        "`synced` they never read\n",
        watchers, org.team_w.c_str());
  }
  std::printf("\n");
  reporter.Header();

  const std::string health_service = absl::GetFlag(FLAGS_health_service);
  std::vector<double> health_qps;
  if (run_health) {
    HealthPhase phase(env, inflight, limits, health_service);
    health_qps.push_back(run(phase).qps);
  }

  std::vector<std::string> items, handoffs;
  auto check_top_up = [&](PhaseResult r) {
    if (r.errors_total > 0 && !absl::GetFlag(FLAGS_allow_errors)) {
      r.mode += "(pool)";
      reporter.Row(r);
      Die("filling the pool failed");
    }
  };
  std::atomic<int64_t> next_reference{0};
  std::optional<double> create_qps, offer_qps, accept_qps;
  if (run_create) {
    const int64_t wanted = absl::GetFlag(FLAGS_items);
    // With --items, create exactly that many (all measured after the warm-up).
    Limits create_limits = limits;
    if (wanted > 0) create_limits = {.warmup_s = limits.warmup_s, .duration_s = 600, .count = 0};
    CreatePhase phase(env, inflight, create_limits, org.a_token, "chains/" + org.chain, wanted,
                      &next_reference);
    create_qps = run(phase).qps;
    items = phase.TakeHarvest();
    if (run_offer && wanted == 0) {
      // Top up (unmeasured) so that neither offers nor accepts, measured as
      // long as creation was, run out even if they are somewhat faster.
      const int64_t more = static_cast<int64_t>(items.size() * (run_accept ? 1.5 : 0.5)) + inflight;
      CreatePhase top_up(env, inflight, {.warmup_s = 0, .duration_s = 120}, org.a_token,
                         "chains/" + org.chain, more, &next_reference);
      check_top_up(top_up.Run());
      std::vector<std::string> extra = top_up.TakeHarvest();
      std::printf("%-8s %zu more items created (not measured), pool of %zu\n", "(pool)",
                  extra.size(), items.size() + extra.size());
      for (auto& name : extra) items.push_back(std::move(name));
    }
  }
  if (run_offer) {
    OfferPhase phase(env, inflight, limits, org.a_token, items);
    offer_qps = run(phase).qps;
    handoffs = phase.TakeHarvest();
    if (run_accept && absl::GetFlag(FLAGS_items) == 0) {
      OfferPhase top_up(env, inflight, {.warmup_s = 0, .duration_s = 120}, org.a_token, items,
                        phase.next_index(), handoffs.size() / 2 + inflight);
      check_top_up(top_up.Run());
      std::vector<std::string> extra = top_up.TakeHarvest();
      std::printf("%-8s %zu more offers made (not measured), pool of %zu\n", "(pool)", extra.size(),
                  handoffs.size() + extra.size());
      for (auto& name : extra) handoffs.push_back(std::move(name));
    }
  }
  if (run_accept) {
    AcceptPhase phase(env, inflight, limits, org.b_token, handoffs);
    accept_qps = run(phase).qps;
  }
  // Free the pools first: the second health run should see the same client
  // process as the first, not one holding hundreds of thousands of names.
  std::vector<std::string>().swap(items);
  std::vector<std::string>().swap(handoffs);
  if (run_health && mode == "all") {
    HealthPhase phase(env, inflight, limits, health_service);
    health_qps.push_back(run(phase).qps);
  }

  if (!health_qps.empty() && (offer_qps || accept_qps || create_qps)) {
    double mean = 0;
    for (double q : health_qps) mean += q;
    mean /= health_qps.size();
    nlohmann::json summary;
    summary["mode"] = "summary";
    summary["inflight"] = inflight;
    summary["health_qps"] = health_qps;
    summary["health_qps_mean"] = std::round(mean);
    std::printf("\nhealth Check (mean of %zu runs): %.0f calls/s\n", health_qps.size(), mean);
    auto ratio = [&](const char* name, const std::optional<double>& q) {
      if (!q || mean <= 0) return;
      const double r = *q / mean;
      std::printf("%-7s / health = %.3f\n", name, r);
      summary[absl::StrCat(name, "_over_health")] = std::round(r * 1000) / 1000;
    };
    ratio("create", create_qps);
    ratio("offer", offer_qps);
    ratio("accept", accept_qps);
    if (offer_qps) {
      const bool met = *offer_qps >= 0.5 * mean;
      std::printf("target (offer >= 0.5 x health at %d in flight): %s\n", inflight,
                  met ? "MET" : "NOT MET");
      summary["target_met"] = met;
    }
    reporter.Json(summary);
  }
  reporter.PrintJson();

  // The watchers should have lasted the run: a stream the server ended
  // early (e.g. as too slow) would have made the measurement meaningless.
  int ended_early = 0;
  for (auto& w : idle_watchers) {
    w->Cancel();
    if (w->Wait().error_code() != grpc::StatusCode::CANCELLED) ++ended_early;
  }
  if (ended_early > 0) {
    std::fprintf(stderr,
                 "baton-loadgen: %d of %d watchers were ended by the server during the run\n",
                 ended_early, watchers);
  }

  uint64_t errors = 0;
  for (const PhaseResult& r : results) errors += r.errors_total;
  if (errors > 0 && !absl::GetFlag(FLAGS_allow_errors)) {
    std::fprintf(stderr, "baton-loadgen: %" PRIu64 " calls failed (see above)\n", errors);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace baton::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "baton-loadgen: durable Baton calls per second next to grpc.health.v1 Check.\n"
      "Usage: baton-loadgen --target=127.0.0.1:7400 --jwt_key_file=KEY [--mode=all] "
      "[--inflight=64] [--duration=5] [--warmup=1]");
  absl::ParseCommandLine(argc, argv);
  // Debian builds Abseil without NDEBUG, which turns on absl::Mutex deadlock
  // detection (a global graph updated on every lock, gRPC's included): ~3% of
  // this process's CPU, taken from the server sharing the cores.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return baton::bench::Main();
}
