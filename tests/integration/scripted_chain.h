#ifndef BATON_TESTS_INTEGRATION_SCRIPTED_CHAIN_H_
#define BATON_TESTS_INTEGRATION_SCRIPTED_CHAIN_H_

// A fixture that scripts a few hundred handoffs along one chain, through
// the gRPC API of an in-process TestServer on a FakeClock, and records
// what it did in a ChainModel.
//
// The org: departments intake (reception, triage) and care (consult, lab,
// therapy, billing); chain "journey": reception → triage (4 h) → consult
// (6 h) → lab (5 h) → therapy (4.5 h). billing owns no stage.
//
// The script runs in rounds of 16 fake hours (so they straddle days).
// Each round, at its start, new items are created (the first rounds), and
// every item without an open offer is completed (at the last stage),
// dropped (by chance, per stage) or offered on; then the customers decide:
// most at +30 min (on time), some at +6.5 h (late: T between 0 and 100 on
// every stage) and some at +13 h (T = 0), accepting or returning (by
// chance, per supplier; at most two returns per stage). Late decisions
// come only after the production overdue timer has marked every open
// offer (the test waits for those events), so "overdue" is deterministic.
// Accepted handoffs are mostly rated (per-supplier ranges), with praise
// and complaints now and then; finished items get the outside customer's
// verdict by chance; one rating is revised, and two are disputed: one
// upheld, one overturned by the supplier department's head.
//
// All chance comes from one seeded generator: the same seed, the same
// script.

#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/chain_model.h"
#include "tests/integration/test_server.h"

namespace baton::testing {

// Made before the server and destroyed after it: the server's timers read it.
struct FakeClockHolder {
  FakeClock clock_;
};

class ScriptedChainTest : protected FakeClockHolder, public ::testing::Test {
 protected:
  static constexpr uint32_t kSeed = 20260921;
  static constexpr char kChain[] = "journey";

  ScriptedChainTest();
  void SetUp() override;

  // Runs the whole script; every item ends completed or dropped.
  void RunScript();
  // Waits (event-driven, bounded) until the rating consumers applied both
  // logs up to their current ends.
  void AwaitRatingCaughtUp();

  // The window that holds the whole script.
  ModelWindow ScriptWindow() const;
  // The handoffs singled out by the script.
  const std::string& revised() const { return revised_; }
  const std::string& upheld() const { return disputed_[0]; }
  const std::string& overturned() const { return disputed_[1]; }

  rating::v1::RatingService::Stub& rating() { return server_.rating_stub(); }

  ChainModel model_;
  TestServer server_;
  std::string reader_;  // any authenticated caller: a service

 private:
  enum class Timing { kOnTime, kLate, kVeryLate };
  struct Item {
    std::string name;
    int stage = 0;
    int attempt = 1;  // of the next offer out of `stage`
    bool finished = false;
    bool returned = false;  // some handoff of it was returned
  };
  struct Plan {
    std::string handoff;
    size_t item = 0;
    bool accept = true;
    Timing timing = Timing::kOnTime;
  };

  void CreateOrg();
  void Round(int round);
  void CreateItem();
  void Offer(size_t item, int round, std::vector<Plan>& plans);
  void Decide(const Plan& plan);
  void RateAndTalk(const std::string& handoff);
  void FinishedItemVerdict(size_t item);
  // Moves the clock to `t`, first waiting for the overdue timer to mark
  // `overdue` more offers when there are any.
  void AdvanceTo(absl::Time t, int overdue = 0);
  void SpecialEvents(int round);

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  const std::string& Member(const std::string& team) { return members_.at(team); }

  absl::Time start_;
  absl::Time end_;
  std::mt19937 rng_{kSeed};
  std::string admin_;
  std::string service_;
  std::map<std::string, std::string> members_;  // team → member token
  std::map<std::string, std::string> heads_;    // department → head token
  std::vector<Item> items_;
  std::vector<std::pair<std::string, int>> rated_;  // handoff, first overall rating
  std::string revised_;
  std::vector<std::string> disputed_;
};

}  // namespace baton::testing

#endif  // BATON_TESTS_INTEGRATION_SCRIPTED_CHAIN_H_
