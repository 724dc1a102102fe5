#ifndef BATON_TESTS_E2E_SERVER_PROCESS_H_
#define BATON_TESTS_E2E_SERVER_PROCESS_H_

// A real batond process for end-to-end tests: started with fork/exec on an
// ephemeral loopback port, found through --port_file, stopped with a real
// signal (SIGTERM to drain, SIGKILL to crash).

#include <sys/types.h>

#include <string>
#include <vector>

namespace baton::testing {

class ServerProcess {
 public:
  // `binary` is the path of batond; `args` are extra flags.
  ServerProcess(std::string binary, std::vector<std::string> args);
  ~ServerProcess();  // SIGKILLs a process still running

  // Starts it and waits (bounded, 20 s) until it serves. False on failure.
  bool Start();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` and waits (bounded, 30 s) for the exit; returns the raw
  // wait status, or -1 when it did not exit in time.
  int Signal(int signal);

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string port_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace baton::testing

#endif  // BATON_TESTS_E2E_SERVER_PROCESS_H_
