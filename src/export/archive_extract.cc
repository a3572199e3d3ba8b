#include "archive_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <sstream>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::exporter {
namespace {

struct ArchiveReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using Reader = std::unique_ptr<struct archive, ArchiveReadFree>;

Reader open_tar(const std::string& path) {
  Reader a(archive_read_new());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_all(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error(ErrorCode::Invalid, path + ": not a readable tar archive: " + archive_error_string(a.get()));
  return a;
}

// "./a//b/" -> "a/b"; throws on absolute paths and "..".
std::string normalize(const std::string& raw, const std::string& archive) {
  if (!raw.empty() && raw[0] == '/') throw Error(ErrorCode::Invalid, archive + ": absolute entry name " + raw);
  std::vector<std::string> parts;
  std::stringstream ss(raw);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) throw Error(ErrorCode::Invalid, archive + ": entry escapes the archive: " + raw);
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string dirname_of(const std::string& name) {
  auto s = name.rfind('/');
  return s == std::string::npos ? std::string() : name.substr(0, s);
}

void copy_data(struct archive* a, const std::string& dst, const std::string& archive) {
  AtomicFile f(dst, 0644);
  char buf[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) throw Error(ErrorCode::Invalid, archive + ": truncated or corrupt: " + archive_error_string(a));
    if (n == 0) break;
    write_all(f.fd(), buf, static_cast<size_t>(n), dst);
  }
  f.commit();
}

struct PendingLink {
  std::string name, target;
};

}  // namespace

std::set<std::string> list_archive_names(const std::string& tar_path) {
  Reader a = open_tar(tar_path);
  std::set<std::string> names;
  struct archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    names.insert(normalize(archive_entry_pathname(e), tar_path));
    archive_read_data_skip(a.get());
  }
  if (r != ARCHIVE_EOF) throw Error(ErrorCode::Invalid, tar_path + ": corrupt tar: " + archive_error_string(a.get()));
  return names;
}

void extract_archive(const std::string& tar_path, const std::string& dest) {
  Reader a = open_tar(tar_path);
  std::vector<PendingLink> links;
  struct archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    std::string name = normalize(archive_entry_pathname(e), tar_path);
    if (name.empty()) continue;
    if (const char* hl = archive_entry_hardlink(e)) {
      links.push_back({name, normalize(hl, tar_path)});
      continue;
    }
    switch (archive_entry_filetype(e)) {
      case AE_IFDIR: make_dirs(dest + "/" + name); break;
      case AE_IFREG:
        make_dirs(dest + "/" + dirname_of(name));
        copy_data(a.get(), dest + "/" + name, tar_path);
        break;
      case AE_IFLNK: {
        std::string target = archive_entry_symlink(e);
        if (!target.empty() && target[0] == '/')
          throw Error(ErrorCode::Invalid, tar_path + ": absolute symlink " + name + " -> " + target);
        links.push_back({name, normalize(dirname_of(name) + "/" + target, tar_path)});
        break;
      }
      default: throw Error(ErrorCode::Invalid, tar_path + ": unsupported entry type for " + name);
    }
  }
  if (r != ARCHIVE_EOF) throw Error(ErrorCode::Invalid, tar_path + ": corrupt tar: " + archive_error_string(a.get()));
  for (const auto& l : links) {
    make_dirs(dest + "/" + dirname_of(l.name));
    if (::link((dest + "/" + l.target).c_str(), (dest + "/" + l.name).c_str()) != 0)
      throw Error::io(tar_path + ": link " + l.name + " -> " + l.target, errno);
  }
}

}  // namespace ocbuild::exporter
