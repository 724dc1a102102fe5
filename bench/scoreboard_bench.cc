// baton-scoreboard-bench: GetDepartmentScoreboard of one department (200
// teams) over the 30 days ending on the history's last day, one call in
// flight, against two rating stores side by side in one run: one with a
// small history (--handoffs_small, 10^4) and one with a large one
// (--handoffs_large, 10^7), both loaded through the rating service's own
// consumer and appliers (loaded_store.h) and served by its real gRPC stack
// with a real token. Rounds alternate the stores (small, large, small, …)
// so that drift on a shared machine hits both alike; each round also times
// RatingQueries::DepartmentScoreboard in-process (no gRPC) and a
// grpc.health.v1 Check (gRPC alone), to show where the time goes.
// See bench/README.md.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "bench/bench_tokens.h"
#include "bench/percentile.h"
#include "bench/loaded_store.h"
#include "common/auth/jwt_verifier.h"
#include "common/log/log.h"
#include "common/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "services/rating/rating_keys.h"
#include "services/rating/rating_queries.h"

ABSL_FLAG(int64_t, handoffs_small, 10000, "handoffs in the small store's history");
ABSL_FLAG(int64_t, handoffs_large, 10000000, "handoffs in the large store's history");
ABSL_FLAG(int, teams, 200, "teams in the department (and chains)");
ABSL_FLAG(int, days, 730, "days the history is spread over (both stores)");
ABSL_FLAG(int, days_small, 0,
          "when > 0: the small store's history spans only this many days (same last day), so "
          "that its window is about as full as the large store's and the two differ in the "
          "history before the window; default: --days");
ABSL_FLAG(int, window_days, 30, "days of the scoreboard's window, ending on the last day");
ABSL_FLAG(std::string, data_dir, "",
          "directory for the stores (one subdirectory per history shape) and the HS256 key; "
          "kept, and a store found there is reused (resumed when its load was interrupted). "
          "Default: a temporary directory, removed at the end unless --keep");
ABSL_FLAG(bool, keep, false, "keep the temporary directory (its path is printed)");
ABSL_FLAG(int, rounds, 10, "rounds; each measures every store once");
ABSL_FLAG(int, calls, 200, "calls per store per round (and as many in-process queries)");
ABSL_FLAG(int, warmup_calls, 200, "calls per store before the first round, not measured");
ABSL_FLAG(int, max_batch, 256, "events per consumer batch while loading (production: 256)");
ABSL_FLAG(bool, sync, true,
          "sync the WAL on every commit while loading, as production does (false loads faster)");
ABSL_FLAG(bool, compact, false,
          "ask RocksDB for a full compaction of the rollups (bottommost forced) before "
          "measuring, to merge the operands into values; it does not always (see the "
          "`rollups:` line and bench/README.md). Default: as the load left them, with "
          "RocksDB's compactions finished");
ABSL_FLAG(std::string, json_out, "", "also append the summary as one JSON line to this file");

