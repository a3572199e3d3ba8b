// The instructions that only change the image config: LABEL, EXPOSE, USER,
// WORKDIR, VOLUME, STOPSIGNAL (expanded), and CMD, ENTRYPOINT, SHELL,
// HEALTHCHECK, ONBUILD, MAINTAINER (never expanded).
#include "frontend/plan_internal.h"

namespace ocbuild::frontend::plan_detail {
namespace {

// Go's path.Clean for absolute paths.
std::string clean_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(i, slash - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

// "80", "80/udp", "8000-8002/tcp" -> "80/tcp"...
void add_ports(std::set<std::string>& ports, const std::string& spec, const SourceRange& where) {
  size_t slash = spec.find('/');
  std::string range = spec.substr(0, slash);
  std::string proto = slash == std::string::npos ? "tcp" : spec.substr(slash + 1);
  size_t dash = range.find('-');
  std::string lo = range.substr(0, dash), hi = dash == std::string::npos ? lo : range.substr(dash + 1);
  auto number = [&](const std::string& s) {
    if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorCode::Invalid, "invalid port \"" + spec + "\" in EXPOSE", where);
    return std::stoul(s);
  };
  unsigned long first = number(lo), last = number(hi);
  if (last < first || last > 65535) throw Error(ErrorCode::Invalid, "invalid port range \"" + spec + "\"", where);
  for (unsigned long p = first; p <= last; ++p) ports.insert(std::to_string(p) + "/" + proto);
}

std::vector<std::string> command_line(const StageState& st, const std::vector<std::string>& cmd, bool json) {
  if (json) return cmd;
  std::vector<std::string> out = st.shell();
  std::string joined;
  for (const auto& w : cmd) joined += (joined.empty() ? "" : " ") + w;
  out.push_back(joined);
  return out;
}

struct MetaVisitor {
  StageState& st;
  Step& step;
  ContainerConfig& c = st.stage.config.config;
  const SourceRange& at = step.range;

  void operator()(LabelInstruction v) {
    for (auto& kv : v.labels) {
      kv.key = st.expand(kv.key, at);
      kv.value = st.expand(kv.value, at);
      c.labels[kv.key] = kv.value;
    }
    step.value = std::move(v);
  }
  void operator()(ExposeInstruction v) {
    std::vector<std::string> ports;
    for (const auto& word : v.ports)
      for (auto& p : st.expand_words(word, at)) ports.push_back(std::move(p));
    for (const auto& p : ports) add_ports(c.exposed_ports, p, at);
    v.ports = std::move(ports);
    step.value = std::move(v);
  }
  void operator()(UserInstruction v) {
    c.user = v.user = st.expand(v.user, at);
    step.value = std::move(v);
  }
  void operator()(WorkdirInstruction v) {
    std::string path = st.expand(v.path, at);
    c.working_dir = v.path = clean_path(path.rfind('/', 0) == 0 ? path : st.working_dir() + "/" + path);
    step.value = std::move(v);
  }
  void operator()(VolumeInstruction v) {
    for (auto& p : v.paths) {
      p = st.expand(p, at);
      if (p.empty()) throw Error(ErrorCode::Invalid, "VOLUME specified can not be an empty string", at);
      c.volumes.insert(p);
    }
    step.value = std::move(v);
  }
  void operator()(StopSignalInstruction v) {
    c.stop_signal = v.signal = st.expand(v.signal, at);
    step.value = std::move(v);
  }
  void operator()(const CmdInstruction& v) {
    c.cmd = command_line(st, v.command, v.json);
    st.cmd_set = true;
  }
  void operator()(const EntrypointInstruction& v) {
    c.entrypoint = command_line(st, v.command, v.json);
    if (!st.cmd_set) c.cmd.clear();  // an inherited CMD does not survive a new ENTRYPOINT
  }
  void operator()(const ShellInstruction& v) { c.shell = v.shell; }
  void operator()(const OnbuildInstruction& v) { c.on_build.push_back(v.expression); }
  void operator()(const MaintainerInstruction& v) { st.stage.config.author = v.name; }
  void operator()(const HealthcheckInstruction& v) {
    Healthcheck h;
    h.test = v.test;
    h.interval = v.interval_ns.value_or(0);
    h.timeout = v.timeout_ns.value_or(0);
    h.start_period = v.start_period_ns.value_or(0);
    h.start_interval = v.start_interval_ns.value_or(0);
    h.retries = v.retries.value_or(0);
    c.healthcheck = h;
  }
  template <typename T>
  void operator()(const T&) {
    throw Error(ErrorCode::Internal, "instruction not handled by the planner: " + step.keyword, at);
  }
};

}  // namespace

void plan_meta(StageState& st, Step& step) {
  InstructionValue value = step.value;
  std::visit(MetaVisitor{st, step}, std::move(value));
}

}  // namespace ocbuild::frontend::plan_detail
