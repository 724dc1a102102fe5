#ifndef BATON_SERVICES_RATING_SCOREBOARD_WATCH_HUB_H_
#define BATON_SERVICES_RATING_SCOREBOARD_WATCH_HUB_H_

// WatchScoreboard's engine: which scoreboards are watched, when each is
// recomputed, and who is sent what.
//
// Marks in, off the write path. After each durable batch, each rating
// consumer hands the hub what the batch touched (Mark: scoreboard_marks.h).
// Mark only merges ids into an inbox under a lock of its own and wakes the
// hub's thread: O(ids touched), never waiting for a recomputation, a
// stream or a disk. A spurious mark (a batch that failed and was retried)
// costs one recomputation that finds the scoreboard equal: no push.
//
// Recomputation, coalesced, leading edge. A watched scoreboard is one
// (department, days, order): a WatchKey. Marks make the keys of their
// departments dirty (a team's mark: the department its row is on), by a
// decision or only by volume (scoreboard_marks.h). A dirty key is
// recomputed at once when it was last recomputed its interval or more ago
// — a change after a quiet spell goes out without waiting — and otherwise
// when that interval ends, once for all the changes in it. The interval is
// `min_interval` (200 ms) while only volume changed and `decision_interval`
// (25 ms) once a decision did. So under a stream of offers a board is
// pushed a few times a second, an acceptance in it still goes out within
// 25 ms plus the recomputation, and a key costs at most one recomputation
// per decision_interval however many events touch it. Why two intervals:
// one short interval would recompute a 200-team board 40 times a second
// for offer counts that nobody reads at that pace; one long one would hold
// back the decisions a wall screen is watched for by up to 200 ms. One
// recomputation per key is shared by all its watchers;
// each watcher is sent it only when it differs from the last scoreboard
// that watcher was sent (as_of aside: it is the time of the read).
// Recomputations run on the hub's thread ("baton-watch"), never on a
// consumer or commit thread, one key at a time.
//
// The day rolls over. Every window is "the last N days up to today", so
// at the start of each of the organisation's days every watched key is
// recomputed without any event (and the watchers that see a change get it).
//
// Order. Each recomputation takes a ticket before it reads (the durable
// snapshot, which only moves forward); a watcher is never sent a
// scoreboard with a ticket older than one it was sent. A change durable
// before a ticket is in that read; one after it marks the key again.
//
// Bounds (every one documented, none grows with traffic):
//   - watches: at most `max_watches` streams per process; one more is
//     refused with RESOURCE_EXHAUSTED naming the limit;
//   - per stream: two messages (events::LatestValueStream: the one being
//     written, the newest waiting); a client that takes no message for
//     `stall_timeout` is ended with RESOURCE_EXHAUSTED;
//   - the inbox: at most `max_inbox_ids` ids; past that it collapses to
//     "everything changed" (every key recomputed once);
//   - per key: the ids of its department's teams (from its last scoreboard).
//
// Shutdown() ends every stream with UNAVAILABLE and refuses new ones.
//
// Thread-safety: thread-safe. Lock order: mu_ before a stream's own lock
// (the hub offers and ends under mu_); inbox_mu_ is never held with
// another.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/events/latest_value_stream.h"
#include "common/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "services/rating/rollup_layout.h"
#include "services/rating/scoreboard_marks.h"

namespace baton::rating {

// One watched scoreboard.
struct WatchKey {
  std::string department;  // an id, not a name
  int days = 0;            // 1..kMaxWindowDays
  v1::ScoreboardOrder order = v1::SCOREBOARD_ORDER_SCORE;

  friend bool operator==(const WatchKey&, const WatchKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const WatchKey& key) {
    return H::combine(std::move(h), key.department, key.days, key.order);
  }
};

// The key of a valid request of department `department`: days 0 → the
// default window (kDefaultWindowDays), order UNSPECIFIED → SCORE, so that
// the two spellings share one recomputation.
WatchKey KeyOf(std::string department, const v1::WatchScoreboardRequest& request);

// The window of `days` days ending on `today`, as the API's Window.
v1::Window WindowEndingOn(DayNumber today, int days);

// Computes a key's scoreboard now (RatingQueries::DepartmentScoreboard
// over WindowEndingOn(today, days)). Called on the hub's thread and, for a
// new watcher's first message, on the gRPC thread that opened it.
using ComputeScoreboard = std::function<absl::StatusOr<v1::Scoreboard>(const WatchKey& key)>;

struct ScoreboardWatchOptions {
  // Required.
  ComputeScoreboard compute;
  // The organisation's calendar: every key is recomputed when its day
  // starts. Default: none (no recomputation without events).
  std::optional<DayCalendar> calendar;
  // Least time between two recomputations of one key while only volume
  // changed ("a few times a second"). Default: 200 ms.
  absl::Duration min_interval = absl::Milliseconds(200);
  // The same once a decision changed it (≤ min_interval). Default: 25 ms.
  absl::Duration decision_interval = absl::Milliseconds(25);
  // Most streams at once, and of one caller (a principal's subject): one
  // caller cannot take every slot from the wall screens, nor make the hub
  // recompute hundreds of distinct keys. Defaults: 1000, 32.
  size_t max_watches = 1000;
  size_t max_watches_per_caller = 32;
  // A client that takes no message for this long is ended. Default: 30 s.
  absl::Duration stall_timeout = absl::Seconds(30);
  // How often the streams' stall rules are applied, so a stalled client
  // is ended between stall_timeout and stall_timeout + this. Default: 1 s.
  absl::Duration stall_check = absl::Seconds(1);
  // Most ids the inbox holds between two passes. Default: 10,000.
  size_t max_inbox_ids = 10'000;
  // Default: Clock::Real().
  const Clock* clock = nullptr;
};

// For tests and metrics.
struct WatchHubStats {
  size_t watches = 0;
  size_t keys = 0;
  uint64_t recomputations = 0;  // by the hub's thread (not first messages)
  uint64_t pushes = 0;          // messages offered to streams, first ones included
};

class ScoreboardWatchHub {
 public:
  explicit ScoreboardWatchHub(ScoreboardWatchOptions options);
  // Shutdown().
  ~ScoreboardWatchHub();

