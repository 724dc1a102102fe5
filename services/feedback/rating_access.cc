#include "services/feedback/rating_access.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/names.h"
#include "common/status/status_macros.h"

namespace baton::feedback {
namespace {

std::string ActsFor(const auth::Caller& caller) {
  return caller.team.empty() ? std::string("acts for no team")
                             : absl::StrCat("acts for teams/", caller.team);
}

}  // namespace

absl::Status RequireRatingViewer(const auth::Caller& caller, const v1::Rating& rating) {
  if (caller.is_admin() || caller.is_service()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string supplier,
                   api::StoredId("rating supplier team", rating.supplier_team(), api::kTeams));
  ASSIGN_OR_RETURN(std::string customer,
                   api::StoredId("rating customer team", rating.customer_team(), api::kTeams));
  ASSIGN_OR_RETURN(
      std::string supplier_department,
      api::StoredId("rating supplier department", rating.supplier_department(), api::kDepartments));
  ASSIGN_OR_RETURN(
      std::string customer_department,
      api::StoredId("rating customer department", rating.customer_department(), api::kDepartments));
  if (!caller.team.empty() && (caller.team == supplier || caller.team == customer)) {
    return absl::OkStatus();
  }
  if (caller.heads(supplier_department) || caller.heads(customer_department)) {
    return absl::OkStatus();
  }
  return auth::Denied(
      kNotRatingViewer,
      absl::StrCat(rating.name(), " is for ", rating.supplier_team(), ", ", rating.customer_team(),
                   ", the heads of their departments, services and admins; the caller ",
                   ActsFor(caller)));
}

bool MayListTeamRatingsAnyway(const auth::Caller& caller, absl::string_view team_id) {
  return caller.is_admin() || caller.is_service() ||
         (!caller.team.empty() && caller.team == team_id);
}

absl::Status RequireTeamRatingsViewer(const auth::Caller& caller, absl::string_view team_id,
                                      absl::string_view department_id) {
  if (MayListTeamRatingsAnyway(caller, team_id) || caller.heads(department_id)) {
    return absl::OkStatus();
  }
  return auth::Denied(
      kNotRatingViewer,
      absl::StrCat("the ratings of teams/", team_id, " are for that team, the head of departments/",
                   department_id, ", services and admins; the caller ", ActsFor(caller)));
}

absl::Status RequireChainRatingsViewer(const auth::Caller& caller, absl::string_view chain_id) {
  if (caller.is_admin() || caller.is_service()) return absl::OkStatus();
  return auth::Denied(kNotRatingViewer,
                      absl::StrCat("the ratings of chains/", chain_id,
                                   " (every team's) are for services and admins; list a team's "
                                   "ratings with supplier_team or customer_team instead"));
}

}  // namespace baton::feedback
