// ScoringRulesStore and RulesBook on a real rating store: versions are one
// organisation-wide sequence, a chain without rules of its own falls back
// to the default, input errors name their field, a retried request_id
// makes no second version, only admins set rules, and what was set is
// there again after a reopen.

#include "services/rating/rules_store.h"

#include <memory>

#include <cmath>
#include <limits>
#include <set>

#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/testing/principals.h"
#include "common/testing/status_details.h"
#include "common/testing/status_matchers.h"
#include "common/testing/sync_call.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/rating/rating_keys.h"

namespace baton::rating {
namespace {

using ::baton::testing::IsOk;
using ::baton::testing::StatusIs;
using ::testing::HasSubstr;

// Rules that differ from the built-in ones in every field a chain may set
// (the organisation-wide ones too for the default).
v1::ScoringRules Custom(std::string chain) {
  v1::ScoringRules rules;
  rules.set_chain(std::move(chain));
  rules.set_rating_weight(0.6);
  rules.set_first_pass_weight(0.2);
  rules.set_timeliness_weight(0.2);
  rules.set_return_penalty(25);
  if (rules.chain().empty()) {
    rules.set_prior_weight(5);
    rules.set_satisfied_from(5);
  }
  return rules;
}

class RatingRulesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open() {
    auto store = storage::Store::Open(RatingStoreOptions(dir_.Sub("rating")));
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    queue_ = std::make_unique<storage::CommitQueue>(store_.get(), Clock::Real());
    book_ = std::make_unique<RulesBook>(ScoringRules());
    ASSERT_THAT(book_->Load(*store_, store_->cf(kAdminCf)), IsOk());
    rules_ = std::make_unique<ScoringRulesStore>(queue_.get(), store_->cf(kAdminCf),
                                                 store_->cf(kRequestsCf), book_.get());
  }
  void Close() {
    rules_.reset();
    if (queue_) queue_->Stop();
    queue_.reset();
    store_.reset();
  }

  absl::StatusOr<v1::ScoringRules> Set(v1::ScoringRules rules, std::string request_id = "",
                                       auth::Principal who = testing::Admin()) {
    v1::SetScoringRulesRequest request;
    request.set_request_id(std::move(request_id));
    *request.mutable_rules() = std::move(rules);
    v1::SetScoringRulesResponse response;
    RETURN_IF_ERROR(testing::SyncCall(rules_.get(), &ScoringRulesStore::SetScoringRules,
                                      testing::MustMakeCaller(std::move(who)), request, &response));
    return response.rules();
  }
  absl::StatusOr<v1::ScoringRules> Get(std::string chain) const {
    v1::GetScoringRulesRequest request;
    request.set_chain(std::move(chain));
    v1::GetScoringRulesResponse response;
    RETURN_IF_ERROR(rules_->GetScoringRules(
        testing::MustMakeCaller(testing::Member("ann", "t", "d")), request, &response));
    return response.rules();
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::CommitQueue> queue_;
  std::unique_ptr<RulesBook> book_;
  std::unique_ptr<ScoringRulesStore> rules_;
};

TEST_F(RatingRulesStoreTest, BuiltInDefaultsAreVersionOneForEveryChain) {
  for (const char* chain : {"", "chains/new-patient"}) {
    auto rules = Get(chain);
    ASSERT_THAT(rules, IsOk());
    EXPECT_EQ(rules->chain(), "") << "the default's rules apply";
    EXPECT_EQ(rules->version(), 1);
    EXPECT_EQ(rules->rating_weight(), 0.5);
    EXPECT_EQ(rules->prior_weight(), 10);
    EXPECT_EQ(rules->satisfied_from(), 4);
    EXPECT_FALSE(rules->has_create_time());
  }
}

TEST_F(RatingRulesStoreTest, VersionsAreOneSequenceAndChainsFallBackToTheDefault) {
  auto own = Set(Custom("chains/a"));
  ASSERT_THAT(own, IsOk());
  EXPECT_EQ(own->version(), 2);
  EXPECT_EQ(own->chain(), "chains/a");
  EXPECT_TRUE(own->has_create_time());

  v1::ScoringRules other_default = Custom("");
  other_default.set_prior_weight(20);
  auto new_default = Set(other_default);
  ASSERT_THAT(new_default, IsOk());
  EXPECT_EQ(new_default->version(), 3);

  EXPECT_EQ(Get("chains/a")->version(), 2);
  EXPECT_EQ(Get("chains/b")->version(), 3) << "no rules of its own: the default's";
  EXPECT_EQ(Get("chains/b")->chain(), "");
  EXPECT_EQ(Get("")->prior_weight(), 20);
  EXPECT_EQ(book_->ForChain("a").return_penalty, 25);
  EXPECT_EQ(book_->ForChain("b").prior_weight, 20);
  EXPECT_EQ(book_->Default().version, 3);
  EXPECT_EQ(book_->Version(1)->rules.rating_weight, 0.5) << "old versions stay known";
}

// Team figures use the default's C and CSAT line only: a chain's own were
// once kept and silently unused.
TEST_F(RatingRulesStoreTest, AChainTakesTheOrganisationWideFieldsFromTheDefault) {
  v1::ScoringRules mine = Custom("chains/a");
  mine.set_prior_weight(1000);
  mine.set_satisfied_from(1);
  auto refused = Set(mine);
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("organisation-wide")));
  EXPECT_THAT(testing::BadRequestFields(refused.status()),
              ::testing::UnorderedElementsAre("rules.prior_weight", "rules.satisfied_from"));

