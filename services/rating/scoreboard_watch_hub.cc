#include "services/rating/scoreboard_watch_hub.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/names.h"
#include "common/events/log_tail_reactor.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/rating/rating_queries.h"
#include "services/rating/validation.h"

namespace baton::rating {
namespace {

// The scoreboard's bytes without as_of (the time of the read, which
// differs on every recomputation), deterministic: equal scoreboards give
// equal fingerprints.
std::string Fingerprint(const v1::Scoreboard& board) {
  v1::Scoreboard copy = board;
  copy.clear_as_of();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return bytes;
}

std::shared_ptr<const std::string> Message(const v1::Scoreboard& board) {
  v1::WatchScoreboardResponse response;
  *response.mutable_scoreboard() = board;
  return std::make_shared<const std::string>(response.SerializeAsString());
}

}  // namespace

WatchKey KeyOf(std::string department, const v1::WatchScoreboardRequest& request) {
  return {.department = std::move(department),
          .days = request.days() == 0 ? kDefaultWindowDays : request.days(),
          .order = request.order() == v1::SCOREBOARD_ORDER_UNSPECIFIED ? v1::SCOREBOARD_ORDER_SCORE
                                                                       : request.order()};
}

v1::Window WindowEndingOn(DayNumber today, int days) {
  return DayRange{.from = today - days + 1, .to = today + 1}.ToProto();
}

ScoreboardWatchHub::ScoreboardWatchHub(ScoreboardWatchOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : Clock::Real()) {}

ScoreboardWatchHub::~ScoreboardWatchHub() { Shutdown(); }

void ScoreboardWatchHub::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baton-watch");
    Loop();
  });
}

