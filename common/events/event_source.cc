#include "common/events/event_source.h"

#include "absl/strings/str_cat.h"
#include "baton/common/v1/events.pb.h"
#include "common/status/errors.h"
#include "common/time/proto_time.h"

namespace baton::events {

absl::Status UnreadableEvent(uint64_t sequence, absl::string_view why) {
  return ErrorWithInfo(absl::StatusCode::kDataLoss, "EVENT_UNREADABLE",
                       absl::StrCat("event ", sequence, " cannot be read: ", why),
                       {{"sequence", absl::StrCat(sequence)}});
}

absl::Status ReadEventHeader(absl::string_view bytes, uint64_t sequence, absl::Time* time) {
  common::v1::EventHeader header;
  if (!header.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return UnreadableEvent(sequence, "its header (sequence, time) does not parse");
  }
  if (header.sequence() != 0 && header.sequence() != sequence) {
    return UnreadableEvent(sequence, absl::StrCat("it says it is event ", header.sequence(),
                                                  " (events missing or out of order)"));
  }
  if (!header.has_time()) return UnreadableEvent(sequence, "it has no time");
  *time = FromProto(header.time());
  return absl::OkStatus();
}

}  // namespace baton::events
