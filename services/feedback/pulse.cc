// The upward pulse: members tell their department's management, once a
// month, how the team is doing. Only aggregates ever leave: the tally keeps
// counts and comments in sorted order (their order reveals nothing), the
// event carries the team and period alone (no actor, no scores), and the
// summary shows more than the count only from pulse_minimum_answers on.

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/names.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/status/rocksdb_status.h"
#include "absl/random/random.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/validation.h"

namespace baton::feedback {
namespace {

using api::kTeams;
using api::Name;

// AnswerPulse is for a member speaking for its own team: not a service
// (whose "team" is whichever it names) and not a caller without one.
absl::Status RequireMember(const Caller& caller) {
  if (caller.is_service()) {
    return auth::Denied("MEMBER_REQUIRED",
                        "AnswerPulse is for team members themselves; a service may not answer "
                        "the pulse for anyone");
  }
  if (caller.principal.team.empty() || caller.team != caller.principal.team) {
    return auth::Denied("MEMBER_REQUIRED",
                        absl::StrCat("AnswerPulse needs a token with a team claim; ",
                                     caller.principal.subject, " belongs to no team"));
  }
  return absl::OkStatus();
}

// Before the facts: only admins and heads can ever pass.
absl::Status RequireHeadOrAdminRole(const Caller& caller) {
  if (caller.is_admin() || caller.principal.HasRole(auth::Role::kHead)) return absl::OkStatus();
  return auth::Denied("HEAD_REQUIRED",
                      "a pulse summary is for the head of the team's department and admins");
}

absl::Status RequireHeadOf(const Caller& caller, const TeamFact& team) {
  if (caller.is_admin() || caller.heads(team.department_id)) return absl::OkStatus();
  return auth::Denied("HEAD_REQUIRED", absl::StrCat("the pulse of teams/", team.team_id,
                                                    " is for the head of departments/",
                                                    team.department_id, " and admins"));
}

// A tally's per-question entry, made on first use.
v1::PulseQuestionSummary* QuestionOf(v1::PulseSummary& tally, v1::PulseQuestion question) {
  for (v1::PulseQuestionSummary& entry : *tally.mutable_questions()) {
    if (entry.question() == question) return &entry;
  }
  v1::PulseQuestionSummary* entry = tally.add_questions();
  entry->set_question(question);
  for (int score = kMinScore; score <= kMaxScore; ++score) entry->add_distribution(0);
  return entry;
}

void AddAnswer(const v1::AnswerPulseRequest& request, v1::PulseSummary& tally) {
  tally.set_answers(tally.answers() + 1);
  for (const v1::PulseAnswer& answer : request.answers()) {
    v1::PulseQuestionSummary* entry = QuestionOf(tally, answer.question());
    const int at = answer.score() - kMinScore;
    entry->set_distribution(at, entry->distribution(at) + 1);
  }
  // Questions in enum order: the stored tally does not remember who came
  // first. Comments are stored apart (CommentNonce).
  std::sort(tally.mutable_questions()->begin(), tally.mutable_questions()->end(),
            [](const auto& a, const auto& b) { return a.question() < b.question(); });
}

// The key suffix of a new comment: random, so the comments' order says
// nothing about who wrote them or when. Called on the committer only.
std::string CommentNonce() {
  thread_local absl::BitGen random;
  std::string nonce(16, '\0');
  for (char& c : nonce) c = static_cast<char>(absl::Uniform<uint8_t>(random));
  return nonce;
}

// Most comments a summary shows, so that it stays well under any client's
// message limit (200 × 2000 characters ≈ 1.2 MB at most).
constexpr int kMaxShownComments = 200;

// What the caller may see of `tally`.
v1::PulseSummary Shown(v1::PulseSummary tally, int minimum_answers) {
  tally.set_minimum_answers(minimum_answers);
  if (tally.answers() < minimum_answers) {
    tally.clear_questions();
    tally.clear_comments();
    return tally;
  }
  for (v1::PulseQuestionSummary& entry : *tally.mutable_questions()) {
    int64_t count = 0;
    int64_t sum = 0;
    for (int i = 0; i < entry.distribution_size(); ++i) {
      count += entry.distribution(i);
      sum += entry.distribution(i) * (i + kMinScore);
    }
    entry.set_mean(count == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(count));
  }
  return tally;
}

}  // namespace

std::string FeedbackStore::PulsePeriod(absl::Time time) {
  return absl::FormatTime("%Y-%m", time, absl::UTCTimeZone());
}

void FeedbackStore::AnswerPulse(const Caller& caller, const v1::AnswerPulseRequest& request,
                                v1::AnswerPulseResponse* response, Done done) {
  if (absl::Status s = Validate(request); !s.ok()) return done(s);
  if (absl::Status s = RequireMember(caller); !s.ok()) return done(s);
  // The team claim is the identity provider's word; the handoff service
  // says whether that team exists, so no tally is kept for a phantom team.
  facts_->Team(
      caller.team, FactsDeadline(caller),
      [this, caller, &request, response,
       done = std::move(done)](absl::StatusOr<TeamFact> team) mutable {
        if (!team.ok()) {
          if (!absl::IsNotFound(team.status())) return done(team.status());
          return done(auth::Denied(
              "UNKNOWN_TEAM", absl::StrCat("the token's team teams/", caller.team,
                                           " is not a team of the org; ask an admin to fix it")));
        }
        Submit("AnswerPulse", caller, request, response, std::move(done),
               [this, caller, &request, response](storage::Transaction& tx) -> absl::Status {
                 const std::string period = PulsePeriod(tx.now());
                 const std::string marker =
                     keys::PulseAnswered(period, caller.team, caller.principal.subject);
                 ASSIGN_OR_RETURN(auto answered, tx.Get(pulse_, marker));
                 if (answered.has_value()) {
                   return ErrorWithInfo(
                       absl::StatusCode::kAlreadyExists, "PULSE_ALREADY_ANSWERED",
                       absl::StrCat("you have answered the pulse of ", period,
                                    " already; the next one opens with the next month"),
                       {{"period", period}});
                 }
                 const std::string key = keys::PulseTally(caller.team, period);
                 v1::PulseSummary tally;
                 ASSIGN_OR_RETURN(bool found, tx.GetProto(pulse_, key, &tally));
                 if (!found) {
                   tally.set_team(Name(kTeams, caller.team));
                   tally.set_period(period);
                 }
                 if (tally.answers() >= options().pulse_max_answers) {
                   return ErrorWithInfo(
                       absl::StatusCode::kResourceExhausted, "PULSE_FULL",
                       absl::StrCat("teams/", caller.team, " has given ", tally.answers(),
                                    " pulse answers for ", period,
                                    ", the most a period takes; answer next month"));
                 }
                 AddAnswer(request, tally);
                 tx.PutProto(pulse_, key, tally);
                 if (!request.comment().empty()) {
                   tx.Put(pulse_, keys::PulseComment(caller.team, period, CommentNonce()),
                          request.comment());
                 }
                 tx.Put(pulse_, marker, "");
                 // No actor: the event must not say who answered.
                 AppendEvent(tx, nullptr, [&](v1::Event& e) {
                   e.mutable_pulse_answered()->set_team(tally.team());
                   e.mutable_pulse_answered()->set_period(period);
                 });
                 response->set_period(period);
                 return absl::OkStatus();
               });
      });
}

void FeedbackStore::GetPulseSummary(const Caller& caller, const v1::GetPulseSummaryRequest& request,
                                    v1::GetPulseSummaryResponse* response, Done done) const {
  auto target = Validate(request);
  if (!target.ok()) return done(target.status());
  if (absl::Status s = RequireHeadOrAdminRole(caller); !s.ok()) return done(s);
  if (target->period.empty()) target->period = PulsePeriod(clock_->Now());
  // Copied: the callback below takes `target` over.
  const std::string team_id = target->team_id;
  facts_->Team(team_id, FactsDeadline(caller),
               [this, caller, target = *std::move(target), response,
                done = std::move(done)](absl::StatusOr<TeamFact> team) mutable {
                 if (!team.ok()) return done(team.status());
                 if (absl::Status s = RequireHeadOf(caller, *team); !s.ok()) return done(s);
                 v1::PulseSummary tally;
                 absl::StatusOr<bool> found = store_->GetProto(
                     pulse_, keys::PulseTally(target.team_id, target.period), &tally);
                 if (!found.ok()) return done(found.status());
                 if (!*found) {
                   tally.set_team(Name(kTeams, target.team_id));
                   tally.set_period(target.period);
                 }
                 tally = Shown(std::move(tally), options().pulse_minimum_answers);
                 if (tally.answers() >= options().pulse_minimum_answers) {
                   absl::Status read = ReadComments(target.team_id, target.period, &tally);
                   if (!read.ok()) return done(read);
                 }
                 *response->mutable_summary() = std::move(tally);
                 done(absl::OkStatus());
               });
}

absl::Status FeedbackStore::ReadComments(absl::string_view team_id, absl::string_view period,
                                         v1::PulseSummary* summary) const {
  const std::string prefix = keys::PulseCommentPrefix(team_id, period);
  const std::string end = storage::PrefixEnd(prefix);
  std::shared_ptr<const rocksdb::Snapshot> pin;
  rocksdb::ReadOptions options = store_->DurableReads(&pin);
  rocksdb::Slice upper(end);
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(options, pulse_));
  int64_t left_out = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (summary->comments_size() < kMaxShownComments) {
      summary->add_comments(it->value().ToString());
    } else {
      ++left_out;
    }
  }
  RETURN_IF_ERROR(FromRocksDb(it->status()));
  // Sorted for reading; which ones were chosen was random already.
  std::sort(summary->mutable_comments()->begin(), summary->mutable_comments()->end());
  summary->set_comments_left_out(left_out);
  return absl::OkStatus();
}

}  // namespace baton::feedback
