#ifndef BATON_SERVICES_FEEDBACK_KEYS_H_
#define BATON_SERVICES_FEEDBACK_KEYS_H_

// Column families and keys of the feedback service. Ids of ratings and
// verdicts are those of their handoff and work item; ids of threads are
// made on the committer, so they sort in commit order.
//   feedback.ratings   id → Rating
//   feedback.threads   id → Feedback
//   feedback.verdicts  id → Verdict
//   feedback.pulse     'T' team period → PulseSummary (the raw tally: every
//                          count; shown only as the API allows)
//                      'K' team period nonce → comment (one per comment; the
//                          random nonce orders them by nothing that can be
//                          traced, and no answer rewrites the others)
//                      'M' period team subject → ""  (answered this period)
//   feedback.index     'S' supplier_team create_µs rating_id → ""
//                      'C' customer_team create_µs rating_id → ""
//                      'H' chain create_µs rating_id → ""
//                      'A' addressee_team feedback_id → ""
//                      'W' author_team feedback_id → ""
//                      'D' department feedback_id → ""
//                      'E' respond_by_µs feedback_id → "" (open, not yet escalated)
//   feedback.events    sequence → Event           (the outbox)
//   feedback.requests  scope method request_id → fingerprint + response
// Team, chain and department ids are the bare ids ("front-desk"); times
// are µs since the Unix epoch, big-endian (times before 1970 count as
// 1970), so keys sort by time.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace baton::feedback::keys {

inline constexpr char kRatingsCf[] = "feedback.ratings";
inline constexpr char kThreadsCf[] = "feedback.threads";
inline constexpr char kVerdictsCf[] = "feedback.verdicts";
inline constexpr char kPulseCf[] = "feedback.pulse";
inline constexpr char kIndexCf[] = "feedback.index";
inline constexpr char kEventsCf[] = "feedback.events";
inline constexpr char kRequestsCf[] = "feedback.requests";

std::vector<std::string> ColumnFamilies();

// Ratings, threads and verdicts by id.
std::string Id(absl::string_view id);

// Rating indexes: by supplier team ('S'), customer team ('C'), chain ('H').
enum class RatingBy : char { kSupplier = 'S', kCustomer = 'C', kChain = 'H' };
std::string RatingEntry(RatingBy by, absl::string_view owner_id, absl::Time created,
                        absl::string_view rating_id);
std::string RatingPrefix(RatingBy by, absl::string_view owner_id);
// The first key at or after `time` under RatingPrefix(by, owner_id).
std::string RatingFrom(RatingBy by, absl::string_view owner_id, absl::Time time);

// Thread indexes: by addressee team ('A'), author team ('W'), department ('D').
enum class ThreadBy : char { kAddressee = 'A', kAuthor = 'W', kDepartment = 'D' };
std::string ThreadEntry(ThreadBy by, absl::string_view owner_id, absl::string_view feedback_id);
std::string ThreadPrefix(ThreadBy by, absl::string_view owner_id);

// Open threads by the time they escalate.
std::string Escalation(absl::Time respond_by, absl::string_view feedback_id);
std::string EscalationPrefix();
// Parses an Escalation key; false when malformed.
bool ParseEscalation(absl::string_view key, absl::Time* respond_by, std::string* feedback_id);

// Pulse: a team's tally for a period, and who answered.
std::string PulseTally(absl::string_view team_id, absl::string_view period);
std::string PulseComment(absl::string_view team_id, absl::string_view period,
                         absl::string_view nonce);
std::string PulseCommentPrefix(absl::string_view team_id, absl::string_view period);
std::string PulseAnswered(absl::string_view period, absl::string_view team_id,
                          absl::string_view subject);

}  // namespace baton::feedback::keys

#endif  // BATON_SERVICES_FEEDBACK_KEYS_H_
