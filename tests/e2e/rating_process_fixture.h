#ifndef BATON_TESTS_E2E_RATING_PROCESS_FIXTURE_H_
#define BATON_TESTS_E2E_RATING_PROCESS_FIXTURE_H_

// The fixture of the tests with baton-rating as a third process beside
// baton-handoff and baton-feedback (two_process_fixture.h): it consumes
// both event logs over gRPC, with a token it signs itself. The binary's
// path comes from BATON_RATING_PATH.

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "baton/rating/v1/rating_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/two_process_fixture.h"

namespace baton::testing {

namespace rv1 = ::baton::rating::v1;

class RatingProcessTest : public TwoProcessTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TwoProcessTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(StartRating());
  }

  void StartRating() {
    rating_ = StartRatingOn("rating");
    ASSERT_NE(rating_, nullptr);
    rating_stub_ = rv1::RatingService::NewStub(ChannelTo(rating_->port()));
  }

  // A baton-rating on data dir `db` (under the test's directory), reading
  // the handoff and feedback processes with `upstream` flags for those
  // channels (the fixture's upstream_flags_ when not given); nullptr (and a
  // failure) when it does not start.
  std::unique_ptr<ServerProcess> StartRatingOn(const std::string& db) {
    return StartRatingOn(db, upstream_flags_);
  }
  std::unique_ptr<ServerProcess> StartRatingOn(const std::string& db,
                                               const std::vector<std::string>& upstream) {
    std::filesystem::create_directories(dir_.Sub(db));
    std::vector<std::string> flags = {
        absl::StrCat("--handoff_address=127.0.0.1:", handoff_->port()),
        absl::StrCat("--feedback_address=127.0.0.1:", feedback_->port()),
        "--time_zone=Asia/Shanghai"};
    flags.insert(flags.end(), upstream.begin(), upstream.end());
    return Start(BATON_RATING_PATH, db, std::move(flags));
  }

  // The sequence of the last event in a log: its StreamEvents from 0, read
  // for a second (the stream tails live and marks no end).
  template <typename Stub, typename Request, typename Response>
  uint64_t LastSequence(Stub& stub) {
    Request request;
    auto context = Context(service_, absl::Seconds(1));
    auto reader = stub.StreamEvents(context.get(), request);
    uint64_t last = 0;
    Response message;
    while (reader->Read(&message)) last = message.event().sequence();
    reader->Finish();
    return last;
  }
  uint64_t HandoffEnd() {
    return LastSequence<hv1::HandoffService::Stub, hv1::StreamEventsRequest,
                        hv1::StreamEventsResponse>(*handoff_stub_);
  }
  uint64_t FeedbackEnd() {
    return LastSequence<fv1::FeedbackService::Stub, fv1::StreamEventsRequest,
                        fv1::StreamEventsResponse>(*feedback_stub_);
  }

  // Polls GetConsumerStatus (bounded: 30 s) until both consumers applied
  // exactly up to `handoff_end` and `feedback_end` and have caught up, or
  // one FAILED; returns the last answer.
  rv1::GetConsumerStatusResponse AwaitApplied(uint64_t handoff_end, uint64_t feedback_end) {
    return AwaitApplied(*rating_stub_, handoff_end, feedback_end);
  }
  rv1::GetConsumerStatusResponse AwaitApplied(rv1::RatingService::Stub& rating,
                                              uint64_t handoff_end, uint64_t feedback_end) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    rv1::GetConsumerStatusResponse response;
    while (absl::Now() < deadline) {
      response.Clear();
      grpc::Status status = rating.GetConsumerStatus(Context(outreach_).get(),
                                                     rv1::GetConsumerStatusRequest(), &response);
      if (status.ok() && response.consumers_size() == 2) {
        const rv1::ConsumerStatus& h = response.consumers(0);
        const rv1::ConsumerStatus& f = response.consumers(1);
        if (h.state() == "FAILED" || f.state() == "FAILED") return response;
        if (h.applied_sequence() == handoff_end && f.applied_sequence() == feedback_end &&
            h.caught_up() && f.caught_up()) {
          return response;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
    }
    return response;
  }

  void ExpectAppliedToTheEnds(const rv1::GetConsumerStatusResponse& response, uint64_t handoff_end,
                              uint64_t feedback_end) {
    ASSERT_EQ(response.consumers_size(), 2);
    EXPECT_EQ(response.consumers(0).source(), "baton.handoff.v1.HandoffService");
    EXPECT_EQ(response.consumers(1).source(), "baton.feedback.v1.FeedbackService");
    EXPECT_EQ(response.consumers(0).applied_sequence(), handoff_end)
        << response.consumers(0).ShortDebugString();
    EXPECT_EQ(response.consumers(1).applied_sequence(), feedback_end)
        << response.consumers(1).ShortDebugString();
    for (const rv1::ConsumerStatus& consumer : response.consumers()) {
      EXPECT_TRUE(consumer.caught_up()) << consumer.ShortDebugString();
      EXPECT_EQ(consumer.state(), "LIVE") << consumer.ShortDebugString();
      EXPECT_EQ(consumer.error(), "") << consumer.ShortDebugString();
    }
  }

  // One accepted handoff, rated by front desk: events in both logs.
  void RatedHandoff(const std::string& reference) {
    hv1::WorkItem item;
    hv1::Handoff handoff;
    ASSERT_NO_FATAL_FAILURE(AcceptedItem(reference, /*complete=*/true, &item, &handoff));
    fv1::RateHandoffRequest rate = RateRequest(handoff.name());
    rate.set_request_id("rate-" + reference);
    fv1::RateHandoffResponse rated;
    ASSERT_GRPC_OK(feedback_stub_->RateHandoff(Context(front_desk_).get(), rate, &rated));
  }

  std::unique_ptr<ServerProcess> rating_;
  std::unique_ptr<rv1::RatingService::Stub> rating_stub_;
};

}  // namespace baton::testing

#endif  // BATON_TESTS_E2E_RATING_PROCESS_FIXTURE_H_
