// batonctl against a real `batond --insecure_dev_mode --seed_demo`: each
// command runs as its own process, as a user would run it.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "baton/feedback/v1/resources.pb.h"
#include "baton/handoff/v1/resources.pb.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "baton/rating/v1/resources.pb.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"

namespace baton::testing {
namespace {

namespace fv1 = ::baton::feedback::v1;
namespace hv1 = ::baton::handoff::v1;
namespace rv1 = ::baton::rating::v1;
using ::testing::HasSubstr;

struct Result {
  int exit_code = -1;  // -1: killed or did not finish in time
  std::string out;
  std::string err;
};

// Starts the program at `path` with `args`, its stdout and stderr on
// `out_fd` and `err_fd`; the child's pid, or -1. The caller's pipes should
// be close-on-exec, so that the child keeps only the ends it writes.
pid_t Spawn(const std::string& path, std::vector<std::string> args, int out_fd, int err_fd) {
  args.insert(args.begin(), path);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    std::vector<char*> raw;
    for (std::string& arg : args) raw.push_back(arg.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

// Runs the program at `path` with `args`, capturing stdout and stderr;
// bounded to 30 s.
Result RunProgram(const std::string& path, const std::vector<std::string>& args) {
  Result result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) return result;
  const pid_t pid = Spawn(path, args, out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < give_up) {
    if (poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (const pollfd& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  if (open_fds > 0) kill(pid, SIGKILL);  // still running after 30 s
  int status = 0;
  waitpid(pid, &status, 0);
  if (open_fds == 0 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

Result RunCtl(const std::vector<std::string>& args) { return RunProgram(BATONCTL_PATH, args); }

// A program left running (batonctl's streams), its stdout read line by line
// as it comes; stderr goes to `err_file`. Killed (SIGKILL) when destroyed.
class StreamingProgram {
 public:
  StreamingProgram(const std::string& path, const std::vector<std::string>& args,
                   const std::string& err_file) {
    int out_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) return;
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    pid_ = Spawn(path, args, out_pipe[1], err);
    close(out_pipe[1]);
    if (err >= 0) close(err);
    out_ = out_pipe[0];
  }
  ~StreamingProgram() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // The next whole line of stdout (without its newline), waiting for it
  // until `deadline`; "" when none came by then or stdout closed.
  std::string ReadLine(absl::Time deadline) {
    while (true) {
      if (const size_t end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
      }
      const absl::Duration left = deadline - absl::Now();
      if (out_ < 0 || left <= absl::ZeroDuration()) return "";
      pollfd fd = {out_, POLLIN, 0};
      if (poll(&fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) continue;
      char chunk[4096];
      const ssize_t n = read(out_, chunk, sizeof chunk);
      if (n <= 0) {
        close(out_);
        out_ = -1;
      } else {
        buffer_.append(chunk, static_cast<size_t>(n));
      }
    }
  }

  // Sends `signal` and waits for the exit; the raw wait status.
  int Stop(int signal) {
    int status = -1;
    if (pid_ <= 0) return status;
    kill(pid_, signal);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

// --help lists the flags a user needs, shared and the binary's own.
TEST(HelpTest, BinariesListTheirFlags) {
  const Result batond = RunProgram(BATOND_PATH, {"--help"});
  const std::string batond_text = batond.out + batond.err;
  for (const char* flag :
       {"--data_dir", "--listen", "--jwt_key_file", "--tls_cert_file", "--insecure_dev_mode",
        "--seed_demo", "--drain_seconds", "--rating_window", "--complaint_sla", "--time_zone",
        "--watch_interval", "--watch_decision_interval", "--max_watches"}) {
    EXPECT_THAT(batond_text, HasSubstr(flag)) << "batond --help";
  }
  const Result ctl = RunProgram(BATONCTL_PATH, {"--help"});
  EXPECT_THAT(ctl.out + ctl.err, HasSubstr("--target"));
}

// A flag out of range stops the binary before it opens anything, naming
// the flag.
TEST(HelpTest, OutOfRangeRatingFlagsAreRefusedByName) {
  const struct {
    const char* flag;
    const char* named;
  } cases[] = {
      {"--watch_interval=0s", "--watch_interval must be"},
      {"--watch_decision_interval=300ms", "--watch_decision_interval must be"},
      {"--max_watches=0", "--max_watches must be"},
  };
  for (const auto& c : cases) {
    const Result batond =
        RunProgram(BATOND_PATH, {"--insecure_dev_mode", "--listen=127.0.0.1:0",
                                 "--data_dir=/nonexistent/never-created", c.flag});
    EXPECT_EQ(batond.exit_code, 2) << c.flag << ": " << batond.err;
    EXPECT_THAT(batond.err, HasSubstr(c.named)) << c.flag;
  }
}

template <typename Message>
Message ParseJson(const std::string& line) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &message).ok()) << line;
  return message;
}

class BatonctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        BATOND_PATH,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--data_dir=" + dir_.Sub("db"),
                                 "--insecure_dev_mode", "--seed_demo", "--log_level=warn"});
    ASSERT_TRUE(server_->Start());
  }

  // batonctl against the server, the flags first, then `args`.
  Result Ctl(const std::vector<std::string>& flags, const std::vector<std::string>& args) {
    std::vector<std::string> all = {absl::StrCat("--target=127.0.0.1:", server_->port())};
    all.insert(all.end(), flags.begin(), flags.end());
    all.insert(all.end(), args.begin(), args.end());
    return RunCtl(all);
  }

  // A new patient (`ref`) offered by outreach and accepted by the front desk:
  // the accepted handoff's name, or "" (after a test failure).
  std::string AcceptedHandoff(const std::string& ref) {
    const Result created =
        Ctl({"--act_as_team=outreach"}, {"items", "create", "--chain=chains/new-patient",
                                         "--ref=" + ref, "--field=patient_name=张伟,phone=136"});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    const auto item = ParseJson<hv1::WorkItem>(created.out);
    const Result offered =
        Ctl({"--act_as_team=outreach", "--field=preferred_time=周一上午"}, {"offer", item.name()});
    EXPECT_EQ(offered.exit_code, 0) << offered.err;
    const auto handoff = ParseJson<hv1::Handoff>(offered.out);
    const Result accepted = Ctl({"--act_as_team=front-desk"}, {"accept", handoff.name()});
    EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
    return accepted.exit_code == 0 ? handoff.name() : "";
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(BatonctlTest, MovesANewPatientFromOutreachToTheFrontDesk) {
  const Result created =
      Ctl({"--act_as_team=outreach"}, {"items", "create", "--chain=chains/new-patient",
                                       "--ref=crm-1001", "--field=patient_name=李雷,phone=138"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  // Chinese comes out as UTF-8, not \u escapes.
  EXPECT_THAT(created.out, HasSubstr("\"patient_name\":\"李雷\""));
  const auto item = ParseJson<hv1::WorkItem>(created.out);
  ASSERT_TRUE(absl::StartsWith(item.name(), "workItems/")) << created.out;
  EXPECT_EQ(item.holder_team(), "teams/outreach");

  // The front desk requires preferred_time: refused, and the error says so.
  const Result refused = Ctl({"--act_as_team=outreach"}, {"offer", item.name()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("batonctl: FAILED_PRECONDITION: "));
  EXPECT_THAT(refused.err, HasSubstr("  preferred_time: "));
  EXPECT_EQ(refused.out, "");

  const Result offered =
      Ctl({"--act_as_team=outreach", "--field=preferred_time=周二上午"}, {"offer", item.name()});
  ASSERT_EQ(offered.exit_code, 0) << offered.err;
  EXPECT_THAT(offered.out, HasSubstr("\"attempt\":1"));
  const auto handoff = ParseJson<hv1::Handoff>(offered.out);
  ASSERT_TRUE(absl::StartsWith(handoff.name(), "handoffs/")) << offered.out;
  EXPECT_EQ(handoff.state(), hv1::HANDOFF_STATE_OFFERED);
  EXPECT_EQ(handoff.customer_team(), "teams/front-desk");

  const Result accepted = Ctl({"--act_as_team=front-desk"}, {"accept", handoff.name()});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(ParseJson<hv1::Handoff>(accepted.out).state(), hv1::HANDOFF_STATE_ACCEPTED);

  const Result inbox = Ctl({"--act_as_team=front-desk"}, {"inbox", "teams/front-desk"});
  ASSERT_EQ(inbox.exit_code, 0) << inbox.err;
  const std::vector<std::string> lines = absl::StrSplit(absl::StripSuffix(inbox.out, "\n"), '\n');
  ASSERT_EQ(lines.size(), 1u) << inbox.out;
  const auto listed = ParseJson<hv1::Handoff>(lines[0]);
  EXPECT_EQ(listed.name(), handoff.name());
  EXPECT_EQ(listed.state(), hv1::HANDOFF_STATE_ACCEPTED);

  const Result got = Ctl({}, {"items", "get", item.name()});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(ParseJson<hv1::WorkItem>(got.out).holder_team(), "teams/front-desk");
}

// The README's worked example, continued: the front desk rates what it
// received and complains; outreach acknowledges, answers and resolves.
TEST_F(BatonctlTest, TheCustomerRatesAndComplainsAndTheSupplierAnswers) {
  const std::string handoff = AcceptedHandoff("crm-2002");
  ASSERT_NE(handoff, "");

  const Result bad = Ctl({"--act_as_team=front-desk"}, {"rate", handoff, "--scores=4,2"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  const Result rated = Ctl({"--act_as_team=front-desk"},
                           {"rate", handoff, "--scores=4,2,5,4,3", "--comment=电话号码少一位"});
  ASSERT_EQ(rated.exit_code, 0) << rated.err;
  const auto rating = ParseJson<fv1::Rating>(rated.out);
  EXPECT_EQ(rating.supplier_team(), "teams/outreach");
  EXPECT_EQ(rating.scores().accuracy(), 2);
  EXPECT_EQ(rating.comment(), "电话号码少一位");

  const Result submitted =
      Ctl({"--act_as_team=front-desk"},
          {"feedback", "submit", "--kind=complaint", "--handoff=" + handoff, "--title=电话号码错误",
           "--body=电话号码少一位，只好请患者再来一次电话"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto complaint = ParseJson<fv1::Feedback>(submitted.out);
  EXPECT_EQ(complaint.addressee_team(), "teams/outreach");
  EXPECT_EQ(complaint.state(), fv1::FEEDBACK_STATE_OPEN);

  const Result open =
      Ctl({"--act_as_team=outreach"}, {"feedback", "list", "--team=outreach", "--state=open"});
  ASSERT_EQ(open.exit_code, 0) << open.err;
  EXPECT_THAT(open.out, HasSubstr(complaint.name()));
  // The customer is not the addressee.
  EXPECT_EQ(Ctl({"--act_as_team=front-desk"}, {"feedback", "ack", complaint.name()}).exit_code, 1);
  ASSERT_EQ(Ctl({"--act_as_team=outreach"}, {"feedback", "ack", complaint.name()}).exit_code, 0);
  ASSERT_EQ(Ctl({"--act_as_team=outreach"},
                {"feedback", "reply", complaint.name(), "--text=已加号码位数校验"})
                .exit_code,
            0);
  const Result resolved =
      Ctl({"--act_as_team=outreach"}, {"feedback", "resolve", complaint.name()});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  const auto thread = ParseJson<fv1::Feedback>(resolved.out);
  EXPECT_EQ(thread.state(), fv1::FEEDBACK_STATE_RESOLVED);
  ASSERT_EQ(thread.replies_size(), 1);
  EXPECT_EQ(thread.replies(0).text(), "已加号码位数校验");
}

// The rating service's reads, after a rated handoff: its score, the
// supplier's scorecard, the department's scoreboard and the chain's funnel.
TEST_F(BatonctlTest, ScoreScorecardScoreboardAndFunnelShowARatedHandoff) {
  const std::string handoff = AcceptedHandoff("crm-3003");
  ASSERT_NE(handoff, "");
  ASSERT_EQ(Ctl({"--act_as_team=front-desk"}, {"rate", handoff, "--scores=4,4,4,4,3"}).exit_code,
            0);

  // The rating service applies the logs asynchronously: ask until the
  // rated score shows (bounded).
  rv1::HandoffScore score;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    const Result got = Ctl({}, {"score", handoff});
    if (got.exit_code == 0) {
      score = ParseJson<rv1::HandoffScore>(got.out);
      if (score.has_rating_part()) break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  // Overall 3: R = 50; first attempt F = 100; on time T = 100.
  ASSERT_TRUE(score.has_rating_part()) << "the rating never reached the rating service";
  EXPECT_DOUBLE_EQ(score.quality(), 0.5 * 50 + 0.3 * 100 + 0.2 * 100);

  const Result card = Ctl({}, {"scorecard", "outreach"});
  ASSERT_EQ(card.exit_code, 0) << card.err;
  const auto scorecard = ParseJson<rv1::Scorecard>(card.out);
  EXPECT_EQ(scorecard.department(), "departments/clinic");
  EXPECT_GE(scorecard.as_supplier().accepts(), 1);
  const Result board = Ctl({}, {"scoreboard", "clinic", "--order=first-pass-yield"});
  ASSERT_EQ(board.exit_code, 0) << board.err;
  const auto scoreboard = ParseJson<rv1::Scoreboard>(board.out);
  EXPECT_EQ(scoreboard.order(), rv1::SCOREBOARD_ORDER_FIRST_PASS_YIELD);
  EXPECT_THAT(board.out, HasSubstr("\"team\":\"teams/outreach\""));
  const Result funnel = Ctl({}, {"funnel", "new-patient"});
  ASSERT_EQ(funnel.exit_code, 0) << funnel.err;
  EXPECT_GE(ParseJson<rv1::Funnel>(funnel.out).stages(0).entered(), 1);

  const Result bad_order = Ctl({}, {"scoreboard", "clinic", "--order=fastest"});
  EXPECT_EQ(bad_order.exit_code, 2) << bad_order.err;
  const Result bad_day = Ctl({}, {"scorecard", "outreach", "--from=2026-13-01", "--to=2026-12-01"});
  EXPECT_EQ(bad_day.exit_code, 1);
  EXPECT_THAT(bad_day.err, HasSubstr("window.start_day"));
}

TEST_F(BatonctlTest, TokenPrintsASignedJwt) {
  std::ofstream(dir_.Sub("key")) << "e2e-secret-0123456789abcdef";
  const Result result = RunCtl({"token", "--key_file=" + dir_.Sub("key"), "--sub=alice",
                                "--team=front-desk", "--roles=member,head"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> parts = absl::StrSplit(absl::StripSuffix(result.out, "\n"), '.');
  ASSERT_EQ(parts.size(), 3u) << result.out;
  for (const std::string& part : parts) EXPECT_FALSE(part.empty());
}

TEST_F(BatonctlTest, UsageErrorsExitWithTwoAndSayWhatIsWrong) {
  const Result unknown = Ctl({}, {"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'frobnicate'"));

  const Result missing = Ctl({}, {"accept"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("accept needs HANDOFF"));

  const Result no_chain = Ctl({}, {"items", "create", "--ref=x"});
  EXPECT_EQ(no_chain.exit_code, 2);
  EXPECT_THAT(no_chain.err, HasSubstr("--chain"));

  const Result bad_flag = Ctl({"--no_such_flag=1"}, {"chains", "list"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_THAT(bad_flag.err, HasSubstr("--no_such_flag"));
}

// An incomplete or unknown command lists every way to go on, three-word
// commands included. (Failed before the fix: "rating takes get, rebuild,
// status", without `rules get` and `rules set`.)
TEST_F(BatonctlTest, UnknownCommandsListEveryContinuation) {
  const Result rules = Ctl({}, {"rating", "rules"});
  EXPECT_EQ(rules.exit_code, 2);
  EXPECT_THAT(rules.err, HasSubstr("'rating rules' needs a subcommand: get, set"));

  const Result rating_foo = Ctl({}, {"rating", "foo"});
  EXPECT_EQ(rating_foo.exit_code, 2);
  EXPECT_THAT(rating_foo.err, HasSubstr("unknown command 'rating foo' (rating takes get, rules "
                                        "get, rules set, rebuild, status)"));

  const Result rating = Ctl({}, {"rating"});
  EXPECT_EQ(rating.exit_code, 2);
  EXPECT_THAT(rating.err, HasSubstr("'rating' needs a subcommand: get, rules get, rules set"));

  const Result rules_foo = Ctl({}, {"rating", "rules", "foo"});
  EXPECT_EQ(rules_foo.exit_code, 2);
  EXPECT_THAT(rules_foo.err, HasSubstr("unknown command 'rating rules foo' (rating rules takes "
                                       "get, set)"));
}

// --from without --to (or the reverse) is refused by batonctl, naming the
// flags the user typed, for every windowed read. (Failed before the fix:
// exit 1 with the server's "window.end_day: is required".)
TEST_F(BatonctlTest, FromAndToGoTogether) {
  const std::vector<std::vector<std::string>> commands = {
      {"scorecard", "outreach", "--from=2026-11-01"},
      {"scoreboard", "clinic", "--from=2026-11-01"},
      {"funnel", "new-patient", "--to=2026-11-30"},
  };
  for (const auto& command : commands) {
    const Result result = Ctl({}, command);
    EXPECT_EQ(result.exit_code, 2) << command[0] << ": " << result.err;
    EXPECT_THAT(result.err, HasSubstr("--from and --to go together")) << command[0];
    EXPECT_THAT(result.err, ::testing::Not(HasSubstr("window."))) << command[0];
  }
  // The watch's window moves with today: --days, not --from/--to.
  const Result watch =
      Ctl({}, {"scoreboard", "clinic", "--watch", "--from=2026-11-01", "--to=2026-11-30"});
  EXPECT_EQ(watch.exit_code, 2) << watch.err;
  EXPECT_THAT(watch.err, HasSubstr("--days"));
}

// scoreboard --watch prints the scoreboard now, then again when an accept
// changes it, one JSON line each, until killed. (Failed before the fix:
// "unknown flag --watch", exit 2, no line.)
TEST_F(BatonctlTest, ScoreboardWatchStreamsAChange) {
  StreamingProgram watch(BATONCTL_PATH,
                         {absl::StrCat("--target=127.0.0.1:", server_->port()), "scoreboard",
                          "clinic", "--watch", "--days=7", "--order=first-pass-yield"},
                         dir_.Sub("watch.err"));
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  const std::string first = watch.ReadLine(deadline);
  ASSERT_FALSE(first.empty()) << "no scoreboard came; stderr in " << dir_.Sub("watch.err");
  const auto now = ParseJson<rv1::Scoreboard>(first);
  EXPECT_EQ(now.department(), "departments/clinic");
  EXPECT_EQ(now.order(), rv1::SCOREBOARD_ORDER_FIRST_PASS_YIELD);
  ASSERT_EQ(now.rows_size(), 5) << first;
  for (const auto& row : now.rows()) EXPECT_EQ(row.as_supplier().accepts(), 0) << first;

  ASSERT_NE(AcceptedHandoff("crm-4004"), "");
  // Offers push too (coalesced): read on until a scoreboard shows the
  // accept, bounded by the deadline.
  int64_t outreach_accepts = 0;
  while (outreach_accepts == 0) {
    const std::string line = watch.ReadLine(deadline);
    ASSERT_FALSE(line.empty()) << "the accept never showed in the stream";
    const auto board = ParseJson<rv1::Scoreboard>(line);
    EXPECT_EQ(board.window().end_day(), now.window().end_day());
    for (const auto& row : board.rows()) {
      if (row.team() == "teams/outreach") outreach_accepts = row.as_supplier().accepts();
    }
  }
  EXPECT_EQ(outreach_accepts, 1);
  const int status = watch.Stop(SIGINT);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
}

// The dev caller is an admin: it reads the rules, makes a version with
// two fields changed (the rest kept), and rebuilds the rollups under it.
TEST_F(BatonctlTest, RatingRulesSetByAnAdminThenRebuild) {
  const Result current = Ctl({}, {"rating", "rules", "get", "chains/new-patient"});
  ASSERT_EQ(current.exit_code, 0) << current.err;
  const auto defaults = ParseJson<rv1::ScoringRules>(current.out);
  EXPECT_EQ(defaults.version(), 1);
  EXPECT_EQ(defaults.chain(), "") << "the default applies";

  const Result set = Ctl({}, {"rating", "rules", "set", "new-patient", "--rating_weight=0.6",
                              "--first_pass_weight=0.2", "--return_penalty=20"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  const auto made = ParseJson<rv1::ScoringRules>(set.out);
  EXPECT_EQ(made.version(), 2);
  EXPECT_EQ(made.chain(), "chains/new-patient");
  EXPECT_EQ(made.return_penalty(), 20);
  EXPECT_EQ(made.timeliness_weight(), 0.2) << "a field not given keeps its value";
  EXPECT_EQ(made.satisfied_from(), 4);

  const Result bad = Ctl({}, {"rating", "rules", "set", "new-patient", "--rating_weight=0.9"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("rules.rating_weight"));
  const Result not_a_number = Ctl({}, {"rating", "rules", "set", "--prior_weight=ten"});
  EXPECT_EQ(not_a_number.exit_code, 2);
  EXPECT_THAT(not_a_number.err, HasSubstr("--prior_weight=ten"));
  // satisfied_from is an int. (Failed before the fix: "is not a number".)
  const Result fraction = Ctl({}, {"rating", "rules", "set", "--satisfied_from=4.5"});
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_THAT(fraction.err, HasSubstr("--satisfied_from=4.5 is not a whole number"));
  // No field to change: a usage error naming the flags, and no new version.
  // (Failed before the fix: exit 0 and version 3, identical to 2.)
  const Result nothing = Ctl({}, {"rating", "rules", "set", "new-patient"});
  EXPECT_EQ(nothing.exit_code, 2) << nothing.out;
  EXPECT_THAT(nothing.err, HasSubstr("--rating_weight"));
  EXPECT_THAT(nothing.err, HasSubstr("--satisfied_from"));

  const Result rebuild = Ctl({}, {"rating", "rebuild"});
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.err;
  const auto started = ParseJson<rv1::RebuildRollupsResponse>(rebuild.out);
  ASSERT_EQ(started.consumers_size(), 2);
  EXPECT_EQ(started.consumers(0).source(), "baton.handoff.v1.HandoffService (rebuild)");
  const Result status = Ctl({}, {"rating", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto standing = ParseJson<rv1::GetConsumerStatusResponse>(status.out);
  EXPECT_EQ(standing.consumers(0).source(), "baton.handoff.v1.HandoffService");
  EXPECT_THAT(standing.rebuild().state(), ::testing::AnyOf("RUNNING", "DONE"));

  const Result now = Ctl({}, {"rating", "rules", "get", "new-patient"});
  ASSERT_EQ(now.exit_code, 0) << now.err;
  EXPECT_EQ(ParseJson<rv1::ScoringRules>(now.out).version(), 2);
  const Result fallback = Ctl({}, {"rating", "rules", "get"});
  ASSERT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_EQ(ParseJson<rv1::ScoringRules>(fallback.out).version(), 1);
}

}  // namespace
}  // namespace baton::testing
