// Config-only instructions (ENV, LABEL, CMD, WORKDIR...): the plan already
// computed the config they produce; here each adds its history entry, with
// the text BuildKit writes.
#include <sys/stat.h>

#include <ctime>
#include <set>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/rootfs_import.h"
#include "ocbuild/snapshot/user_spec.h"
#include "solver/context_paths.h"

#include "solver/solve_ops.h"

namespace ocbuild::solver {
namespace {

// Go's %q of a []string: ["a" "b"].
std::string go_quoted(const std::vector<std::string>& words) {
  std::string out = "[";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += " ";
    out += "\"";
    for (char c : words[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out + "]";
}

std::string kv_text(const std::vector<frontend::KeyValue>& kvs) {
  std::string out;
  for (const auto& kv : kvs) out += (out.empty() ? "" : " ") + kv.key + "=" + kv.value;
  return out;
}

template <typename T>
std::string command_text(const char* word, const T& v, const frontend::Step& step) {
  std::vector<std::string> argv = v.command;
  if (!v.json) {
    std::string cmd;
    for (const auto& w : v.command) cmd += (cmd.empty() ? "" : " ") + w;
    argv = snapshot::shell_argv(step.state.shell, cmd);
  }
  return std::string(word) + " " + go_quoted(argv);
}

std::string created_by(const frontend::Step& step) {
  using namespace frontend;
  if (auto* env = std::get_if<EnvInstruction>(&step.value)) return "ENV " + kv_text(env->vars);
  if (auto* label = std::get_if<LabelInstruction>(&step.value)) return "LABEL " + kv_text(label->labels);
  if (auto* cmd = std::get_if<CmdInstruction>(&step.value)) return command_text("CMD", *cmd, step);
  if (auto* ep = std::get_if<EntrypointInstruction>(&step.value)) return command_text("ENTRYPOINT", *ep, step);
  if (auto* wd = std::get_if<WorkdirInstruction>(&step.value)) return "WORKDIR " + wd->path;
  if (auto* user = std::get_if<UserInstruction>(&step.value)) return "USER " + user->user;
  return step.original;
}

// WORKDIR creates its directory (and missing parents) owned by the USER in
// effect, as BuildKit's mkdir does; an existing directory is left alone and
// no layer is made. Returns true when a layer was added.
bool solve_workdir(OpContext& ctx, const frontend::Step& step, StageState& state) {
  const auto& wd = std::get<frontend::WorkdirInstruction>(step.value);
  std::string path = wd.path.starts_with("/") ? wd.path : step.state.working_dir + "/" + wd.path;
  LowerFs lower = lower_fs(ctx, state);
  std::string dir = lower.resolve(clean_path(path), true);
  auto below = lower.lookup(dir);
  if (dir == "/" || (below && S_ISDIR(below->st.st_mode))) return false;
  CopyPlacement p;
  p.dest = dir;
  p.dest_is_dir = true;
  if (!step.state.user.empty()) {
    std::vector<std::string> dirs;
    if (!state.layers.empty()) dirs = ctx.snapshots.layer_dirs(ctx.snapshots.unpack(state.layers));
    auto user = snapshot::resolve_user(step.state.user, dirs);
    p.chown = std::make_pair(user.uid, user.gid);
  }
  p.new_dir_mtime = ctx.options.source_date_epoch.value_or(static_cast<int64_t>(std::time(nullptr)));
  FileKeyInput in;
  in.parent = state.key;
  in.instruction = "WORKDIR";
  in.destination = dir;
  in.chown = p.chown ? std::to_string(p.chown->first) + ":" + std::to_string(p.chown->second) : "";
  CacheKey key = file_key(in);
  if (debug_keys_requested()) ctx.progress.warning(describe(key), step.range);
  if (!ctx.options.no_cache) {
    if (auto hit = ctx.cache.lookup(key.digest); hit && hit->layer) {
      state.layers.push_back({hit->layer->blob, hit->layer->diff_id});
      state.key = key.digest;
      state.last_created = exporter::rfc3339_utc(ctx.options.source_date_epoch.value_or(hit->created));
      return true;
    }
  }
  TempDir work("workdir-", ctx.store.root());
  exporter::OwnerMap owners = place_directory(dir, p, lower, work.path());
  record_result(ctx, key, write_tree_layer(ctx, work.path(), std::move(owners)), state);
  return true;
}

}  // namespace

bool is_meta(const frontend::Step& step) {
  static const std::set<std::string> kOps = {"run", "copy", "add"};
  return kOps.count(step.keyword) == 0;
}

void solve_meta(OpContext& ctx, const frontend::Step& step, StageState& state) {
  if (step.keyword == "arg") return;  // BuildKit keeps no history for ARG
  bool layer = step.keyword == "workdir" && solve_workdir(ctx, step, state);
  if (state.last_created.empty()) state.last_created = ctx.created;
  add_history(state, created_by(step), !layer);
}

}  // namespace ocbuild::solver