void ScoreboardWatchHub::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (!shut_down_) {
      shut_down_ = true;
      const absl::Status closing = absl::UnavailableError(
          "the server is shutting down; call WatchScoreboard again on another server");
      for (auto& [sink, watcher] : watchers_) sink->End(closing);
    }
  }
  {
    absl::MutexLock lock(&inbox_mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ScoreboardWatchHub::Loop() {
  for (;;) {
    const absl::Time next = RunDue();
    absl::MutexLock lock(&inbox_mu_);
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(inbox_mu_) {
      return stopping_ || everything_ || !inbox_.empty();
    };
    inbox_mu_.AwaitWithTimeout(absl::Condition(&woken), next - clock_->Now());
    if (stopping_) return;
  }
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* ScoreboardWatchHub::Watch(
    grpc::CallbackServerContext* context, const WatchKey& key, std::string caller) {
  auto* stream = new events::LatestValueStream(
      context, {.stall_timeout = options_.stall_timeout,
                .resume_hint = "call WatchScoreboard again for the scoreboard as it now stands",
                .on_done = [this](events::LatestValueSink* self) { Remove(self); },
                .clock = clock_});
  if (absl::Status added = Add(key, stream, std::move(caller)); !added.ok()) {
    delete stream;  // never handed to gRPC
    return events::FinishedStream(added);
  }
  // gRPC calls no reaction before this handler returns the stream, so it
  // is still registered here.
  if (absl::Status first = First(stream); !first.ok()) stream->End(first);
  return stream;
}

absl::Status ScoreboardWatchHub::Add(const WatchKey& key, events::LatestValueSink* sink,
                                     std::string caller) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) {
    return absl::UnavailableError("the server is shutting down; call WatchScoreboard again");
  }
  if (watchers_.size() >= options_.max_watches) {
    return ErrorWithInfo(
        absl::StatusCode::kResourceExhausted, "TOO_MANY_WATCHES",
        absl::StrCat("this server has its most scoreboard watches (", options_.max_watches,
                     "): close one or try another server later"),
        {{"max_watches", absl::StrCat(options_.max_watches)}});
  }
  size_t& mine = per_caller_[caller];
  if (mine >= options_.max_watches_per_caller) {
    if (mine == 0) per_caller_.erase(caller);
    return ErrorWithInfo(
        absl::StatusCode::kResourceExhausted, "TOO_MANY_WATCHES",
        absl::StrCat("you have your most scoreboard watches (", options_.max_watches_per_caller,
                     "): close one first"),
        {{"max_watches_per_caller", absl::StrCat(options_.max_watches_per_caller)}});
  }
  ++mine;
  watchers_[sink] = Watcher{.key = key, .caller = std::move(caller)};
  keys_[key].watchers.insert(sink);
  departments_[key.department].keys.insert(key);
  return absl::OkStatus();
}

absl::Status ScoreboardWatchHub::First(events::LatestValueSink* sink) {
  WatchKey key;
  uint64_t ticket = 0;
  {
    absl::MutexLock lock(&mu_);
    auto it = watchers_.find(sink);
    if (it == watchers_.end()) return absl::OkStatus();  // gone already
    key = it->second.key;
    ticket = ++last_ticket_;
  }
  absl::StatusOr<v1::Scoreboard> board = options_.compute(key);
  if (!board.ok()) return board.status();
  absl::MutexLock lock(&mu_);
  if (watchers_.contains(sink)) PublishLocked(key, ticket, *board, sink);
  return absl::OkStatus();
}

void ScoreboardWatchHub::Remove(events::LatestValueSink* sink) {
  absl::MutexLock lock(&mu_);
  auto it = watchers_.find(sink);
  if (it == watchers_.end()) return;
  const WatchKey key = std::move(it->second.key);
  if (auto mine = per_caller_.find(it->second.caller); --mine->second == 0) {
    per_caller_.erase(mine);
  }
  watchers_.erase(it);
  auto key_it = keys_.find(key);
  key_it->second.watchers.erase(sink);
  if (!key_it->second.watchers.empty()) return;
  keys_.erase(key_it);
  dirty_.erase(key);
  auto department = departments_.find(key.department);
  department->second.keys.erase(key);
  if (!department->second.keys.empty()) return;
  for (const std::string& team : department->second.teams) team_department_.erase(team);
  departments_.erase(department);
}

void ScoreboardWatchHub::Mark(ChangeMarks marks) {
  if (marks.empty()) return;
  absl::MutexLock lock(&inbox_mu_);
  if (everything_) return;
  inbox_.Merge(std::move(marks));
  if (inbox_.size() > options_.max_inbox_ids) {
    everything_ = true;
    inbox_ = ChangeMarks();
  }
}

void ScoreboardWatchHub::MarkEverything() {
  absl::MutexLock lock(&inbox_mu_);
  everything_ = true;
  inbox_ = ChangeMarks();
}

void ScoreboardWatchHub::MarkDepartmentLocked(const std::string& department, Change change) {
  auto it = departments_.find(department);
  if (it == departments_.end()) return;  // not watched
  for (const WatchKey& key : it->second.keys) {
    Change& waiting = dirty_.try_emplace(key, change).first->second;
    waiting = std::max(waiting, change);
  }
}

const std::string* ScoreboardWatchHub::DepartmentOfTeamLocked(const std::string& team) const {
  auto it = team_department_.find(team);
  return it == team_department_.end() ? nullptr : &it->second;
}

absl::Time ScoreboardWatchHub::RunDue() {
  ChangeMarks marks;
  bool everything = false;
  {
    absl::MutexLock lock(&inbox_mu_);
    marks = std::exchange(inbox_, ChangeMarks());
    everything = std::exchange(everything_, false);
  }
  const absl::Time now = clock_->Now();
  std::vector<Due> due;
  absl::Time next = absl::InfiniteFuture();
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return next;
    for (const std::string& department : marks.departments) {
      MarkDepartmentLocked(department, marks.decided_departments.contains(department)
                                           ? Change::kDecision
                                           : Change::kVolume);
    }
    for (const std::string& team : marks.teams) {
      if (const std::string* department = DepartmentOfTeamLocked(team)) {
        MarkDepartmentLocked(
            *department, marks.decided_teams.contains(team) ? Change::kDecision : Change::kVolume);
      }
    }
    // A new day moves every window.
    if (options_.calendar.has_value() && now >= next_day_) {
      if (next_day_ != absl::InfinitePast()) everything = true;
      next_day_ = options_.calendar->StartOf(options_.calendar->DayOf(now) + 1);
    }
    if (everything) {  // a new day, a rebuild: every figure may have moved
      for (const auto& [key, state] : keys_) dirty_[key] = Change::kDecision;
    }
    if (now >= next_stall_check_) {
      for (auto& [sink, watcher] : watchers_) sink->CheckStall(now);
      next_stall_check_ = now + options_.stall_check;
    }
    next = std::min(next_day_ == absl::InfinitePast() ? next : next_day_, next_stall_check_);
    // Leading edge: a key quiet for its interval goes now; one recomputed
    // less than that ago waits for the interval's end, with every change
    // since. A decision shortens the wait (the header).
    for (auto it = dirty_.begin(); it != dirty_.end();) {
      const auto& [key, change] = *it;
      KeyState& state = keys_[key];
      const absl::Time allowed =
          state.last_computed +
          (change == Change::kDecision ? options_.decision_interval : options_.min_interval);
      if (now < allowed) {
        next = std::min(next, allowed);
        ++it;
        continue;
      }
      state.last_computed = now;
      due.push_back({key, ++last_ticket_});
      dirty_.erase(it++);
    }
  }
  for (const Due& job : due) {
    // Outside the lock: a recomputation reads RocksDB; marks and new
    // watchers go on meanwhile.
    absl::StatusOr<v1::Scoreboard> board = options_.compute(job.key);
    absl::MutexLock lock(&mu_);
    ++recomputations_;
    if (shut_down_) break;
    auto it = keys_.find(job.key);
    if (it == keys_.end()) continue;  // no watcher left
    if (board.ok()) {
      PublishLocked(job.key, job.ticket, *board, nullptr);
      continue;
    }
    log::Warn("a watched scoreboard could not be recomputed; its streams end",
              {{"department", job.key.department}, {"error", board.status().ToString()}});
    for (events::LatestValueSink* sink : it->second.watchers) sink->End(board.status());
  }
  return next;
}

