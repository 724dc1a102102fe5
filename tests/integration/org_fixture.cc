#include "tests/integration/org_fixture.h"

#include "google/rpc/status.pb.h"

namespace baton::testing {

using auth::Role;

void OrgTest::SetUp() {
  admin_ = Token("root", "", "", {Role::kAdmin});
  front_desk_ = Token("wang", "front-desk", "clinic", {Role::kMember});
  consult_ = Token("zhang", "consultation", "clinic", {Role::kMember});
  treatment_ = Token("chen", "treatment", "clinic", {Role::kMember});
  head_ = Token("dr-li", "", "clinic", {Role::kHead});
  service_ = Token("crm", "", "", {Role::kService});

  hv1::CreateDepartmentRequest department;
  department.set_department_id("clinic");
  department.mutable_department()->set_display_name("诊所");
  hv1::CreateDepartmentResponse department_response;
  ASSERT_TRUE(server_.stub()
                  .CreateDepartment(Context(admin_).get(), department, &department_response)
                  .ok());

  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"front-desk", "前台接待"}, {"consultation", "面诊"}, {"treatment", "治疗"}}) {
    hv1::CreateTeamRequest team;
    team.set_team_id(id);
    team.mutable_team()->set_department("departments/clinic");
    team.mutable_team()->set_display_name(name);
    hv1::CreateTeamResponse response;
    grpc::Status status = server_.stub().CreateTeam(Context(admin_).get(), team, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  hv1::CreateChainRequest chain;
  chain.set_chain_id("visit");
  chain.mutable_chain()->set_display_name("门诊流程");
  auto* s0 = chain.mutable_chain()->add_stages();
  s0->set_display_name("接待");
  s0->set_owner_team("teams/front-desk");
  auto* s1 = chain.mutable_chain()->add_stages();
  s1->set_display_name("面诊");
  s1->set_owner_team("teams/consultation");
  s1->mutable_sla()->set_seconds(1800);
  s1->add_required_fields("phone");
  s1->add_required_fields("complaint");
  auto* s2 = chain.mutable_chain()->add_stages();
  s2->set_display_name("治疗");
  s2->set_owner_team("teams/treatment");
  s2->mutable_sla()->set_seconds(3600);
  s2->add_required_fields("diagnosis");
  s2->set_requires_read_back(true);
  hv1::CreateChainResponse chain_response;
  grpc::Status status = server_.stub().CreateChain(Context(admin_).get(), chain, &chain_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

hv1::WorkItem OrgTest::CreateItem(const std::string& reference) {
  hv1::CreateWorkItemRequest request;
  request.set_chain("chains/visit");
  request.set_external_reference(reference);
  (*request.mutable_fields())["phone"] = "13800000000";
  (*request.mutable_fields())["complaint"] = "头痛 headache";
  hv1::CreateWorkItemResponse response;
  grpc::Status status =
      server_.stub().CreateWorkItem(Context(front_desk_).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.work_item();
}

hv1::Handoff OrgTest::Offer(const std::string& token, const std::string& item,
                            const std::map<std::string, std::string>& fields) {
  hv1::OfferHandoffRequest request;
  request.set_work_item(item);
  for (const auto& [key, value] : fields) (*request.mutable_fields())[key] = value;
  hv1::OfferHandoffResponse response;
  grpc::Status status = server_.stub().OfferHandoff(Context(token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.handoff();
}

google::rpc::ErrorInfo InfoOf(const grpc::Status& status) {
  google::rpc::Status rich;
  google::rpc::ErrorInfo info;
  if (!rich.ParseFromString(status.error_details())) return info;
  for (const auto& any : rich.details()) {
    if (any.UnpackTo(&info)) break;
  }
  return info;
}

std::vector<std::string> BadFieldsOf(const grpc::Status& status) {
  google::rpc::Status rich;
  std::vector<std::string> fields;
  if (!rich.ParseFromString(status.error_details())) return fields;
  for (const auto& any : rich.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& violation : bad.field_violations()) fields.push_back(violation.field());
  }
  return fields;
}

}  // namespace baton::testing
