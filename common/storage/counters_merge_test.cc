#include "common/storage/counters_merge.h"

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/storage/store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"

namespace baton::storage {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::_;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

std::string Op(std::initializer_list<std::pair<uint32_t, int64_t>> deltas) {
  CounterDelta d;
  for (const auto& [index, delta] : deltas) d.Add(index, delta);
  auto encoded = d.Encode();
  EXPECT_THAT(encoded, IsOk());
  return encoded.ok() ? *encoded : std::string();
}

std::string Value(std::vector<int64_t> counters) {
  auto encoded = EncodeCounters(counters);
  EXPECT_THAT(encoded, IsOk());
  return encoded.ok() ? *encoded : std::string();
}

// FullMergeV2 of `ops` on `base` (nullptr: no value); nullopt when it fails.
std::optional<std::string> Full(const std::string* base, const std::vector<std::string>& ops) {
  CountersMergeOperator op;
  std::vector<rocksdb::Slice> slices(ops.begin(), ops.end());
  rocksdb::Slice key("k");
  rocksdb::Slice base_slice;
  if (base != nullptr) base_slice = *base;
  rocksdb::MergeOperator::MergeOperationInput in(key, base ? &base_slice : nullptr, slices,
                                                 nullptr);
  std::string out;
  rocksdb::Slice existing;
  rocksdb::MergeOperator::MergeOperationOutput merge_out(out, existing);
  if (!op.FullMergeV2(in, &merge_out)) return std::nullopt;
  return out;
}

std::optional<std::string> Partial(const std::vector<std::string>& ops) {
  CountersMergeOperator op;
  std::deque<rocksdb::Slice> slices(ops.begin(), ops.end());
  std::string out;
  if (!op.PartialMergeMulti(rocksdb::Slice("k"), slices, &out, nullptr)) return std::nullopt;
  return out;
}

std::vector<int64_t> Decoded(const std::optional<std::string>& value) {
  EXPECT_TRUE(value.has_value());
  if (!value) return {};
  auto counters = DecodeCounters(*value);
  EXPECT_THAT(counters, IsOk());
  return counters.ok() ? *counters : std::vector<int64_t>{};
}

TEST(CountersEncodingTest, FixedBytes) {
  // 0x02, 2 pairs; index 1, zigzag(-1) = 1; index 300 = 0xAC 0x02, zigzag(2) = 4.
  EXPECT_EQ(Op({{300, 2}, {1, -1}}), std::string("\x02\x02\x01\x01\xAC\x02\x04", 7));
  // 0x01, 4 counters: zigzag 0, -1, 1, 64 = 0, 1, 2, 128 (0x80 0x01).
  EXPECT_EQ(Value({0, -1, 1, 64}), std::string("\x01\x04\x00\x01\x02\x80\x01", 7));
  EXPECT_EQ(Value({}), std::string("\x01\x00", 2));
  EXPECT_EQ(Op({}), std::string("\x02\x00", 2));
}

TEST(CountersEncodingTest, RoundTripsExtremes) {
  EXPECT_THAT(Decoded(Value({kInt64Min, kInt64Max, 0, -1})),
              ElementsAre(kInt64Min, kInt64Max, 0, -1));
  auto pairs = DecodeCounterDelta(Op({{4095, kInt64Min}, {0, kInt64Max}}));
  ASSERT_THAT(pairs, IsOk());
  EXPECT_THAT(*pairs, ElementsAre(std::pair<uint32_t, int64_t>{0, kInt64Max},
                                  std::pair<uint32_t, int64_t>{4095, kInt64Min}));
}

TEST(CounterDeltaTest, SumsRepeatedIndexes) {
  auto pairs = DecodeCounterDelta(Op({{3, 5}, {3, -2}, {1, 1}}));
  ASSERT_THAT(pairs, IsOk());
  EXPECT_THAT(*pairs,
              ElementsAre(std::pair<uint32_t, int64_t>{1, 1}, std::pair<uint32_t, int64_t>{3, 3}));
  EXPECT_TRUE(CounterDelta().empty());
}

TEST(CounterDeltaTest, RejectsIndexOutOfBoundAndOverflow) {
  EXPECT_THAT(CounterDelta().Add(1, 1).Add(kMaxCounters, 1).Encode(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("4096")));
  EXPECT_THAT(CounterDelta().Add(7, kInt64Max).Add(7, 1).Encode(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("overflow")));
  std::vector<int64_t> too_many(kMaxCounters + 1, 0);
  EXPECT_THAT(EncodeCounters(too_many), StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST(CountersMergeTest, HandComputed) {
  // No value yet: [3+4, 0, 0(named), 0, 0, -2] — index 2 grows the value
  // although its delta is 0.
  EXPECT_THAT(Decoded(Full(nullptr, {Op({{0, 3}, {5, -2}}), Op({{0, 4}, {2, 0}})})),
              ElementsAre(7, 0, 0, 0, 0, -2));
  // On a value: [1, 2] + {1: +10} = [1, 12]; + {3: -1} = [1, 12, 0, -1].
  const std::string base = Value({1, 2});
  EXPECT_THAT(Decoded(Full(&base, {Op({{1, 10}})})), ElementsAre(1, 12));
  EXPECT_THAT(Decoded(Full(&base, {Op({{1, 10}}), Op({{3, -1}})})), ElementsAre(1, 12, 0, -1));
  // Nothing to apply: the value as it was.
  EXPECT_THAT(Decoded(Full(&base, {})), ElementsAre(1, 2));
  // A value shorter than an operand's index grows; one longer keeps its length.
  const std::string longer = Value({0, 0, 0, 9});
  EXPECT_THAT(Decoded(Full(&longer, {Op({{0, 1}})})), ElementsAre(1, 0, 0, 9));
  EXPECT_EQ(CounterAt(std::vector<int64_t>{1, 2}, 1), 2);
  EXPECT_EQ(CounterAt(std::vector<int64_t>{1, 2}, 99), 0);
}

// RocksDB's iterators hand FullMergeV2 the previous key's result (7.8),
// although the contract says the string is empty: the merge must clear it.
TEST(CountersMergeTest, FullMergeOverwritesAStaleResultString) {
  CountersMergeOperator op;
  const std::vector<std::string> ops = {Op({{1, 2}})};
  std::vector<rocksdb::Slice> slices(ops.begin(), ops.end());
  rocksdb::Slice key("k");
  rocksdb::MergeOperator::MergeOperationInput in(key, nullptr, slices, nullptr);
  std::string out = Value({7, 7, 7});
  rocksdb::Slice existing;
  rocksdb::MergeOperator::MergeOperationOutput merge_out(out, existing);
  ASSERT_TRUE(op.FullMergeV2(in, &merge_out));
  EXPECT_THAT(Decoded(out), ElementsAre(0, 2));
}

TEST(CountersMergeTest, PartialMergeCombinesAndKeepsZeroIndexes) {
  auto merged = Partial({Op({{2, 5}, {9, 1}}), Op({{2, -5}}), Op({{0, 1}})});
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(*merged, Op({{0, 1}, {2, 0}, {9, 1}}));
  CountersMergeOperator op;
  std::string two;
  ASSERT_TRUE(op.PartialMerge("k", Op({{1, 1}}), Op({{1, 2}}), &two, nullptr));
  EXPECT_EQ(two, Op({{1, 3}}));
  EXPECT_STREQ(op.Name(), "baton.counters.v1");
}

// Random operands merged in random groupings — all at once; partial merges
// of sub-ranges then a full merge; a full merge of a prefix (as compaction
// does below a snapshot) then the rest on it — give identical bytes.
TEST(CountersMergeTest, AssociativeUnderAnyGrouping) {
  std::mt19937_64 rng(20260511);
  for (int round = 0; round < 300; ++round) {
    const int n = 1 + static_cast<int>(rng() % 12);
    std::vector<std::string> ops;
    for (int i = 0; i < n; ++i) {
      CounterDelta d;
      const int pairs = static_cast<int>(rng() % 5);
      for (int p = 0; p < pairs; ++p) {
        const uint32_t index = static_cast<uint32_t>(rng() % (round % 2 ? 8 : kMaxCounters));
        const int64_t delta = static_cast<int64_t>(rng() % 2000001) - 1000000;
        d.Add(index, round % 3 == 0 ? delta * 1000000000 : delta);
      }
      auto encoded = d.Encode();
      ASSERT_THAT(encoded, IsOk());
      ops.push_back(*encoded);
    }
    std::optional<std::string> base;
    if (rng() % 2) base = Value({static_cast<int64_t>(rng() % 100), -5, 0});
    const std::string* base_ptr = base ? &*base : nullptr;
    const auto all = Full(base_ptr, ops);
    ASSERT_TRUE(all.has_value());

    // Cut into contiguous groups; partial-merge each group of two or more.
    std::vector<std::string> grouped;
    for (int i = 0; i < n;) {
      const int len = 1 + static_cast<int>(rng() % (n - i));
      std::vector<std::string> group(ops.begin() + i, ops.begin() + i + len);
      if (len == 1) {
        grouped.push_back(group[0]);
      } else {
        auto merged = Partial(group);
        ASSERT_TRUE(merged.has_value());
        grouped.push_back(*merged);
      }
      i += len;
    }
    EXPECT_EQ(Full(base_ptr, grouped), all) << "round " << round;

    const int cut = static_cast<int>(rng() % (n + 1));
    const auto prefix = Full(base_ptr, std::vector<std::string>(ops.begin(), ops.begin() + cut));
    ASSERT_TRUE(prefix.has_value());
    EXPECT_EQ(Full(&*prefix, std::vector<std::string>(ops.begin() + cut, ops.end())), all)
        << "round " << round;
  }
}

TEST(CountersMergeTest, MalformedOperandsFail) {
  const std::vector<std::string> bad = {
      std::string(),                               // empty
      Value({1}),                                  // a value given as operand
      std::string("\x02", 1),                      // no count
      std::string("\x02\x01\x01", 3),              // pair without delta
      std::string("\x02\x01\x80\x20\x02", 5),      // index 4096
      std::string("\x02\x02\x03\x02\x01\x02", 6),  // indexes out of order
      std::string("\x02\x02\x03\x02\x03\x02", 6),  // repeated index
      std::string("\x02\x01\x01\x02\x00", 5),      // trailing byte
      std::string("\x02\x05\x01\x02", 4),          // count over the input
      std::string("\x02\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 13),  // 65-bit
  };
  const std::string base = Value({1});
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(Full(nullptr, {Op({{0, 1}}), bad[i]}).has_value()) << i;
    EXPECT_FALSE(Full(&base, {bad[i]}).has_value()) << i;
    EXPECT_FALSE(Partial({Op({{0, 1}}), bad[i]}).has_value()) << i;
    EXPECT_THAT(DecodeCounterDelta(bad[i]), StatusIs(absl::StatusCode::kDataLoss, _)) << i;
  }
}

TEST(CountersMergeTest, MalformedValuesFail) {
  const std::vector<std::string> bad = {
      std::string(),                                             // empty
      Op({{0, 1}}),                                              // an operand stored as value
      std::string("\x01\x02\x02", 3),                            // one counter short
      std::string("\x01\x01\x02\x00", 4),                        // trailing byte
      std::string("\x01\x01\x80", 3),                            // unfinished varint
      std::string("\x01\x81\x20", 3) + std::string(4097, '\0'),  // 4097 counters
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(Full(&bad[i], {Op({{0, 1}})}).has_value()) << i;
    EXPECT_THAT(DecodeCounters(bad[i]), StatusIs(absl::StatusCode::kDataLoss, _)) << i;
  }
}

TEST(CountersMergeTest, OverflowFailsAndNeverSaturates) {
  const std::string near_max = Value({kInt64Max - 1});
  // Exact: MAX-1, +5, -5 is MAX-1 whether applied together or combined first
  // (saturation would give MAX-5 one at a time).
  EXPECT_THAT(Decoded(Full(&near_max, {Op({{0, 5}}), Op({{0, -5}})})), ElementsAre(kInt64Max - 1));
  EXPECT_THAT(Decoded(Full(&near_max, {*Partial({Op({{0, 5}}), Op({{0, -5}})})})),
              ElementsAre(kInt64Max - 1));
  // A result out of range fails, in either direction.
  EXPECT_FALSE(Full(&near_max, {Op({{0, 2}})}).has_value());
  const std::string min = Value({kInt64Min});
  EXPECT_FALSE(Full(&min, {Op({{0, -1}})}).has_value());
  // Combined operands that would leave int64 are declined, not combined...
  EXPECT_FALSE(Partial({Op({{0, kInt64Max}}), Op({{0, kInt64Max}})}).has_value());
  // ...and applied one at a time to a base they fit.
  const std::string very_negative = Value({-kInt64Max});
  EXPECT_THAT(Decoded(Full(&very_negative, {Op({{0, kInt64Max}}), Op({{0, kInt64Max}})})),
              ElementsAre(kInt64Max));
}

// Through a real database: random merges over several keys, with flushes
// between (operands spread over files and levels), read back equal to an
// in-memory model before and after CompactRange and after reopening.
class CountersMergeDbTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    auto store = Store::Open({.path = dir_.Sub("db"),
                              .column_families = {"rollups"},
                              .merge_operators = {{"rollups", NewCountersMergeOperator()}},
                              .sync = false});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    cf_ = store_->cf("rollups");
  }

  void Merge(const std::string& key, const std::string& operand) {
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(batch.Merge(cf_, key, operand).ok());
    ASSERT_OK(store_->WriteNoSync(&batch));
  }

  std::vector<int64_t> Read(const std::string& key) {
    std::string value;
    rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), cf_, key, &value);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return Decoded(value);
  }

  void Flush() { ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), cf_).ok()); }

  void Compact() {
    ASSERT_TRUE(
        store_->db()->CompactRange(rocksdb::CompactRangeOptions(), cf_, nullptr, nullptr).ok());
  }

  ::baton::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  rocksdb::ColumnFamilyHandle* cf_ = nullptr;
};

