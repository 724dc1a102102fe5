// Writes the seed corpus of the fuzz targets: a handful of valid inputs for
// each (and a few that are wrong in one interesting way), in the format that
// target reads. The output is checked in under tests/fuzz/corpus/; rerun
// after a change to the protos or to a target's input format:
//   cmake --build build --target baton_fuzz_seeds
//   build/tests/fuzz/baton_fuzz_seeds tests/fuzz/corpus

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/jwt_signer.h"
#include "common/storage/key_codec.h"
#include "common/api/paging.h"
#include "tests/fuzz/fuzz_keys.h"
#include "tests/fuzz/handoff_requests.h"
#include "tests/fuzz/service_requests.h"

namespace baton::fuzz {
namespace {

namespace v1 = handoff::v1;
namespace fs = std::filesystem;

fs::path root;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
    std::exit(1);
  }
}

void KeyCodecSeeds() {
  // The input is read by FuzzedDataProvider; encoded keys are good raw material.
  Write("key_codec", "handoff_key",
        storage::KeyWriter().Byte('h').U64(42).Str("front-desk").Take());
  Write("key_codec", "string_with_nul", storage::KeyWriter().Str(std::string("a\0b", 3)).Take());
  Write("key_codec", "numbers", storage::KeyWriter().U32(0xFFFFFFFF).U64(1).Byte(0).Take());
  Write("key_codec", "chinese", storage::KeyWriter().Str("前台").Str("").Take());
}

void PageTokenSeeds() {
  Write("page_token", "token", api::EncodePageToken("items;chain=chains/x;state=1", "front-desk"));
  Write("page_token", "token_binary_key",
        api::EncodePageToken("items;chain=chains/x;state=1",
                             storage::KeyWriter().U64(7).Str("x").Take()));
  Write("page_token", "token_padded", absl::Base64Escape("v1:front-desk"));
  Write("page_token", "raw_key", "front-desk");
}

// `selector` (a target's first input byte) followed by `rest`.
std::string Framed(uint8_t selector, const std::string& rest) {
  return absl::StrCat(std::string(1, static_cast<char>(selector)), rest);
}

void ResourceNameSeeds() {
  // First byte: the collection (resource_name_fuzz.cc).
  Write("resource_name", "department", Framed(0, "departments/clinic"));
  Write("resource_name", "team", Framed(1, "teams/front-desk"));
  Write("resource_name", "chain", Framed(2, "chains/new-patient"));
  Write("resource_name", "work_item", Framed(3, "workItems/0123456789abcdef"));
  Write("resource_name", "handoff", Framed(4, "handoffs/h-1"));
  Write("resource_name", "upper_case", Framed(1, "teams/Front-Desk"));
}

// First byte: the request type (handoff_requests.h), then its wire bytes.
template <typename Request>
std::string FramedRequest(uint8_t type, const Request& request) {
  return Framed(type, request.SerializeAsString());
}

