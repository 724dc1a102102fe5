#ifndef BATON_SERVICES_RATING_ROLLUP_LAYOUT_H_
#define BATON_SERVICES_RATING_ROLLUP_LAYOUT_H_

// Where rollups live: the counter slots of one rollup value (every writer
// and reader agrees on the indexes here), the keys of rollup values, the
// organisation's day buckets, and the window read.
//
// A rollup value is a counters vector (common/storage/counters_merge.h,
// operator "baton.counters.v1"): one per (scope, owner, day), updated only
// by Merge. Slots are fixed forever: a new figure takes a new slot past the
// last (the gaps below are room to grow a group); a slot is never reused or
// moved, so old values read correctly and a missing slot reads 0.

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/storage/counters_merge.h"
#include "rocksdb/db.h"
#include "services/rating/histogram.h"

namespace baton::rating {

// The counter slots of a rollup value. "Decided" = accepted or returned.
namespace slot {
// Handoffs (on the side the scope names).
inline constexpr uint32_t kOffers = 0;
inline constexpr uint32_t kAccepts = 1;
inline constexpr uint32_t kReturns = 2;
inline constexpr uint32_t kDrops = 3;
inline constexpr uint32_t kOverdue = 4;
inline constexpr uint32_t kDecided = 5;
// Accepted at their first attempt; decided by their due time.
inline constexpr uint32_t kFirstPass = 6;
inline constexpr uint32_t kOnTime = 7;
// Funnel (chain stage scope): items that reached the stage and that passed it on.
inline constexpr uint32_t kEntered = 8;
inline constexpr uint32_t kPassed = 9;
// Quality: Σ q × kQualityScale (scoring.h) and the number of scores.
inline constexpr uint32_t kScoreSum = 10;
inline constexpr uint32_t kScoreCount = 11;
// Ratings (counted when given; a revision moves counts, never adds one) and
// ratings overturned on dispute (which leave the histograms and scores).
inline constexpr uint32_t kRatings = 12;
inline constexpr uint32_t kOverturned = 13;
// Feedback threads by kind, escalations.
inline constexpr uint32_t kPraise = 14;
inline constexpr uint32_t kComplaints = 15;
inline constexpr uint32_t kSuggestions = 16;
inline constexpr uint32_t kGrievances = 17;
inline constexpr uint32_t kEscalations = 18;
// Disputes filed, upheld, overturned.
inline constexpr uint32_t kDisputesFiled = 19;
inline constexpr uint32_t kDisputesUpheld = 20;
inline constexpr uint32_t kDisputesOverturned = 21;
// The outside customer's verdicts (1–5): count and sum; of items passed on
// at the first attempt and of items reworked at least once.
inline constexpr uint32_t kVerdicts = 22;
inline constexpr uint32_t kVerdictSum = 23;
inline constexpr uint32_t kVerdictsFirstPass = 24;
inline constexpr uint32_t kVerdictSumFirstPass = 25;
inline constexpr uint32_t kVerdictsReworked = 26;
inline constexpr uint32_t kVerdictSumReworked = 27;
// Threads addressed to the owner that are open (submitted or reopened, not
// yet resolved or dismissed): a standing count, kept only on
// kStandingDay.
inline constexpr uint32_t kOpenFeedback = 28;
// 29..31: free.
// Rating histograms: 5 dimensions × scores 1..5, at RatingSlot().
inline constexpr uint32_t kRatingHistogram = 32;  // .. 56
// 57..63: free.
// Verdict histogram: scores 1..5, at VerdictSlot().
inline constexpr uint32_t kVerdictHistogram = 64;  // .. 68
// 69..79: free.
// Time from offer to decision, kLatencyBuckets buckets (histogram.h).
inline constexpr uint32_t kAcceptLatency = 80;  // .. 109
// 110..111: free.
// Time from a complaint to its acknowledgement, kLatencyBuckets buckets.
inline constexpr uint32_t kComplaintResponse = 112;  // .. 141
// One past the last slot in use.
inline constexpr uint32_t kEnd = kComplaintResponse + kLatencyBuckets;
}  // namespace slot

static_assert(slot::kRatingHistogram + 25 <= slot::kVerdictHistogram);
static_assert(slot::kVerdictHistogram + 5 <= slot::kAcceptLatency);
static_assert(slot::kAcceptLatency + kLatencyBuckets <= slot::kComplaintResponse);
static_assert(slot::kEnd <= storage::kMaxCounters);

// The rating dimensions, in the order of their histograms.
enum class Dimension : uint32_t {
  kOverall = 0,
  kCompleteness = 1,
  kAccuracy = 2,
  kTimeliness = 3,
  kCommunication = 4,
};

// The slot counting ratings of `score` (1–5) on `dimension`; aborts on a
// score outside 1–5 (callers validate ratings first).
uint32_t RatingSlot(Dimension dimension, int score);
// The slot counting verdicts of `score` (1–5); aborts outside 1–5.
uint32_t VerdictSlot(int score);
// The slots of latency bucket `bucket` (histogram.h); abort outside range.
uint32_t AcceptLatencySlot(int bucket);
uint32_t ComplaintResponseSlot(int bucket);

// The five counts of a dimension's histogram (scores 1..5) in `counters`
// (a value shorter than the layout reads 0 there).
std::vector<int64_t> RatingCounts(std::span<const int64_t> counters, Dimension dimension);
// The kLatencyBuckets counts of the histogram starting at `first_slot`.
std::vector<int64_t> HistogramCounts(std::span<const int64_t> counters, uint32_t first_slot);

// Whose figures a rollup holds.
enum class Scope : uint8_t {
  // A team's handoffs as their supplier, and as their customer.
  kSupplierTeam = 1,
  kCustomerTeam = 2,
  kDepartment = 3,
  // One stage of a chain (the owner id is the chain's; `stage` its index).
  kChainStage = 4,
};

struct RollupOwner {
  Scope scope = Scope::kSupplierTeam;
  // The team's, department's or chain's id (not its resource name).
  std::string id;
  // The stage index, for kChainStage only (0 otherwise).
  uint32_t stage = 0;

