#include "common/time/id_generator.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton {
namespace {

using ::testing::Each;
using ::testing::SizeIs;

constexpr absl::string_view kCrockford = "0123456789abcdefghjkmnpqrstvwxyz";

bool IsCrockford(const std::string& id) {
  return id.find_first_not_of(std::string(kCrockford)) == std::string::npos;
}

// The milliseconds part: the first 10 characters are 50 bits, of which the
// top two are zero.
uint64_t MillisOf(const std::string& id) {
  uint64_t v = 0;
  for (int i = 0; i < 10; ++i) v = (v << 5) | kCrockford.find(id[i]);
  return v;
}

TEST(IdGeneratorTest, Is26LowerCaseCrockfordCharacters) {
  FakeClock clock;
  IdGenerator ids(&clock);
  for (int i = 0; i < 1000; ++i) {
    const std::string id = ids.Next();
    ASSERT_THAT(id, SizeIs(26));
    ASSERT_TRUE(IsCrockford(id)) << id;
    // 130 bits hold 128: the first character carries the two zero bits.
    ASSERT_LE(kCrockford.find(id[0]), 7u) << id;
    if (i % 7 == 0) clock.Advance(absl::Milliseconds(1));
  }
}

TEST(IdGeneratorTest, EncodesTheClockMilliseconds) {
  FakeClock clock(absl::FromUnixMillis(1'790'000'000'123));
  IdGenerator ids(&clock);
  EXPECT_EQ(MillisOf(ids.Next()), 1'790'000'000'123u);
  clock.Advance(absl::Milliseconds(5));
  EXPECT_EQ(MillisOf(ids.Next()), 1'790'000'000'128u);
}

TEST(IdGeneratorTest, StrictlyIncreasingWhileTheClockStalls) {
  FakeClock clock;
  IdGenerator ids(&clock);
  std::string previous = ids.Next();
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = ids.Next();
    ASSERT_LT(previous, id);
    previous = id;
  }
}

TEST(IdGeneratorTest, StrictlyIncreasingWhenTheClockStepsBack) {
  FakeClock clock;
  IdGenerator ids(&clock);
  const std::string before = ids.Next();
  clock.Advance(absl::Milliseconds(3));
  std::string previous = ids.Next();
  ASSERT_LT(before, previous);
  clock.Advance(-absl::Seconds(10));
  for (int i = 0; i < 100; ++i) {
    const std::string id = ids.Next();
    ASSERT_LT(previous, id);
    previous = id;
    clock.Advance(absl::Milliseconds(1));  // still before the high mark
  }
  // Time before the epoch is treated as no later than the last id.
  clock.Set(absl::FromUnixSeconds(-5));
  EXPECT_LT(previous, ids.Next());
}

TEST(IdGeneratorTest, LaterMillisecondSortsLaterWhateverTheRandomPart) {
  FakeClock clock;
  // Separate generators: the random parts are unrelated, so only the time
  // part can order them.
  for (int i = 0; i < 200; ++i) {
    IdGenerator first(&clock);
    const std::string earlier = first.Next();
    clock.Advance(absl::Milliseconds(1));
    IdGenerator second(&clock);
    const std::string later = second.Next();
    ASSERT_LT(earlier, later);
  }
}

TEST(IdGeneratorTest, UniqueAndIncreasingPerThreadAcrossThreads) {
  FakeClock clock;
  IdGenerator ids(&clock);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      made[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) {
        made[t].push_back(ids.Next());
        if (t == 0 && i % 100 == 0) clock.Advance(absl::Milliseconds(1));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::string> all;
  for (const auto& list : made) {
    for (size_t i = 1; i < list.size(); ++i) ASSERT_LT(list[i - 1], list[i]);
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(IdGeneratorTest, RealClockIdsAreWellFormed) {
  IdGenerator ids(Clock::Real());
  const std::string a = ids.Next();
  const std::string b = ids.Next();
  EXPECT_LT(a, b);
  EXPECT_THAT((std::vector<std::string>{a, b}), Each(SizeIs(26)));
  EXPECT_NEAR(static_cast<double>(MillisOf(a)),
              static_cast<double>(absl::ToUnixMillis(absl::Now())), 60'000.0);
}

}  // namespace
}  // namespace baton
