#ifndef BATON_SERVICES_HANDOFF_KEYS_H_
#define BATON_SERVICES_HANDOFF_KEYS_H_

// Column families and keys of the handoff service (see docs/storage.md).
//   handoff.org       'D' id → Department, 'T' id → Team, 'C' id → Chain
//   handoff.items     id → WorkItem            (ids sort by creation time)
//   handoff.handoffs  id → Handoff
//   handoff.index     'X' chain external_ref → work item id (unique per chain)
//                     'S' team box state handoff_id → "" (inbox/outbox by state:
//                         a listing of open offers never scans the history;
//                         an unfiltered listing merges the states in id order)
//                     'O' due_micros handoff_id → "" (open offers by due time)
//                     'N' item_id to_stage → u32 attempts so far
//   handoff.events    sequence → Event         (the outbox)
//   handoff.requests  method request_id → fingerprint + response

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace baton::handoff::keys {

inline constexpr char kOrgCf[] = "handoff.org";
inline constexpr char kItemsCf[] = "handoff.items";
inline constexpr char kHandoffsCf[] = "handoff.handoffs";
inline constexpr char kIndexCf[] = "handoff.index";
inline constexpr char kEventsCf[] = "handoff.events";
inline constexpr char kRequestsCf[] = "handoff.requests";

std::vector<std::string> ColumnFamilies();

inline constexpr uint8_t kDepartment = 'D';
inline constexpr uint8_t kTeam = 'T';
inline constexpr uint8_t kChain = 'C';

enum class Box : uint8_t { kInbox = 1, kOutbox = 2 };

std::string Org(uint8_t kind, absl::string_view id);
std::string OrgPrefix(uint8_t kind);
std::string Item(absl::string_view id);
std::string Handoff(absl::string_view id);
std::string ExternalReference(absl::string_view chain_id, absl::string_view reference);
std::string StateBoxEntry(absl::string_view team_id, Box box, int state,
                          absl::string_view handoff_id);
std::string StateBoxPrefix(absl::string_view team_id, Box box, int state);
std::string Due(absl::Time due, absl::string_view handoff_id);
std::string DuePrefix();
// Parses a Due key; false when malformed.
bool ParseDue(absl::string_view key, absl::Time* due, std::string* handoff_id);
std::string Attempts(absl::string_view item_id, int to_stage);

}  // namespace baton::handoff::keys

#endif  // BATON_SERVICES_HANDOFF_KEYS_H_
