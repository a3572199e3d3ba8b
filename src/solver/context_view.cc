#include "solver/context_view.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::solver {
namespace {

void set_mtime(const std::string& path, const struct stat& st) {
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    throw Error::io("set times of " + path, errno);
}

// One entry; dirs are made writable for now (their mode is set at the end).
void place(const SelectedEntry& e, const std::string& from, const std::string& to) {
  switch (e.type) {
    case EntryType::Dir:
      if (::mkdir(to.c_str(), 0700) != 0) throw Error::io("mkdir " + to, errno);
      return;
    case EntryType::Symlink:
      if (::symlink(e.link_target.c_str(), to.c_str()) != 0) throw Error::io("symlink " + to, errno);
      set_mtime(to, e.st);
      return;
    case EntryType::File:
      // A hard link shares the context's inode: the bind is read-only, and
      // a rw bind works on a copy of this tree (ScratchCopy).
      if (::link(from.c_str(), to.c_str()) == 0) return;
      copy_to_new_file(from, to, e.st.st_mode, false);
      set_mtime(to, e.st);
      return;
    case EntryType::Other:
      return;  // fifos, sockets, devices: not sent with a context either
  }
}

}  // namespace

ContextView::ContextView(const Selection& selection, const std::string& context_dir, const std::string& parent)
    : dir_("context-view-", parent), path_(dir_.path() + "/tree") {
  if (selection.matches.size() != 1) throw Error(ErrorCode::Internal, "a bind mount source selects one path");
  const SourceMatch& match = selection.matches.front();
  auto full = [&](const SelectedEntry& e) {
    return e.context_path.empty() ? context_dir : context_dir + "/" + e.context_path;
  };
  for (const auto& e : match.entries) place(e, full(e), e.rel.empty() ? path_ : path_ + "/" + e.rel);
  // Deepest first, so a dir's own mode and mtime come after its children.
  for (auto it = match.entries.rbegin(); it != match.entries.rend(); ++it) {
    if (it->type != EntryType::Dir) continue;
    std::string to = it->rel.empty() ? path_ : path_ + "/" + it->rel;
    if (::chmod(to.c_str(), it->st.st_mode & 07777) != 0) throw Error::io("chmod " + to, errno);
    set_mtime(to, it->st);
  }
}

}  // namespace ocbuild::solver
