#include "common/storage/counters_merge.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/env.h"

namespace baton::storage {
namespace {

constexpr uint8_t kValueTag = 0x01;
constexpr uint8_t kDeltaTag = 0x02;

// Exact sums: any number of int64 operands (far fewer than 2^64 of them)
// add up without overflow in 128 bits.
using Wide = __int128;

constexpr Wide kMin = std::numeric_limits<int64_t>::min();
constexpr Wide kMax = std::numeric_limits<int64_t>::max();

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int i = 0; i < 10; ++i) {
    if (in->empty()) return false;
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    // The tenth byte holds bit 63 only.
    if (i == 9 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

bool GetZigZag(absl::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

// Parses the header of a value or operand: the tag, then the count.
bool GetHeader(absl::string_view* in, uint8_t tag, uint64_t* count, std::string* why) {
  if (in->empty() || static_cast<uint8_t>(in->front()) != tag) {
    *why = absl::StrCat(tag == kValueTag ? "value" : "operand", " does not start with tag ", tag);
    return false;
  }
  in->remove_prefix(1);
  if (!GetVarint(in, count)) {
    *why = "bad count varint";
    return false;
  }
  // Each entry takes at least one byte: no huge allocation for a short input.
  if (*count > kMaxCounters || *count > in->size()) {
    *why = absl::StrCat("count ", *count, " over the bound or the input");
    return false;
  }
  return true;
}

// Calls `fn(index, counter)` for each counter of a value.
template <typename Fn>
bool ParseValue(absl::string_view in, Fn fn, std::string* why) {
  uint64_t n;
  if (!GetHeader(&in, kValueTag, &n, why)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    int64_t c;
    if (!GetZigZag(&in, &c)) {
      *why = absl::StrCat("bad counter varint at index ", i);
      return false;
    }
    fn(i, c);
  }
  if (!in.empty()) {
    *why = absl::StrCat(in.size(), " bytes after the last counter");
    return false;
  }
  return true;
}

// Calls `fn(index, delta)` for each pair of an operand.
template <typename Fn>
bool ParseDelta(absl::string_view in, Fn fn, std::string* why) {
  uint64_t m;
  if (!GetHeader(&in, kDeltaTag, &m, why)) return false;
  int64_t previous = -1;
  for (uint64_t i = 0; i < m; ++i) {
    uint64_t index;
    int64_t delta;
    if (!GetVarint(&in, &index) || !GetZigZag(&in, &delta)) {
      *why = absl::StrCat("bad varint in pair ", i);
      return false;
    }
    if (index >= kMaxCounters || static_cast<int64_t>(index) <= previous) {
      *why = absl::StrCat("index ", index, " out of order or not below ", kMaxCounters);
      return false;
    }
    previous = static_cast<int64_t>(index);
    fn(static_cast<uint32_t>(index), delta);
  }
  if (!in.empty()) {
    *why = absl::StrCat(in.size(), " bytes after the last pair");
    return false;
  }
  return true;
}

void Fail(rocksdb::Logger* logger, const rocksdb::Slice& key, const std::string& why) {
  if (logger == nullptr) return;
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, logger,
               "%s merge failed for a key of %zu bytes: %s", kCountersMergeOperatorName, key.size(),
               why.c_str());
}

}  // namespace

CounterDelta& CounterDelta::Add(uint32_t index, int64_t delta) {
  if (!error_.ok()) return *this;
  if (index >= kMaxCounters) {
    error_ = absl::InvalidArgumentError(
        absl::StrCat("counter index ", index, " is not below ", kMaxCounters));
    return *this;
  }
  int64_t& slot = deltas_[index];
  if (__builtin_add_overflow(slot, delta, &slot)) {
    error_ = absl::InvalidArgumentError(
        absl::StrCat("deltas at counter index ", index, " overflow int64"));
  }
  return *this;
}

absl::StatusOr<std::string> CounterDelta::Encode() const {
  if (!error_.ok()) return error_;
  std::string out;
  out.push_back(static_cast<char>(kDeltaTag));
  PutVarint(&out, deltas_.size());
  for (const auto& [index, delta] : deltas_) {
    PutVarint(&out, index);
    PutVarint(&out, ZigZag(delta));
  }
  return out;
}

absl::StatusOr<std::string> EncodeCounters(std::span<const int64_t> counters) {
  if (counters.size() > kMaxCounters) {
    return absl::InvalidArgumentError(
        absl::StrCat(counters.size(), " counters; at most ", kMaxCounters));
  }
  std::string out;
  out.push_back(static_cast<char>(kValueTag));
  PutVarint(&out, counters.size());
  for (int64_t c : counters) PutVarint(&out, ZigZag(c));
  return out;
}

absl::StatusOr<std::vector<int64_t>> DecodeCounters(absl::string_view value) {
  std::vector<int64_t> out;
  std::string why;
  if (!ParseValue(
          value, [&](uint32_t, int64_t c) { out.push_back(c); }, &why)) {
    return absl::DataLossError(absl::StrCat("malformed counters value: ", why));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<uint32_t, int64_t>>> DecodeCounterDelta(
    absl::string_view operand) {
  std::vector<std::pair<uint32_t, int64_t>> out;
  std::string why;
  if (!ParseDelta(
          operand, [&](uint32_t index, int64_t delta) { out.emplace_back(index, delta); }, &why)) {
    return absl::DataLossError(absl::StrCat("malformed counters operand: ", why));
  }
  return out;
}

bool CountersMergeOperator::FullMergeV2(const MergeOperationInput& merge_in,
                                        MergeOperationOutput* merge_out) const {
  std::vector<Wide> sums;
  std::string why;
  if (merge_in.existing_value != nullptr) {
    const rocksdb::Slice& v = *merge_in.existing_value;
    if (!ParseValue(
            absl::string_view(v.data(), v.size()), [&](uint32_t, int64_t c) { sums.push_back(c); },
            &why)) {
      Fail(merge_in.logger, merge_in.key, why);
      return false;
    }
  }
  for (const rocksdb::Slice& op : merge_in.operand_list) {
    auto add = [&](uint32_t index, int64_t delta) {
      if (index >= sums.size()) sums.resize(index + 1, 0);
      sums[index] += delta;
    };
    if (!ParseDelta(absl::string_view(op.data(), op.size()), add, &why)) {
      Fail(merge_in.logger, merge_in.key, why);
      return false;
    }
  }
  std::string& out = merge_out->new_value;
  // RocksDB promises an empty string, but its iterators (7.8) hand in the
  // previous key's result: without the clear, values ran together.
  out.clear();
  out.push_back(static_cast<char>(kValueTag));
  PutVarint(&out, sums.size());
  for (size_t i = 0; i < sums.size(); ++i) {
    if (sums[i] < kMin || sums[i] > kMax) {
      Fail(merge_in.logger, merge_in.key, absl::StrCat("counter ", i, " overflows int64"));
      return false;
    }
    PutVarint(&out, ZigZag(static_cast<int64_t>(sums[i])));
  }
  return true;
}

bool CountersMergeOperator::PartialMerge(const rocksdb::Slice& key,
                                         const rocksdb::Slice& left_operand,
                                         const rocksdb::Slice& right_operand,
                                         std::string* new_value, rocksdb::Logger* logger) const {
  return PartialMergeMulti(key, {left_operand, right_operand}, new_value, logger);
}

bool CountersMergeOperator::PartialMergeMulti(const rocksdb::Slice& key,
                                              const std::deque<rocksdb::Slice>& operand_list,
                                              std::string* new_value,
                                              rocksdb::Logger* logger) const {
  std::map<uint32_t, Wide> sums;
  std::string why;
  for (const rocksdb::Slice& op : operand_list) {
    auto add = [&](uint32_t index, int64_t delta) { sums[index] += delta; };
    // Every index named stays, also when its sum is 0 (the value's length).
    if (!ParseDelta(absl::string_view(op.data(), op.size()), add, &why)) {
      // Declining keeps the operands; the full merge reports the corruption.
      Fail(logger, key, why);
      return false;
    }
  }
  std::string out;
  out.push_back(static_cast<char>(kDeltaTag));
  PutVarint(&out, sums.size());
  for (const auto& [index, sum] : sums) {
    // Declined, not failed: applied one by one to a base they may fit.
    if (sum < kMin || sum > kMax) return false;
    PutVarint(&out, index);
    PutVarint(&out, ZigZag(static_cast<int64_t>(sum)));
  }
  *new_value = std::move(out);
  return true;
}

std::shared_ptr<rocksdb::MergeOperator> NewCountersMergeOperator() {
  return std::make_shared<CountersMergeOperator>();
}

}  // namespace baton::storage