void RequestSeeds(const std::string& target) {
  v1::CreateDepartmentRequest department;
  department.set_request_id("req-1");
  department.set_department_id("clinic");
  department.mutable_department()->set_display_name("门诊部");
  Write(target, "create_department", FramedRequest(0, department));

  v1::CreateTeamRequest team;
  team.set_request_id("req-2");
  team.set_team_id("front-desk");
  team.mutable_team()->set_department("departments/clinic");
  team.mutable_team()->set_display_name("Front desk");
  Write(target, "create_team", FramedRequest(1, team));

  v1::CreateChainRequest chain;
  chain.set_request_id("req-3");
  chain.set_chain_id("new-patient");
  chain.mutable_chain()->set_display_name("New patient");
  for (const char* owner : {"teams/outreach", "teams/front-desk", "teams/consult"}) {
    v1::Stage* stage = chain.mutable_chain()->add_stages();
    stage->set_display_name(owner + 6);
    stage->set_owner_team(owner);
    stage->mutable_sla()->set_seconds(3600);
    stage->add_required_fields("patient_id");
  }
  Write(target, "create_chain", FramedRequest(2, chain));
  // A stage name that is not UTF-8: ParseRequest names the field.
  chain.mutable_chain()->mutable_stages(1)->set_display_name("bad \xC3\x28 name");
  Write(target, "create_chain_bad_utf8", FramedRequest(2, chain));

  v1::CreateWorkItemRequest item;
  item.set_request_id("req-4");
  item.set_chain("chains/new-patient");
  item.set_external_reference("EMR-2026-0001");
  (*item.mutable_fields())["patient_id"] = "p-17";
  (*item.mutable_fields())["备注"] = "初诊";
  Write(target, "create_work_item", FramedRequest(3, item));

  v1::CompleteWorkItemRequest complete;
  complete.set_request_id("req-5");
  complete.set_name("workItems/w-1");
  Write(target, "complete_work_item", FramedRequest(4, complete));

  v1::DropWorkItemRequest drop;
  drop.set_request_id("req-6");
  drop.set_name("workItems/w-1");
  drop.set_reason(v1::DROP_REASON_CUSTOMER_WITHDREW);
  drop.set_note("patient moved away");
  Write(target, "drop_work_item", FramedRequest(5, drop));

  v1::OfferHandoffRequest offer;
  offer.set_request_id("req-7");
  offer.set_work_item("workItems/w-1");
  (*offer.mutable_fields())["patient_id"] = "p-17";
  offer.set_note("urgent");
  Write(target, "offer_handoff", FramedRequest(6, offer));

  v1::AcceptHandoffRequest accept;
  accept.set_request_id("req-8");
  accept.set_name("handoffs/h-1");
  accept.set_read_back("got it: p-17, urgent");
  Write(target, "accept_handoff", FramedRequest(7, accept));

  v1::ReturnHandoffRequest ret;
  ret.set_request_id("req-9");
  ret.set_name("handoffs/h-1");
  ret.add_reasons(v1::RETURN_REASON_MISSING_INFORMATION);
  ret.add_fields("patient_id");
  ret.set_note("missing id");
  Write(target, "return_handoff", FramedRequest(8, ret));
}