  ScoreboardWatchHub(const ScoreboardWatchHub&) = delete;
  ScoreboardWatchHub& operator=(const ScoreboardWatchHub&) = delete;

  // Starts the hub's thread. Without it nothing is recomputed but first
  // messages (tests drive RunDue themselves). Once.
  void Start();
  // Ends every stream with UNAVAILABLE, refuses new ones, stops the
  // thread. Idempotent.
  void Shutdown();

  // WatchScoreboard after validation: a LatestValueStream of `key` (its
  // first message the scoreboard now, computed on this thread), or a
  // stream ended at once: UNAVAILABLE when shut down, RESOURCE_EXHAUSTED
  // at max_watches, the computation's error (NOT_FOUND for a department
  // without teams, as GetDepartmentScoreboard).
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(grpc::CallbackServerContext* context,
                                                    const WatchKey& key, std::string caller);

  // What Watch does, without gRPC (the unit tests' fake streams):
  // registers `sink` as `caller`'s watcher of `key` (UNAVAILABLE;
  // RESOURCE_EXHAUSTED TOO_MANY_WATCHES at max_watches or at
  // max_watches_per_caller), then First computes the key now and offers the result to
  // it (the computation's error, for the caller to End the sink with).
  // `sink` stays registered until Remove, which its owner calls when done
  // (after which the hub never calls it).
  absl::Status Add(const WatchKey& key, events::LatestValueSink* sink, std::string caller);
  absl::Status First(events::LatestValueSink* sink);
  void Remove(events::LatestValueSink* sink);

  // What a durable batch touched. For the consumers' on_committed.
  void Mark(ChangeMarks marks);
  // Every watched scoreboard may have changed (e.g. the rollups were
  // rebuilt under new rules).
  void MarkEverything();

  // One pass: takes the inbox, applies the day and stall rules, recomputes
  // the keys that are due and pushes what changed. Returns when the next
  // pass is due without a mark. The thread calls it; tests with a
  // FakeClock call it instead of Start().
  absl::Time RunDue();

  WatchHubStats stats() const;

 private:
  struct Watcher {
    WatchKey key;
    std::string caller;
    uint64_t ticket = 0;      // of the last scoreboard offered (0: none)
    std::string fingerprint;  // of that scoreboard, as_of aside
  };
  struct KeyState {
    absl::flat_hash_set<events::LatestValueSink*> watchers;
    absl::Time last_computed = absl::InfinitePast();
  };
  struct DepartmentState {
    absl::flat_hash_set<WatchKey> keys;
    std::vector<std::string> teams;  // of its last scoreboard (ids)
  };
  struct Due {
    WatchKey key;
    uint64_t ticket;
  };

  void Loop();
  void MarkDepartmentLocked(const std::string& department, Change change)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The department of watched team `team`, or null.
  const std::string* DepartmentOfTeamLocked(const std::string& team) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Offers `board` (read under `ticket`) to the watchers of `key` it is
  // news to — only to `only` when set — and learns the department's teams.
  void PublishLocked(const WatchKey& key, uint64_t ticket, const v1::Scoreboard& board,
                     events::LatestValueSink* only) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void LearnTeamsLocked(const std::string& department, const v1::Scoreboard& board)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ScoreboardWatchOptions options_;
  const Clock* const clock_;

  mutable absl::Mutex mu_ ABSL_ACQUIRED_BEFORE(inbox_mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<events::LatestValueSink*, Watcher> watchers_ ABSL_GUARDED_BY(mu_);
  // Streams per caller (none at 0: erased).
  absl::flat_hash_map<std::string, size_t> per_caller_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<WatchKey, KeyState> keys_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, DepartmentState> departments_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> team_department_ ABSL_GUARDED_BY(mu_);
  // The keys to recompute, and the most urgent change each waits with.
  absl::flat_hash_map<WatchKey, Change> dirty_ ABSL_GUARDED_BY(mu_);
  uint64_t last_ticket_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_day_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time next_stall_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t recomputations_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t pushes_ ABSL_GUARDED_BY(mu_) = 0;

  // What Mark hands over; the only lock a consumer takes.
  absl::Mutex inbox_mu_;
  ChangeMarks inbox_ ABSL_GUARDED_BY(inbox_mu_);
  bool everything_ ABSL_GUARDED_BY(inbox_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(inbox_mu_) = false;

  std::thread thread_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_SCOREBOARD_WATCH_HUB_H_
