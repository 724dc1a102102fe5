#include "cmd/batonctl/parse.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"

namespace baton::batonctl {
namespace {

namespace v1 = ::baton::handoff::v1;
using google::protobuf::EnumDescriptor;

// The value number of `value` in `type`, whose values share `prefix`.
absl::StatusOr<int> ParseEnum(const EnumDescriptor& type, absl::string_view prefix,
                              absl::string_view flag, absl::string_view value) {
  std::string full = absl::AsciiStrToUpper(absl::StrReplaceAll(value, {{"-", "_"}}));
  if (!absl::StartsWith(full, prefix)) full = absl::StrCat(prefix, full);
  const auto* found = type.FindValueByName(full);
  if (found != nullptr && found->number() != 0) return found->number();
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() == 0) continue;
    absl::string_view name = type.value(i)->name();
    name.remove_prefix(prefix.size());
    names.push_back(absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}}));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": '", value, "' is not one of ", absl::StrJoin(names, ", ")));
}

}  // namespace

std::string Qualify(absl::string_view collection, absl::string_view name) {
  if (name.empty() || absl::StrContains(name, '/')) return std::string(name);
  return absl::StrCat(collection, "/", name);
}

absl::StatusOr<std::map<std::string, std::string>> ParseFields(
    const std::vector<std::string>& entries) {
  std::map<std::string, std::string> fields;
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--field: '", entry, "' is not key=value (separate entries with commas)"));
    }
    fields[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return fields;
}

absl::StatusOr<v1::WorkItemState> ParseWorkItemState(absl::string_view flag,
                                                     absl::string_view value) {
  auto n = ParseEnum(*v1::WorkItemState_descriptor(), "WORK_ITEM_STATE_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<v1::WorkItemState>(*n);
}

absl::StatusOr<v1::HandoffState> ParseHandoffState(absl::string_view flag,
                                                   absl::string_view value) {
  auto n = ParseEnum(*v1::HandoffState_descriptor(), "HANDOFF_STATE_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<v1::HandoffState>(*n);
}

absl::StatusOr<v1::DropReason> ParseDropReason(absl::string_view flag, absl::string_view value) {
  auto n = ParseEnum(*v1::DropReason_descriptor(), "DROP_REASON_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<v1::DropReason>(*n);
}

absl::StatusOr<std::vector<v1::ReturnReason>> ParseReturnReasons(absl::string_view flag,
                                                                 absl::string_view value) {
  std::vector<v1::ReturnReason> reasons;
  for (absl::string_view word : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    auto n = ParseEnum(*v1::ReturnReason_descriptor(), "RETURN_REASON_", flag, word);
    if (!n.ok()) return n.status();
    reasons.push_back(static_cast<v1::ReturnReason>(*n));
  }
  if (reasons.empty()) return absl::InvalidArgumentError(absl::StrCat("--", flag, " is required"));
  return reasons;
}

absl::StatusOr<feedback::v1::FeedbackKind> ParseFeedbackKind(absl::string_view flag,
                                                             absl::string_view value) {
  auto n = ParseEnum(*feedback::v1::FeedbackKind_descriptor(), "FEEDBACK_KIND_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<feedback::v1::FeedbackKind>(*n);
}

absl::StatusOr<feedback::v1::FeedbackState> ParseFeedbackState(absl::string_view flag,
                                                               absl::string_view value) {
  auto n = ParseEnum(*feedback::v1::FeedbackState_descriptor(), "FEEDBACK_STATE_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<feedback::v1::FeedbackState>(*n);
}

absl::StatusOr<feedback::v1::Ruling> ParseRuling(absl::string_view flag, absl::string_view value) {
  auto n = ParseEnum(*feedback::v1::Ruling_descriptor(), "RULING_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<feedback::v1::Ruling>(*n);
}

absl::StatusOr<rating::v1::ScoreboardOrder> ParseScoreboardOrder(absl::string_view flag,
                                                                 absl::string_view value) {
  auto n = ParseEnum(*rating::v1::ScoreboardOrder_descriptor(), "SCOREBOARD_ORDER_", flag, value);
  if (!n.ok()) return n.status();
  return static_cast<rating::v1::ScoreboardOrder>(*n);
}

absl::StatusOr<feedback::v1::Scores> ParseScores(absl::string_view flag,
                                                 const std::vector<std::string>& values) {
  std::vector<int> numbers;
  for (const std::string& value : values) {
    int number = 0;
    if (!absl::SimpleAtoi(value, &number)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": \"", value, "\" is not a whole number"));
    }
    numbers.push_back(number);
  }
  if (numbers.size() == 1) numbers.assign(5, numbers[0]);
  if (numbers.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag,
        " takes five numbers (completeness,accuracy,timeliness,communication,overall) or one"));
  }
  feedback::v1::Scores scores;
  scores.set_completeness(numbers[0]);
  scores.set_accuracy(numbers[1]);
  scores.set_timeliness(numbers[2]);
  scores.set_communication(numbers[3]);
  scores.set_overall(numbers[4]);
  return scores;
}

}  // namespace baton::batonctl
