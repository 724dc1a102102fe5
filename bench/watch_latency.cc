// baton-watch-latency: how long a change takes from an acknowledged
// AcceptHandoff to the WatchScoreboard message that shows it, while
// OfferHandoff runs at full load. See bench/README.md ("Event to
// scoreboard").
//
// Against one server hosting all three services (batond), in one run, one
// phase after another (--phases):
//   idle   no load: the floor of the path;
//   other  --inflight slots offer in ANOTHER department: the watched
//          scoreboard does not churn, so each probe's change goes out on
//          the hub's leading edge;
//   same   the slots offer in the WATCHED department: its scoreboard
//          changes all the time, so pushes are coalesced to one per
//          interval and a probe waits for the interval's end.
// Each slot loops CreateWorkItem → OfferHandoff (an item can be offered
// once), so half of the durable writes in flight are offers.
//
// A probe: accept, as Q, a handoff of the watched department's probe chain
// (P → Q; created and offered before the phase's load starts, so that the
// acceptance is the probe's only change) and take the time the acceptance
// is acknowledged; the latency is until a WatchScoreboard message (read on
// its own thread, stamped as it arrives) shows P's `accepts` at the new
// count. Probes are --probe_gap_ms apart, longer than the hub's 200 ms
// interval, so one probe's push does not delay the next (in `other`).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "baton/handoff/v1/handoff_service.grpc.pb.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "bench/bench_tokens.h"
#include "common/auth/jwt_verifier.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, target, "127.0.0.1:7400", "host:port of the server (batond)");
ABSL_FLAG(std::string, jwt_key_file, "", "the server's HS256 key (tokens are minted with it)");
ABSL_FLAG(std::string, phases, "other,same", "comma-separated: idle, other, same");
ABSL_FLAG(int, inflight, 64, "create+offer calls kept in flight by the load");
ABSL_FLAG(int, channels, 2, "gRPC channels (TCP connections) of the load");
ABSL_FLAG(int, probes, 150, "probes per phase");
ABSL_FLAG(int, probe_gap_ms, 250, "time from one probe's start to the next's");
ABSL_FLAG(double, warmup, 1, "seconds of load before a phase's first probe");
ABSL_FLAG(int, probe_timeout_ms, 5000, "a probe not seen on the stream by then counts as lost");
ABSL_FLAG(std::string, json_out, "", "also append one JSON line per phase to this file");

