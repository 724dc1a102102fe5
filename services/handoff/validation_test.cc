#include "services/handoff/validation.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace baton::handoff {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

// The status of a validation, whether it returns ids or not.
absl::Status StatusOf(const absl::Status& status) { return status; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// The field violations of the BadRequest payload of `status`, in order.
template <typename Result>
std::vector<google::rpc::BadRequest::FieldViolation> Violations(const Result& result) {
  const absl::Status status = StatusOf(result);
  std::vector<google::rpc::BadRequest::FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest detail;
  if (!detail.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : detail.field_violations()) out.push_back(v);
  return out;
}

template <typename Result>
std::vector<std::string> ViolatedFields(const Result& status) {
  std::vector<std::string> fields;
  for (const auto& v : Violations(status)) fields.push_back(v.field());
  return fields;
}

// INVALID_ARGUMENT whose message starts with `field` and whose BadRequest
// lists exactly that one field.
MATCHER_P(IsBadField, field, absl::StrCat("is INVALID_ARGUMENT about exactly ", field)) {
  const absl::Status s = StatusOf(arg);
  *result_listener << "status: " << s;
  if (s.code() != absl::StatusCode::kInvalidArgument) return false;
  if (!absl::StartsWith(s.message(), absl::StrCat(field, ": "))) return false;
  const std::vector<std::string> fields = ViolatedFields(s);
  *result_listener << "; BadRequest fields: [" << absl::StrJoin(fields, ", ") << "]";
  return fields == std::vector<std::string>{field} && ErrorReason(s) == "INVALID_FIELD";
}

std::string Repeat(absl::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
  return out;
}

google::protobuf::Duration Seconds(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Duration d;
  d.set_seconds(seconds);
  d.set_nanos(nanos);
  return d;
}

// --- Valid requests -------------------------------------------------------------

v1::CreateDepartmentRequest GoodDepartment() {
  v1::CreateDepartmentRequest r;
  r.set_request_id("req-1.a_b:c");
  r.set_department_id("clinic");
  r.mutable_department()->set_display_name("诊所 Clinic");
  return r;
}

v1::CreateTeamRequest GoodTeam() {
  v1::CreateTeamRequest r;
  r.set_request_id("req-2");
  r.set_team_id("front-desk");
  r.mutable_team()->set_department("departments/clinic");
  r.mutable_team()->set_display_name("前台 front desk");
  return r;
}

v1::CreateChainRequest GoodChain() {
  v1::CreateChainRequest r;
  r.set_request_id("req-3");
  r.set_chain_id("new-patient");
  v1::Chain* chain = r.mutable_chain();
  chain->set_display_name("新患者 new patient");
  v1::Stage* s0 = chain->add_stages();
  s0->set_display_name("外联 outreach");
  s0->set_owner_team("teams/outreach");
  v1::Stage* s1 = chain->add_stages();
  s1->set_display_name("前台 front desk");
  s1->set_owner_team("teams/front-desk");
  *s1->mutable_sla() = Seconds(3600);
  s1->add_required_fields("phone");
  s1->add_required_fields("姓名");
  s1->set_requires_read_back(true);
  v1::Stage* s2 = chain->add_stages();
  s2->set_display_name("问诊 consultation");
  s2->set_owner_team("teams/consultation");
  *s2->mutable_sla() = Seconds(1);
  return r;
}

v1::CreateWorkItemRequest GoodWorkItem() {
  v1::CreateWorkItemRequest r;
  r.set_request_id("req-4");
  r.set_chain("chains/new-patient");
  r.set_external_reference("CRM-2024-000123 患者");
  (*r.mutable_fields())["phone"] = "138 0000 0000";
  (*r.mutable_fields())["姓名"] = "张三";
  (*r.mutable_fields())["notes"] = "line one\nline two";
  return r;
}

v1::CompleteWorkItemRequest GoodComplete() {
  v1::CompleteWorkItemRequest r;
  r.set_request_id("req-5");
  r.set_name("workItems/01hzx3k9q4r5t6v7w8y9z0abcd");
  return r;
}

v1::DropWorkItemRequest GoodDrop() {
  v1::DropWorkItemRequest r;
  r.set_request_id("req-6");
  r.set_name("workItems/01hzx3k9q4r5t6v7w8y9z0abcd");
  r.set_reason(v1::DROP_REASON_LOST_CONTACT);
  r.set_note("电话无人接听\n三次");
  return r;
}

v1::OfferHandoffRequest GoodOffer() {
  v1::OfferHandoffRequest r;
  r.set_request_id("req-7");
  r.set_work_item("workItems/01hzx3k9q4r5t6v7w8y9z0abcd");
  (*r.mutable_fields())["phone"] = "138 0000 0000";
  r.set_note("请尽快 please hurry");
  return r;
}

v1::AcceptHandoffRequest GoodAccept() {
  v1::AcceptHandoffRequest r;
  r.set_request_id("req-8");
  r.set_name("handoffs/01hzx3k9q4r5t6v7w8y9z0abce");
  r.set_read_back("收到：张三，电话 138…\nall good");
  return r;
}

v1::ReturnHandoffRequest GoodReturn() {
  v1::ReturnHandoffRequest r;
  r.set_request_id("req-9");
  r.set_name("handoffs/01hzx3k9q4r5t6v7w8y9z0abce");
  r.add_reasons(v1::RETURN_REASON_MISSING_INFORMATION);
  r.add_reasons(v1::RETURN_REASON_WRONG_INFORMATION);
  r.add_fields("phone");
  r.set_note("电话号码缺一位");
  return r;
}

TEST(ValidationTest, ValidRequestsPass) {
  EXPECT_OK(Validate(GoodDepartment()));
  EXPECT_OK(Validate(GoodTeam()));
  EXPECT_OK(Validate(GoodChain()));
  EXPECT_OK(Validate(GoodWorkItem()));
  EXPECT_OK(Validate(GoodComplete()));
  EXPECT_OK(Validate(GoodDrop()));
  EXPECT_OK(Validate(GoodOffer()));
  EXPECT_OK(Validate(GoodAccept()));
  EXPECT_OK(Validate(GoodReturn()));
}

TEST(ValidationTest, OptionalPartsMayBeEmpty) {
  auto department = GoodDepartment();
  department.clear_request_id();
  department.clear_department_id();
  EXPECT_OK(Validate(department));

  auto team = GoodTeam();
  team.clear_team_id();
  EXPECT_OK(Validate(team));

  auto chain = GoodChain();
  chain.clear_chain_id();
  EXPECT_OK(Validate(chain));

  auto item = GoodWorkItem();
  item.clear_fields();
  EXPECT_OK(Validate(item));

  auto drop = GoodDrop();
  drop.clear_note();
  EXPECT_OK(Validate(drop));

  auto offer = GoodOffer();
  offer.clear_fields();
  offer.clear_note();
  EXPECT_OK(Validate(offer));

  auto accept = GoodAccept();
  accept.clear_read_back();  // the store decides whether the stage needs it
  EXPECT_OK(Validate(accept));

  auto ret = GoodReturn();
  ret.clear_fields();
  ret.clear_note();
  EXPECT_OK(Validate(ret));
}

// --- Display names: characters, not bytes -------------------------------------

TEST(ValidationTest, DisplayNameCountsCharacters) {
  auto department = GoodDepartment();
  department.mutable_department()->set_display_name(Repeat("中", 100));  // 300 bytes
  EXPECT_OK(Validate(department));
  department.mutable_department()->set_display_name(Repeat("中", 101));
  EXPECT_THAT(Validate(department), IsBadField("department.display_name"));
  EXPECT_THAT(Violations(Validate(department))[0].description(), HasSubstr("101 characters"));

  auto team = GoodTeam();
  team.mutable_team()->set_display_name(Repeat("队", 100));
  EXPECT_OK(Validate(team));
  team.mutable_team()->set_display_name(Repeat("队", 101));
  EXPECT_THAT(Validate(team), IsBadField("team.display_name"));

  auto chain = GoodChain();
  chain.mutable_chain()->set_display_name(Repeat("链", 100));
  EXPECT_OK(Validate(chain));
  chain.mutable_chain()->set_display_name(Repeat("链", 101));
  EXPECT_THAT(Validate(chain), IsBadField("chain.display_name"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->set_display_name(Repeat("段", 100));
  EXPECT_OK(Validate(chain));
  chain.mutable_chain()->mutable_stages(1)->set_display_name(Repeat("段", 101));
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[1].display_name"));
}

TEST(ValidationTest, DisplayNameRequired) {
  auto department = GoodDepartment();
  department.mutable_department()->clear_display_name();
  EXPECT_THAT(Validate(department), IsBadField("department.display_name"));
  department.mutable_department()->set_display_name("   ");
  EXPECT_THAT(Validate(department), IsBadField("department.display_name"));

  auto team = GoodTeam();
  team.mutable_team()->clear_display_name();
  EXPECT_THAT(Validate(team), IsBadField("team.display_name"));

  auto chain = GoodChain();
  chain.mutable_chain()->clear_display_name();
  EXPECT_THAT(Validate(chain), IsBadField("chain.display_name"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(0)->clear_display_name();
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[0].display_name"));
}

TEST(ValidationTest, InvalidUtf8IsRejected) {
  const std::string bad_bytes[] = {
      "\xff\xfe", std::string("\xe4\xb8", 2),  // "中" cut short
      "\xc0\xaf",                              // overlong '/'
      "\xed\xa0\x80",                          // a surrogate
  };
  for (const std::string& bad : bad_bytes) {
    SCOPED_TRACE(absl::CEscape(bad));
    auto department = GoodDepartment();
    department.mutable_department()->set_display_name(absl::StrCat("ok", bad));
    EXPECT_THAT(Validate(department), IsBadField("department.display_name"));
    EXPECT_THAT(Violations(Validate(department))[0].description(), HasSubstr("UTF-8"));

    auto item = GoodWorkItem();
    item.set_external_reference(bad);
    EXPECT_THAT(Validate(item), IsBadField("external_reference"));

    auto ret = GoodReturn();
    ret.set_note(bad);
    EXPECT_THAT(Validate(ret), IsBadField("note"));
  }
}

TEST(ValidationTest, ControlCharactersAreRejected) {
  auto team = GoodTeam();
  team.mutable_team()->set_display_name(
      "front\x01"
      "desk");
  EXPECT_THAT(Validate(team), IsBadField("team.display_name"));
  EXPECT_THAT(Violations(Validate(team))[0].description(), HasSubstr("control character"));

  // Names are one line.
  team.mutable_team()->set_display_name("front\ndesk");
  EXPECT_THAT(Validate(team), IsBadField("team.display_name"));
  team.mutable_team()->set_display_name("front\x7f");
  EXPECT_THAT(Validate(team), IsBadField("team.display_name"));

  // Notes may hold newlines and tabs but not other control characters.
  auto drop = GoodDrop();
  drop.set_note("line\n\tline\r\n");
  EXPECT_OK(Validate(drop));
  drop.set_note("bell\x07");
  EXPECT_THAT(Validate(drop), IsBadField("note"));

  auto accept = GoodAccept();
  accept.set_read_back(std::string("nul\0byte", 8));
  EXPECT_THAT(Validate(accept), IsBadField("read_back"));
}

// --- Ids and names ----------------------------------------------------------------

TEST(ValidationTest, BadResourceIds) {
  for (const std::string& bad :
       {std::string("Clinic"), std::string("1clinic"), std::string("clinic-"),
        std::string("clinic_a"), std::string("诊所"), std::string(64, 'a')}) {
    SCOPED_TRACE(bad);
    auto department = GoodDepartment();
    department.set_department_id(bad);
    EXPECT_THAT(Validate(department), IsBadField("department_id"));

    auto team = GoodTeam();
    team.set_team_id(bad);
    EXPECT_THAT(Validate(team), IsBadField("team_id"));

    auto chain = GoodChain();
    chain.set_chain_id(bad);
    EXPECT_THAT(Validate(chain), IsBadField("chain_id"));
  }
  auto department = GoodDepartment();
  department.set_department_id(std::string(63, 'a'));
  EXPECT_OK(Validate(department));
}

TEST(ValidationTest, BadRequestIds) {
  auto offer = GoodOffer();
  offer.set_request_id("has space");
  EXPECT_THAT(Validate(offer), IsBadField("request_id"));
  offer.set_request_id(std::string(129, 'r'));
  EXPECT_THAT(Validate(offer), IsBadField("request_id"));
  offer.set_request_id(std::string(128, 'r'));
  EXPECT_OK(Validate(offer));

  auto complete = GoodComplete();
  complete.set_request_id("请求");
  EXPECT_THAT(Validate(complete), IsBadField("request_id"));
}

TEST(ValidationTest, BadResourceNames) {
  auto team = GoodTeam();
  team.mutable_team()->set_department("clinic");
  EXPECT_THAT(Validate(team), IsBadField("team.department"));
  team.mutable_team()->set_department("teams/clinic");
  EXPECT_THAT(Validate(team), IsBadField("team.department"));
  team.mutable_team()->clear_department();
  EXPECT_THAT(Validate(team), IsBadField("team.department"));

  auto item = GoodWorkItem();
  item.set_chain("chains/New-Patient");
  EXPECT_THAT(Validate(item), IsBadField("chain"));
  item.clear_chain();
  EXPECT_THAT(Validate(item), IsBadField("chain"));

  auto complete = GoodComplete();
  complete.set_name("handoffs/abc");
  EXPECT_THAT(Validate(complete), IsBadField("name"));

  auto drop = GoodDrop();
  drop.set_name("workItems/");
  EXPECT_THAT(Validate(drop), IsBadField("name"));

  auto offer = GoodOffer();
  offer.clear_work_item();
  EXPECT_THAT(Validate(offer), IsBadField("work_item"));

  auto accept = GoodAccept();
  accept.set_name("workItems/abc");
  EXPECT_THAT(Validate(accept), IsBadField("name"));

  auto ret = GoodReturn();
  ret.set_name("handoffs/ABC");
  EXPECT_THAT(Validate(ret), IsBadField("name"));
}

// --- Chains --------------------------------------------------------------------------

TEST(ValidationTest, StageCount) {
  auto chain = GoodChain();
  chain.mutable_chain()->mutable_stages()->DeleteSubrange(1, 2);
  ASSERT_EQ(chain.chain().stages_size(), 1);
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages"));

  chain.mutable_chain()->clear_stages();
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages"));

  chain = GoodChain();
  while (chain.chain().stages_size() < kMaxStages) {
    *chain.mutable_chain()->add_stages() = chain.chain().stages(2);
  }
  EXPECT_OK(Validate(chain));
  *chain.mutable_chain()->add_stages() = chain.chain().stages(2);
  ASSERT_EQ(chain.chain().stages_size(), 21);
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages()->DeleteSubrange(2, 1);
  EXPECT_OK(Validate(chain));  // two stages is the minimum
}

TEST(ValidationTest, BadOwnerTeams) {
  auto chain = GoodChain();
  chain.mutable_chain()->mutable_stages(0)->set_owner_team("outreach");
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[0].owner_team"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(2)->set_owner_team("teams/Consultation");
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[2].owner_team"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->clear_owner_team();
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[1].owner_team"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->set_owner_team("departments/clinic");
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[1].owner_team"));
}

TEST(ValidationTest, SlaRange) {
  const auto with_sla = [](int stage, google::protobuf::Duration sla) {
    auto chain = GoodChain();
    *chain.mutable_chain()->mutable_stages(stage)->mutable_sla() = sla;
    return chain;
  };
  EXPECT_OK(Validate(with_sla(1, Seconds(1))));
  EXPECT_OK(Validate(with_sla(1, Seconds(365 * 24 * 3600))));
  EXPECT_THAT(Validate(with_sla(1, Seconds(0))), IsBadField("chain.stages[1].sla"));
  EXPECT_THAT(Validate(with_sla(1, Seconds(0, 999'999'999))), IsBadField("chain.stages[1].sla"));
  EXPECT_THAT(Validate(with_sla(1, Seconds(-60))), IsBadField("chain.stages[1].sla"));
  EXPECT_THAT(Validate(with_sla(1, Seconds(365 * 24 * 3600, 1))),
              IsBadField("chain.stages[1].sla"));
  EXPECT_THAT(Validate(with_sla(2, Seconds(366 * 24 * 3600))), IsBadField("chain.stages[2].sla"));

  // Required on every stage but the first.
  auto chain = GoodChain();
  chain.mutable_chain()->mutable_stages(2)->clear_sla();
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[2].sla"));
  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(0)->clear_sla();
  EXPECT_OK(Validate(chain));
}

TEST(ValidationTest, RequiredFieldsOfStages) {
  auto chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->add_required_fields("phone");
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[1].required_fields[2]"));
  EXPECT_THAT(Violations(Validate(chain))[0].description(), HasSubstr("twice"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->add_required_fields("");
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[1].required_fields[2]"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->add_required_fields(std::string(65, 'f'));
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[1].required_fields[2]"));

  chain = GoodChain();
  chain.mutable_chain()->mutable_stages(1)->add_required_fields(Repeat("字", 64));
  EXPECT_OK(Validate(chain));

  chain = GoodChain();
  v1::Stage* stage = chain.mutable_chain()->mutable_stages(2);
  for (int i = 0; i < kMaxFields; ++i) stage->add_required_fields(absl::StrCat("f", i));
  EXPECT_OK(Validate(chain));
  stage->add_required_fields("one-too-many");
  EXPECT_THAT(Validate(chain), IsBadField("chain.stages[2].required_fields"));
}

// --- Work item fields -------------------------------------------------------------

TEST(ValidationTest, WorkItemFieldsAndReference) {
  auto item = GoodWorkItem();
  item.clear_external_reference();
  EXPECT_THAT(Validate(item), IsBadField("external_reference"));
  item.set_external_reference(Repeat("号", 200));
  EXPECT_OK(Validate(item));
  item.set_external_reference(Repeat("号", 201));
  EXPECT_THAT(Validate(item), IsBadField("external_reference"));

  item = GoodWorkItem();
  item.clear_fields();
  for (int i = 0; i < kMaxFields; ++i) (*item.mutable_fields())[absl::StrCat("k", i)] = "v";
  EXPECT_OK(Validate(item));
  (*item.mutable_fields())["one-too-many"] = "v";
  EXPECT_THAT(Validate(item), IsBadField("fields"));

  item = GoodWorkItem();
  (*item.mutable_fields())[""] = "v";
  EXPECT_THAT(Validate(item), IsBadField("fields[\"\"]"));

  item = GoodWorkItem();
  const std::string long_key(65, 'k');
  (*item.mutable_fields())[long_key] = "v";
  EXPECT_THAT(Validate(item), IsBadField(absl::StrCat("fields[\"", long_key, "\"]")));

  item = GoodWorkItem();
  (*item.mutable_fields())["history"] = Repeat("史", 4096);
  EXPECT_OK(Validate(item));
  (*item.mutable_fields())["history"] = Repeat("史", 4097);
  EXPECT_THAT(Validate(item), IsBadField("fields[\"history\"]"));

  auto offer = GoodOffer();
  (*offer.mutable_fields())["phone"] = "\xff";
  EXPECT_THAT(Validate(offer), IsBadField("fields[\"phone\"]"));
}

// --- Enums and reasons --------------------------------------------------------------

TEST(ValidationTest, DropNeedsAReason) {
  auto drop = GoodDrop();
  drop.set_reason(v1::DROP_REASON_UNSPECIFIED);
  EXPECT_THAT(Validate(drop), IsBadField("reason"));
  drop.set_reason(static_cast<v1::DropReason>(99));
  EXPECT_THAT(Validate(drop), IsBadField("reason"));

  drop = GoodDrop();
  drop.set_note(Repeat("注", kMaxNoteChars));
  EXPECT_OK(Validate(drop));
  drop.set_note(Repeat("注", kMaxNoteChars + 1));
  EXPECT_THAT(Validate(drop), IsBadField("note"));
}

TEST(ValidationTest, ReturnNeedsReasons) {
  auto ret = GoodReturn();
  ret.clear_reasons();
  EXPECT_THAT(Validate(ret), IsBadField("reasons"));

  ret = GoodReturn();
  ret.add_reasons(v1::RETURN_REASON_UNSPECIFIED);
  EXPECT_THAT(Validate(ret), IsBadField("reasons[2]"));

  ret = GoodReturn();
  ret.set_reasons(0, static_cast<v1::ReturnReason>(42));
  EXPECT_THAT(Validate(ret), IsBadField("reasons[0]"));
}

TEST(ValidationTest, ReturnFieldsAndNote) {
  auto ret = GoodReturn();
  ret.add_fields("");
  EXPECT_THAT(Validate(ret), IsBadField("fields[1]"));

  ret = GoodReturn();
  ret.clear_fields();
  for (int i = 0; i < kMaxFields; ++i) ret.add_fields(absl::StrCat("f", i));
  EXPECT_OK(Validate(ret));
  ret.add_fields("one-too-many");
  EXPECT_THAT(Validate(ret), IsBadField("fields"));

  ret = GoodReturn();
  ret.set_note(Repeat("x", kMaxNoteChars + 1));
  EXPECT_THAT(Validate(ret), IsBadField("note"));
}

TEST(ValidationTest, OfferNoteAndAcceptReadBackLimits) {
  auto offer = GoodOffer();
  offer.set_note(Repeat("注", kMaxNoteChars));
  EXPECT_OK(Validate(offer));
  offer.set_note(Repeat("注", kMaxNoteChars + 1));
  EXPECT_THAT(Validate(offer), IsBadField("note"));

  auto accept = GoodAccept();
  accept.set_read_back(Repeat("读", kMaxReadBackChars));
  EXPECT_OK(Validate(accept));
  accept.set_read_back(Repeat("读", kMaxReadBackChars + 1));
  EXPECT_THAT(Validate(accept), IsBadField("read_back"));
}

// --- Every violation is listed ------------------------------------------------------

TEST(ValidationTest, AllViolationsOfAChainAreListed) {
  auto chain = GoodChain();
  chain.set_request_id("bad id");
  chain.mutable_chain()->set_display_name("");
  chain.mutable_chain()->mutable_stages(0)->set_owner_team("outreach");
  chain.mutable_chain()->mutable_stages(1)->clear_sla();
  chain.mutable_chain()->mutable_stages(2)->add_required_fields("x");
  chain.mutable_chain()->mutable_stages(2)->add_required_fields("x");
  const absl::Status status = StatusOf(Validate(chain));
  EXPECT_THAT(status, baton::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("request_id")));
  EXPECT_THAT(status.message(), HasSubstr("(and 4 more)"));
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("request_id", "chain.display_name", "chain.stages[0].owner_team",
                          "chain.stages[1].sla", "chain.stages[2].required_fields[1]"));
  for (const auto& v : Violations(status)) EXPECT_THAT(v.description(), ::testing::Not(IsEmpty()));
}

TEST(ValidationTest, AllViolationsOfAReturnAreListed) {
  v1::ReturnHandoffRequest ret;
  ret.set_name("nope");
  ret.add_reasons(v1::RETURN_REASON_OTHER);
  ret.add_reasons(v1::RETURN_REASON_UNSPECIFIED);
  ret.add_fields("");
  ret.set_note("\x01");
  const absl::Status status = StatusOf(Validate(ret));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "name: ")) << status;
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name", "reasons[1]", "fields[0]", "note"));
}

TEST(ValidationTest, AllViolationsOfAWorkItemAreListed) {
  v1::CreateWorkItemRequest item;
  item.set_chain("chains/");
  item.set_external_reference(Repeat("r", 201));
  (*item.mutable_fields())["b"] = "\x02";
  (*item.mutable_fields())["a"] = "\xff";
  const absl::Status status = StatusOf(Validate(item));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // Field entries are reported in key order, whatever the map's hashing.
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("chain", "external_reference", "fields[\"a\"]", "fields[\"b\"]"));
}

TEST(ValidationTest, AllViolationsOfADepartmentAreListed) {
  v1::CreateDepartmentRequest department;
  department.set_department_id("-x");
  const absl::Status status = StatusOf(Validate(department));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("department_id", "department.display_name"));
}

TEST(ValidationTest, ValidRequestsGiveTheIdsTheyName) {
  // The store uses these ids as they are: it never parses the names again.
  EXPECT_EQ(Validate(GoodTeam()).value(), "clinic");
  EXPECT_THAT(Validate(GoodChain()).value(), ElementsAre("outreach", "front-desk", "consultation"));
  EXPECT_EQ(Validate(GoodWorkItem()).value(), "new-patient");
  auto offer = GoodOffer();
  offer.set_work_item("workItems/w-1");
  EXPECT_EQ(Validate(offer).value(), "w-1");
  auto accept = GoodAccept();
  accept.set_name("handoffs/h-1");
  EXPECT_EQ(Validate(accept).value(), "h-1");
}

}  // namespace
}  // namespace baton::handoff