void ScoreboardWatchHub::PublishLocked(const WatchKey& key, uint64_t ticket,
                                       const v1::Scoreboard& board, events::LatestValueSink* only) {
  LearnTeamsLocked(key.department, board);
  const std::string fingerprint = Fingerprint(board);
  std::shared_ptr<const std::string> message;  // made once, for the first watcher it is news to
  auto offer = [&](events::LatestValueSink* sink) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Watcher& watcher = watchers_[sink];
    if (ticket <= watcher.ticket) return;  // it has a newer read already
    watcher.ticket = ticket;
    if (watcher.fingerprint == fingerprint) return;
    watcher.fingerprint = fingerprint;
    if (message == nullptr) message = Message(board);
    sink->Offer(message);
    ++pushes_;
  };
  if (only != nullptr) {
    offer(only);
    return;
  }
  for (events::LatestValueSink* sink : keys_[key].watchers) offer(sink);
}

void ScoreboardWatchHub::LearnTeamsLocked(const std::string& department,
                                          const v1::Scoreboard& board) {
  auto it = departments_.find(department);
  if (it == departments_.end()) return;
  std::vector<std::string>& teams = it->second.teams;
  if (static_cast<size_t>(board.rows_size()) == teams.size()) return;  // teams never leave
  teams.clear();
  for (const v1::ScoreboardRow& row : board.rows()) {
    std::string team(absl::StripPrefix(row.team(), api::kTeams));
    team_department_[team] = department;
    teams.push_back(std::move(team));
  }
}

WatchHubStats ScoreboardWatchHub::stats() const {
  absl::MutexLock lock(&mu_);
  return {.watches = watchers_.size(),
          .keys = keys_.size(),
          .recomputations = recomputations_,
          .pushes = pushes_};
}

}  // namespace baton::rating
