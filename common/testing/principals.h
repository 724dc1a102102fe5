#ifndef BATON_COMMON_TESTING_PRINCIPALS_H_
#define BATON_COMMON_TESTING_PRINCIPALS_H_

// Test-only: principals of each role, and callers made from them, for the
// access tests of every service. Header-only; the test links common/auth.

#include <string>
#include <utility>

#include "common/auth/caller.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace baton::testing {

inline auth::Principal Member(std::string subject, std::string team, std::string department) {
  return auth::Principal{.subject = std::move(subject),
                         .team = std::move(team),
                         .department = std::move(department),
                         .roles = {auth::Role::kMember}};
}

inline auth::Principal Head(std::string subject, std::string team, std::string department) {
  return auth::Principal{.subject = std::move(subject),
                         .team = std::move(team),
                         .department = std::move(department),
                         .roles = {auth::Role::kMember, auth::Role::kHead}};
}

inline auth::Principal Admin() {
  return auth::Principal{.subject = "root", .roles = {auth::Role::kAdmin}};
}

inline auth::Principal Service(std::string team = "") {
  return auth::Principal{
      .subject = "crm-sync", .team = std::move(team), .roles = {auth::Role::kService}};
}

// The caller `principal` makes acting for `act_as`; a failed test (and an
// empty caller) when MakeCaller refuses.
inline auth::Caller MustMakeCaller(auth::Principal principal, absl::string_view act_as = "") {
  auto caller = auth::MakeCaller(std::move(principal), act_as);
  EXPECT_OK(caller);
  return caller.ok() ? *std::move(caller) : auth::Caller{};
}

}  // namespace baton::testing

#endif  // BATON_COMMON_TESTING_PRINCIPALS_H_
