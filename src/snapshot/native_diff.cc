#include <set>

#include "snapshot/tree_diff.h"

namespace ocbuild::snapshot {
namespace {

using exporter::Change;

class NativeDiff {
 public:
  NativeDiff(const std::string& root, const TreeManifest& before) : root_(root), before_(before) {
    out_.root = root;
  }

  exporter::ChangeSet run() {
    continuing_.insert("");
    walk("", false);
    deletions();
    return std::move(out_);
  }

 private:
  std::string child(const std::string& rel, const std::string& name) { return rel.empty() ? name : rel + "/" + name; }

  // `fresh`: rel is a new or replaced directory, so everything below is new.
  void walk(const std::string& rel, bool fresh) {
    for (const auto& name : list_dir(join_path(root_, rel))) {
      std::string path = child(rel, name);
      auto now = read_state(join_path(root_, path));
      if (!now) continue;
      present_.insert(path);
      bool dir = S_ISDIR(now->mode);
      auto it = fresh ? before_.end() : before_.find(path);
      if (it == before_.end()) {
        add(Change::Kind::Add, path);
        if (dir) walk(path, true);
        continue;
      }
      const FileState& old = it->second;
      if (dir) {
        directory(path, *now, old);
        continue;
      }
      if (!same_metadata(*now, old) || now->ctime_ns != old.ctime_ns || now->nlink != old.nlink)
        add(Change::Kind::Modify, path);
    }
  }

  void directory(const std::string& path, const FileState& now, const FileState& old) {
    // A new inode, or the same number reused (birth time moved): replaced.
    if (!S_ISDIR(old.mode) || now.ino != old.ino || now.btime_ns != old.btime_ns) {
      out_.opaque_dirs.push_back(path);
      add(Change::Kind::Modify, path);
      walk(path, true);
      return;
    }
    continuing_.insert(path);
    if (!same_metadata(now, old)) add(Change::Kind::Modify, path);
    walk(path, false);
  }

  void deletions() {
    for (const auto& [path, state] : before_) {
      if (path.empty() || present_.count(path)) continue;
      auto slash = path.rfind('/');
      std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
      if (continuing_.count(parent)) add(Change::Kind::Delete, path);
    }
  }

  void add(Change::Kind kind, const std::string& path) { out_.changes.push_back(Change{kind, path}); }

  const std::string& root_;
  const TreeManifest& before_;
  std::set<std::string> present_, continuing_;
  exporter::ChangeSet out_;
};

}  // namespace

exporter::ChangeSet native_diff(const std::string& root, const TreeManifest& before) {
  return NativeDiff(root, before).run();
}

}  // namespace ocbuild::snapshot
