#ifndef BATON_SERVICES_RATING_CONSUMER_STATUS_H_
#define BATON_SERVICES_RATING_CONSUMER_STATUS_H_

// GetConsumerStatus's domain: where each of the rating service's event
// consumers stands (events::EventConsumer::Status()), as
// baton.rating.v1.ConsumerStatus. Knows nothing of gRPC.

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/auth/caller.h"
#include "common/events/event_consumer.h"

namespace baton::rating {

// `status` as the API reports it: state by name ("LIVE", …), applied time
// unset when nothing was applied, lag in events and time.
void ConsumerStatusToProto(const events::ConsumerStatus& status, v1::ConsumerStatus* out);

// Thread-safe (`source` and `rebuild` must be).
class ConsumerStatuses {
 public:
  // Where the statuses come from, in the order reported (consumers come and
  // go with rebuilds: RollupConsumers::Statuses), and the last rebuild's
  // (RollupConsumers::LastRebuild).
  using Source = std::function<std::vector<events::ConsumerStatus>()>;
  using RebuildSource = std::function<absl::StatusOr<v1::RebuildStatus>()>;

  ConsumerStatuses(Source source, RebuildSource rebuild)
      : source_(std::move(source)), rebuild_(std::move(rebuild)) {}

  // One ConsumerStatus per consumer, and the last rebuild. Any
  // authenticated caller: it carries no people's data. Errors: the
  // rebuild source's (DATA_LOSS, a storage error).
  absl::Status GetConsumerStatus(const auth::Caller& caller,
                                 const v1::GetConsumerStatusRequest& request,
                                 v1::GetConsumerStatusResponse* response) const;

 private:
  const Source source_;
  const RebuildSource rebuild_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_CONSUMER_STATUS_H_
