// baton-consumer-probe: samples the rating service's GetConsumerStatus
// (the handoff log's consumer) every --interval_ms and reports how fast the
// consumer applies events against how fast the handoff service writes them.
//
//   --until=idle  (live; against batond, whose consumer reads the handoff
//                 log in-process and so knows the log's exact end): runs
//                 until the log has not grown for --idle_seconds and the
//                 consumer has applied it all. Reports the write and apply
//                 rates over the span in which the log grew, the lag
//                 (events, time) during it, by thirds, and how long after
//                 the last write the consumer reached the end.
//   --until=live  (catch-up; against a baton-rating started after the
//                 events were written): runs until the consumer is LIVE and
//                 reports events applied per second from the first answer
//                 to the sample at which the last event was applied.
//
// Samples go to --samples_out as JSON lines. See bench/README.md.

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "bench/bench_tokens.h"
#include "bench/percentile.h"
#include "common/auth/jwt_verifier.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, target, "127.0.0.1:7400", "host:port of the rating service");
ABSL_FLAG(std::string, jwt_key_file, "", "the server's HS256 secret, to mint a token (required)");
ABSL_FLAG(std::string, until, "idle",
          "idle (live load) or live (catch-up); see the top of the file");
ABSL_FLAG(int, interval_ms, 100, "sampling interval");
ABSL_FLAG(double, idle_seconds, 3, "--until=idle: the log must not grow for this long");
ABSL_FLAG(double, timeout, 600, "give up (exit 1) after this many seconds");
ABSL_FLAG(std::string, source, "baton.handoff.v1.HandoffService", "the consumer to watch");
ABSL_FLAG(std::string, samples_out, "", "write every sample to this file as a JSON line");

namespace baton::bench {
namespace {

namespace rv1 = ::baton::rating::v1;
using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "baton-consumer-probe: " << message << "\n";
  std::exit(1);
}

struct Sample {
  double t = 0;          // seconds since the first answer
  uint64_t applied = 0;  // applied_sequence
  uint64_t source = 0;   // applied + lag_events: the log's end as the consumer knows it
  uint64_t lag_events = 0;
  double lag_s = 0;  // lag in event time
  std::string state;
  bool caught_up = false;
};

class Probe {
 public:
  Probe(const std::string& target, std::string token, std::string source)
      : stub_(rv1::RatingService::NewStub(
            grpc::CreateChannel(target, grpc::InsecureChannelCredentials()))),
        bearer_("Bearer " + token),
        source_(std::move(source)) {}

  // One sample; false while the server does not answer yet (starting).
  bool Take(Sample* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", bearer_);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    rv1::GetConsumerStatusRequest request;
    rv1::GetConsumerStatusResponse response;
    const grpc::Status status = stub_->GetConsumerStatus(&ctx, request, &response);
    if (!status.ok()) {
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
          status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        return false;
      }
      Die("GetConsumerStatus: " + status.error_message());
    }
    for (const rv1::ConsumerStatus& c : response.consumers()) {
      if (c.source() != source_) continue;
      if (c.state() == "FAILED") Die("the consumer FAILED: " + c.error());
      const auto now = SteadyClock::now();
      if (!started_) {
        start_ = now;
        started_ = true;
      }
      out->t = std::chrono::duration<double>(now - start_).count();
      out->applied = c.applied_sequence();
      out->lag_events = c.lag_events();
      out->source = c.applied_sequence() + c.lag_events();
      out->lag_s = c.lag().seconds() + c.lag().nanos() / 1e9;
      out->state = c.state();
      out->caught_up = c.caught_up();
      return true;
    }
    Die("no consumer of " + source_ + " in GetConsumerStatus");
  }

 private:
  std::unique_ptr<rv1::RatingService::Stub> stub_;
  const std::string bearer_;
  const std::string source_;
  SteadyClock::time_point start_;
  bool started_ = false;
};

nlohmann::json ToJson(const Sample& s) {
  return {{"t", std::round(s.t * 1000) / 1000}, {"applied", s.applied}, {"source", s.source},
          {"lag_events", s.lag_events},         {"lag_s", s.lag_s},     {"state", s.state}};
}