TEST_F(CountersMergeDbTest, MergesSurviveCompactionAndReopen) {
  Open();
  std::mt19937_64 rng(7);
  std::map<std::string, std::vector<int64_t>> model;
  auto check = [&](const char* when) {
    for (const auto& [key, expected] : model) {
      EXPECT_EQ(Read(key), expected) << key << " " << when;
    }
    // Iterators merge too, reusing their result string from key to key.
    std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(rocksdb::ReadOptions(), cf_));
    size_t keys = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++keys) {
      const std::string key = it->key().ToString();
      EXPECT_EQ(Decoded(it->value().ToString()), model[key]) << key << " scanned " << when;
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_EQ(keys, model.size()) << when;
  };
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 200; ++i) {
      const std::string key = absl::StrCat("team/", rng() % 5);
      CounterDelta d;
      std::vector<int64_t>& expected = model[key];
      for (int p = 0; p < 3; ++p) {
        const uint32_t index = static_cast<uint32_t>(rng() % 40);
        const int64_t delta = static_cast<int64_t>(rng() % 21) - 10;
        d.Add(index, delta);
        if (index >= expected.size()) expected.resize(index + 1, 0);
        expected[index] += delta;
      }
      auto encoded = d.Encode();
      ASSERT_THAT(encoded, IsOk());
      Merge(key, *encoded);
    }
    check("before flush");
    Flush();
    check("after flush");
    if (round % 2 == 1) {
      Compact();
      check("after compaction");
    }
  }
  // A Put replaces the history; merges after it apply to it.
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(cf_, "team/0", Value({100})).ok());
  ASSERT_OK(store_->WriteNoSync(&batch));
  Merge("team/0", Op({{2, 1}}));
  model["team/0"] = {100, 0, 1};
  check("after put");
  Compact();
  check("after last compaction");
  Open();
  check("after reopen");
  Compact();
  check("after reopen and compaction");
}

TEST_F(CountersMergeDbTest, MalformedOperandReadsAsCorruption) {
  Open();
  Merge("k", Op({{0, 1}}));
  Merge("k", "not an operand");
  std::string value;
  rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), cf_, "k", &value);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  // Another key is untouched.
  Merge("other", Op({{1, 2}}));
  EXPECT_THAT(Read("other"), ElementsAre(0, 2));
}

}  // namespace
}  // namespace baton::storage