namespace baton::bench {
namespace {

namespace rv1 = ::baton::rating::v1;
namespace health = ::grpc::health::v1;
using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "baton-scoreboard-bench: " << message << "\n";
  std::exit(2);
}

template <typename T>
T OrDie(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

// The directory and key file; creates them when missing.
struct WorkDir {
  std::string path;
  bool temporary = false;
  std::string key_file;
};

WorkDir MakeWorkDir() {
  WorkDir dir;
  dir.path = absl::GetFlag(FLAGS_data_dir);
  if (dir.path.empty()) {
    const char* parent = std::getenv("BENCH_TMP");
    if (parent == nullptr) parent = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(parent != nullptr ? parent : "/tmp", "/baton-sb.XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) Die("cannot make a temporary directory");
    dir.path = pattern;
    dir.temporary = true;
  }
  std::filesystem::create_directories(dir.path);
  dir.key_file = dir.path + "/key";
  if (!std::filesystem::exists(dir.key_file)) {
    std::random_device random;
    std::string secret(32, '\0');
    for (char& c : secret) c = static_cast<char>(random());
    std::ofstream(dir.key_file) << absl::Base64Escape(secret);
    std::filesystem::permissions(
        dir.key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  return dir;
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// Microseconds of `call`.
uint32_t Time(const std::function<void()>& call) {
  const auto start = SteadyClock::now();
  call();
  return static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count());
}

// Latencies of one kind of call against one store.
struct Series {
  std::vector<uint32_t> all_us;        // every round's, sorted at the end
  std::vector<uint32_t> round_p50_us;  // one per round
  double busy_s = 0;                   // time spent in these calls

  void AddRound(std::vector<uint32_t> us) {
    for (uint32_t v : us) busy_s += v / 1e6;
    std::sort(us.begin(), us.end());
    round_p50_us.push_back(Percentile(us, 50));
    all_us.insert(all_us.end(), us.begin(), us.end());
  }
  void Finish() { std::sort(all_us.begin(), all_us.end()); }
  double per_second() const { return busy_s > 0 ? all_us.size() / busy_s : 0; }
};

// One store under measurement, and its clients.
struct Subject {
  std::string label;
  std::unique_ptr<LoadedStore> store;
  LoadReport load;
  std::unique_ptr<rv1::RatingService::Stub> rating;
  std::unique_ptr<health::Health::Stub> health;
  std::unique_ptr<rating::RatingQueries> queries;
  int64_t window_values = 0;   // rollup values one scoreboard reads
  int64_t window_decided = 0;  // the department's decided handoffs in the window
  Series grpc, in_process, floor;
  // CPU time of this thread in the in-process queries: unlike their wall
  // time, not stretched when other processes take the cores.
  double in_process_cpu_s = 0;
};

rv1::Window WindowOf(const HistoryShape& shape, int days) {
  rv1::Window window;
  window.set_start_day(
      absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + shape.last_day - days + 1));
  window.set_end_day(shape.LastDay());
  return window;
}

// Rollup values a scoreboard of `window` reads: each team's supplier rollup
// over the window and the one before, and the department's over both.
int64_t WindowValues(const LoadedStore& loaded, const rv1::Window& window, int days) {
  const storage::Store& store = loaded.store();
  const rating::DayNumber to = OrDie(rating::DayCalendar::Parse(window.end_day()), "window") + 1;
  const rating::DayNumber from = to - 2 * days;
  std::vector<rating::RollupOwner> owners = {
      {.scope = rating::Scope::kDepartment, .id = loaded.shape().department}};
  for (int t = 0; t < loaded.shape().teams; ++t) {
    owners.push_back({.scope = rating::Scope::kSupplierTeam, .id = absl::StrFormat("t%03d", t)});
  }
  int64_t values = 0;
  for (const rating::RollupOwner& owner : owners) {
    values += OrDie(rating::ReadRollupWindow(store.db(), store.cf(rating::kRollupsCf), {}, owner,
                                             from, to),
                    "reading a rollup window")
                  .size();
  }
  return values;
}

void PrintLoad(const Subject& s) {
  const double seconds = absl::ToDoubleSeconds(s.load.load_time);
  std::printf("%-6s %s\n", s.label.c_str(), s.store->shape().Describe().c_str());
  std::printf("       loaded in this run: %" PRIu64 " events in %.1f s (%.0f events/s); %" PRIu64
              " bytes on disk (%.0f per handoff); a scoreboard reads %" PRId64
              " rollup values; %" PRId64 " handoffs decided in the window\n",
              s.load.events_applied, seconds, seconds > 0 ? s.load.events_applied / seconds : 0.0,
              s.load.bytes_on_disk,
              static_cast<double>(s.load.bytes_on_disk) / (s.store->shape().items() * 4),
              s.window_values, s.window_decided);
  std::printf("       rollups: %" PRIu64 " entries in %" PRIu64 " SST files, %" PRIu64
              " of them merge operands\n",
              s.load.rollup_entries, s.load.rollup_tables, s.load.rollup_operands);
  std::fflush(stdout);
}

// Opens (and loads, when needed) the store of `shape` under `dir`, and
// connects to it.
void OpenSubject(Subject& s, const HistoryShape& shape, const WorkDir& dir,
                 const rating::DayCalendar& calendar) {
  const std::string path =
      absl::StrFormat("%s/h%d-t%d-d%d", dir.path, shape.handoffs, shape.teams, shape.days);
  const uint64_t total = shape.handoff_events();
  s.store =
      OrDie(LoadedStore::Open({.shape = shape,
                               .path = path,
                               .key_file = dir.key_file,
                               .max_batch = static_cast<size_t>(absl::GetFlag(FLAGS_max_batch)),
                               .sync = absl::GetFlag(FLAGS_sync),
                               .on_progress =
                                   [&s, total](uint64_t applied) {
                                     std::printf("%-6s loading: %" PRIu64 " of %" PRIu64
                                                 " handoff-log events applied\n",
                                                 s.label.c_str(), applied, total);
                                     std::fflush(stdout);
                                   }}),
            "opening " + path);
  s.load = OrDie(s.store->Load(), "loading " + path);
  const auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", s.store->port()),
                                           grpc::InsecureChannelCredentials());
  s.rating = rv1::RatingService::NewStub(channel);
  s.health = health::Health::NewStub(channel);
  s.queries = std::make_unique<rating::RatingQueries>(
      &s.store->store(), rating::RatingCfs::Of(s.store->store()), calendar, rating::ScoringRules{},
      Clock::Real());
}

// The table per store and kind of call, the ratios, the targets, and the
// JSON line (also to --json_out).
void PrintSummary(std::vector<Subject>& subjects, const rv1::Window& window, int rounds) {
  nlohmann::json summary;
  summary["window"] = {window.start_day(), window.end_day()};
  std::printf("\n%-6s %-22s %9s %8s %8s %8s %8s %9s\n", "store", "what", "calls", "p50_us",
              "p90_us", "p99_us", "max_us", "calls/s");
  for (Subject& s : subjects) {
    nlohmann::json j;
    j["handoffs"] = s.store->shape().items() * 4;
    j["load_events"] = s.load.events_applied;
    j["load_seconds"] = absl::ToDoubleSeconds(s.load.load_time);
    j["bytes_on_disk"] = s.load.bytes_on_disk;
    j["window_values"] = s.window_values;
    j["rollup_entries"] = s.load.rollup_entries;
    j["rollup_operands"] = s.load.rollup_operands;
    for (auto [name, series] : {std::pair<const char*, Series*>{"GetDepartmentScoreboard", &s.grpc},
                                {"in-process query", &s.in_process},
                                {"health Check (floor)", &s.floor}}) {
      series->Finish();
      const auto& v = series->all_us;
      std::printf("%-6s %-22s %9zu %8u %8u %8u %8u %9.0f\n", s.label.c_str(), name, v.size(),
                  Percentile(v, 50), Percentile(v, 90), Percentile(v, 99), v.back(),
                  series->per_second());
      j[name] = {{"calls", v.size()},           {"p50_us", Percentile(v, 50)},
                 {"p90_us", Percentile(v, 90)}, {"p99_us", Percentile(v, 99)},
                 {"max_us", v.back()},          {"per_second", std::round(series->per_second())}};
    }
    summary[s.label] = j;
  }
  const uint32_t small_p50 = Percentile(subjects[0].grpc.all_us, 50);
  const uint32_t large_p50 = Percentile(subjects[1].grpc.all_us, 50);
  std::vector<double> ratios;
  for (int r = 0; r < rounds; ++r) {
    ratios.push_back(static_cast<double>(subjects[1].grpc.round_p50_us[r]) /
                     std::max<uint32_t>(1, subjects[0].grpc.round_p50_us[r]));
  }
  std::sort(ratios.begin(), ratios.end());
  const double ratio = static_cast<double>(large_p50) / std::max<uint32_t>(1, small_p50);
  std::printf(
      "\nlarge/small p50 over all rounds: %.2f (per round: min %.2f, median %.2f, max %.2f)\n",
      ratio, ratios.front(), ratios[ratios.size() / 2], ratios.back());
  // The query's cost follows the rollup values in its two windows (one per
  // team and day with activity), not the history before them: per value,
  // the two stores compare like for like. CPU time, not wall time, so that
  // other processes on the machine do not count.
  std::vector<double> cpu_us;
  for (const Subject& s : subjects) {
    cpu_us.push_back(s.in_process_cpu_s * 1e6 / std::max<size_t>(1, s.in_process.all_us.size()));
    const double per_value = cpu_us.back() / std::max<int64_t>(1, s.window_values);
    std::printf("%-6s in-process CPU per query: %.0f us, %.2f us per rollup value read (%" PRId64
                " values)\n",
                s.label.c_str(), cpu_us.back(), per_value, s.window_values);
    summary[s.label]["in_process_cpu_us"] = std::round(cpu_us.back());
    summary[s.label]["in_process_cpu_us_per_value"] = std::round(per_value * 100) / 100;
  }
  std::printf("large/small in-process CPU per query: %.2f\n", cpu_us[1] / std::max(1.0, cpu_us[0]));
  const bool p50_met = large_p50 <= 300 && small_p50 <= 300;
  const bool ratio_met = ratio <= 1.3;
  std::printf("target p50 <= 300 us (both stores): %s\n", p50_met ? "MET" : "NOT MET");
  std::printf("target large <= 1.3 x small: %s\n", ratio_met ? "MET" : "NOT MET");
  summary["large_over_small_p50"] = std::round(ratio * 100) / 100;
  summary["p50_target_met"] = p50_met;
  summary["ratio_target_met"] = ratio_met;
  std::printf("\n%s\n", summary.dump().c_str());
  if (const std::string out = absl::GetFlag(FLAGS_json_out); !out.empty()) {
    std::ofstream(out, std::ios::app) << summary.dump() << "\n";
  }
}

int Main() {
  log::SetLevel(log::Level::kWarn);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const int calls = absl::GetFlag(FLAGS_calls);
  const int window_days = absl::GetFlag(FLAGS_window_days);
  if (rounds < 1 || calls < 1 || window_days < 1)
    Die("--rounds, --calls, --window_days must be >= 1");
  const WorkDir dir = MakeWorkDir();
  std::printf("baton-scoreboard-bench: data in %s%s; %u cores here\n", dir.path.c_str(),
              dir.temporary ? " (temporary)" : "", std::thread::hardware_concurrency());
  const std::string key = OrDie(auth::ReadKeyFile(dir.key_file), "--data_dir key");
  const std::string token =
      OrDie(MintToken(key, "scoreboard-bench", "t000", "d0", auth::Role::kMember), "token");
  const rating::DayCalendar calendar = OrDie(rating::DayCalendar::Load("UTC"), "UTC");

  std::vector<Subject> subjects(2);
  subjects[0].label = "small";
  subjects[1].label = "large";
  const int64_t sizes[] = {absl::GetFlag(FLAGS_handoffs_small),
                           absl::GetFlag(FLAGS_handoffs_large)};
  for (int i = 0; i < 2; ++i) {
    Subject& s = subjects[i];
    HistoryShape shape;
    shape.handoffs = sizes[i];
    shape.teams = absl::GetFlag(FLAGS_teams);
    shape.days = absl::GetFlag(FLAGS_days);
    if (i == 0 && absl::GetFlag(FLAGS_days_small) > 0) shape.days = absl::GetFlag(FLAGS_days_small);
    if (shape.teams < shape.stages || shape.days < 2 * window_days || shape.handoffs < 1) {
      Die("need --teams >= 5, --days >= 2 x --window_days and handoffs >= 1");
    }
    OpenSubject(s, shape, dir, calendar);
  }

  const rv1::Window window = WindowOf(subjects[0].store->shape(), window_days);
  rv1::GetDepartmentScoreboardRequest request;
  request.set_department("departments/d0");
  *request.mutable_window() = window;
  auto call = [&](Subject& s) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    rv1::GetDepartmentScoreboardResponse response;
    const grpc::Status status = s.rating->GetDepartmentScoreboard(&ctx, request, &response);
    if (!status.ok())
      Die(absl::StrCat(s.label, ": GetDepartmentScoreboard: ", status.error_message()));
    return response;
  };
  auto query = [&](Subject& s) {
    auto board = s.queries->DepartmentScoreboard("d0", window, rv1::SCOREBOARD_ORDER_SCORE);
    if (!board.ok())
      Die(absl::StrCat(s.label, ": DepartmentScoreboard: ", board.status().ToString()));
  };
  auto check = [&](Subject& s) {
    grpc::ClientContext ctx;
    health::HealthCheckRequest in;
    health::HealthCheckResponse out;
    if (!s.health->Check(&ctx, in, &out).ok()) Die(s.label + ": health Check failed");
  };

  for (Subject& s : subjects) {
    const rv1::GetDepartmentScoreboardResponse first = call(s);
    if (first.scoreboard().rows_size() != s.store->shape().teams) {
      Die(absl::StrCat(s.label, ": the scoreboard has ", first.scoreboard().rows_size(),
                       " rows, not ", s.store->shape().teams));
    }
    for (const auto& row : first.scoreboard().rows())
      s.window_decided += row.as_supplier().decided();
    s.window_values = WindowValues(*s.store, window, window_days);
    PrintLoad(s);
    for (int i = 0; i < absl::GetFlag(FLAGS_warmup_calls); ++i) {
      call(s);
      query(s);
    }
  }

  std::printf("\nwindow %s..%s, 1 call in flight, %d rounds x %d calls per store\n",
              window.start_day().c_str(), window.end_day().c_str(), rounds, calls);
  std::printf("%-6s %12s %12s %12s %12s %12s\n", "round", "small_p50_us", "large_p50_us",
              "large/small", "inproc_small", "inproc_large");
  for (int r = 0; r < rounds; ++r) {
    for (Subject& s : subjects) {
      std::vector<uint32_t> us(calls), in(calls), floor(calls);
      for (int i = 0; i < calls; ++i) us[i] = Time([&] { call(s); });
      const double cpu_before = ThreadCpuSeconds();
      for (int i = 0; i < calls; ++i) in[i] = Time([&] { query(s); });
      s.in_process_cpu_s += ThreadCpuSeconds() - cpu_before;
      for (int i = 0; i < calls; ++i) floor[i] = Time([&] { check(s); });
      s.grpc.AddRound(std::move(us));
      s.in_process.AddRound(std::move(in));
      s.floor.AddRound(std::move(floor));
    }
    const uint32_t small = subjects[0].grpc.round_p50_us.back();
    const uint32_t large = subjects[1].grpc.round_p50_us.back();
    std::printf("%-6d %12u %12u %12.2f %12u %12u\n", r + 1, small, large,
                small > 0 ? static_cast<double>(large) / small : 0.0,
                subjects[0].in_process.round_p50_us.back(),
                subjects[1].in_process.round_p50_us.back());
    std::fflush(stdout);
  }

  PrintSummary(subjects, window, rounds);

  for (Subject& s : subjects) s.store.reset();
  if (dir.temporary && !absl::GetFlag(FLAGS_keep)) {
    std::filesystem::remove_all(dir.path);
  } else {
    std::printf("stores kept in %s (reuse: --data_dir=%s)\n", dir.path.c_str(), dir.path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace baton::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "baton-scoreboard-bench: GetDepartmentScoreboard p50/p90/p99 at 1 call in flight against "
      "a small and a large rating store, side by side.\n"
      "Usage: baton-scoreboard-bench [--handoffs_small=10000] [--handoffs_large=10000000] "
      "[--data_dir=DIR] [--rounds=10] [--calls=200]");
  absl::ParseCommandLine(argc, argv);
  // As in baton-loadgen: Debian's Abseil leaves deadlock detection on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return baton::bench::Main();
}
