#ifndef BATON_TESTS_INTEGRATION_ORG_FIXTURE_H_
#define BATON_TESTS_INTEGRATION_ORG_FIXTURE_H_

// A test fixture with a running TestServer and a small organisation made
// through the API: department "clinic" (head "dr-li"), teams front-desk,
// consultation, treatment, and the chain "visit":
//   接待 front-desk → 面诊 consultation (needs phone, complaint; 30 min)
//   → 治疗 treatment (needs diagnosis; read-back; 1 h).

#include <string>
#include <utility>
#include <vector>

#include "google/rpc/error_details.pb.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_server.h"

namespace baton::testing {

namespace hv1 = ::baton::handoff::v1;

class OrgTest : public ::testing::Test {
 protected:
  explicit OrgTest(TestServerOptions options = {}) : server_(std::move(options)) {}
  void SetUp() override;

  std::string admin_;       // admin role, no team
  std::string front_desk_;  // member of teams/front-desk
  std::string consult_;     // member of teams/consultation
  std::string treatment_;   // member of teams/treatment
  std::string head_;        // head of departments/clinic
  std::string service_;     // service role, no team

  // Creates a work item in chains/visit as front-desk with phone+complaint.
  hv1::WorkItem CreateItem(const std::string& reference);
  // Offers `item` as `token` (its holder), checking the call succeeds.
  hv1::Handoff Offer(const std::string& token, const std::string& item,
                     const std::map<std::string, std::string>& fields = {});

  TestServer server_;
};

// The google.rpc.ErrorInfo and the BadRequest fields of a status, from
// grpc-status-details-bin.
google::rpc::ErrorInfo InfoOf(const grpc::Status& status);
std::vector<std::string> BadFieldsOf(const grpc::Status& status);

// The status of a call; message and code as gRPC returned them.
#define EXPECT_CODE(status, code) \
  EXPECT_EQ((status).error_code(), (code)) << (status).error_message()

}  // namespace baton::testing

#endif  // BATON_TESTS_INTEGRATION_ORG_FIXTURE_H_
