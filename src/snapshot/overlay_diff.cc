#include <optional>

#include "snapshot/tree_diff.h"

namespace ocbuild::snapshot {
namespace {

using exporter::Change;

bool exists_as(const std::string& path, struct stat& st) { return ::lstat(path.c_str(), &st) == 0; }

// What the lower layers show at `rel`: the path in the topmost layer that has
// it, or nullopt when it is absent (deleted, or hidden by an opaque dir or a
// non-directory above).
std::optional<std::string> lookup_lower(const std::vector<std::string>& lowers, const std::string& rel) {
  for (const auto& layer : lowers) {
    struct stat st {};
    std::string full = layer + "/" + rel;
    if (exists_as(full, st)) {
      if (is_whiteout(st)) return std::nullopt;
      return full;
    }
    for (size_t pos = rel.find('/'); pos != std::string::npos; pos = rel.find('/', pos + 1)) {
      std::string ancestor = layer + "/" + rel.substr(0, pos);
      if (!exists_as(ancestor, st)) break;
      if (!S_ISDIR(st.st_mode) || is_opaque_dir(ancestor)) return std::nullopt;
    }
  }
  return std::nullopt;
}

class OverlayDiff {
 public:
  OverlayDiff(const std::string& upper, const std::vector<std::string>& lowers) : upper_(upper), lowers_(lowers) {
    out_.root = upper;
  }

  exporter::ChangeSet run() {
    walk("", false);
    return std::move(out_);
  }

 private:
  void walk(const std::string& rel, bool fresh) {
    for (const auto& name : list_dir(join_path(upper_, rel))) {
      std::string path = rel.empty() ? name : rel + "/" + name;
      auto now = read_state(join_path(upper_, path));
      if (!now) continue;
      struct stat st {};
      st.st_mode = now->mode, st.st_rdev = now->rdev;
      if (is_whiteout(st)) {
        add(Change::Kind::Delete, path);
        continue;
      }
      if (!S_ISDIR(now->mode)) {
        add(Change::Kind::Modify, path);
        continue;
      }
      if (!fresh && is_opaque_dir(join_path(upper_, path))) {
        out_.opaque_dirs.push_back(path);
        add(Change::Kind::Modify, path);
        walk(path, true);
        continue;
      }
      auto lower = fresh ? std::nullopt : lookup_lower(lowers_, path);
      std::optional<FileState> old = lower ? read_state(*lower) : std::nullopt;
      if (!old || !S_ISDIR(old->mode)) {
        add(Change::Kind::Add, path);
        walk(path, true);
        continue;
      }
      if (!same_metadata(*now, *old)) add(Change::Kind::Modify, path);
      walk(path, false);
    }
  }

  void add(Change::Kind kind, const std::string& path) { out_.changes.push_back(Change{kind, path}); }

  const std::string& upper_;
  const std::vector<std::string>& lowers_;
  exporter::ChangeSet out_;
};

}  // namespace

exporter::ChangeSet overlay_diff(const std::string& upper, const std::vector<std::string>& lowers_top_first) {
  return OverlayDiff(upper, lowers_top_first).run();
}

}  // namespace ocbuild::snapshot
