#include "common/time/backoff.h"

#include "gtest/gtest.h"

namespace baton {
namespace {

TEST(BackoffTest, DoublesUpToTheCapAndResetsOnSuccess) {
  Backoff backoff(absl::Milliseconds(100), absl::Seconds(1));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(100));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(200));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(400));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(800));
  EXPECT_EQ(backoff.Failed(), absl::Seconds(1));
  EXPECT_EQ(backoff.Failed(), absl::Seconds(1));
  backoff.Succeeded();
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(100));
}

}  // namespace
}  // namespace baton
