#include "solver/copy_parents.h"

#include <sys/stat.h>

#include <cerrno>

#include "ocbuild/core/error.h"
#include "solver/context_paths.h"

namespace ocbuild::solver {
namespace {

std::string strip_root(std::string p) {
  if (p == "/" || p == ".") return "";
  if (!p.empty() && p[0] == '/') p.erase(0, 1);
  return p;
}

// The source a select() path came from: select() keeps the pattern it was
// given, which is parents_select_paths()[i] for sources[i].
const std::string& source_for(const SourceMatch& m, const std::vector<std::string>& sources,
                              const std::vector<std::string>& paths) {
  for (size_t i = 0; i < paths.size(); ++i)
    if (paths[i] == m.pattern) return sources[i];
  throw Error(ErrorCode::Internal, "COPY --parents: no source for match " + m.pattern);
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

}  // namespace

std::string ParentsSource::path() const { return join_path(pivot, pattern); }

ParentsSource split_parents_source(const std::string& source) {
  size_t cut = source.find("/./");
  if (cut == std::string::npos) return {"", strip_root(clean_path("/" + source))};
  return {context_source_path(source.substr(0, cut)), strip_root(clean_path("/" + source.substr(cut + 3)))};
}

std::vector<std::string> parents_select_paths(const std::vector<std::string>& sources) {
  std::vector<std::string> out;
  for (const auto& s : sources) {
    std::string p = split_parents_source(s).path();
    out.push_back(p.empty() ? "." : p);
  }
  return out;
}

Selection parents_selection(const Selection& selection, const std::vector<std::string>& sources,
                            const std::string& source_root) {
  std::vector<std::string> paths = parents_select_paths(sources);
  Selection out;
  for (const SourceMatch& m : selection.matches) {
    ParentsSource src = split_parents_source(source_for(m, sources, paths));
    auto parts = split_path(m.path);
    size_t skip = split_path(src.pivot).size();
    SourceMatch r{m.pattern, m.path, true, {}};
    r.entries.push_back(dir_entry("", src.pivot, source_root));
    std::string rel, ctx = src.pivot;
    for (size_t i = skip; i + 1 < parts.size(); ++i) {
      rel = join_path(rel, parts[i]);
      ctx = join_path(ctx, parts[i]);
      r.entries.push_back(dir_entry(rel, ctx, source_root));
    }
    std::string base = skip < parts.size() ? join_path(rel, parts.back()) : "";
    for (const SelectedEntry& e : m.entries) {
      if (base.empty() && e.rel.empty()) continue;  // the pivot itself: the destination
      SelectedEntry moved = e;
      moved.rel = join_path(base, e.rel);
      r.entries.push_back(std::move(moved));
    }
    out.matches.push_back(std::move(r));
  }
  return out;
}

}  // namespace ocbuild::solver
