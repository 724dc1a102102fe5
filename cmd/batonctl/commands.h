#ifndef BATON_CMD_BATONCTL_COMMANDS_H_
#define BATON_CMD_BATONCTL_COMMANDS_H_

// batonctl's commands. Run() finds the command named by the first words of
// `args` (the positional arguments), checks its operand, and runs it with the
// flags already parsed.

#include <string>
#include <vector>

#include "cmd/batonctl/client.h"

namespace baton::batonctl {

// Runs one command; returns the exit code (see output.h).
int Run(const std::vector<std::string>& args);

// The handlers that move work (workflow.cc). `operand` is the one positional
// argument after the command words (ITEM, HANDOFF or TEAM), or "" for events.
int Offer(Client& client, const std::string& operand);
int Accept(Client& client, const std::string& operand);
int Return(Client& client, const std::string& operand);
int Complete(Client& client, const std::string& operand);
int Drop(Client& client, const std::string& operand);
int Inbox(Client& client, const std::string& operand);
int Outbox(Client& client, const std::string& operand);
int Watch(Client& client, const std::string& operand);
int Events(Client& client, const std::string& operand);

// The feedback service's commands (feedback_commands.cc). `operand` is the
// HANDOFF, RATING or thread ID, or "" for feedback submit and list.
int Rate(Client& client, const std::string& operand);
int RatingGet(Client& client, const std::string& operand);
int Dispute(Client& client, const std::string& operand);
int Rule(Client& client, const std::string& operand);
int FeedbackSubmit(Client& client, const std::string& operand);
int FeedbackAck(Client& client, const std::string& operand);
int FeedbackReply(Client& client, const std::string& operand);
int FeedbackResolve(Client& client, const std::string& operand);
int FeedbackGet(Client& client, const std::string& operand);
int FeedbackList(Client& client, const std::string& operand);

// The rating service's reads (rating_commands.cc). `operand` is the
// HANDOFF, TEAM, DEPARTMENT or CHAIN. Scoreboard streams with --watch.
int Score(Client& client, const std::string& operand);
int Scorecard(Client& client, const std::string& operand);
int Scoreboard(Client& client, const std::string& operand);
int Funnel(Client& client, const std::string& operand);
// The rating service's administration (rating_admin_commands.cc). `operand` is
// the CHAIN (`chains/x` or x; "" for the organisation's default).
int RulesGet(Client& client, const std::string& operand);
int RulesSet(Client& client, const std::string& operand);
int Rebuild(Client& client, const std::string& operand);
int RatingStatus(Client& client, const std::string& operand);

}  // namespace baton::batonctl

#endif  // BATON_CMD_BATONCTL_COMMANDS_H_
