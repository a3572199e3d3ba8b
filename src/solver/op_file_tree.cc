// The tree a COPY/ADD (or WORKDIR) layer is made of: the selected files at
// their image paths with the owners and modes the instruction says, and each
// parent directory as the image below has it (mode, owner, mtime, xattrs),
// or, when it is new, 0755 (or --chmod) owned by the --chown user or root.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "ocbuild/core/unique_fd.h"
#include "ocbuild/export/layer_applier.h"
#include "snapshot/userns_helper.h"  // as_container_root
#include "solver/context_paths.h"
#include "solver/solve_ops.h"

namespace ocbuild::solver {
namespace {

void copy_contents(int in, const std::string& from, const std::string& to) {
  ::unlink(to.c_str());
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!out) throw Error::io("create " + to, errno);
  copy_all(in, out.get(), from, to);
}

// Rootless, a stage's file of another container user that others may not
// read (app's 0600 file) cannot be opened on the host; container root can.
void copy_file(const std::string& from, const std::string& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in && errno == EACCES && ::geteuid() != 0) {
    snapshot::as_container_root([&] {
      UniqueFd again(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
      if (!again) throw Error::io("open " + from, errno);
      copy_contents(again.get(), from, to);
      return std::string();
    });
    return;
  }
  if (!in) throw Error::io("open " + from, errno);
  copy_contents(in.get(), from, to);
}

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) throw Error::io("mkdir " + path, errno);
}

// Writes the tree, remembering every mtime to set once all children exist.
class TreeWriter {
 public:
  // With `data_from`, readable regular files become stand-ins (see PlacedTree).
  TreeWriter(const std::string& tree, const LowerFs& lower, const CopyPlacement& p, exporter::OwnerMap& owners,
             exporter::DataSources* data_from = nullptr)
      : tree_(tree), lower_(lower), p_(p), owners_(owners), data_from_(data_from) {}

  // A directory the instruction did not copy: as below, or new.
  void ensure_dir(const std::string& abs) {
    if (abs == "/" || made_.count(abs)) return;
    auto parts = split_path(abs);
    std::string parent;
    for (size_t i = 0; i + 1 < parts.size(); ++i) parent += "/" + parts[i];
    if (!parent.empty()) ensure_dir(parent);
    std::string path = tree_ + abs;
    make_dir(path);
    auto below = lower_.lookup(abs);
    if (below && S_ISDIR(below->st.st_mode)) {
      set_owner_mode(path, below->st.st_uid, below->st.st_gid, below->st.st_mode & 07777);
      for (const auto& [name, value] : below->xattrs)
        if (::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) != 0)
          throw Error::io("setxattr " + name + " on " + path, errno);
      made_[abs] = below->st.st_mtim;
    } else {
      set_owner_mode(path, p_.chown ? p_.chown->first : 0, p_.chown ? p_.chown->second : 0,
                     p_.chmod ? p_.chmod->apply(0755, true) : 0755);
      made_[abs] = timespec{p_.new_dir_mtime, 0};
    }
  }

  void place(const SelectedEntry& e, const std::string& from, const std::string& abs) {
    auto parts = split_path(abs);
    std::string parent;
    for (size_t i = 0; i + 1 < parts.size(); ++i) parent += "/" + parts[i];
    if (!parent.empty()) ensure_dir(parent);
    std::string to = tree_ + abs;
    if (data_from_) data_from_->erase(layer_path(to));  // an earlier source's file is replaced
    switch (e.type) {
      case EntryType::Dir: make_dir(to); break;
      case EntryType::File:
        if (!data_from_ || !place_stand_in(from, to, e.st.st_size)) copy_file(from, to);
        break;
      case EntryType::Symlink:
        ::unlink(to.c_str());
        if (::symlink(e.link_target.c_str(), to.c_str()) != 0) throw Error::io("symlink " + to, errno);
        break;
      case EntryType::Other: {  // a socket or fifo arrives as an empty file, as in BuildKit
        UniqueFd fd(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (!fd) throw Error::io("create " + to, errno);
        break;
      }
    }
    std::pair<uint32_t, uint32_t> kept{0, 0};  // from a stage: as the container sees it there
    if (!p_.chown && p_.keep_owner) kept = lower_.owner_view().owner(from, e.st);
    uid_t uid = p_.chown ? p_.chown->first : kept.first;
    gid_t gid = p_.chown ? p_.chown->second : kept.second;
    std::optional<mode_t> mode;
    if (e.type != EntryType::Symlink)
      mode = p_.chmod ? p_.chmod->apply(e.st.st_mode & 07777, e.type == EntryType::Dir) : e.st.st_mode & 07777;
    set_owner_mode(to, uid, gid, mode);
    made_[abs] = e.st.st_mtim;
  }

  // A path under the tree as the layer names it ("a/b", even for "//a/./b").
  std::string layer_path(const std::string& path) const { return clean_path(path.substr(tree_.size())).substr(1); }

  // A sparse file of the source's size, if the source can be read now.
  bool place_stand_in(const std::string& from, const std::string& to, off_t size) {
    if (::access(from.c_str(), R_OK) != 0) return false;
    ::unlink(to.c_str());
    UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out) throw Error::io("create " + to, errno);
    if (::ftruncate(out.get(), size) != 0) throw Error::io("size " + to, errno);
    (*data_from_)[layer_path(to)] = from;
    return true;
  }

  // Root chowns the entry; an unprivileged writer can't, so the owner goes
  // to the map the layer writer takes its owners from.
  void set_owner_mode(const std::string& path, uid_t uid, gid_t gid, std::optional<mode_t> mode) {
    owners_[layer_path(path)] = {uid, gid};
    if (::geteuid() == 0 && ::lchown(path.c_str(), uid, gid) != 0) throw Error::io("chown " + path, errno);
    if (mode && ::chmod(path.c_str(), *mode) != 0) throw Error::io("chmod " + path, errno);
  }

  void finish() {
    // Children sort after their parents: backwards, every dir is timed last.
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) {
      struct timespec times[2] = {it->second, it->second};
      ::utimensat(AT_FDCWD, (tree_ + it->first).c_str(), times, AT_SYMLINK_NOFOLLOW);
    }
  }

 private:
  std::string tree_;
  const LowerFs& lower_;
  const CopyPlacement& p_;
  exporter::OwnerMap& owners_;
  exporter::DataSources* data_from_;
  std::map<std::string, struct timespec> made_;
};