  friend bool operator==(const RollupOwner&, const RollupOwner&) = default;
};

// Days are counted from 1970-01-01 (day 0) in the organisation's time zone.
using DayNumber = int32_t;

// The key day of an owner's standing counts (kOpenFeedback): a state "now"
// rather than a flow per day. Past every calendar day a window can name
// (DayCalendar::Parse stops at 9999-12-31), so no window scan reaches it;
// read with one Get of RollupKey(owner, kStandingDay).
inline constexpr DayNumber kStandingDay = std::numeric_limits<DayNumber>::max();

// Rollup keys (storage/key_codec.h, in the rollups column family):
//   Byte(scope) Str(id) [U32(stage), kChainStage only] U32(day + 2^31)
// The day is big-endian with its sign bit flipped, so byte order is day
// order (also before 1970) and every key of one owner has the owner
// prefix and exactly four bytes after it: the window [from, to) of one
// owner is the key range [RollupKey(owner, from), RollupKey(owner, to)).
std::string RollupOwnerPrefix(const RollupOwner& owner);
std::string RollupKey(const RollupOwner& owner, DayNumber day);
// The owner and day of a key; DATA_LOSS when it is not a rollup key.
absl::StatusOr<std::pair<RollupOwner, DayNumber>> ParseRollupKey(absl::string_view key);

// The organisation's calendar: which day an instant falls on in its time
// zone. Copyable; thread-safe (immutable).
class DayCalendar {
 public:
  // Loads `zone` (an IANA name, e.g. "Asia/Shanghai"; "UTC"), from the
  // system's zoneinfo (Debian: the tzdata package) or $TZDIR.
  // INVALID_ARGUMENT naming the zone when it does not load: never a silent
  // fall back to UTC, which would put every event of the early hours on
  // the wrong day.
  static absl::StatusOr<DayCalendar> Load(absl::string_view zone);

  const std::string& zone_name() const { return name_; }
  // The day `t` falls on (clamped to the int32 range for absurd times).
  DayNumber DayOf(absl::Time t) const;
  // The instant the day starts (its first second that exists in the zone).
  absl::Time StartOf(DayNumber day) const;

  // Calendar days, zone-free.
  static DayNumber FromCivil(absl::CivilDay day);
  static absl::CivilDay ToCivil(DayNumber day);
  // "YYYY-MM-DD" and back; INVALID_ARGUMENT for anything else, and for
  // years outside kFirstYear..kLastYear.
  static constexpr int kFirstYear = 1970, kLastYear = 9999;
  static std::string Format(DayNumber day);
  static absl::StatusOr<DayNumber> Parse(absl::string_view text);

 private:
  DayCalendar(std::string name, absl::TimeZone tz) : name_(std::move(name)), tz_(tz) {}

  std::string name_;
  absl::TimeZone tz_;
};

// One day's rollup value, as read by a window scan.
struct DayCounters {
  DayNumber day = 0;
  std::vector<int64_t> counters;
};

// The rollup values of `owner` for the days in [from, to), in day order,
// days without a value left out: one range scan of `cf`, however long the
// history. DATA_LOSS when a value does not decode (or the merge of its
// operands failed); otherwise RocksDB's error (FromRocksDb). Reads through
// `read_options` (e.g. Store::DurableReads); its bounds are replaced.
absl::StatusOr<std::vector<DayCounters>> ReadRollupWindow(rocksdb::DB* db,
                                                          rocksdb::ColumnFamilyHandle* cf,
                                                          rocksdb::ReadOptions read_options,
                                                          const RollupOwner& owner, DayNumber from,
                                                          DayNumber to);

// The element-wise sum of `days` (the window's figures); the result is as
// long as the longest. OUT_OF_RANGE when a sum leaves int64.
absl::StatusOr<std::vector<int64_t>> SumDays(std::span<const DayCounters> days);

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_ROLLUP_LAYOUT_H_
