#include "cmd/batond/demo_seed.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace baton::cmd {
namespace {

using handoff::Caller;

template <typename Request, typename Response>
absl::Status RunSync(handoff::HandoffStore& store,
                     void (handoff::HandoffStore::*method)(const Caller&, const Request&, Response*,
                                                           storage::Done),
                     const Caller& caller, const Request& request) {
  Response response;
  absl::Notification finished;
  absl::Status result;
  (store.*method)(caller, request, &response, [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

struct DemoTeam {
  const char* id;
  const char* name;
};

constexpr DemoTeam kTeams[] = {
    {"outreach", "市场外联 Outreach"},     {"front-desk", "前台接待 Front desk"},
    {"consultation", "面诊 Consultation"}, {"treatment", "治疗 Treatment"},
    {"follow-up", "回访 Follow-up"},
};

}  // namespace

absl::Status SeedDemo(handoff::HandoffStore& store) {
  Caller admin;
  admin.principal.subject = "demo-seed";
  admin.principal.roles = {auth::Role::kAdmin};

  namespace v1 = handoff::v1;
  v1::CreateDepartmentRequest department;
  department.set_request_id("demo-seed-department");
  department.set_department_id("clinic");
  department.mutable_department()->set_display_name("诊所 Clinic");
  RETURN_IF_ERROR(RunSync(store, &handoff::HandoffStore::CreateDepartment, admin, department));

  for (const DemoTeam& team : kTeams) {
    v1::CreateTeamRequest request;
    request.set_request_id(absl::StrCat("demo-seed-team-", team.id));
    request.set_team_id(team.id);
    request.mutable_team()->set_department("departments/clinic");
    request.mutable_team()->set_display_name(team.name);
    RETURN_IF_ERROR(RunSync(store, &handoff::HandoffStore::CreateTeam, admin, request));
  }

  v1::CreateChainRequest chain;
  chain.set_request_id("demo-seed-chain");
  chain.set_chain_id("new-patient");
  chain.mutable_chain()->set_display_name("新患者 New patient");
  struct StageSpec {
    const char* team;
    const char* name;
    int sla_minutes;
    std::vector<std::string> required;
    bool read_back;
  };
  const StageSpec stages[] = {
      {"outreach", "外联 Outreach", 0, {"patient_name", "phone"}, false},
      {"front-desk", "前台 Front desk", 30, {"patient_name", "phone", "preferred_time"}, false},
      {"consultation", "面诊 Consultation", 120, {"complaint", "insurance"}, true},
      {"treatment", "治疗 Treatment", 24 * 60, {"diagnosis", "treatment_plan"}, true},
      {"follow-up", "回访 Follow-up", 48 * 60, {"discharge_note"}, false},
  };
  for (const StageSpec& spec : stages) {
    v1::Stage* stage = chain.mutable_chain()->add_stages();
    stage->set_display_name(spec.name);
    stage->set_owner_team(absl::StrCat("teams/", spec.team));
    stage->mutable_sla()->set_seconds(spec.sla_minutes * 60);
    for (const std::string& field : spec.required) stage->add_required_fields(field);
    stage->set_requires_read_back(spec.read_back);
  }
  RETURN_IF_ERROR(RunSync(store, &handoff::HandoffStore::CreateChain, admin, chain));
  log::Info("demo organisation ready",
            {{"department", "departments/clinic"}, {"chain", "chains/new-patient"}});
  return absl::OkStatus();
}

}  // namespace baton::cmd
