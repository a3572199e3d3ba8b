// COPY --from without copying the whole source tree: only the paths the
// sources can reach are merged out of the source's layers (snapshot
// SnapshotStore::prepare_paths), so selecting from the sparse tree gives
// exactly what selecting from a full copy gives. What select() may reach:
//   - each source's path up to its first wildcard component, with all below;
//   - every symlink on the way to it, and what the link points to (select
//     follows links in the source path, inside the root);
// A wildcard may also match a symlink, which select follows to anywhere: if
// the sparse tree has a symlink where a wildcard could match it, the full
// tree is used instead (open_tree).
#include <dirent.h>

#include <algorithm>
#include <memory>

#include "ocbuild/core/error.h"
#include "solver/context_paths.h"
#include "solver/from_source.h"
#include "solver/glob_match.h"

namespace ocbuild::solver {
namespace {

constexpr int kMaxLinks = 40;  // as LowerFs::resolve and resolve_in_root

struct SubsetPlan {
  std::vector<std::string> paths;  // absolute, clean
  struct Wild {
    std::string prefix;  // context path of the wildcard's directory ("" = root)
    size_t depth;        // components from there to the end of the pattern
  };
  std::vector<Wild> wild;
  bool full = false;  // give up: use the full tree
};

// `path` (absolute, clean) and, for each symlink on the way, the link and
// the path through its target.
void add_path(const LowerFs& lower, const std::string& path, SubsetPlan& plan, int links) {
  if (links > kMaxLinks) {
    plan.full = true;  // the full tree reports the loop
    return;
  }
  auto parts = split_path(path);
  std::string cur;
  for (size_t i = 0; i < parts.size(); ++i) {
    cur += "/" + parts[i];
    auto e = lower.lookup(cur);
    if (!e || (!S_ISDIR(e->st.st_mode) && !S_ISLNK(e->st.st_mode))) break;
    if (!S_ISLNK(e->st.st_mode)) continue;
    plan.paths.push_back(cur);
    std::string target = e->link_target.starts_with("/") ? e->link_target
                                                          : cur.substr(0, cur.rfind('/')) + "/" + e->link_target;
    for (size_t j = i + 1; j < parts.size(); ++j) target += "/" + parts[j];
    add_path(lower, clean_path("/" + target), plan, links + 1);
    return;
  }
  plan.paths.push_back(path);
}

SubsetPlan plan_subset(const LowerFs& lower, const std::vector<std::string>& sources) {
  SubsetPlan plan;
  for (const auto& source : sources) {
    std::string rel;
    try {
      rel = context_source_path(source);
    } catch (const Error&) {
      plan.full = true;  // select() on the full tree says what is wrong
      return plan;
    }
    auto parts = split_path(rel);
    std::string prefix;
    size_t i = 0;
    for (; i < parts.size() && !has_wildcards(parts[i]); ++i) prefix = join_path(prefix, parts[i]);
    if (i < parts.size()) plan.wild.push_back({prefix, parts.size() - i});
    add_path(lower, "/" + prefix, plan, 0);
  }
  // Drop the paths below another one ("/" covers everything).
  std::sort(plan.paths.begin(), plan.paths.end());
  std::vector<std::string> kept;
  for (const auto& p : plan.paths) {
    bool covered = std::any_of(kept.begin(), kept.end(), [&](const std::string& k) {
      return k == "/" || p == k || p.starts_with(k + "/");
    });
    if (!covered) kept.push_back(p);
  }
  plan.paths = std::move(kept);
  return plan;
}

// True when `dir` has a symlink within `depth` levels below it.
bool has_symlink_within(const std::string& dir, size_t depth) {
  if (depth == 0) return false;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return false;
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (::lstat((dir + "/" + name).c_str(), &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) return true;
    if (S_ISDIR(st.st_mode) && has_symlink_within(dir + "/" + name, depth - 1)) return true;
  }
  return false;
}

bool wildcards_may_follow_links(const std::string& root, const SubsetPlan& plan) {
  for (const auto& w : plan.wild) {
    auto dir = resolve_in_root(root, w.prefix, true);
    if (dir && S_ISDIR(dir->st.st_mode) &&
        has_symlink_within(dir->path.empty() ? root : root + "/" + dir->path, w.depth))
      return true;
  }
  return false;
}

}  // namespace

void open_tree_for(OpContext& ctx, Source& src, const std::vector<std::string>& sources) {
  if (src.layers.empty()) return open_tree(ctx, src);  // scratch: nothing to copy
  LowerFs lower(ctx.snapshots.layer_dirs(ctx.snapshots.unpack(src.layers)));
  SubsetPlan plan;
  try {
    plan = plan_subset(lower, sources);
  } catch (const Error&) {
    plan.full = true;  // e.g. a directory this process may not search (rootless): the full copy decides
  }
  if (plan.full || (plan.paths.size() == 1 && plan.paths[0] == "/")) return open_tree(ctx, src);
  src.plain_store.emplace(ctx.store, snapshot::Driver::Native);
  src.plain.emplace(src.plain_store->prepare_paths(src.layers, plan.paths));
  const auto& dir = std::get<snapshot::PlainRoot>(src.plain->root()).dir;
  if (wildcards_may_follow_links(dir, plan)) {
    src.plain.reset();
    return open_tree(ctx, src);
  }
  src.tree.emplace(dir, std::nullopt, "");
}

}  // namespace ocbuild::solver
