#include "services/rating/rollup_layout.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"

namespace baton::rating {
namespace {

// Flipping the sign bit maps int32 order onto uint32 order.
constexpr uint32_t kDayBias = 0x80000000u;

const absl::CivilDay kEpoch(1970, 1, 1);

[[noreturn]] void Die(absl::string_view what, int value) {
  std::cerr << "baton: " << what << " " << value << " out of range\n";
  std::abort();
}

void CheckScore(int score) {
  if (score < 1 || score > 5) Die("rating score", score);
}

void CheckBucket(int bucket) {
  if (bucket < 0 || bucket >= kLatencyBuckets) Die("latency bucket", bucket);
}

DayNumber ClampDay(int64_t days) {
  return static_cast<DayNumber>(std::clamp<int64_t>(days, std::numeric_limits<DayNumber>::min(),
                                                    std::numeric_limits<DayNumber>::max()));
}

}  // namespace

uint32_t RatingSlot(Dimension dimension, int score) {
  CheckScore(score);
  return slot::kRatingHistogram + static_cast<uint32_t>(dimension) * 5 + (score - 1);
}

uint32_t VerdictSlot(int score) {
  CheckScore(score);
  return slot::kVerdictHistogram + (score - 1);
}

uint32_t AcceptLatencySlot(int bucket) {
  CheckBucket(bucket);
  return slot::kAcceptLatency + bucket;
}

uint32_t ComplaintResponseSlot(int bucket) {
  CheckBucket(bucket);
  return slot::kComplaintResponse + bucket;
}

std::vector<int64_t> RatingCounts(std::span<const int64_t> counters, Dimension dimension) {
  std::vector<int64_t> out;
  for (int score = 1; score <= 5; ++score) {
    out.push_back(storage::CounterAt(counters, RatingSlot(dimension, score)));
  }
  return out;
}

std::vector<int64_t> HistogramCounts(std::span<const int64_t> counters, uint32_t first_slot) {
  std::vector<int64_t> out;
  for (int i = 0; i < kLatencyBuckets; ++i)
    out.push_back(storage::CounterAt(counters, first_slot + i));
  return out;
}

std::string RollupOwnerPrefix(const RollupOwner& owner) {
  storage::KeyWriter w;
  w.Byte(static_cast<uint8_t>(owner.scope)).Str(owner.id);
  if (owner.scope == Scope::kChainStage) w.U32(owner.stage);
  return w.Take();
}

std::string RollupKey(const RollupOwner& owner, DayNumber day) {
  std::string key = RollupOwnerPrefix(owner);
  storage::KeyWriter w;
  w.U32(static_cast<uint32_t>(day) ^ kDayBias);
  key += w.key();
  return key;
}

absl::StatusOr<std::pair<RollupOwner, DayNumber>> ParseRollupKey(absl::string_view key) {
  storage::KeyReader r(key);
  RollupOwner owner;
  uint8_t scope = 0;
  uint32_t day = 0;
  bool ok = r.Byte(&scope) && scope >= static_cast<uint8_t>(Scope::kSupplierTeam) &&
            scope <= static_cast<uint8_t>(Scope::kChainStage) && r.Str(&owner.id);
  owner.scope = static_cast<Scope>(scope);
  if (ok && owner.scope == Scope::kChainStage) ok = r.U32(&owner.stage);
  ok = ok && r.U32(&day) && r.done();
  if (!ok) return absl::DataLossError("malformed rollup key");
  return std::make_pair(std::move(owner), static_cast<DayNumber>(day ^ kDayBias));
}

absl::StatusOr<DayCalendar> DayCalendar::Load(absl::string_view zone) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(zone, &tz)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time zone \"", zone,
                     "\" did not load: not an IANA zone name, or no zoneinfo (install tzdata, "
                     "or set TZDIR)"));
  }
  return DayCalendar(std::string(zone), tz);
}

DayNumber DayCalendar::DayOf(absl::Time t) const {
  return ClampDay(absl::ToCivilDay(t, tz_) - kEpoch);
}

absl::Time DayCalendar::StartOf(DayNumber day) const {
  const absl::TimeZone::TimeInfo info = tz_.At(absl::CivilSecond(ToCivil(day)));
  // Where midnight is skipped (a DST jump), the day starts at the jump.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

DayNumber DayCalendar::FromCivil(absl::CivilDay day) { return ClampDay(day - kEpoch); }

absl::CivilDay DayCalendar::ToCivil(DayNumber day) { return kEpoch + day; }

std::string DayCalendar::Format(DayNumber day) { return absl::FormatCivilTime(ToCivil(day)); }

absl::StatusOr<DayNumber> DayCalendar::Parse(absl::string_view text) {
  absl::CivilDay civil;
  // Parse then print back: only the canonical "YYYY-MM-DD" passes. Years
  // are bounded so that a window, its day after and the window before it
  // stay far inside DayNumber (Abseil parses years up to ±2^63).
  if (!absl::ParseCivilTime(text, &civil) || absl::FormatCivilTime(civil) != text ||
      civil.year() < kFirstYear || civil.year() > kLastYear) {
    return absl::InvalidArgumentError(
        absl::StrCat("day \"", text, "\" is not YYYY-MM-DD from ", kFirstYear, " to ", kLastYear));
  }
  return FromCivil(civil);
}

absl::StatusOr<std::vector<DayCounters>> ReadRollupWindow(rocksdb::DB* db,
                                                          rocksdb::ColumnFamilyHandle* cf,
                                                          rocksdb::ReadOptions read_options,
                                                          const RollupOwner& owner, DayNumber from,
                                                          DayNumber to) {
  std::vector<DayCounters> out;
  if (from >= to) return out;
  const std::string lower = RollupKey(owner, from);
  const std::string upper = RollupKey(owner, to);
  const rocksdb::Slice upper_slice(upper);
  read_options.iterate_upper_bound = &upper_slice;
  read_options.iterate_lower_bound = nullptr;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, cf));
  const size_t prefix_size = lower.size() - 4;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    // The bounds hold only this owner's keys, each prefix + 4 day bytes.
    if (key.size() != lower.size() || !key.starts_with(rocksdb::Slice(lower.data(), prefix_size))) {
      return absl::DataLossError("unexpected key in a rollup window");
    }
    auto parsed = ParseRollupKey(absl::string_view(key.data(), key.size()));
    if (!parsed.ok()) return parsed.status();
    auto counters =
        storage::DecodeCounters(absl::string_view(it->value().data(), it->value().size()));
    if (!counters.ok()) return counters.status();
    out.push_back({parsed->second, *std::move(counters)});
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return out;
}

absl::StatusOr<std::vector<int64_t>> SumDays(std::span<const DayCounters> days) {
  std::vector<int64_t> total;
  for (const DayCounters& day : days) {
    if (day.counters.size() > total.size()) total.resize(day.counters.size(), 0);
    for (size_t i = 0; i < day.counters.size(); ++i) {
      if (__builtin_add_overflow(total[i], day.counters[i], &total[i])) {
        return absl::OutOfRangeError(absl::StrCat("rollup counter ", i, " overflows int64"));
      }
    }
  }
  return total;
}

}  // namespace baton::rating
