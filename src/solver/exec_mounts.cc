#include "solver/exec_mounts.h"

#include <mutex>

#include "ocbuild/core/paths.h"

namespace ocbuild::solver {
namespace {

const frontend::RunInstruction& run_of(const frontend::Step& step) {
  return std::get<frontend::RunInstruction>(step.value);
}

std::string workdir_of(const frontend::Step& step) {
  return step.state.working_dir.empty() ? "/" : step.state.working_dir;
}

// The source of the first mount whose `from` is this text.
Source* source_named(const frontend::Step& step, ExecMounts& mounts, const std::string& from) {
  const auto& run = run_of(step);
  for (size_t i = 0; i < run.mounts.size(); ++i)
    if (run.mounts[i].from == from && mounts.sources.at(i)) return mounts.sources[i].get();
  throw Error(ErrorCode::Internal, "RUN --mount from=" + from + " was not resolved");
}

void resolve_sources(OpContext& ctx, const frontend::Step& step, ExecMounts& mounts) {
  if (!mounts.sources.empty()) return;
  const auto& run = run_of(step);
  mounts.sources.resize(run.mounts.size());
  for (size_t i = 0; i < run.mounts.size(); ++i) {
    if (run.mounts[i].from.empty()) continue;
    const auto& in = step.mount_from.size() > i ? step.mount_from[i] : std::nullopt;
    if (!in) throw Error(ErrorCode::Internal, "RUN --mount from=" + run.mounts[i].from + " has no input", step.range);
    mounts.sources[i] = std::make_unique<Source>();
    resolve_from(ctx, *in, *mounts.sources[i]);
  }
}

// The digest of the context files under a bind source.
std::string context_digest(OpContext& ctx, const std::string& source) {
  std::lock_guard lock(ctx.context_mu);
  Selection selection = ctx.context.select({source.empty() ? "." : source});
  return ctx.context.digest_of(selection).digest.str();
}

}  // namespace

void add_mounts_to_key(OpContext& ctx, const frontend::Step& step, ExecKeyInput& in, ExecMounts& mounts) {
  const auto& run = run_of(step);
  if (run.mounts.empty()) return;
  resolve_sources(ctx, step, mounts);
  auto from_key = [&](const std::string& from) { return source_named(step, mounts, from)->from_key.str(); };
  RunMountKey key = run_mounts_key(run.mounts, from_key, workdir_of(step));
  in.mounts.insert(in.mounts.end(), key.mounts.begin(), key.mounts.end());
  in.secret_ids = key.secret_ids;
  in.ssh_ids = key.ssh_ids;
  for (const auto& source : key.context_sources)
    in.mounts.push_back({"context", "", "", source, context_digest(ctx, source), ""});
}

void resolve_mounts(OpContext& ctx, const frontend::Step& step, snapshot::RunSpec& spec, ExecMounts& mounts) {
  const auto& run = run_of(step);
  if (run.mounts.empty()) return;
  resolve_sources(ctx, step, mounts);
  RunMountInputs in;
  in.context_dir = ctx.context.dir();
  if (ctx.context.has_dockerignore()) {
    in.context_source = [&](const std::string& source) {
      make_dirs(ctx.store.root() + "/tmp");
      std::lock_guard lock(ctx.context_mu);
      Selection selection = ctx.context.select({source.empty() ? "." : source});
      mounts.context_views.emplace_back(selection, ctx.context.dir(), ctx.store.root() + "/tmp");
      return mounts.context_views.back().path();
    };
  }
  in.from_root = [&](const std::string& from) {
    Source* src = source_named(step, mounts, from);
    if (!src->tree) open_tree(ctx, *src);
    return src->tree->dir();
  };
  in.from_key = [&](const std::string& from) { return source_named(step, mounts, from)->from_key.str(); };
  in.cache_mounts = ctx.cache_mounts;
  in.secrets = &ctx.options.secrets;
  in.ssh = &ctx.options.ssh;
  in.store_root = ctx.store.root();
  in.workdir = workdir_of(step);
  mounts.resolved.emplace(resolve_run_mounts(run.mounts, in));
  spec.mounts.insert(spec.mounts.end(), mounts.resolved->mounts.begin(), mounts.resolved->mounts.end());
  spec.env.insert(spec.env.end(), mounts.resolved->env.begin(), mounts.resolved->env.end());
}

}  // namespace ocbuild::solver