namespace {

namespace hv1 = ::baton::handoff::v1;
namespace rv1 = ::baton::rating::v1;
namespace auth = ::baton::auth;

[[noreturn]] void Die(const std::string& why) {
  std::cerr << "baton-watch-latency: " << why << "\n";
  std::exit(1);
}

std::string Mint(const std::string& key, const std::string& subject, const std::string& team,
                 const std::string& department, auth::Role role) {
  auto token = baton::bench::MintToken(key, subject, team, department, role);
  if (!token.ok()) Die(absl::StrCat("cannot sign a token: ", token.status().ToString()));
  return *std::move(token);
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

// A unary call that must succeed (set-up and probes).
template <typename Stub, typename Request, typename Response>
Response Call(const char* what, const std::string& token, Stub* stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request) {
  Response response;
  grpc::Status status = (stub->*method)(Ctx(token).get(), request, &response);
  if (!status.ok()) Die(absl::StrCat(what, " failed: ", status.error_message()));
  return response;
}

// One department with two teams and a chain from the first to the second.
struct Pair {
  std::string department, supplier, customer, chain;  // ids
  std::string supplier_token, customer_token;
};

Pair MakePair(hv1::HandoffService::Stub* stub, const std::string& key, const std::string& admin,
              const std::string& department, const std::string& name, bool new_department) {
  Pair p{.department = department,
         .supplier = name + "-s",
         .customer = name + "-c",
         .chain = name + "-chain"};
  if (new_department) {
    hv1::CreateDepartmentRequest d;
    d.set_department_id(department);
    d.mutable_department()->set_display_name("watch bench " + department);
    Call("CreateDepartment", admin, stub, &hv1::HandoffService::Stub::CreateDepartment, d);
  }
  for (const std::string& team : {p.supplier, p.customer}) {
    hv1::CreateTeamRequest t;
    t.set_team_id(team);
    t.mutable_team()->set_department("departments/" + department);
    t.mutable_team()->set_display_name("watch bench " + team);
    Call("CreateTeam", admin, stub, &hv1::HandoffService::Stub::CreateTeam, t);
  }
  hv1::CreateChainRequest c;
  c.set_chain_id(p.chain);
  c.mutable_chain()->set_display_name("watch bench " + p.chain);
  for (const std::string& team : {p.supplier, p.customer}) {
    hv1::Stage* stage = c.mutable_chain()->add_stages();
    stage->set_display_name(team);
    stage->set_owner_team("teams/" + team);
    stage->mutable_sla()->set_seconds(3600);  // nothing turns overdue
  }
  Call("CreateChain", admin, stub, &hv1::HandoffService::Stub::CreateChain, c);
  p.supplier_token = Mint(key, name + "-s-user", p.supplier, department, auth::Role::kMember);
  p.customer_token = Mint(key, name + "-c-user", p.customer, department, auth::Role::kMember);
  return p;
}

// --inflight slots, each looping CreateWorkItem → OfferHandoff in a pair's
// chain (callback API: the next call starts from the previous one's
// completion). A failed call retires its slot.
class Load {
 public:
  Load(std::vector<hv1::HandoffService::Stub*> stubs, Pair pair, int inflight)
      : stubs_(std::move(stubs)), pair_(std::move(pair)), slots_(inflight) {}

  void Start() {
    for (size_t i = 0; i < slots_.size(); ++i) Create(i);
  }
  // Lets each slot finish its call and stop; returns when all have. The
  // last completion may still be leaving Done: keep the Load until exit.
  void Stop() {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_ == 0; };
    mu_.Await(absl::Condition(&idle));
  }
  int64_t offers() const { return offers_.load(); }
  int64_t errors() const { return errors_.load(); }

 private:
  // A context per call kind: a call's completion starts the other kind's
  // call, and a context must outlive its own completion.
  struct Slot {
    std::unique_ptr<grpc::ClientContext> create_ctx, offer_ctx;
    hv1::CreateWorkItemRequest create;
    hv1::CreateWorkItemResponse created;
    hv1::OfferHandoffRequest offer;
    hv1::OfferHandoffResponse offered;
  };

  bool Go(std::unique_ptr<grpc::ClientContext>& ctx) {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    ++active_;
    ctx = Ctx(pair_.supplier_token);
    return true;
  }
  void Done(const grpc::Status& status) {
    if (!status.ok() && errors_.fetch_add(1) == 0) {
      std::cerr << "load: a call failed: " << status.error_message() << "\n";
    }
    absl::MutexLock lock(&mu_);
    --active_;
  }
  void Create(size_t i) {
    Slot& s = slots_[i];
    if (!Go(s.create_ctx)) return;
    s.create.set_chain("chains/" + pair_.chain);
    s.create.set_external_reference(absl::StrCat("wl-", i, "-", next_.fetch_add(1)));
    stubs_[i % stubs_.size()]->async()->CreateWorkItem(s.create_ctx.get(), &s.create, &s.created,
                                                       [this, i](grpc::Status status) {
                                                         // The next call first: Stop waits
                                                         // for no call in flight.
                                                         if (status.ok()) Offer(i);
                                                         Done(status);
                                                       });
  }
  void Offer(size_t i) {
    Slot& s = slots_[i];
    if (!Go(s.offer_ctx)) return;
    s.offer.set_work_item(s.created.work_item().name());
    stubs_[i % stubs_.size()]->async()->OfferHandoff(s.offer_ctx.get(), &s.offer, &s.offered,
                                                     [this, i](grpc::Status status) {
                                                       if (status.ok()) offers_.fetch_add(1);
                                                       if (status.ok()) Create(i);
                                                       Done(status);
                                                     });
  }

  const std::vector<hv1::HandoffService::Stub*> stubs_;
  const Pair pair_;
  std::vector<Slot> slots_;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> offers_{0};
  std::atomic<int64_t> errors_{0};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
};

// The WatchScoreboard stream of the watched department, read on its own
// thread: when each count of the probe team's accepts was first seen.
class Watcher {
 public:
  Watcher(rv1::RatingService::Stub* stub, const std::string& token, const Pair& probe)
      : team_("teams/" + probe.supplier) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    rv1::WatchScoreboardRequest request;
    request.set_department("departments/" + probe.department);
    thread_ = std::thread([this, stub, request] {
      auto reader = stub->WatchScoreboard(&ctx_, request);
      rv1::WatchScoreboardResponse message;
      while (reader->Read(&message)) {
        const absl::Time now = absl::Now();
        int64_t accepts = 0;
        for (const auto& row : message.scoreboard().rows()) {
          if (row.team() == team_) accepts = row.as_supplier().accepts();
        }
        absl::MutexLock lock(&mu_);
        ++messages_;
        while (static_cast<int64_t>(seen_.size()) <= accepts) seen_.push_back(now);
      }
      grpc::Status status = reader->Finish();
      absl::MutexLock lock(&mu_);
      ended_ = true;
      end_status_ = status.error_message();
    });
  }
  ~Watcher() {
    ctx_.TryCancel();
    thread_.join();
  }

