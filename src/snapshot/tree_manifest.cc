#include "snapshot/tree_manifest.h"

#include <sstream>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"

namespace ocbuild::snapshot {
namespace {

constexpr const char* kVersionLine = "ocbuild-manifest 1\n";

void scan(const std::string& root, const std::string& rel, TreeManifest& out) {
  auto state = read_state(join_path(root, rel));
  if (!state) return;  // raced away: not part of the tree
  bool dir = S_ISDIR(state->mode);
  out.emplace(rel, std::move(*state));
  if (!dir) return;
  for (const auto& name : list_dir(join_path(root, rel))) scan(root, rel.empty() ? name : rel + "/" + name, out);
}

void put_bytes(std::string& out, const std::string& bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
}

std::string get_bytes(std::istream& in, const std::string& file) {
  size_t len = 0;
  char colon = 0;
  if (!(in >> len) || !in.get(colon) || colon != ':') throw Error(ErrorCode::Invalid, "corrupt manifest " + file);
  std::string bytes(len, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(len))) throw Error(ErrorCode::Invalid, "corrupt manifest " + file);
  return bytes;
}

}  // namespace

TreeManifest scan_tree(const std::string& root) {
  TreeManifest out;
  scan(root, "", out);
  return out;
}

void save_manifest(const TreeManifest& manifest, const std::string& path) {
  std::string out = kVersionLine;
  for (const auto& [rel, s] : manifest) {
    put_bytes(out, rel);
    std::ostringstream nums;
    nums << ' ' << s.mode << ' ' << s.uid << ' ' << s.gid << ' ' << s.size << ' ' << s.mtime_ns << ' '
         << s.ctime_ns << ' ' << s.ino << ' ' << s.nlink << ' ' << s.rdev << ' ' << s.btime_ns << ' ' << s.xattrs.size() << ' ';
    out += nums.str();
    put_bytes(out, s.link_target);
    for (const auto& [name, value] : s.xattrs) put_bytes(out, name), put_bytes(out, value);
    out += '\n';
  }
  AtomicFile file(path, 0600);
  file.write(out);
  file.commit();
}

TreeManifest load_manifest(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string version;
  if (!std::getline(in, version) || version + "\n" != kVersionLine)
    throw Error(ErrorCode::Invalid, "unknown manifest format in " + path);
  TreeManifest out;
  while (in >> std::ws && in.peek() != EOF) {
    std::string rel = get_bytes(in, path);
    FileState s;
    size_t nx = 0;
    if (!(in >> s.mode >> s.uid >> s.gid >> s.size >> s.mtime_ns >> s.ctime_ns >> s.ino >> s.nlink >> s.rdev >> s.btime_ns >> nx))
      throw Error(ErrorCode::Invalid, "corrupt manifest " + path);
    in >> std::ws;
    s.link_target = get_bytes(in, path);
    for (size_t i = 0; i < nx; ++i) {
      std::string name = get_bytes(in, path);
      s.xattrs[name] = get_bytes(in, path);
    }
    out.emplace(std::move(rel), std::move(s));
  }
  return out;
}

}  // namespace ocbuild::snapshot
