// batond: every Baton service in one process, on one port, with one RocksDB
// (a column family per service): the embedded default a new user starts.
// The list of modules below is the whole difference from the per-service
// binaries.
#include "absl/flags/flag.h"
#include "cmd/batond/demo_seed.h"
#include "cmd/feedback_flags/feedback_flags.h"
#include "cmd/rating_flags/rating_flags.h"
#include "cmd/server_main/server_main.h"
#include "services/feedback/feedback_module.h"
#include "services/feedback/local_handoff_facts.h"
#include "services/handoff/handoff_module.h"
#include "services/rating/local_sources.h"
#include "services/rating/rating_module.h"

ABSL_FLAG(bool, seed_demo, false,
          "create the demo clinic organisation and its new-patient chain at start-up");

int main(int argc, char** argv) {
  baton::cmd::ParseServerFlags(
      argc, argv,
      {.usage = "batond: all Baton services in one process (handoff, feedback and rating).\n"
                "Usage: batond --jwt_key_file=KEY [--listen=0.0.0.0:7400] [--data_dir=DIR]\n"
                "       batond --insecure_dev_mode --seed_demo   (local try-out)",
       .listen = "127.0.0.1:7400",
       .data_dir = "./data/batond"});
  auto handoff = std::make_unique<baton::handoff::HandoffModule>();
  baton::handoff::HandoffModule* handoff_module = handoff.get();
  // Feedback learns handoff's facts in-process: no network between them.
  auto feedback = std::make_unique<baton::feedback::FeedbackModule>(
      baton::feedback::FeedbackModuleOptions{.feedback = baton::cmd::FeedbackOptionsFromFlags(),
                                             .facts = baton::feedback::LocalFacts(handoff_module)});
  baton::feedback::FeedbackModule* feedback_module = feedback.get();
  // Rating reads both logs in-process too, after they opened.
  baton::rating::RatingModuleOptions rating_options = baton::cmd::RatingOptionsFromFlags();
  rating_options.handoff_source = baton::rating::LocalHandoffSource(handoff_module);
  rating_options.feedback_source = baton::rating::LocalFeedbackSource(feedback_module);
  auto rating = std::make_unique<baton::rating::RatingModule>(std::move(rating_options));
  std::vector<std::unique_ptr<baton::server::ServiceModule>> modules;
  modules.push_back(std::move(handoff));
  modules.push_back(std::move(feedback));
  modules.push_back(std::move(rating));
  return baton::cmd::RunServer(std::move(modules), [handoff_module] {
    return absl::GetFlag(FLAGS_seed_demo) ? baton::cmd::SeedDemo(*handoff_module->store())
                                          : absl::OkStatus();
  });
}
