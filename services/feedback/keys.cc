#include "services/feedback/keys.h"

#include <algorithm>
#include <cstdint>

#include "common/storage/key_codec.h"

namespace baton::feedback::keys {

using storage::KeyReader;
using storage::KeyWriter;

namespace {

uint64_t Micros(absl::Time time) {
  return static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(time)));
}

KeyWriter Tagged(char tag, absl::string_view owner_id) {
  KeyWriter writer;
  writer.Byte(static_cast<uint8_t>(tag)).Str(owner_id);
  return writer;
}

}  // namespace

std::vector<std::string> ColumnFamilies() {
  return {kRatingsCf, kThreadsCf, kVerdictsCf, kPulseCf, kIndexCf, kEventsCf, kRequestsCf};
}

std::string Id(absl::string_view id) { return KeyWriter().Str(id).Take(); }

std::string RatingPrefix(RatingBy by, absl::string_view owner_id) {
  return Tagged(static_cast<char>(by), owner_id).Take();
}

std::string RatingFrom(RatingBy by, absl::string_view owner_id, absl::Time time) {
  return Tagged(static_cast<char>(by), owner_id).U64(Micros(time)).Take();
}

std::string RatingEntry(RatingBy by, absl::string_view owner_id, absl::Time created,
                        absl::string_view rating_id) {
  return Tagged(static_cast<char>(by), owner_id).U64(Micros(created)).Str(rating_id).Take();
}

std::string ThreadPrefix(ThreadBy by, absl::string_view owner_id) {
  return Tagged(static_cast<char>(by), owner_id).Take();
}

std::string ThreadEntry(ThreadBy by, absl::string_view owner_id, absl::string_view feedback_id) {
  return Tagged(static_cast<char>(by), owner_id).Str(feedback_id).Take();
}

std::string EscalationPrefix() { return KeyWriter().Byte('E').Take(); }

std::string Escalation(absl::Time respond_by, absl::string_view feedback_id) {
  return KeyWriter().Byte('E').U64(Micros(respond_by)).Str(feedback_id).Take();
}

bool ParseEscalation(absl::string_view key, absl::Time* respond_by, std::string* feedback_id) {
  KeyReader reader(key);
  uint8_t tag = 0;
  uint64_t micros = 0;
  if (!reader.Byte(&tag) || tag != 'E' || !reader.U64(&micros) || !reader.Str(feedback_id) ||
      !reader.done()) {
    return false;
  }
  *respond_by = absl::FromUnixMicros(static_cast<int64_t>(micros));
  return true;
}

std::string PulseTally(absl::string_view team_id, absl::string_view period) {
  return KeyWriter().Byte('T').Str(team_id).Str(period).Take();
}

std::string PulseCommentPrefix(absl::string_view team_id, absl::string_view period) {
  return KeyWriter().Byte('K').Str(team_id).Str(period).Take();
}

std::string PulseComment(absl::string_view team_id, absl::string_view period,
                         absl::string_view nonce) {
  return KeyWriter().Byte('K').Str(team_id).Str(period).Str(nonce).Take();
}

std::string PulseAnswered(absl::string_view period, absl::string_view team_id,
                          absl::string_view subject) {
  return KeyWriter().Byte('M').Str(period).Str(team_id).Str(subject).Take();
}

}  // namespace baton::feedback::keys
