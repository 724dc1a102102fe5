// RatingQueries::ChainFunnel: one range scan of each stage's rollup.

#include "baton/rating/v1/stored.pb.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/counters_merge.h"
#include "common/time/proto_time.h"
#include "services/rating/rating_queries.h"

namespace baton::rating {

absl::StatusOr<v1::Funnel> RatingQueries::ChainFunnel(absl::string_view chain_id,
                                                      const v1::Window& window) const {
  ASSIGN_OR_RETURN(const DayRange now, ResolveWindow(window, Today()));
  const Reads reads = DurableReads();
  std::string bytes;
  const rocksdb::Status s =
      store_->db()->Get(reads.options, cfs_.org, ChainStagesKey(chain_id), &bytes);
  const std::string name = api::Name(api::kChains, chain_id);
  if (s.IsNotFound()) return NotFound(name);
  RETURN_IF_ERROR(FromRocksDb(s));
  v1::StoredChain chain;
  if (!chain.ParseFromString(bytes)) {
    return absl::DataLossError("the stored stages of " + name + " do not parse");
  }

  v1::Funnel funnel;
  funnel.set_chain(name);
  *funnel.mutable_window() = now.ToProto();
  std::optional<double> conversion_product;
  std::optional<double> yield_product;
  for (int i = 0; i < chain.stage_teams_size(); ++i) {
    const RollupOwner owner{.scope = Scope::kChainStage,
                            .id = std::string(chain_id),
                            .stage = static_cast<uint32_t>(i)};
    ASSIGN_OR_RETURN(std::vector<int64_t> c, Sum(reads, owner, now));
    v1::FunnelStage* stage = funnel.add_stages();
    stage->set_stage_index(i);
    stage->set_team(api::Name(api::kTeams, chain.stage_teams(i)));
    stage->set_entered(storage::CounterAt(c, slot::kEntered));
    stage->set_passed(storage::CounterAt(c, slot::kPassed));
    stage->set_dropped(storage::CounterAt(c, slot::kDrops));
    if (auto conversion = Ratio(stage->passed(), stage->entered())) {
      stage->set_conversion(*conversion);
      conversion_product = conversion_product.value_or(1.0) * *conversion;
    }
    // The stage's rollup holds the handoffs out of it (HandoffOwners).
    if (auto fpy = FirstPassYield(storage::CounterAt(c, slot::kFirstPass),
                                  storage::CounterAt(c, slot::kDecided))) {
      stage->set_first_pass_yield(*fpy);
      yield_product = yield_product.value_or(1.0) * *fpy;
    }
    // Verdicts of the items that finished at the stage (CountVerdict).
    if (auto verdict = Ratio(storage::CounterAt(c, slot::kVerdictSum),
                             storage::CounterAt(c, slot::kVerdicts))) {
      stage->set_mean_verdict(*verdict);
    }
  }
  if (conversion_product) funnel.set_overall_conversion(*conversion_product);
  if (yield_product) funnel.set_rolled_throughput_yield(*yield_product);
  *funnel.mutable_as_of() = ToProto(clock_->Now());
  return funnel;
}

}  // namespace baton::rating