  mine.set_prior_weight(10);  // the default's value, as batonctl copies it
  mine.set_satisfied_from(0);
  ASSERT_THAT(Set(mine), IsOk());
  v1::ScoringRules other_default = Custom("");
  other_default.set_prior_weight(20);
  ASSERT_THAT(Set(other_default), IsOk());
  auto chain = Get("chains/a");
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->chain(), "chains/a");
  EXPECT_EQ(chain->return_penalty(), 25) << "its own";
  EXPECT_EQ(chain->prior_weight(), 20) << "the default's, as it applies now";
  EXPECT_EQ(chain->satisfied_from(), 5);
}

TEST_F(RatingRulesStoreTest, ConcurrentSetsGetDistinctVersions) {
  // Submitted together, they are likely decided in one commit group: the
  // version must come from the transaction, not from the book.
  constexpr int kCalls = 8;
  std::vector<v1::SetScoringRulesRequest> requests(kCalls);
  std::vector<v1::SetScoringRulesResponse> responses(kCalls);
  absl::Mutex mu;
  int answered = 0;
  const auth::Caller admin = testing::MustMakeCaller(testing::Admin());
  for (int i = 0; i < kCalls; ++i) {
    *requests[i].mutable_rules() = Custom(absl::StrCat("chains/c", i));
    rules_->SetScoringRules(admin, requests[i], &responses[i], [&](absl::Status s) {
      EXPECT_OK(s);
      absl::MutexLock lock(&mu);
      ++answered;
    });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == kCalls; }, &answered));
  std::set<int> versions;
  for (const auto& response : responses) versions.insert(response.rules().version());
  EXPECT_EQ(versions.size(), static_cast<size_t>(kCalls));
  EXPECT_EQ(*versions.begin(), 2);
  EXPECT_EQ(*versions.rbegin(), kCalls + 1);
}

TEST_F(RatingRulesStoreTest, InputErrorsNameTheirField) {
  const auto expect = [&](v1::ScoringRules rules, const char* field) {
    EXPECT_THAT(Set(std::move(rules)),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field)));
  };
  v1::ScoringRules rules = Custom("");
  rules.set_rating_weight(1.5);
  expect(rules, "rules.rating_weight");
  rules = Custom("");
  rules.set_first_pass_weight(std::nan(""));
  expect(rules, "rules.first_pass_weight");
  rules = Custom("");
  rules.set_timeliness_weight(0.3);  // sums to 1.1
  expect(rules, "sum to 1");
  rules = Custom("");
  rules.set_rating_weight(1);
  rules.set_first_pass_weight(0);
  rules.set_timeliness_weight(0);
  expect(rules, "rules.first_pass_weight");
  rules = Custom("");
  rules.set_return_penalty(-1);
  expect(rules, "rules.return_penalty");
  rules = Custom("");
  rules.set_prior_weight(std::numeric_limits<double>::infinity());
  expect(rules, "rules.prior_weight");
  rules = Custom("");
  rules.set_satisfied_from(6);
  expect(rules, "rules.satisfied_from");
  // C·m overflowed to an infinite score on every scoreboard.
  rules = Custom("");
  rules.set_prior_weight(1e308);
  expect(rules, "rules.prior_weight");
  rules = Custom("");
  rules.set_return_penalty(101);
  expect(rules, "rules.return_penalty");
  rules = Custom("");
  rules.set_timeliness_weight(0.2 + 1e-8);
  expect(rules, "not 1.00000001");  // was "not 1": six digits
  v1::SetScoringRulesRequest bad_id;
  bad_id.set_request_id("a b");
  *bad_id.mutable_rules() = Custom("");
  v1::SetScoringRulesResponse response;
  EXPECT_THAT(testing::SyncCall(rules_.get(), &ScoringRulesStore::SetScoringRules,
                                testing::MustMakeCaller(testing::Admin()), bad_id, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  expect(Custom("teams/a"), "rules.chain");
  EXPECT_THAT(Get("chains/Not Valid"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("chain")));
  EXPECT_EQ(book_->Newest(), 1) << "nothing was made";
}

TEST_F(RatingRulesStoreTest, ARetryWithTheSameRequestIdMakesNoSecondVersion) {
  auto first = Set(Custom("chains/a"), "req-1");
  ASSERT_THAT(first, IsOk());
  auto again = Set(Custom("chains/a"), "req-1");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->version(), first->version());
  EXPECT_EQ(book_->Newest(), 2);
  auto next = Set(Custom("chains/a"), "req-2");
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->version(), 3);
}

TEST_F(RatingRulesStoreTest, OnlyAdminsSetRules) {
  for (auth::Principal who :
       {testing::Member("ann", "t", "d"), testing::Head("bo", "t", "d"), testing::Service()}) {
    auto result = Set(Custom(""), "", who);
    EXPECT_THAT(result,
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("SetScoringRules")));
    EXPECT_EQ(ErrorReason(result.status()), "ADMIN_REQUIRED");
  }
  // Checked before the input: a non-admin learns nothing about it.
  v1::ScoringRules bad = Custom("");
  bad.set_satisfied_from(0);
  EXPECT_THAT(Set(bad, "", testing::Member("ann", "t", "d")),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_EQ(book_->Newest(), 1);
}

TEST_F(RatingRulesStoreTest, VersionsSurviveAReopen) {
  ASSERT_THAT(Set(Custom("chains/a")), IsOk());
  ASSERT_THAT(Set(Custom("")), IsOk());
  Close();
  Open();
  EXPECT_EQ(book_->Newest(), 3);
  EXPECT_EQ(Get("chains/a")->version(), 2);
  EXPECT_EQ(Get("chains/z")->version(), 3);
  auto next = Set(Custom("chains/a"));
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->version(), 4) << "the sequence goes on after a reopen";
}

}  // namespace
}  // namespace baton::rating
