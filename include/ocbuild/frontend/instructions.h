#pragma once
// Typed Dockerfile instructions: what frontend::parse() lowers each syntax
// Node into. Values are raw words (quotes, escapes and $VARs kept); variable
// expansion happens later, in the build plan.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

struct KeyValue {
  std::string key;
  std::string value;
};

struct FromInstruction {
  std::string image;
  std::optional<std::string> platform;    // --platform
  std::optional<std::string> stage_name;  // AS name, lower-cased
};

enum class MountType { kBind, kCache, kTmpfs, kSecret, kSsh };
enum class CacheSharing { kShared, kPrivate, kLocked };

// RUN --mount=type=...,key=value (BuildKit's runmount.go options).
struct Mount {
  MountType type = MountType::kBind;
  std::string from;     // stage or image (bind, cache)
  std::string source;   // source/src
  std::string target;   // target/dst/destination
  bool readonly = false;
  std::string id;       // cache id, secret id, ssh id
  CacheSharing sharing = CacheSharing::kShared;
  std::optional<uint32_t> mode;  // octal
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  bool required = false;          // secret, ssh
  std::optional<uint64_t> size;   // tmpfs size in bytes
  std::optional<std::string> env; // secret exposed as an environment variable
};

// Parses one --mount value. Throws Error(Parse) naming the bad key or value.
Mount parse_mount(std::string_view value);
const char* to_string(MountType type);

enum class NetworkMode { kDefault, kNone, kHost };
enum class SecurityMode { kSandbox, kInsecure };

struct RunInstruction {
  std::vector<std::string> command;  // one shell string, or the exec argv
  bool json = false;
  std::vector<Mount> mounts;
  NetworkMode network = NetworkMode::kDefault;
  SecurityMode security = SecurityMode::kSandbox;
  std::vector<Heredoc> heredocs;
};

struct CmdInstruction {
  std::vector<std::string> command;
  bool json = false;
};
struct EntrypointInstruction {
  std::vector<std::string> command;
  bool json = false;
};
struct ShellInstruction {
  std::vector<std::string> shell;
};
struct LabelInstruction {
  std::vector<KeyValue> labels;
};
struct MaintainerInstruction {
  std::string name;
};
struct ExposeInstruction {
  std::vector<std::string> ports;
};
struct EnvInstruction {
  std::vector<KeyValue> vars;
};

struct CopyInstruction {
  std::vector<std::string> sources;  // heredoc sources appear as "<<EOF"
  std::string dest;
  bool json = false;
  std::optional<std::string> from;
  std::optional<std::string> chown;
  std::optional<std::string> chmod;
  bool link = false;
  bool parents = false;
  std::vector<std::string> exclude;
  std::vector<Heredoc> heredocs;
};

struct AddInstruction {
  std::vector<std::string> sources;
  std::string dest;
  bool json = false;
  std::optional<std::string> chown;
  std::optional<std::string> chmod;
  bool link = false;
  bool keep_git_dir = false;
  bool unpack = true;                   // --unpack=false copies local archives as they are
  std::optional<std::string> checksum;  // "sha256:<hex>" etc.
  std::vector<std::string> exclude;
  std::vector<Heredoc> heredocs;
};

struct VolumeInstruction {
  std::vector<std::string> paths;
};
struct UserInstruction {
  std::string user;
};
struct WorkdirInstruction {
  std::string path;
};

struct ArgDefinition {
  std::string name;
  std::optional<std::string> value;  // absent for `ARG name`
};
struct ArgInstruction {
  std::vector<ArgDefinition> args;
};

struct OnbuildInstruction {
  std::string expression;  // the trigger as written ("RUN echo hi")
};
struct StopSignalInstruction {
  std::string signal;
};

// HEALTHCHECK: test is {"NONE"}, {"CMD", argv...} or {"CMD-SHELL", command}.
struct HealthcheckInstruction {
  std::vector<std::string> test;
  std::optional<int64_t> interval_ns;
  std::optional<int64_t> timeout_ns;
  std::optional<int64_t> start_period_ns;
  std::optional<int64_t> start_interval_ns;
  std::optional<int> retries;
};

using InstructionValue =
    std::variant<FromInstruction, RunInstruction, CmdInstruction, LabelInstruction, MaintainerInstruction,
                 ExposeInstruction, EnvInstruction, AddInstruction, CopyInstruction, EntrypointInstruction,
                 VolumeInstruction, UserInstruction, WorkdirInstruction, ArgInstruction, OnbuildInstruction,
                 StopSignalInstruction, HealthcheckInstruction, ShellInstruction>;

// Go's time.ParseDuration ("1m30s", "500ms"), in nanoseconds. Throws Error(Parse).
int64_t parse_go_duration(std::string_view text);

}  // namespace ocbuild::frontend