void JwtSeeds() {
  using auth::JwtVerifierOptions;
  // First byte: 0 = token text, 1 = "<header>\n<payload>" (jwt_verifier_fuzz.cc).
  auth::TokenClaims claims{.subject = "alice",
                           .team = "front-desk",
                           .department = "clinic",
                           .roles = {auth::Role::kMember, auth::Role::kHead},
                           .issued_at = absl::FromUnixSeconds(1'790'000'000),
                           .ttl = absl::Hours(1),
                           .issuer = "baton-fuzz",
                           .audience = "baton"};
  absl::StatusOr<std::string> token =
      auth::SignToken(JwtVerifierOptions::Algorithm::kHs256, kHs256Secret, claims);
  if (!token.ok()) {
    std::fprintf(stderr, "%s\n", token.status().ToString().c_str());
    std::exit(1);
  }
  Write("jwt_verifier", "hs256_valid", Framed(0, *token));
  claims.issued_at = absl::FromUnixSeconds(1'700'000'000);
  token = auth::SignToken(JwtVerifierOptions::Algorithm::kHs256, kHs256Secret, claims);
  if (token.ok()) Write("jwt_verifier", "hs256_expired", Framed(0, *token));

  // RS256 as a caller without the private key can make it: a signature of
  // the right length that does not verify.
  const std::string rs256 = absl::StrCat(
      absl::WebSafeBase64Escape(R"({"alg":"RS256","typ":"JWT"})"), ".",
      absl::WebSafeBase64Escape(R"({"sub":"mallory","exp":1790003600,"roles":["admin"]})"), ".",
      absl::WebSafeBase64Escape(std::string(256, '\x5A')));
  Write("jwt_verifier", "rs256_unsigned", Framed(0, rs256));

  Write("jwt_verifier", "parts_all_claims",
        Framed(1,
               "{\"alg\":\"HS256\",\"typ\":\"JWT\"}\n"
               "{\"sub\":\"alice\",\"exp\":1790003600,\"nbf\":1789990000,\"iat\":1789990000,"
               "\"iss\":\"baton-fuzz\",\"aud\":[\"baton\",\"other\"],\"team\":\"front-desk\","
               "\"department\":\"clinic\",\"roles\":[\"member\",\"head\",\"admin\",\"service\"]}"));
  Write("jwt_verifier", "parts_alg_none",
        Framed(1, "{\"alg\":\"none\"}\n{\"sub\":\"mallory\",\"exp\":1790003600}"));
  Write("jwt_verifier", "parts_float_exp",
        Framed(1, "{\"alg\":\"HS256\"}\n{\"sub\":\"bob\",\"exp\":1.7900036e9,\"roles\":null}"));
}

// First byte: the request type (service_requests.h), then its wire bytes.
void FeedbackSeeds() {
  namespace fv1 = ::baton::feedback::v1;
  const std::string target = "feedback_validation";
  fv1::RateHandoffRequest rate;
  rate.set_request_id("req-r1");
  rate.set_handoff("handoffs/h-1");
  for (auto set :
       {&fv1::Scores::set_completeness, &fv1::Scores::set_accuracy, &fv1::Scores::set_timeliness,
        &fv1::Scores::set_communication, &fv1::Scores::set_overall}) {
    (rate.mutable_scores()->*set)(4);
  }
  rate.set_comment("电话号码少一位");
  Write(target, "rate_handoff", FramedRequest(0, rate));
  fv1::RuleOnDisputeRequest rule;
  rule.set_rating("ratings/h-1");
  rule.set_ruling(fv1::RULING_OVERTURN);
  rule.set_note("评分不公");
  Write(target, "rule_on_dispute", FramedRequest(2, rule));
  fv1::ListRatingsRequest ratings;
  ratings.set_supplier_team("teams/outreach");
  ratings.set_page_size(50);
  Write(target, "list_ratings", FramedRequest(3, ratings));
  fv1::SubmitFeedbackRequest submit;
  submit.set_request_id("req-f1");
  submit.set_kind(fv1::FEEDBACK_KIND_COMPLAINT);
  submit.set_handoff("handoffs/h-1");
  submit.set_title("预约时间没写");
  submit.set_body("患者的预约时间没有填写");
  Write(target, "submit_feedback", FramedRequest(4, submit));
  fv1::ListFeedbackRequest list;
  list.set_addressee_team("teams/outreach");
  list.set_state(fv1::FEEDBACK_STATE_OPEN);
  Write(target, "list_feedback", FramedRequest(12, list));
  fv1::AnswerPulseRequest pulse;
  pulse.set_request_id("req-p1");
  fv1::PulseAnswer* answer = pulse.add_answers();
  answer->set_question(fv1::PULSE_QUESTION_CLARITY);
  answer->set_score(4);
  pulse.set_comment("人手不够");
  Write(target, "answer_pulse", FramedRequest(14, pulse));
  fv1::RecordVerdictRequest verdict;
  verdict.set_request_id("req-v1");
  verdict.set_work_item("workItems/0123456789abcdef");
  verdict.set_score(5);
  Write(target, "record_verdict", FramedRequest(16, verdict));
}

void RatingSeeds() {
  namespace rv1 = ::baton::rating::v1;
  const std::string target = "rating_validation";
  rv1::GetHandoffScoreRequest score;
  score.set_handoff("handoffs/h-1");
  Write(target, "get_handoff_score", FramedRequest(0, score));
  rv1::GetTeamScorecardRequest card;
  card.set_team("teams/front-desk");
  card.mutable_window()->set_start_day("2026-11-01");
  card.mutable_window()->set_end_day("2026-11-30");
  Write(target, "get_team_scorecard", FramedRequest(1, card));
  rv1::GetDepartmentScoreboardRequest board;
  board.set_department("departments/clinic");
  board.set_order(rv1::SCOREBOARD_ORDER_TREND);
  Write(target, "get_department_scoreboard", FramedRequest(2, board));
  rv1::GetChainFunnelRequest funnel;
  funnel.set_chain("chains/new-patient");
  Write(target, "get_chain_funnel", FramedRequest(3, funnel));
  rv1::WatchScoreboardRequest watch;
  watch.set_department("departments/clinic");
  watch.set_days(7);
  Write(target, "watch_scoreboard", FramedRequest(4, watch));
}

}  // namespace
}  // namespace baton::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir, e.g. tests/fuzz/corpus>\n", argv[0]);
    return 2;
  }
  baton::fuzz::root = argv[1];
  baton::fuzz::KeyCodecSeeds();
  baton::fuzz::PageTokenSeeds();
  baton::fuzz::ResourceNameSeeds();
  baton::fuzz::RequestSeeds("handoff_validation");
  baton::fuzz::RequestSeeds("parse_request");
  baton::fuzz::FeedbackSeeds();
  baton::fuzz::RatingSeeds();
  baton::fuzz::JwtSeeds();
  return 0;
}
