// GetRating and ListRatings: need to know, paging, the time range.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/ratings_test_fixture.h"

namespace baton::feedback {
namespace {

using ::baton::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class RatingReadsTest : public RatingsFixture {
 protected:
  static v1::ListRatingsRequest By(std::string supplier, std::string customer = "",
                                   std::string chain = "", int page_size = 0) {
    v1::ListRatingsRequest request;
    request.set_supplier_team(std::move(supplier));
    request.set_customer_team(std::move(customer));
    request.set_chain(std::move(chain));
    request.set_page_size(page_size);
    return request;
  }

  // Every page of `request` for `caller`: the names, page by page.
  std::vector<std::vector<std::string>> Pages(const Caller& caller,
                                              v1::ListRatingsRequest request) {
    std::vector<std::vector<std::string>> pages;
    do {
      auto page = List(caller, request);
      EXPECT_OK(page);
      if (!page.ok()) break;
      pages.emplace_back();
      for (const v1::Rating& rating : page->ratings()) pages.back().push_back(rating.name());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return pages;
  }

  // Five ratings of outreach → front-desk handoffs, an hour apart; `times`
  // gets when each was given.
  std::vector<std::string> FiveRatings(std::vector<absl::Time>* times = nullptr) {
    std::vector<std::string> names;
    for (int i = 0; i < 5; ++i) {
      clock_.Advance(absl::Hours(1));
      auto rating = RatedHandoff("P-" + std::to_string(i));
      EXPECT_OK(rating);
      names.push_back(rating.ok() ? rating->name() : "");
      if (times != nullptr) times->push_back(clock_.Now());
    }
    return names;
  }
};

void ExpectDenied(const absl::Status& status, const std::string& who) {
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_)) << who;
  EXPECT_EQ(ErrorReason(status), "NOT_RATING_VIEWER") << who;
}

TEST_F(RatingReadsTest, ARatingIsReadByItsTeamsTheirHeadsServicesAndAdmins) {
  auto ops_only = RatedHandoff("P-1");
  ASSERT_OK(ops_only);
  for (const Caller& caller : {FrontDesk(), Outreach(), OpsHead(), Admin(), Service()}) {
    EXPECT_OK(Get(caller, ops_only->name())) << caller.principal.subject;
  }
  for (const Caller& caller : {Consultation(), ClinicHead(), Member("finance", "finance")}) {
    ExpectDenied(Get(caller, ops_only->name()).status(), caller.principal.subject);
  }
  auto handoff = AcceptedByConsultation("P-2");
  ASSERT_OK(handoff);
  auto cross = Rate(Consultation(), handoff->name());
  ASSERT_OK(cross);
  for (const Caller& caller : {FrontDesk(), Consultation(), OpsHead(), ClinicHead()}) {
    EXPECT_OK(Get(caller, cross->name())) << caller.principal.subject;
  }
  for (const Caller& caller : {Outreach(), Treatment()}) {
    ExpectDenied(Get(caller, cross->name()).status(), caller.principal.subject);
  }
  EXPECT_THAT(Get(Admin(), "ratings/no-such-rating").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ratings/no-such-rating")));
  EXPECT_THAT(Get(Admin(), "handoffs/x").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
}

TEST_F(RatingReadsTest, ListsPageOldestFirstBySupplierCustomerAndChain) {
  const std::vector<std::string> names = FiveRatings();
  // A rating of another supplier on the same chain.
  auto handoff = AcceptedByConsultation("P-9");
  ASSERT_OK(handoff);
  auto other = Rate(Consultation(), handoff->name());
  ASSERT_OK(other);

  auto by_supplier = Pages(Outreach(), By("teams/outreach", "", "", 2));
  EXPECT_THAT(by_supplier, ElementsAre(ElementsAre(names[0], names[1]),
                                       ElementsAre(names[2], names[3]), ElementsAre(names[4])));
  auto by_customer = Pages(FrontDesk(), By("", "teams/front-desk", "", 3));
  EXPECT_THAT(by_customer, ElementsAre(ElementsAre(names[0], names[1], names[2]),
                                       ElementsAre(names[3], names[4])));
  std::vector<std::string> chain_all = names;
  chain_all.push_back(other->name());
  auto by_chain = Pages(Service(), By("", "", "chains/new-patient", 4));
  ASSERT_EQ(by_chain.size(), 2u);
  by_chain[0].insert(by_chain[0].end(), by_chain[1].begin(), by_chain[1].end());
  EXPECT_THAT(by_chain[0], ElementsAreArray(chain_all));
  EXPECT_THAT(Pages(Admin(), By("", "", "chains/follow-up")), ElementsAre(::testing::IsEmpty()));
}

TEST_F(RatingReadsTest, ATimeRangeListsRatingsFirstGivenInIt) {
  std::vector<absl::Time> times;
  const std::vector<std::string> names = FiveRatings(&times);
  v1::ListRatingsRequest request = By("teams/outreach", "", "", 1);
  *request.mutable_start_time() = ToProto(times[1]);
  *request.mutable_end_time() = ToProto(times[4]);  // exclusive
  EXPECT_THAT(Pages(OpsHead(), request),
              ElementsAre(ElementsAre(names[1]), ElementsAre(names[2]), ElementsAre(names[3])));
  // A revision does not move a rating out of its place in time.
  clock_.Advance(absl::Hours(1));
  ASSERT_OK(Rate(FrontDesk(), RateRequest("handoffs/" + names[0].substr(8), 1)));
  request.clear_end_time();
  request.set_page_size(10);
  EXPECT_THAT(Pages(Outreach(), request),
              ElementsAre(ElementsAre(names[1], names[2], names[3], names[4])));
  request.clear_start_time();
  *request.mutable_end_time() = ToProto(times[1]);
  EXPECT_THAT(Pages(Outreach(), request), ElementsAre(ElementsAre(names[0])));
}

TEST_F(RatingReadsTest, APageTokenIsRefusedWithAnotherFilter) {
  std::vector<absl::Time> times;
  FiveRatings(&times);
  auto first = List(Admin(), By("teams/outreach", "", "", 2));
  ASSERT_OK(first);
  ASSERT_FALSE(first->next_page_token().empty());
  std::vector<v1::ListRatingsRequest> others = {By("", "teams/front-desk"),
                                                By("", "", "chains/new-patient"),
                                                By("teams/front-desk"), By("teams/outreach")};
  *others.back().mutable_start_time() = ToProto(times[0]);
  for (v1::ListRatingsRequest& other : others) {
    other.set_page_token(first->next_page_token());
    auto refused = List(Admin(), other);
    EXPECT_THAT(refused.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  }
  v1::ListRatingsRequest same = By("teams/outreach", "", "", 2);
  same.set_page_token(first->next_page_token());
  EXPECT_OK(List(Admin(), same));
}

TEST_F(RatingReadsTest, ListsAreForTheTeamItsHeadServicesAndAdmins) {
  FiveRatings();
  for (const Caller& caller : {Outreach(), OpsHead(), Service(), Admin()}) {
    auto listed = List(caller, By("teams/outreach"));
    ASSERT_OK(listed) << caller.principal.subject;
    EXPECT_EQ(listed->ratings_size(), 5) << caller.principal.subject;
  }
  for (const Caller& caller : {FrontDesk(), Consultation(), ClinicHead()}) {
    ExpectDenied(List(caller, By("teams/outreach")).status(), caller.principal.subject);
  }
  // By chain: every team's ratings, for services and admins only.
  for (const Caller& caller : {Outreach(), FrontDesk(), OpsHead()}) {
    ExpectDenied(List(caller, By("", "", "chains/new-patient")).status(), caller.principal.subject);
  }
  EXPECT_THAT(List(OpsHead(), By("teams/no-such-team")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("teams/no-such-team")));
  // A head is let in by its department, which the handoff service knows.
  facts_->set_unreachable(true);
  EXPECT_THAT(List(OpsHead(), By("teams/outreach")).status(),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_OK(List(Outreach(), By("teams/outreach")));
}

TEST_F(RatingReadsTest, BadListsAreRefusedNamingTheField) {
  auto fields_of = [&](const v1::ListRatingsRequest& request) {
    auto refused = List(Admin(), request);
    EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
    return BadRequestFields(refused.status());
  };
  EXPECT_THAT(fields_of(By("")), UnorderedElementsAre("supplier_team", "customer_team", "chain"));
  EXPECT_THAT(fields_of(By("teams/outreach", "", "chains/new-patient")),
              UnorderedElementsAre("supplier_team", "chain"));
  EXPECT_THAT(fields_of(By("outreach")), ElementsAre("supplier_team"));
  EXPECT_THAT(fields_of(By("", "teams/Front Desk")), ElementsAre("customer_team"));
  EXPECT_THAT(fields_of(By("", "", "teams/outreach")), ElementsAre("chain"));
  EXPECT_THAT(fields_of(By("teams/outreach", "", "", -1)), ElementsAre("page_size"));
  v1::ListRatingsRequest request = By("teams/outreach");
  request.mutable_start_time()->set_nanos(-1);
  request.mutable_end_time()->set_seconds(300'000'000'000);
  EXPECT_THAT(fields_of(request), UnorderedElementsAre("start_time", "end_time"));
  request = By("teams/outreach");
  *request.mutable_start_time() = ToProto(absl::FromUnixSeconds(2000));
  *request.mutable_end_time() = ToProto(absl::FromUnixSeconds(1000));
  EXPECT_THAT(fields_of(request), ElementsAre("end_time"));
  request = By("teams/outreach");
  request.set_page_token("not a token");
  EXPECT_THAT(List(Admin(), request).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

}  // namespace
}  // namespace baton::feedback
