#include "services/rating/consumer_status.h"

#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace baton::rating {

void ConsumerStatusToProto(const events::ConsumerStatus& status, v1::ConsumerStatus* out) {
  out->set_source(status.source);
  out->set_state(events::ConsumerStateName(status.state));
  out->set_error(status.error);
  out->set_applied_sequence(status.applied_sequence);
  if (status.applied_time != absl::InfinitePast()) {
    *out->mutable_applied_time() = ToProto(status.applied_time);
  }
  out->set_epoch(status.epoch);
  out->set_lag_events(status.lag_events);
  *out->mutable_lag() = ToProto(status.lag);
  out->set_caught_up(status.caught_up);
}

absl::Status ConsumerStatuses::GetConsumerStatus(const auth::Caller&,
                                                 const v1::GetConsumerStatusRequest&,
                                                 v1::GetConsumerStatusResponse* response) const {
  ASSIGN_OR_RETURN(*response->mutable_rebuild(), rebuild_());
  for (const events::ConsumerStatus& status : source_()) {
    ConsumerStatusToProto(status, response->add_consumers());
  }
  return absl::OkStatus();
}

}  // namespace baton::rating
