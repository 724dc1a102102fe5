#include "services/rating/scoreboard_cache.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;

// A scoreboard of `department` with rows for `teams`; `version` tells
// computations apart.
v1::Scoreboard Board(const std::string& department, std::vector<std::string> teams, int version) {
  v1::Scoreboard board;
  board.set_department("departments/" + department);
  for (const std::string& team : teams) board.add_rows()->set_team("teams/" + team);
  board.set_department_mean(version);
  return board;
}

ChangeMarks Departments(std::initializer_list<std::string> ids) {
  ChangeMarks marks;
  marks.departments.insert(ids.begin(), ids.end());
  return marks;
}
ChangeMarks Teams(std::initializer_list<std::string> ids) {
  ChangeMarks marks;
  marks.teams.insert(ids.begin(), ids.end());
  return marks;
}

class ScoreboardCacheTest : public ::testing::Test {
 protected:
  // The cached answer for `key`, computing version ++computed_ on a miss.
  double Get(const ScoreboardKey& key, std::vector<std::string> teams = {"a", "b"}) {
    auto board = cache_.Get(key, [&]() -> absl::StatusOr<v1::Scoreboard> {
      return Board(key.department, teams, ++computed_);
    });
    EXPECT_THAT(board, IsOk());
    if (!board.ok()) return -1;
    v1::GetDepartmentScoreboardResponse response;  // what the cache sends
    EXPECT_TRUE(response.ParseFromString(**board));
    return response.scoreboard().department_mean();
  }

  ScoreboardCache cache_{/*max_entries=*/2};
  int computed_ = 0;
  const ScoreboardKey clinic_{.department = "clinic", .from = 10, .to = 40, .order = 1};
  const ScoreboardKey ops_{.department = "ops", .from = 10, .to = 40, .order = 1};
};

TEST_F(ScoreboardCacheTest, AnswersFromTheCacheUntilItsDepartmentIsMarked) {
  EXPECT_EQ(Get(clinic_), 1);
  EXPECT_EQ(Get(clinic_), 1);
  cache_.Mark(Departments({"ops"}));
  EXPECT_EQ(Get(clinic_), 1);
  cache_.Mark(Departments({"clinic"}));
  EXPECT_EQ(Get(clinic_), 2);
  // Another window or order is another answer.
  EXPECT_EQ(Get({.department = "clinic", .from = 11, .to = 41, .order = 1}), 3);
  EXPECT_EQ(cache_.stats().hits, 2u);
  EXPECT_EQ(cache_.stats().misses, 3u);
}

TEST_F(ScoreboardCacheTest, AMarkOfATeamOnTheBoardDropsIt) {
  EXPECT_EQ(Get(clinic_, {"front-desk"}), 1);
  EXPECT_EQ(Get(ops_, {"billing"}), 2);
  cache_.Mark(Teams({"front-desk"}));
  EXPECT_EQ(Get(clinic_), 3);
  EXPECT_EQ(Get(ops_), 2);
}

TEST_F(ScoreboardCacheTest, AMarkDuringTheComputationKeepsItsResultOut) {
  auto board = cache_.Get(clinic_, [&]() -> absl::StatusOr<v1::Scoreboard> {
    cache_.Mark(Departments({"clinic"}));  // a batch became durable meanwhile
    return Board("clinic", {"a"}, ++computed_);
  });
  ASSERT_THAT(board, IsOk());
  EXPECT_EQ(Get(clinic_), 2);  // computed again, and kept this time
  EXPECT_EQ(Get(clinic_), 2);
  EXPECT_EQ(cache_.stats().kept_out, 1u);

  // A team the cache cannot place keeps every running computation out.
  board = cache_.Get(ops_, [&]() -> absl::StatusOr<v1::Scoreboard> {
    cache_.Mark(Teams({"unknown"}));
    return Board("ops", {"x"}, ++computed_);
  });
  ASSERT_THAT(board, IsOk());
  EXPECT_EQ(Get(ops_), 4);
  // …but leaves the cached scoreboards of placed teams alone.
  EXPECT_EQ(Get(clinic_), 2);
}

TEST_F(ScoreboardCacheTest, ErrorsAreNotCached) {
  auto board = cache_.Get(clinic_, []() -> absl::StatusOr<v1::Scoreboard> {
    return absl::NotFoundError("departments/clinic");
  });
  EXPECT_THAT(board, StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_EQ(Get(clinic_), 1);
}

TEST_F(ScoreboardCacheTest, HoldsAtMostMaxEntriesTheOldestLeavingFirst) {
  const ScoreboardKey third{.department = "lab", .from = 10, .to = 40, .order = 1};
  EXPECT_EQ(Get(clinic_), 1);
  EXPECT_EQ(Get(ops_), 2);
  EXPECT_EQ(Get(third), 3);  // clinic leaves
  EXPECT_EQ(Get(ops_), 2);
  EXPECT_EQ(Get(third), 3);
  EXPECT_EQ(Get(clinic_), 4);
}

TEST_F(ScoreboardCacheTest, ClearDropsEverythingAndKeepsRunningOnesOut) {
  EXPECT_EQ(Get(clinic_), 1);
  auto board = cache_.Get(ops_, [&]() -> absl::StatusOr<v1::Scoreboard> {
    cache_.Clear();  // the rollups were rebuilt meanwhile
    return Board("ops", {"x"}, ++computed_);
  });
  ASSERT_THAT(board, IsOk());
  EXPECT_EQ(Get(clinic_), 3);
  EXPECT_EQ(Get(ops_), 4);
}

}  // namespace
}  // namespace baton::rating
