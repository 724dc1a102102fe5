#ifndef BATON_TESTS_INTEGRATION_CHAIN_MODEL_H_
#define BATON_TESTS_INTEGRATION_CHAIN_MODEL_H_

// An independent model of the rating service's figures, for tests that
// script work along a chain: the script records here what it did (each
// handoff, drop, completion, rating, ruling, verdict and piece of
// feedback, with its time), and the model computes what the rating
// service must serve, with the formulas of DESIGN.md "Scores" written out
// again (not services/rating's scoring functions, so that a bug there
// shows as a difference) and the day rules of the appliers' header
// comments: a handoff's score and rating count on the day it was decided,
// offers on the offer day, overdue on the due day, drops and completions
// on their day, verdicts, feedback and disputes on theirs. Days are UTC
// days (the rating module's default zone).
//
// Not thread-safe; a plain record.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace baton::testing {

// Days [from, to], both included.
struct ModelWindow {
  absl::CivilDay from;
  absl::CivilDay to;
  bool Has(absl::Time t) const;
  // The window of the same length that ends the day before `from`.
  ModelWindow Previous() const;
};

// One handoff as the script made and decided it.
struct ModelHandoff {
  std::string id;  // the handoff's id (not its name)
  std::string item;
  std::string supplier;  // team ids
  std::string customer;
  int to_stage = 0;
  int attempt = 1;
  absl::Time offer;
  absl::Duration sla;
  bool decided = false;
  bool accepted = false;
  absl::Time decide;
  // The current overall rating (1–5), when rated.
  std::optional<int> overall;
  bool overturned = false;

  absl::Time due() const { return offer + sla; }
  // Decided after its due time: the overdue timer marked it while open.
  bool overdue() const { return decided && decide > due(); }
  // The rating that counts: accepted, rated, not overturned.
  std::optional<int> counted_rating() const;
};

// The parts of a handoff's quality, as DESIGN.md defines them.
struct ModelScore {
  std::optional<double> rating;
  double first_pass = 0;
  double timeliness = 0;
  double quality = 0;
};
ModelScore ScoreOf(const ModelHandoff& handoff);

// One side's counts over a window, and the figures derived from them.
struct ModelSide {
  int64_t decided = 0, offers = 0, accepts = 0, returns = 0, drops = 0, overdue = 0;
  int64_t first_pass = 0, on_time = 0, scored = 0, overturned = 0;
  double quality_sum = 0;
  std::array<int64_t, 5> overall{};  // ratings by overall score 1..5

  std::optional<double> MeanQuality() const;
  // (C·m + Σq) / (C + n) with C = 10; Σq/n without a department mean.
  std::optional<double> Score(std::optional<double> department_mean) const;
  std::optional<double> Csat() const;
  std::optional<double> FirstPassYield() const;
  std::optional<double> ReworkRate() const;
  std::optional<double> OnTimeRate() const;
};

struct ModelVerdicts {
  int64_t count = 0, first_pass = 0, reworked = 0;
  int64_t sum = 0, first_pass_sum = 0, reworked_sum = 0;
};

struct ModelFeedback {
  int64_t praise = 0, complaints = 0, disputes_filed = 0, disputes_upheld = 0,
          disputes_overturned = 0;
  // Threads open now, whatever the window: the script closes none.
  int64_t open = 0;
};

struct ModelStage {
  std::string team;
  int64_t entered = 0, passed = 0, dropped = 0, first_pass = 0, decided = 0;
  // Verdicts on the items that finished (completed or dropped) here.
  int64_t verdicts = 0, verdict_sum = 0;
};

class ChainModel {
 public:
  // The org: each team's department; the chain's stage owners in order.
  void AddTeam(const std::string& team, const std::string& department);
  void SetStages(std::vector<std::string> owner_teams);

  // What the script did. Handoffs are stored by id; `Handoff` finds one.
  void Created(const std::string& item, absl::Time t);
  ModelHandoff& Offered(ModelHandoff handoff);
  void Decided(const std::string& handoff, bool accepted, absl::Time t);
  void Rated(const std::string& handoff, int overall);
  void Completed(const std::string& item, absl::Time t);
  void Dropped(const std::string& item, int stage, const std::string& team, absl::Time t);
  void Disputed(const std::string& handoff, absl::Time t);
  void Ruled(const std::string& handoff, bool overturned, absl::Time t);
  void Verdict(const std::string& item, int score, absl::Time t);
  void Praised(const std::string& team, absl::Time t);
  void Complained(const std::string& team, absl::Time t);
  ModelHandoff& Handoff(const std::string& id);
  const std::map<std::string, ModelHandoff>& handoffs() const { return handoffs_; }

  // The figures over `window`.
  ModelSide AsSupplier(const std::string& team, const ModelWindow& window) const;
  ModelSide AsCustomer(const std::string& team, const ModelWindow& window) const;
  std::optional<double> DepartmentMean(const std::string& department,
                                       const ModelWindow& window) const;
  ModelFeedback Feedback(const std::string& team, const ModelWindow& window) const;
  // The attribution rule of services/rating/feedback_applier.h, restated:
  // every team that held the item (created there, or accepted it) gets the
  // whole verdict; in the first-pass split when its handoff of the item
  // was accepted at attempt 1, in the reworked split when one of its
  // handoffs of the item was returned.
  ModelVerdicts Verdicts(const std::string& team, const ModelWindow& window) const;
  std::vector<ModelStage> Funnel(const ModelWindow& window) const;
  const std::string& DepartmentOf(const std::string& team) const { return departments_.at(team); }
  std::vector<std::string> TeamsOf(const std::string& department) const;

 private:
  struct Event {
    std::string id;  // item, handoff or team
    absl::Time time;
    int value = 0;  // a stage, a score, or a ruling (1 = overturned)
    std::string team;
  };
  ModelSide Side(const std::string& team, bool supplier, const ModelWindow& window) const;

  std::map<std::string, std::string> departments_;  // team → department
  std::vector<std::string> stages_;                 // owner teams
  std::map<std::string, ModelHandoff> handoffs_;
  std::vector<Event> created_, completed_, dropped_, disputes_, rulings_, verdicts_, praise_,
      complaints_;
};

}  // namespace baton::testing

#endif  // BATON_TESTS_INTEGRATION_CHAIN_MODEL_H_