  // When `accepts` was first seen; nullopt when not by `deadline`.
  std::optional<absl::Time> AwaitAccepts(int64_t accepts, absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return static_cast<int64_t>(seen_.size()) > accepts || ended_;
    };
    mu_.AwaitWithDeadline(absl::Condition(&seen), deadline);
    if (static_cast<int64_t>(seen_.size()) <= accepts) {
      if (ended_) Die("the WatchScoreboard stream ended: " + end_status_);
      return std::nullopt;
    }
    return seen_[accepts];
  }
  int64_t messages() {
    absl::MutexLock lock(&mu_);
    return messages_;
  }

 private:
  const std::string team_;
  grpc::ClientContext ctx_;
  absl::Mutex mu_;
  std::vector<absl::Time> seen_ ABSL_GUARDED_BY(mu_);  // [n]: when accepts == n was first seen
  int64_t messages_ ABSL_GUARDED_BY(mu_) = 0;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  std::string end_status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// `n` handoffs of the probe chain, offered: the probes only accept, so that
// each probe is ONE change of the watched scoreboard (an offer just before
// would be another, and the acceptance would wait for the interval).
std::vector<std::string> OfferProbes(hv1::HandoffService::Stub* stub, const Pair& probe,
                                     const std::string& prefix, int n) {
  std::vector<std::string> handoffs;
  for (int i = 0; i < n; ++i) {
    hv1::CreateWorkItemRequest create;
    create.set_chain("chains/" + probe.chain);
    create.set_external_reference(absl::StrCat(prefix, i));
    const auto item = Call("probe CreateWorkItem", probe.supplier_token, stub,
                           &hv1::HandoffService::Stub::CreateWorkItem, create);
    hv1::OfferHandoffRequest offer;
    offer.set_work_item(item.work_item().name());
    handoffs.push_back(Call("probe OfferHandoff", probe.supplier_token, stub,
                            &hv1::HandoffService::Stub::OfferHandoff, offer)
                           .handoff()
                           .name());
  }
  return handoffs;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i];
}

nlohmann::json Summary(const std::vector<double>& ms) {
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  return {{"n", sorted.size()},
          {"p50_ms", Percentile(sorted, 0.50)},
          {"p90_ms", Percentile(sorted, 0.90)},
          {"p99_ms", Percentile(sorted, 0.99)},
          {"max_ms", sorted.empty() ? 0 : sorted.back()}};
}