// A tar archive ADD extracts: plain (ustar magic), gzip or zstd.
bool is_archive(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  unsigned char head[512] = {};
  ssize_t n = read_retry(fd.get(), head, sizeof head);
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return true;
  if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return true;
  return n >= 262 && std::memcmp(head + 257, "ustar", 5) == 0;
}

std::string target_of(const SourceMatch& m, const SelectedEntry& e, const CopyPlacement& p) {
  if (m.is_dir) return e.rel.empty() ? p.dest : join_path(p.dest, e.rel);
  if (!p.dest_is_dir) return p.dest;
  auto parts = split_path(m.path);
  return join_path(p.dest, parts.empty() ? "" : parts.back());
}

// One match's entries into the tree (an archive ADD extracts into dest).
void place_match(TreeWriter& writer, const SourceMatch& m, const SelectionPart& part, const CopyPlacement& placement,
                 const std::string& tree) {
  for (const auto& e : m.entries) {
    std::string target = target_of(m, e, placement);
    if (m.is_dir && e.rel.empty()) {
      // The destination of a directory's contents: kept as it is below.
      writer.ensure_dir(target);
      continue;
    }
    std::string from = e.context_path.empty() ? part.root : part.root + "/" + e.context_path;
    if (placement.unpack_archives && part.may_unpack && !m.is_dir && e.type == EntryType::File && is_archive(from)) {
      writer.ensure_dir(placement.dest);
      exporter::ApplyOptions opts;
      opts.layer_name = m.pattern;
      exporter::apply_layer(from, tree + placement.dest, opts);
      continue;
    }
    if (target == "/") throw Error(ErrorCode::Invalid, "cannot copy " + m.pattern + " to /");
    writer.place(e, from, target);
  }
}

}  // namespace

PlacedTree place_selection(const std::vector<SelectionPart>& parts, const CopyPlacement& placement,
                           const LowerFs& lower, const std::string& tree) {
  PlacedTree placed;
  TreeWriter writer(tree, lower, placement, placed.owners, placement.unpack_archives ? nullptr : &placed.data_from);
  for (const auto& part : parts)
    for (const auto& m : part.selection->matches) place_match(writer, m, part, placement, tree);
  if (placement.dest_is_dir) writer.ensure_dir(placement.dest);  // e.g. an empty wildcard match
  writer.finish();
  return placed;
}

exporter::OwnerMap place_directory(const std::string& abs, const CopyPlacement& placement, const LowerFs& lower,
                                   const std::string& tree) {
  exporter::OwnerMap owners;
  TreeWriter writer(tree, lower, placement, owners);
  writer.ensure_dir(abs);
  writer.finish();
  return owners;
}

}  // namespace ocbuild::solver
