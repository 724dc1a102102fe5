#include "cmd/batonctl/flags.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, target, "127.0.0.1:7400", "host:port of batond");
ABSL_FLAG(std::string, token, "",
          "bearer JWT for `authorization`; none (and no --token_file) sends no authorization, "
          "which batond --insecure_dev_mode accepts as an admin+service caller");
ABSL_FLAG(std::string, token_file, "", "file holding the bearer JWT (instead of --token)");
ABSL_FLAG(std::string, act_as_team, "",
          "team to act for (x-baton-act-as-team metadata), e.g. outreach or teams/outreach; "
          "needs the service role unless it is the token's own team");
ABSL_FLAG(std::string, request_id, "",
          "idempotency key of a mutation ([A-Za-z0-9._:-], <=128); default: a random one");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10),
          "deadline of each unary call (watch, events and scoreboard --watch streams have none)");
ABSL_FLAG(std::string, tls_ca_file, "", "PEM CA certificate; when set, connect with TLS");

ABSL_FLAG(std::string, chain, "", "items create/list: the chain, chains/{chain}");
ABSL_FLAG(std::string, ref, "", "items create: the external reference, unique per chain");
ABSL_FLAG(std::vector<std::string>, field, {},
          "items create, offer: item fields as key=value, comma separated (a=1,b=2)");
ABSL_FLAG(std::string, note, "", "offer, return, drop: free text");
ABSL_FLAG(std::string, read_back, "", "accept: the receiver's summary of what it received");
ABSL_FLAG(std::string, reason, "",
          "return: missing-information, wrong-information, wrong-recipient, incomplete-work, "
          "other (comma separated); drop: customer-withdrew, not-qualified, lost-contact, "
          "duplicate or other");
ABSL_FLAG(std::vector<std::string>, fields, {}, "return: the missing or wrong field names");
ABSL_FLAG(std::string, state, "",
          "items list: active, completed or dropped; inbox/outbox: offered, accepted or returned");
ABSL_FLAG(std::string, department, "",
          "teams list: only this department; token: the `department` claim");
ABSL_FLAG(std::string, team, "", "items list: only items held by this team; token: `team` claim");
ABSL_FLAG(std::vector<std::string>, scores, {},
          "rate: completeness,accuracy,timeliness,communication,overall, each 1-5 (4,5,3,4,4); "
          "one number gives every dimension that score");
ABSL_FLAG(std::string, comment, "", "rate: the comment");
ABSL_FLAG(std::string, kind, "", "feedback submit: praise, complaint, suggestion or grievance");
ABSL_FLAG(std::string, handoff, "", "feedback submit: the handoff it is about");
ABSL_FLAG(std::string, about, "", "feedback submit: the team it is about");
ABSL_FLAG(std::string, title, "", "feedback submit: the title");
ABSL_FLAG(std::string, body, "", "feedback submit: the text");
ABSL_FLAG(std::string, text, "", "feedback reply: the reply");
ABSL_FLAG(std::string, ruling, "", "rule: uphold or overturn");
ABSL_FLAG(std::string, from, "",
          "scorecard, scoreboard, funnel: first day of the window, YYYY-MM-DD (with --to; "
          "default: the 30 days up to today)");
ABSL_FLAG(std::string, to, "", "scorecard, scoreboard, funnel: last day of the window, YYYY-MM-DD");
ABSL_FLAG(std::string, order, "",
          "scoreboard: score (default), csat, first-pass-yield, on-time-rate or trend");
ABSL_FLAG(bool, watch, false,
          "scoreboard: stream the scoreboard, now and again at each change, until Ctrl-C");
ABSL_FLAG(int32_t, days, 0,
          "scoreboard --watch: the window, this many days up to today (moving; 0: 30); "
          "instead of --from/--to");
// rating rules set: strings, so that "not given" (keep the current value)
// differs from every number.
ABSL_FLAG(std::string, rating_weight, "", "rating rules set: weight of the rating, 0-1");
ABSL_FLAG(std::string, first_pass_weight, "", "rating rules set: weight of first pass, 0-1");
ABSL_FLAG(std::string, timeliness_weight, "", "rating rules set: weight of timeliness, 0-1");
ABSL_FLAG(std::string, return_penalty, "", "rating rules set: F lost per return, >= 0");
ABSL_FLAG(std::string, prior_weight, "", "rating rules set: the Bayesian prior's weight C, >= 0");
ABSL_FLAG(std::string, satisfied_from, "",
          "rating rules set: the overall score (1-5) from which a rating counts as satisfied");
ABSL_FLAG(uint64_t, after, 0, "events: start after this sequence number");
ABSL_FLAG(int64_t, limit, 0,
          "events: stop after this many events; watch: after this many offers and overdue notices; "
          "scoreboard --watch: after this many scoreboards (0: until Ctrl-C)");