int Main() {
  absl::StatusOr<std::string> read = auth::ReadKeyFile(absl::GetFlag(FLAGS_jwt_key_file));
  if (!read.ok())
    Die(absl::StrCat("--jwt_key_file (the server's HS256 key): ", read.status().ToString()));
  const std::string key = *std::move(read);

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<hv1::HandoffService::Stub>> owned;
  std::vector<hv1::HandoffService::Stub*> load_stubs;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("baton.channel", i);  // distinct channels, distinct connections
    channels.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_target),
                                                 grpc::InsecureChannelCredentials(), args));
    owned.push_back(hv1::HandoffService::NewStub(channels.back()));
    load_stubs.push_back(owned.back().get());
  }
  // Probes and the watch on a connection of their own, as a wall screen's.
  auto probe_channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto handoff = hv1::HandoffService::NewStub(probe_channel);
  auto rating = rv1::RatingService::NewStub(probe_channel);

  const std::string run = absl::StrCat(std::random_device()() % 1000000);
  const std::string admin = Mint(key, "watch-bench-admin", "", "", auth::Role::kAdmin);
  const std::string watched = "wlw-" + run;
  const std::string other = "wlo-" + run;
  const Pair probe = MakePair(handoff.get(), key, admin, watched, "wlp-" + run, true);
  const Pair same_load = MakePair(handoff.get(), key, admin, watched, "wls-" + run, false);
  const Pair other_load = MakePair(handoff.get(), key, admin, other, "wlx-" + run, true);

  // The rating service must have applied the org before the watch starts
  // (NOT_FOUND otherwise): retry the first message for a while.
  const absl::Time ready_by = absl::Now() + absl::Seconds(30);
  for (;;) {
    rv1::GetDepartmentScoreboardRequest request;
    request.set_department("departments/" + watched);
    rv1::GetDepartmentScoreboardResponse response;
    grpc::Status status = rating->GetDepartmentScoreboard(Ctx(admin).get(), request, &response);
    if (status.ok() && response.scoreboard().rows_size() == 4) break;
    if (absl::Now() > ready_by) Die("the rating service did not learn the org within 30 s");
    absl::SleepFor(absl::Milliseconds(20));  // polling a remote service, not synchronising
  }
  Watcher watcher(rating.get(), admin, probe);
  if (!watcher.AwaitAccepts(0, absl::Now() + absl::Seconds(10))) Die("no first message");

  const int probes = absl::GetFlag(FLAGS_probes);
  const absl::Duration gap = absl::Milliseconds(absl::GetFlag(FLAGS_probe_gap_ms));
  const absl::Duration timeout = absl::Milliseconds(absl::GetFlag(FLAGS_probe_timeout_ms));
  int64_t accepted = 0;
  std::printf("%-6s %5s %9s %9s %9s %9s %7s %6s %9s %8s %9s\n", "phase", "n", "p50 ms", "p90 ms",
              "p99 ms", "max ms", "lost", "early", "offers/s", "msgs", "ack p99");
  std::vector<std::unique_ptr<Load>> loads;  // kept until exit (Stop says why)
  const std::vector<std::string> phases = absl::StrSplit(absl::GetFlag(FLAGS_phases), ',');
  for (const std::string& phase : phases) {
    Load* load = nullptr;
    if (phase == "other" || phase == "same") {
      load = loads
                 .emplace_back(std::make_unique<Load>(load_stubs,
                                                      phase == "same" ? same_load : other_load,
                                                      absl::GetFlag(FLAGS_inflight)))
                 .get();
    } else if (phase != "idle") {
      Die("unknown phase " + phase);
    }
    const std::vector<std::string> to_accept =
        OfferProbes(handoff.get(), probe, absl::StrCat("probe-", phase, "-"), probes);
    if (load) load->Start();
    // Also longer than the hub's interval, so the probes' own offers are
    // pushed before the first probe.
    absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_warmup)));  // load ramps up: not measured
    const int64_t offers_before = load ? load->offers() : 0;
    const int64_t messages_before = watcher.messages();
    const absl::Time start = absl::Now();
    std::vector<double> latency_ms, ack_ms;
    int lost = 0, early = 0;
    for (const std::string& offered : to_accept) {
      const absl::Time probe_start = absl::Now();
      hv1::AcceptHandoffRequest accept;
      accept.set_name(offered);
      const absl::Time sent = absl::Now();
      Call("probe AcceptHandoff", probe.customer_token, handoff.get(),
           &hv1::HandoffService::Stub::AcceptHandoff, accept);
      const absl::Time acked = absl::Now();
      ack_ms.push_back(absl::ToDoubleMilliseconds(acked - sent));
      const std::optional<absl::Time> seen = watcher.AwaitAccepts(++accepted, acked + timeout);
      if (!seen.has_value()) {
        ++lost;  // counted, and the count moves on: a later message shows it
      } else {
        if (*seen < acked) ++early;  // the push overtook the acknowledgement
        latency_ms.push_back(std::max(0.0, absl::ToDoubleMilliseconds(*seen - acked)));
      }
      absl::SleepFor(probe_start + gap - absl::Now());  // pacing the probes
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    const double offers_per_s = load ? (load->offers() - offers_before) / seconds : 0;
    if (load) load->Stop();
    const int64_t errors = load ? load->errors() : 0;

    nlohmann::json line = {{"phase", phase},
                           {"inflight", load ? absl::GetFlag(FLAGS_inflight) : 0},
                           {"event_to_scoreboard", Summary(latency_ms)},
                           {"accept_ack", Summary(ack_ms)},
                           {"lost", lost},
                           {"early", early},
                           {"offers_per_s", offers_per_s},
                           {"load_errors", errors},
                           {"watch_messages", watcher.messages() - messages_before}};
    const auto& e = line["event_to_scoreboard"];
    std::printf("%-6s %5d %9.1f %9.1f %9.1f %9.1f %7d %6d %9.0f %8lld %9.1f\n", phase.c_str(),
                e["n"].get<int>(), e["p50_ms"].get<double>(), e["p90_ms"].get<double>(),
                e["p99_ms"].get<double>(), e["max_ms"].get<double>(), lost, early, offers_per_s,
                static_cast<long long>(line["watch_messages"].get<int64_t>()),
                line["accept_ack"]["p99_ms"].get<double>());
    std::cout << line.dump() << std::endl;
    if (const std::string out = absl::GetFlag(FLAGS_json_out); !out.empty()) {
      std::ofstream(out, std::ios::app) << line.dump() << "\n";
    }
    if (errors > 0) Die(absl::StrCat(errors, " load calls failed in phase ", phase));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "event-to-scoreboard latency: acknowledged AcceptHandoff to the WatchScoreboard message "
      "that shows it, under OfferHandoff load in another and in the same department");
  absl::ParseCommandLine(argc, argv);
  return Main();
}
