// WatchScoreboard over gRPC, hosted as batond hosts it: the first message
// is the scoreboard now; an event in the department arrives as a changed
// scoreboard once the rating service has applied it; an event elsewhere
// sends nothing; bad requests and shutdown end the stream as documented.
// Every wait is event-driven and bounded (no sleeps).

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/org_fixture.h"

namespace baton::testing {
namespace {

namespace rv1 = ::baton::rating::v1;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr absl::Duration kWait = absl::Seconds(30);

// One WatchScoreboard stream read on a thread of its own: what arrived and
// how it ended.
class Watch {
 public:
  Watch(rv1::RatingService::Stub& stub, const std::string& token,
        const rv1::WatchScoreboardRequest& request)
      : context_(Context(token)) {
    thread_ = std::thread([this, &stub, request] {
      auto reader = stub.WatchScoreboard(context_.get(), request);
      rv1::WatchScoreboardResponse message;
      while (reader->Read(&message)) {
        absl::MutexLock lock(&mu_);
        boards_.push_back(message.scoreboard());
      }
      grpc::Status status = reader->Finish();
      absl::MutexLock lock(&mu_);
      status_ = std::move(status);
    });
  }
  ~Watch() {
    context_->TryCancel();
    thread_.join();
  }

  // Waits until the stream has sent `n` messages; false when it ended or
  // the wait ran out first.
  bool AwaitMessages(size_t n) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return boards_.size() >= n || status_.has_value();
    };
    mu_.AwaitWithTimeout(absl::Condition(&done), kWait);
    return boards_.size() >= n;
  }
  // Waits for the stream's end; its status (DEADLINE_EXCEEDED when it did
  // not end in time).
  grpc::Status AwaitEnd() {
    absl::MutexLock lock(&mu_);
    auto ended = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return status_.has_value(); };
    if (!mu_.AwaitWithTimeout(absl::Condition(&ended), kWait)) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "the stream did not end");
    }
    return *status_;
  }
  rv1::Scoreboard board(size_t i) {
    absl::MutexLock lock(&mu_);
    return boards_.at(i);
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  absl::Mutex mu_;
  std::vector<rv1::Scoreboard> boards_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// A team's row of `board`, or an empty row.
rv1::ScoreboardRow RowOf(const rv1::Scoreboard& board, const std::string& team) {
  for (const rv1::ScoreboardRow& row : board.rows()) {
    if (row.team() == team) return row;
  }
  return {};
}

class RatingWatchTest : public OrgTest {
 protected:
  rv1::WatchScoreboardRequest Clinic() {
    rv1::WatchScoreboardRequest request;
    request.set_department("departments/clinic");
    return request;
  }

  // A department "lab" with one team: events that touch no clinic figure.
  void CreateLab() {
    hv1::CreateDepartmentRequest department;
    department.set_department_id("lab");
    department.mutable_department()->set_display_name("化验室");
    hv1::CreateDepartmentResponse created;
    ASSERT_TRUE(server_.stub().CreateDepartment(Context(admin_).get(), department, &created).ok());
    hv1::CreateTeamRequest team;
    team.set_team_id("lab-a");
    team.mutable_team()->set_department("departments/lab");
    team.mutable_team()->set_display_name("化验一组");
    hv1::CreateTeamResponse team_created;
    grpc::Status status = server_.stub().CreateTeam(Context(admin_).get(), team, &team_created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Accept(const std::string& handoff) {
    hv1::AcceptHandoffRequest accept;
    accept.set_name(handoff);
    hv1::AcceptHandoffResponse accepted;
    grpc::Status status = server_.stub().AcceptHandoff(Context(consult_).get(), accept, &accepted);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Waits (bounded) until the handoff consumer applied the handoff log up
  // to its end: its batches' marks are then with the watch hub.
  void AwaitApplied() {
    const uint64_t end = server_.store().event_log()->last_sequence();
    ASSERT_TRUE(server_.rating().handoff_consumer().AwaitStatus(
        [end](const events::ConsumerStatus& s) { return s.applied_sequence >= end; },
        absl::Now() + kWait));
  }
};

TEST_F(RatingWatchTest, SendsTheScoreboardNowThenEachChangeOfItsDepartmentOnly) {
  AwaitApplied();  // the org as set up
  Watch watch(server_.rating_stub(), treatment_, Clinic());
  ASSERT_TRUE(watch.AwaitMessages(1));
  const rv1::Scoreboard first = watch.board(0);
  EXPECT_EQ(first.department(), "departments/clinic");
  EXPECT_EQ(first.rows_size(), 3);
  EXPECT_EQ(RowOf(first, "teams/front-desk").as_supplier().offers(), 0);

  // Another department's events: nothing for the clinic's watchers.
  ASSERT_NO_FATAL_FAILURE(CreateLab());
  AwaitApplied();

  // An offer, then its acceptance: each is a change (perhaps coalesced
  // into one message). So whatever comes next is the offer, never a
  // message caused by the lab.
  const hv1::Handoff offer = Offer(front_desk_, CreateItem("W-1").name());
  ASSERT_TRUE(watch.AwaitMessages(2));
  EXPECT_EQ(RowOf(watch.board(1), "teams/front-desk").as_supplier().offers(), 1);
  ASSERT_NO_FATAL_FAILURE(Accept(offer.name()));
  size_t seen = 2;
  while (RowOf(watch.board(seen - 1), "teams/front-desk").as_supplier().accepts() == 0) {
    ASSERT_TRUE(watch.AwaitMessages(seen + 1)) << "the acceptance never arrived";
    ++seen;
  }
  EXPECT_LE(seen, 3u);  // at most: the offer, then the acceptance
  EXPECT_EQ(RowOf(watch.board(seen - 1), "teams/front-desk").as_supplier().decided(), 1);
}

TEST_F(RatingWatchTest, BadRequestsNameEveryWrongFieldAndAnUnknownDepartmentIsNotFound) {
  rv1::WatchScoreboardRequest bad;
  bad.set_department("teams/clinic");
  bad.set_days(400);
  bad.set_order(static_cast<rv1::ScoreboardOrder>(99));
  Watch refused(server_.rating_stub(), front_desk_, bad);
  const grpc::Status status = refused.AwaitEnd();
  EXPECT_CODE(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFieldsOf(status), UnorderedElementsAre("department", "days", "order"));

  rv1::WatchScoreboardRequest unknown;
  unknown.set_department("departments/nowhere");
  Watch missing(server_.rating_stub(), front_desk_, unknown);
  const grpc::Status not_found = missing.AwaitEnd();
  EXPECT_CODE(not_found, grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(not_found.error_message(), HasSubstr("departments/nowhere"));
}

TEST_F(RatingWatchTest, AnUnauthenticatedCallerIsRefusedBeforeItsRequestIsRead) {
  rv1::WatchScoreboardRequest bad;
  bad.set_department("not a name");
  Watch refused(server_.rating_stub(), "", bad);
  EXPECT_CODE(refused.AwaitEnd(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RatingWatchTest, ShuttingDownEndsTheStreamWithUnavailable) {
  AwaitApplied();
  Watch watch(server_.rating_stub(), head_, Clinic());
  ASSERT_TRUE(watch.AwaitMessages(1));
  server_.Stop();  // drains: returns once the stream has ended
  EXPECT_CODE(watch.AwaitEnd(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace baton::testing
