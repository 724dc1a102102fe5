// batonctl: the command-line client of Baton's HandoffService. See
// `batonctl --help` and flags.cc for the commands and flags.

#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "cmd/batonctl/commands.h"
#include "cmd/batonctl/flags.h"
#include "cmd/batonctl/output.h"

int main(int argc, char** argv) {
  namespace ctl = baton::batonctl;
  absl::SetProgramUsageMessage(ctl::kUsage);
  ctl::ConfigureFlagsUsage();
  // absl would exit with 1 on a bad flag; batonctl's usage errors exit with 2.
  if (absl::Status status = ctl::CheckFlags(argc, argv); !status.ok()) {
    return ctl::UsageError(status.message());
  }
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  return ctl::Run(std::vector<std::string>(positional.begin() + 1, positional.end()));
}
