#ifndef BATON_COMMON_STORAGE_COUNTERS_MERGE_H_
#define BATON_COMMON_STORAGE_COUNTERS_MERGE_H_

// A RocksDB merge operator for a dense vector of signed 64-bit counters, so
// that rollups (counts, sums, histograms) are updated without reading first.
//
// A value is the vector; an operand adds deltas at some indexes. Indexes a
// value does not hold count 0; a value grows to one past the largest index
// any value or operand applied to it has named (also when the delta there
// was 0), so its length never depends on how RocksDB grouped the operands.
// Indexes are bounded: every index is < kMaxCounters (4096); a larger one
// makes the operand malformed.
//
// Encoding (fixed; the bytes on disk are this format forever — a change is
// a new tag byte and a new operator name):
//   varint:  unsigned LEB128 (7 bits per byte, low first, high bit = more),
//            at most 10 bytes, the value fitting in 64 bits.
//   zigzag:  a signed n as the varint of (n << 1) ^ (n >> 63).
//   value:   0x01, varint n (n ≤ kMaxCounters), then n zigzag counters for
//            indexes 0..n-1. The empty vector is {0x01, 0x00}.
//   operand: 0x02, varint m (m ≤ kMaxCounters), then m pairs (varint index,
//            zigzag delta) with strictly increasing indexes, each index
//            < kMaxCounters.
// Nothing may follow the last entry. A malformed value or operand (wrong
// tag, bad varint, index out of order or bound, trailing bytes, a value
// given as an operand or the other way round) makes the merge return false,
// which RocksDB reports as Status::Corruption on the read (DATA_LOSS through
// FromRocksDb) or fails the compaction. It never reads as zero.
//
// Overflow fails; it never saturates or wraps. A merge adds exactly (in
// 128-bit arithmetic) and a counter whose result leaves int64 makes the
// merge return false, as for a malformed input. So a value that reads at all
// is the exact sum of everything merged into it, however RocksDB grouped
// the operands (saturation would make the result depend on the grouping:
// MAX-1 then +5 then -5 gives MAX-5 one at a time but MAX-1 combined).
// PartialMerge of operands whose combined delta would leave int64 declines
// (returns false: RocksDB keeps them apart) rather than failing. Counters
// are event counts and fixed-point sums far below 2^63; an overflow means
// a bug or a hostile writer, and the error says so instead of a wrong
// number.
//
// Thread-safety: the operator has no state; RocksDB calls it from any thread.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/merge_operator.h"

namespace baton::storage {

// Every index is below this.
inline constexpr uint32_t kMaxCounters = 4096;
// The operator's name; never changes (a new encoding gets a new name).
inline constexpr char kCountersMergeOperatorName[] = "baton.counters.v1";

// Builds one operand: Add deltas, then Encode. Adds at the same index are
// summed. Not thread-safe.
class CounterDelta {
 public:
  CounterDelta() = default;
  // Adds `delta` at `index`. An index ≥ kMaxCounters, or a sum at one index
  // that leaves int64, is remembered and returned by Encode.
  CounterDelta& Add(uint32_t index, int64_t delta);
  // True when nothing was added.
  bool empty() const { return deltas_.empty() && error_.ok(); }
  // The operand bytes (format above), or INVALID_ARGUMENT naming the first
  // bad Add.
  absl::StatusOr<std::string> Encode() const;

 private:
  std::map<uint32_t, int64_t> deltas_;
  absl::Status error_;
};

// The value bytes of `counters` (format above); INVALID_ARGUMENT when there
// are more than kMaxCounters. For Put (a base value) and for tests.
absl::StatusOr<std::string> EncodeCounters(std::span<const int64_t> counters);

// The counters of a value; DATA_LOSS naming what is wrong when malformed.
absl::StatusOr<std::vector<int64_t>> DecodeCounters(absl::string_view value);

// The (index, delta) pairs of an operand, in index order; DATA_LOSS when
// malformed.
absl::StatusOr<std::vector<std::pair<uint32_t, int64_t>>> DecodeCounterDelta(
    absl::string_view operand);

// counters[index], or 0 past the end (an index no write has named).
inline int64_t CounterAt(std::span<const int64_t> counters, uint32_t index) {
  return index < counters.size() ? counters[index] : 0;
}

// The merge operator (see the top of this file). Errors are logged to the
// logger RocksDB passes (Baton's log through RocksDbLogger).
class CountersMergeOperator final : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& merge_in,
                   MergeOperationOutput* merge_out) const override;
  bool PartialMerge(const rocksdb::Slice& key, const rocksdb::Slice& left_operand,
                    const rocksdb::Slice& right_operand, std::string* new_value,
                    rocksdb::Logger* logger) const override;
  bool PartialMergeMulti(const rocksdb::Slice& key, const std::deque<rocksdb::Slice>& operand_list,
                         std::string* new_value, rocksdb::Logger* logger) const override;
  const char* Name() const override { return kCountersMergeOperatorName; }
};

// A shared instance, for StoreOptions::merge_operators.
std::shared_ptr<rocksdb::MergeOperator> NewCountersMergeOperator();

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_COUNTERS_MERGE_H_
