#ifndef BATON_SERVICES_RATING_CONSUMER_STATUS_H_
#define BATON_SERVICES_RATING_CONSUMER_STATUS_H_

// GetConsumerStatus's domain: where each of the rating service's event
// consumers stands (events::EventConsumer::Status()), as
// baton.rating.v1.ConsumerStatus. Knows nothing of gRPC.

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/auth/caller.h"
#include "common/events/event_consumer.h"

namespace baton::rating {

// `status` as the API reports it: state by name ("LIVE", …), applied time
// unset when nothing was applied, lag in events and time.
void ConsumerStatusToProto(const events::ConsumerStatus& status, v1::ConsumerStatus* out);

// Thread-safe (EventConsumer::Status is; `source` must be).
class ConsumerStatuses {
 public:
  // Where the statuses come from, in the order reported.
  using Source = std::function<std::vector<events::ConsumerStatus>()>;

  // The consumers, in the order reported; not owned, each must outlive this.
  explicit ConsumerStatuses(std::vector<const events::EventConsumer*> consumers);
  // Consumers that come and go (a rebuild's: RollupConsumers::Statuses).
  explicit ConsumerStatuses(Source source) : source_(std::move(source)) {}

  // One ConsumerStatus per consumer. Any authenticated caller: it carries no
  // people's data. Always OK.
  absl::Status GetConsumerStatus(const auth::Caller& caller,
                                 const v1::GetConsumerStatusRequest& request,
                                 v1::GetConsumerStatusResponse* response) const;

 private:
  const Source source_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_CONSUMER_STATUS_H_