// Per-second lines while sampling, so a long run shows its progress.
void PrintSecond(const Sample& before, const Sample& now) {
  const double dt = now.t - before.t;
  if (dt <= 0) return;
  std::printf("%7.1f %12" PRIu64 " %12" PRIu64 " %10.0f %10.0f %10" PRIu64 " %8.2f %s\n", now.t,
              now.source, now.applied, (now.source - before.source) / dt,
              (now.applied - before.applied) / dt, now.lag_events, now.lag_s, now.state.c_str());
  std::fflush(stdout);
}

// --until=idle: the figures over the span in which the log grew.
void ReportLive(const std::vector<Sample>& samples) {
  size_t first = samples.size(), last = 0;  // first and last sample at which the log had grown
  for (size_t i = 1; i < samples.size(); ++i) {
    if (samples[i].source > samples[i - 1].source) {
      first = std::min(first, i - 1);
      last = i;
    }
  }
  if (first >= last) Die("the handoff log did not grow while sampling: was the load running?");
  const Sample& a = samples[first];
  const Sample& b = samples[last];
  const double span = b.t - a.t;
  const double written = (b.source - a.source) / span;
  const double applied = (b.applied - a.applied) / span;
  uint64_t max_lag = 0;
  double max_lag_s = 0;
  double third_max[3] = {0, 0, 0}, third_sum[3] = {0, 0, 0};
  int third_n[3] = {0, 0, 0};
  for (size_t i = first; i <= last; ++i) {
    max_lag = std::max(max_lag, samples[i].lag_events);
    max_lag_s = std::max(max_lag_s, samples[i].lag_s);
    const int third = std::min(2, static_cast<int>(3 * (samples[i].t - a.t) / span));
    third_max[third] = std::max<double>(third_max[third], samples[i].lag_events);
    third_sum[third] += samples[i].lag_events;
    ++third_n[third];
  }
  // The busiest second of writing, and what was applied in it.
  double peak_written = 0, peak_applied = 0;
  for (size_t i = first, j = first; i <= last; ++i) {
    while (j <= last && samples[j].t - samples[i].t < 1) ++j;
    if (j > last) break;
    const double dt = samples[j].t - samples[i].t;
    if ((samples[j].source - samples[i].source) / dt > peak_written) {
      peak_written = (samples[j].source - samples[i].source) / dt;
      peak_applied = (samples[j].applied - samples[i].applied) / dt;
    }
  }
  double caught_up_after = -1;  // seconds from the last write to lag 0
  for (size_t i = last; i < samples.size(); ++i) {
    if (samples[i].applied >= b.source) {
      caught_up_after = samples[i].t - b.t;
      break;
    }
  }
  std::printf("\nload: %.1f s in which the handoff log grew by %" PRIu64 " events\n", span,
              b.source - a.source);
  std::printf("handoff events written/s: %.0f\n", written);
  std::printf("rating events applied/s:  %.0f (%.3f of the write rate)\n", applied,
              applied / written);
  std::printf("busiest second: %.0f events written/s, %.0f applied/s\n", peak_written,
              peak_applied);
  std::printf("lag during the load: max %" PRIu64 " events, max %.2f s\n", max_lag, max_lag_s);
  std::printf(
      "lag by third of the load (mean / max events): %.0f / %.0f, %.0f / %.0f, %.0f / %.0f\n",
      third_n[0] ? third_sum[0] / third_n[0] : 0, third_max[0],
      third_n[1] ? third_sum[1] / third_n[1] : 0, third_max[1],
      third_n[2] ? third_sum[2] / third_n[2] : 0, third_max[2]);
  if (caught_up_after >= 0) {
    std::printf("at the log's end %.2f s after the last write (sampled every %d ms)\n",
                caught_up_after, absl::GetFlag(FLAGS_interval_ms));
  }
  nlohmann::json j = {{"mode", "live"},
                      {"load_seconds", span},
                      {"events_written", b.source - a.source},
                      {"written_per_s", std::round(written)},
                      {"applied_per_s", std::round(applied)},
                      {"peak_written_per_s", std::round(peak_written)},
                      {"peak_applied_per_s", std::round(peak_applied)},
                      {"max_lag_events", max_lag},
                      {"max_lag_s", max_lag_s},
                      {"lag_third_max", third_max},
                      {"caught_up_after_s", caught_up_after}};
  std::printf("%s\n", j.dump().c_str());
}

