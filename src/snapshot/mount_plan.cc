#include "snapshot/mount_plan.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::snapshot {
namespace {

constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};
constexpr const char* kDefaultResolvConf = "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";

MountStep new_fs(const char* fstype, const char* target, unsigned attr) {
  MountStep s;
  s.kind = StepKind::NewFs;
  s.fstype = fstype;
  s.target = target;
  s.attr = attr;
  return s;
}

MountStep bind(const char* source, const char* target, bool is_file, unsigned attr) {
  MountStep s;
  s.kind = StepKind::Bind;
  s.source = source;
  s.target = target;
  s.target_is_file = is_file;
  s.attr = attr;
  return s;
}

MountStep link(const char* text, const char* target) {
  MountStep s;
  s.kind = StepKind::Symlink;
  s.source = text;
  s.target = target;
  return s;
}

// /dev as a tmpfs; device nodes bound from the host (mknod is not allowed in
// a user namespace), devpts with its own ptmx, /dev/shm.
void plan_dev(std::vector<MountStep>& steps, StringArena& arena) {
  MountStep dev = new_fs("tmpfs", "/dev", MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME);
  dev.keys[0] = "mode", dev.values[0] = "755";
  dev.keys[1] = "size", dev.values[1] = "65536k";
  dev.record_created = true;
  steps.push_back(dev);
  for (const char* name : kDevices) {
    std::string path = std::string("/dev/") + name;
    const char* p = arena.keep(path);
    MountStep s = bind(p, p, true, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    if (std::string(name) == "tty") {
      s.optional = true;  // no controlling tty in CI is fine
      s.skip_reason = "host /dev/tty cannot be bound; /dev/tty is left out";
    }
    steps.push_back(s);
  }
  MountStep pts = new_fs("devpts", "/dev/pts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  pts.keys[0] = "newinstance", pts.keys[1] = "ptmxmode", pts.values[1] = "0666";
  pts.keys[2] = "mode", pts.values[2] = "0620";
  pts.optional = true;
  pts.skip_reason = "devpts cannot be mounted; /dev/pts is left out";
  steps.push_back(pts);
  MountStep shm = new_fs("tmpfs", "/dev/shm", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  shm.keys[0] = "mode", shm.values[0] = "1777";
  shm.keys[1] = "size", shm.values[1] = "65536k";
  steps.push_back(shm);
  steps.push_back(link("pts/ptmx", "/dev/ptmx"));
  steps.push_back(link("/proc/self/fd", "/dev/fd"));
  steps.push_back(link("/proc/self/fd/0", "/dev/stdin"));
  steps.push_back(link("/proc/self/fd/1", "/dev/stdout"));
  steps.push_back(link("/proc/self/fd/2", "/dev/stderr"));
}

// A new sysfs needs a net namespace of our own; with the host network the
// host's /sys is bound read-only instead, and left out if even that fails.
MountStep plan_sys(const RunSpec& spec) {
  constexpr unsigned kAttr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  MountStep s = spec.network == NetworkMode::None ? new_fs("sysfs", "/sys", kAttr)
                                                  : bind("/sys", "/sys", false, kAttr);
  s.record_created = true;
  s.optional = true;
  s.skip_reason = "sysfs cannot be mounted here; /sys is left empty";
  return s;
}

void plan_user_mounts(const RunSpec& spec, std::vector<MountStep>& steps, StringArena& arena) {
  for (const auto& m : spec.mounts) {
    if (m.target.empty() || m.target[0] != '/')
      throw Error(ErrorCode::Invalid, "mount target must be an absolute path: \"" + m.target + "\"");
    const char* target = arena.keep(m.target);
    unsigned attr = MOUNT_ATTR_NOSUID | (m.read_only ? MOUNT_ATTR_RDONLY : 0);
    if (m.type == MountSpec::Type::Tmpfs) {
      MountStep s = new_fs("tmpfs", target, attr | MOUNT_ATTR_NODEV);
      if (!m.tmpfs_size.empty()) s.keys[0] = "size", s.values[0] = arena.keep(m.tmpfs_size);
      s.record_created = true;
      steps.push_back(s);
      continue;
    }
    struct stat st {};
    if (::stat(m.source.c_str(), &st) != 0) throw Error::io("bind mount source " + m.source, errno);
    MountStep s = bind(arena.keep(m.source), target, !S_ISDIR(st.st_mode), attr);
    s.record_created = true;
    steps.push_back(s);
  }
}

std::string host_resolv_conf() {
  std::ifstream in("/etc/resolv.conf");
  if (!in) return kDefaultResolvConf;
  std::ostringstream out;
  out << in.rdbuf();
  std::string text = out.str();
  return text.find("nameserver") == std::string::npos ? kDefaultResolvConf : text;
}

// Scratch files of one RUN, removed with its run dir: no fsync needed.
void write_scratch(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) throw Error::io("create " + path, errno);
  write_all(fd.get(), text.data(), text.size(), path);
}

}  // namespace

void write_etc_files(const RunSpec& spec, const std::string& run_dir) {
  make_dirs(run_dir + "/etc");
  write_scratch(run_dir + "/etc/hostname", spec.hostname + "\n");
  write_scratch(run_dir + "/etc/hosts",
                    "127.0.0.1\tlocalhost " + spec.hostname +
                        "\n::1\tlocalhost ip6-localhost ip6-loopback\n");
  write_scratch(run_dir + "/etc/resolv.conf", host_resolv_conf());
}

std::vector<MountStep> plan_mounts(const RunSpec& spec, const std::string& run_dir, StringArena& arena) {
  std::vector<MountStep> steps;
  MountStep proc = new_fs("proc", "/proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  proc.record_created = true;
  steps.push_back(proc);
  plan_dev(steps, arena);
  steps.push_back(plan_sys(spec));
  for (const char* name : {"hosts", "resolv.conf", "hostname"}) {
    std::string target = std::string("/etc/") + name;
    MountStep s = bind(arena.keep(run_dir + target), arena.keep(target), true, MOUNT_ATTR_NOSUID);
    s.record_created = true;
    steps.push_back(s);
  }
  plan_user_mounts(spec, steps, arena);
  return steps;
}

}  // namespace ocbuild::snapshot
