#include "source_entries.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>

#include "ocbuild/core/error.h"

namespace ocbuild::exporter {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

struct stat lstat_or_throw(const std::string& abs) {
  struct stat st {};
  if (::lstat(abs.c_str(), &st) != 0) throw Error::io("lstat " + abs, errno);
  return st;
}

std::vector<std::string> sorted_names(const std::string& dir) {
  std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
  if (!d) throw Error::io("opendir " + dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
    errno = 0;
  }
  if (errno != 0) throw Error::io("readdir " + dir, errno);
  std::sort(names.begin(), names.end());
  return names;
}

void walk(const std::string& abs, const std::string& rel, std::vector<SourceEntry>& out) {
  for (const auto& name : sorted_names(abs)) {
    SourceEntry e;
    e.path = rel.empty() ? name : rel + "/" + name;
    e.abs_path = abs + "/" + name;
    e.st = lstat_or_throw(e.abs_path);
    // Sockets cannot be archived and are never image content (containerd
    // skips them too).
    if (S_ISSOCK(e.st.st_mode)) continue;
    bool is_dir = S_ISDIR(e.st.st_mode);
    out.push_back(e);
    if (is_dir) walk(e.abs_path, e.path, out);
  }
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class ChangeCollector {
 public:
  explicit ChangeCollector(const std::string& root) : root_(root) {}

  void add_disk(const std::string& path) {
    if (path.empty() || entries_.count(path)) return;
    add_parents(path);
    SourceEntry e;
    e.path = path;
    e.abs_path = root_ + "/" + path;
    e.st = lstat_or_throw(e.abs_path);
    if (S_ISSOCK(e.st.st_mode)) return;  // not archivable, as in collect_tree
    entries_[path] = e;
  }

  // The parent is included when the root has it (a merged view always does);
  // a deleted parent's own whiteout covers the rest.
  void add_whiteout(const std::string& parent, const std::string& name) {
    struct stat st {};
    if (!parent.empty() && ::lstat((root_ + "/" + parent).c_str(), &st) == 0) add_disk(parent);
    SourceEntry e;
    e.kind = SourceEntry::Kind::Whiteout;
    e.path = parent.empty() ? name : parent + "/" + name;
    entries_[e.path] = e;
  }

  std::vector<SourceEntry> take() {
    std::vector<SourceEntry> out;
    for (auto& [path, e] : entries_) out.push_back(std::move(e));
    std::sort(out.begin(), out.end(),
              [](const SourceEntry& a, const SourceEntry& b) { return layer_path_less(a.path, b.path); });
    return out;
  }

 private:
  void add_parents(const std::string& path) {
    std::string parent = parent_of(path);
    if (!parent.empty()) add_disk(parent);
  }

  std::string root_;
  std::map<std::string, SourceEntry> entries_;
};

}  // namespace

std::string clean_relative_path(const std::string& path) {
  std::string p = path;
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p.empty() || p[0] == '/' || p == "." || p == ".." || p.rfind("../", 0) == 0 ||
      p.find("/../") != std::string::npos || p.find("/./") != std::string::npos ||
      p.find("//") != std::string::npos || (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0))
    throw Error(ErrorCode::Invalid, "invalid layer path \"" + path + "\": must be relative and clean");
  return p;
}

std::vector<SourceEntry> collect_tree(const std::string& dir) {
  struct stat st = lstat_or_throw(dir);
  if (!S_ISDIR(st.st_mode)) throw Error(ErrorCode::Invalid, "layer source " + dir + " is not a directory");
  std::vector<SourceEntry> out;
  walk(dir, "", out);
  return out;
}

std::vector<SourceEntry> collect_changes(const ChangeSet& set) {
  ChangeCollector c(set.root);
  for (const auto& change : set.changes) {
    std::string path = clean_relative_path(change.path);
    if (change.kind == Change::Kind::Delete)
      c.add_whiteout(parent_of(path), ".wh." + base_of(path));
    else
      c.add_disk(path);
  }
  for (const auto& dir : set.opaque_dirs) {
    std::string path = clean_relative_path(dir);
    c.add_disk(path);
    c.add_whiteout(path, ".wh..wh..opq");
  }
  return c.take();
}

bool layer_path_less(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    auto key = [](char ch) { return ch == '/' ? 0u : static_cast<unsigned>(static_cast<unsigned char>(ch)) + 1; };
    return key(a[i]) < key(b[i]);
  }
  return a.size() < b.size();
}

}  // namespace ocbuild::exporter
