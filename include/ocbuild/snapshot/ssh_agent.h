#pragma once
// A private ssh-agent for `--ssh ID=/path/key[,/path/key2]` (BuildKit reads
// key files into an agent of its own): `ssh-agent -D` runs as our child on a
// socket in a fresh 0700 temp dir, `ssh-add -` loads each key from its file
// (so the key file's mode does not matter), and the destructor kills the
// agent, waits for it and removes the dir. The socket is then forwarded like
// any agent socket. ssh-agent only answers clients with its own uid or uid 0:
// a RUN as another user than the container's root cannot use it.
#include <sys/types.h>

#include <string>
#include <vector>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/snapshot/secrets.h"

namespace ocbuild::snapshot {

class SshAgent {
 public:
  // Starts the agent under `parent` ($TMPDIR when empty) and adds `keys`.
  // Throws Error(NotFound) when ssh-agent or ssh-add is not installed,
  // Error(Invalid) naming a key ssh-add refuses (encrypted keys cannot be
  // used: there is no prompt), Error(Sys) when the agent does not start.
  SshAgent(const std::vector<std::string>& keys, const std::string& parent = "");
  ~SshAgent();
  SshAgent(SshAgent&& o) noexcept;
  SshAgent& operator=(SshAgent&& o) noexcept;
  SshAgent(const SshAgent&) = delete;
  SshAgent& operator=(const SshAgent&) = delete;

  const std::string& socket() const { return socket_; }
  pid_t pid() const { return pid_; }

 private:
  void stop() noexcept;
  TempDir dir_;
  std::string socket_;
  pid_t pid_ = -1;
  pid_t watchdog_ = -1;  // kills the agent when watch_fd_ closes (even on SIGKILL)
  UniqueFd watch_fd_;
};

// Starts one agent per source that names key files and puts its socket in
// the source's paths. Keep the result alive until the build ends.
std::vector<SshAgent> start_ssh_agents(SshMap& sources, const std::string& parent = "");

}  // namespace ocbuild::snapshot
