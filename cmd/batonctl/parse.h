#ifndef BATON_CMD_BATONCTL_PARSE_H_
#define BATON_CMD_BATONCTL_PARSE_H_

// Turns command-line words into request values. Every error is
// InvalidArgument with a message naming the flag: a usage error.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "baton/feedback/v1/feedback_service.pb.h"
#include "baton/handoff/v1/resources.pb.h"
#include "baton/rating/v1/resources.pb.h"

namespace baton::batonctl {

// "x" → "collection/x"; a name with a slash is kept as given (the server
// checks it). Empty stays empty.
std::string Qualify(absl::string_view collection, absl::string_view name);

// --field=k=v,... → {k: v}. Each entry needs a non-empty key before its
// first '='; the value may be empty or hold more '='.
absl::StatusOr<std::map<std::string, std::string>> ParseFields(
    const std::vector<std::string>& entries);

// Short enum names, as --help shows them: "active" for
// WORK_ITEM_STATE_ACTIVE, "missing-information" for
// RETURN_REASON_MISSING_INFORMATION. The full enum name is accepted too;
// the UNSPECIFIED value is not.
absl::StatusOr<handoff::v1::WorkItemState> ParseWorkItemState(absl::string_view flag,
                                                              absl::string_view value);
absl::StatusOr<handoff::v1::HandoffState> ParseHandoffState(absl::string_view flag,
                                                            absl::string_view value);
absl::StatusOr<handoff::v1::DropReason> ParseDropReason(absl::string_view flag,
                                                        absl::string_view value);
// A comma-separated list, at least one.
absl::StatusOr<std::vector<handoff::v1::ReturnReason>> ParseReturnReasons(absl::string_view flag,
                                                                          absl::string_view value);

absl::StatusOr<feedback::v1::FeedbackKind> ParseFeedbackKind(absl::string_view flag,
                                                             absl::string_view value);
absl::StatusOr<feedback::v1::FeedbackState> ParseFeedbackState(absl::string_view flag,
                                                               absl::string_view value);
absl::StatusOr<feedback::v1::Ruling> ParseRuling(absl::string_view flag, absl::string_view value);
absl::StatusOr<rating::v1::ScoreboardOrder> ParseScoreboardOrder(absl::string_view flag,
                                                                 absl::string_view value);
// --scores: five numbers (completeness, accuracy, timeliness, communication,
// overall), or one for all five. The range is the server's to check.
absl::StatusOr<feedback::v1::Scores> ParseScores(absl::string_view flag,
                                                 const std::vector<std::string>& values);

}  // namespace baton::batonctl

#endif  // BATON_CMD_BATONCTL_PARSE_H_
