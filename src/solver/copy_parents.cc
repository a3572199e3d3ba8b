#include "solver/copy_parents.h"

#include <sys/stat.h>

#include <cerrno>
#include <set>

#include "ocbuild/core/error.h"
#include "ocbuild/frontend/dockerignore.h"
#include "solver/context_paths.h"

namespace ocbuild::solver {
namespace {

std::string strip_root(std::string p) {
  if (p == "/" || p == ".") return "";
  if (!p.empty() && p[0] == '/') p.erase(0, 1);
  return p;
}

SelectedEntry dir_entry(const std::string& rel, const std::string& context_path, const std::string& root) {
  SelectedEntry e;
  e.rel = rel;
  e.context_path = context_path;
  e.type = EntryType::Dir;
  std::string full = context_path.empty() ? root : root + "/" + context_path;
  if (::stat(full.c_str(), &e.st) != 0) throw Error::io("stat " + full, errno);
  return e;
}

// A match of pivot/pattern (wildcards within names): the parents below the
// pivot, then the match's entries, moved below its path.
SourceMatch rewrite(const SourceMatch& m, const ParentsSource& src, const std::string& root) {
  auto parts = split_path(m.path);
  size_t skip = split_path(src.pivot).size();
  SourceMatch r{m.pattern, m.path, true, false, {}};  // not one walked directory: no pruning
  r.entries.push_back(dir_entry("", src.pivot, root));
  std::string rel, ctx = src.pivot;
  for (size_t i = skip; i + 1 < parts.size(); ++i) {
    rel = join_path(rel, parts[i]);
    ctx = join_path(ctx, parts[i]);
    r.entries.push_back(dir_entry(rel, ctx, root));
  }
  std::string base = skip < parts.size() ? join_path(rel, parts.back()) : "";
  for (const SelectedEntry& e : m.entries) {
    if (base.empty() && e.rel.empty()) continue;  // the pivot itself: the destination
    SelectedEntry moved = e;
    moved.rel = join_path(base, e.rel);
    r.entries.push_back(std::move(moved));
  }
  return r;
}

// A "**" pattern: the pivot directory's entries the pattern (or a parent of
// them) matches, with the directories on the way to them, as fsutil's
// include patterns copy them.
SourceMatch filter(SourceMatch pivot_match, const ParentsSource& src) {
  frontend::PatternMatcher include({src.pattern});
  std::set<std::string> keep;
  for (const auto& e : pivot_match.entries) {
    if (e.rel.empty() || !include.matches_or_parent_matches(e.rel)) continue;
    keep.insert(e.rel);
    for (size_t slash = e.rel.find('/'); slash != std::string::npos; slash = e.rel.find('/', slash + 1))
      keep.insert(e.rel.substr(0, slash));
  }
  std::vector<SelectedEntry> entries;
  for (auto& e : pivot_match.entries)
    if (e.rel.empty() || keep.count(e.rel)) entries.push_back(std::move(e));
  pivot_match.entries = std::move(entries);
  pivot_match.is_dir = true;
  pivot_match.walked_whole = false;  // filtered: the stat cache must not prune the rest
  return pivot_match;
}

}  // namespace

std::string ParentsSource::path() const { return join_path(pivot, pattern); }

ParentsSource split_parents_source(const std::string& source) {
  size_t cut = source.find("/./");
  if (cut == std::string::npos) return {"", strip_root(clean_path("/" + source))};
  return {context_source_path(source.substr(0, cut)), strip_root(clean_path("/" + source.substr(cut + 3)))};
}

Selection select_parents(const BuildContext& files, const std::vector<std::string>& sources,
                         const std::vector<std::string>& excludes) {
  Selection out;
  for (const std::string& source : sources) {
    ParentsSource src = split_parents_source(source);
    bool globstar = src.pattern.find("**") != std::string::npos;
    std::string path = globstar ? src.pivot : src.path();
    Selection sel = files.select({path.empty() ? "." : path}, excludes, true);
    for (const SourceMatch& m : sel.matches) {
      if (!globstar) {
        out.matches.push_back(rewrite(m, src, files.dir()));
      } else if (m.is_dir) {
        SourceMatch kept = filter(m, src);
        if (kept.entries.size() > 1) out.matches.push_back(std::move(kept));
      }
    }
  }
  return out;
}

}  // namespace ocbuild::solver