// --until=live: events applied per second while catching up.
void ReportCatchUp(const std::vector<Sample>& samples) {
  const Sample& a = samples.front();
  const Sample& z = samples.back();
  size_t done = samples.size() - 1;  // the first sample with everything applied
  while (done > 0 && samples[done - 1].applied == z.applied) --done;
  const double span = samples[done].t - a.t;
  const uint64_t events = z.applied - a.applied;
  std::printf("\ncatch-up: %" PRIu64
              " events applied in %.2f s from the first answer: %.0f events/s\n",
              events, span, span > 0 ? events / span : 0.0);
  nlohmann::json j = {{"mode", "catch_up"},
                      {"events", events},
                      {"seconds", span},
                      {"applied_per_s", span > 0 ? std::round(events / span) : 0}};
  std::printf("%s\n", j.dump().c_str());
}

int Main() {
  const std::string key_file = absl::GetFlag(FLAGS_jwt_key_file);
  if (key_file.empty()) Die("--jwt_key_file is required");
  auto key = auth::ReadKeyFile(key_file);
  if (!key.ok()) Die(key.status().ToString());
  auto token = MintToken(*key, "consumer-probe", "", "", auth::Role::kService);
  if (!token.ok()) Die(token.status().ToString());
  const std::string until = absl::GetFlag(FLAGS_until);
  if (until != "idle" && until != "live") Die("--until must be idle or live");
  Probe probe(absl::GetFlag(FLAGS_target), *token, absl::GetFlag(FLAGS_source));
  const auto interval = std::chrono::milliseconds(absl::GetFlag(FLAGS_interval_ms));
  const auto deadline =
      SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                               std::chrono::duration<double>(absl::GetFlag(FLAGS_timeout)));
  std::ofstream samples_out;
  if (!absl::GetFlag(FLAGS_samples_out).empty()) samples_out.open(absl::GetFlag(FLAGS_samples_out));

  std::printf("%7s %12s %12s %10s %10s %10s %8s %s\n", "t_s", "log_end", "applied", "written/s",
              "applied/s", "lag_events", "lag_s", "state");
  std::vector<Sample> samples;
  size_t last_printed = 0;
  double last_growth_t = 0;
  auto next = SteadyClock::now();
  while (true) {
    if (SteadyClock::now() > deadline) Die("timed out (--timeout)");
    Sample s;
    if (probe.Take(&s)) {
      if (!samples.empty() && s.source > samples.back().source) last_growth_t = s.t;
      samples.push_back(s);
      if (samples_out.is_open()) samples_out << ToJson(s).dump() << "\n";
      if (s.t - samples[last_printed].t >= 1) {
        PrintSecond(samples[last_printed], s);
        last_printed = samples.size() - 1;
      }
      const bool all_applied = s.lag_events == 0 && s.applied > 0;
      if (until == "live" && s.caught_up && all_applied) break;
      if (until == "idle" && all_applied && last_growth_t > 0 &&
          s.t - last_growth_t >= absl::GetFlag(FLAGS_idle_seconds)) {
        break;
      }
    }
    next += interval;
    std::this_thread::sleep_until(next);  // a sampling period, not a synchronisation
  }
  if (until == "idle") {
    ReportLive(samples);
  } else {
    ReportCatchUp(samples);
  }
  return 0;
}

}  // namespace
}  // namespace baton::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "baton-consumer-probe: the rating consumer's apply rate against the handoff log's write "
      "rate, from GetConsumerStatus.\n"
      "Usage: baton-consumer-probe --target=HOST:PORT --jwt_key_file=KEY [--until=idle|live]");
  absl::ParseCommandLine(argc, argv);
  return baton::bench::Main();
}