ABSL_FLAG(std::string, key_file, "", "token: file with the HS256 secret (or RS256 PEM key)");
ABSL_FLAG(std::string, algorithm, "HS256", "token: HS256 or RS256");
ABSL_FLAG(std::string, sub, "", "token: the subject (`sub`)");
ABSL_FLAG(std::vector<std::string>, roles, {},
          "token: roles, comma separated: member, head, admin, service");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(1), "token: lifetime");
ABSL_FLAG(std::string, issuer, "", "token: `iss`, when the server checks it");
ABSL_FLAG(std::string, audience, "", "token: `aud`, when the server checks it");

namespace baton::batonctl {
namespace {

bool IsUsageFlag(absl::string_view name) {
  for (absl::string_view usage : {"help", "helpfull", "helpshort", "helppackage", "version",
                                  "only_check_args", "helpon", "helpmatch"}) {
    if (name == usage) return true;
  }
  return false;
}

}  // namespace

const char kUsage[] =
    "the command-line client of Baton's HandoffService, FeedbackService and RatingService.\n"
    "Usage: batonctl [flags] COMMAND [ARGS]   (flags may also follow the command)\n"
    "  token --key_file=K --sub=S [--team=T] [--department=D] [--roles=member,...] [--ttl=1h]\n"
    "  departments list\n"
    "  teams list [--department=departments/x]\n"
    "  chains list | chains get CHAIN\n"
    "  items create --chain=chains/x --ref=R [--field=k=v,...]\n"
    "  items get ITEM | items list [--chain=] [--team=] [--state=active|completed|dropped]\n"
    "  offer ITEM [--field=k=v,...] [--note=...]\n"
    "  accept HANDOFF [--read_back=...]\n"
    "  return HANDOFF --reason=missing-information,... [--fields=a,b] [--note=...]\n"
    "  complete ITEM\n"
    "  drop ITEM --reason=customer-withdrew|not-qualified|lost-contact|duplicate|other "
    "[--note=...]\n"
    "  inbox TEAM [--state=offered|accepted|returned] | outbox TEAM [--state=...]\n"
    "  watch TEAM              stream new offers and overdue notices until Ctrl-C\n"
    "  events [--after=N] [--limit=N]   stream the event log until Ctrl-C\n"
    "  rate HANDOFF --scores=4,5,3,4,4 [--comment=...]   (or --scores=4: every dimension)\n"
    "  rating get RATING | dispute RATING --reason=... | rule RATING --ruling=uphold|overturn "
    "--note=...\n"
    "  feedback submit --kind=complaint|praise|suggestion|grievance [--handoff=H | --about=TEAM] "
    "--title=... --body=...\n"
    "  feedback ack ID | feedback reply ID --text=... | feedback resolve ID [--note=...] | "
    "feedback get ID\n"
    "  feedback list --team=TEAM [--state=open|acknowledged|resolved|dismissed]   (addressed to "
    "TEAM)\n"
    "  score HANDOFF | scorecard TEAM | funnel CHAIN   [--from=YYYY-MM-DD --to=YYYY-MM-DD]\n"
    "  scoreboard DEPARTMENT [--order=score|csat|first-pass-yield|on-time-rate|trend] "
    "[--from= --to=]\n"
    "  scoreboard DEPARTMENT --watch [--order=...] [--days=N] [--limit=N]\n"
    "                             stream the scoreboard now and at each change until Ctrl-C\n"
    "  rating rules get [CHAIN]   the rules in force (no CHAIN: the organisation's default)\n"
    "  rating rules set [CHAIN] [--rating_weight=W] [--first_pass_weight=W] "
    "[--timeliness_weight=W] [--return_penalty=P] [--prior_weight=C] [--satisfied_from=S]\n"
    "                             a new version: the rules in force with the given fields changed\n"
    "  rating rebuild             replay both logs into fresh rollups under the current rules\n"
    "  rating status              where each consumed event log and the last rebuild stand\n"
    "Names may omit their collection: ITEM workItems/x or x, TEAM teams/x or x.\n"
    "Output: one JSON object per line. Exit codes: 0 ok, 1 call failed, 2 usage error.";

void ConfigureFlagsUsage() {
  absl::FlagsUsageConfig config;
  const auto ours = [](absl::string_view file) { return absl::StrContains(file, "batonctl/"); };
  config.contains_help_flags = ours;
  config.contains_helpshort_flags = ours;
  config.contains_helppackage_flags = ours;
  absl::SetFlagsUsageConfig(config);
}

absl::Status CheckFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;  // the rest is positional
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t eq = arg.find('=');
    const absl::string_view name = arg.substr(0, eq);
    // absl handles its usage flags itself; they are not in the registry.
    if (IsUsageFlag(name)) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::StartsWith(name, "no") && eq == absl::string_view::npos) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      if (flag != nullptr && flag->IsOfType<bool>()) continue;  // --noflag
      flag = nullptr;
    }
    if (flag == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < argc) {
      value = argv[++i];  // --flag value
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
    }
    // Parsing here only validates: ParseCommandLine sets the same value again.
    if (std::string error; !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, "=", value, ": ", error));
    }
  }
  return absl::OkStatus();
}

}  // namespace baton::batonctl
