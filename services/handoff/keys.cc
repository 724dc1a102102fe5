#include "services/handoff/keys.h"

#include "common/storage/key_codec.h"

namespace baton::handoff::keys {

using storage::KeyReader;
using storage::KeyWriter;

std::vector<std::string> ColumnFamilies() {
  return {kOrgCf, kItemsCf, kHandoffsCf, kIndexCf, kEventsCf, kRequestsCf};
}

std::string Org(uint8_t kind, absl::string_view id) {
  return KeyWriter().Byte(kind).Str({id.data(), id.size()}).Take();
}
std::string OrgPrefix(uint8_t kind) { return KeyWriter().Byte(kind).Take(); }
std::string Item(absl::string_view id) { return KeyWriter().Str({id.data(), id.size()}).Take(); }
std::string Handoff(absl::string_view id) { return KeyWriter().Str({id.data(), id.size()}).Take(); }

std::string ExternalReference(absl::string_view chain_id, absl::string_view reference) {
  return KeyWriter()
      .Byte('X')
      .Str({chain_id.data(), chain_id.size()})
      .Str({reference.data(), reference.size()})
      .Take();
}

std::string StateBoxPrefix(absl::string_view team_id, Box box, int state) {
  return KeyWriter()
      .Byte('S')
      .Str({team_id.data(), team_id.size()})
      .Byte(static_cast<uint8_t>(box))
      .Byte(static_cast<uint8_t>(state))
      .Take();
}

std::string StateBoxEntry(absl::string_view team_id, Box box, int state,
                          absl::string_view handoff_id) {
  return StateBoxPrefix(team_id, box, state) +
         KeyWriter().Str({handoff_id.data(), handoff_id.size()}).Take();
}

std::string DuePrefix() { return KeyWriter().Byte('O').Take(); }

std::string Due(absl::Time due, absl::string_view handoff_id) {
  const int64_t micros = absl::ToUnixMicros(due);
  return KeyWriter()
      .Byte('O')
      .U64(static_cast<uint64_t>(micros < 0 ? 0 : micros))
      .Str({handoff_id.data(), handoff_id.size()})
      .Take();
}

bool ParseDue(absl::string_view key, absl::Time* due, std::string* handoff_id) {
  KeyReader reader({key.data(), key.size()});
  uint8_t tag = 0;
  uint64_t micros = 0;
  if (!reader.Byte(&tag) || tag != 'O' || !reader.U64(&micros) || !reader.Str(handoff_id) ||
      !reader.done()) {
    return false;
  }
  *due = absl::FromUnixMicros(static_cast<int64_t>(micros));
  return true;
}

std::string Attempts(absl::string_view item_id, int to_stage) {
  return KeyWriter()
      .Byte('N')
      .Str({item_id.data(), item_id.size()})
      .U32(static_cast<uint32_t>(to_stage))
      .Take();
}

}  // namespace baton::handoff::keys
