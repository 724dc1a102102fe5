#ifndef BATON_COMMON_TIME_PROTO_TIME_H_
#define BATON_COMMON_TIME_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace baton {

// absl::Time/Duration ↔ google.protobuf.Timestamp/Duration, to the nanosecond.
google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& t);
google::protobuf::Duration ToProto(absl::Duration d);
absl::Duration FromProto(const google::protobuf::Duration& d);

}  // namespace baton

#endif  // BATON_COMMON_TIME_PROTO_TIME_H_
