#include "cli/build_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::cli {
namespace {

void copy_stdin_to(int fd, const std::string& path) {
  UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out) throw Error::io("create " + path, errno);
  copy_all(fd, out.get(), "stdin", path);
}

// A tar (its "ustar" magic) or a compressed stream (gzip, zstd), as docker's
// archive detection decides whether stdin is a context or a Dockerfile.
bool looks_like_archive(const std::string& path) {
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) throw Error::io("open " + path, errno);
  unsigned char head[262] = {};
  ssize_t n = read_retry(in.get(), head, sizeof head);
  if (n < 0) throw Error::io("read " + path, errno);
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return true;
  if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return true;
  return n >= 262 && std::memcmp(head + 257, "ustar", 5) == 0;
}

BuildInput from_stdin_context(const std::string& file_arg, const std::string& store_root, int stdin_fd) {
  BuildInput in;
  in.scratch.emplace("ocbuild-stdin-");
  std::string stream = in.scratch->path() + "/stdin";
  copy_stdin_to(stdin_fd, stream);
  if (looks_like_archive(stream)) {
    std::string name = file_arg.empty() ? "Dockerfile" : file_arg;
    UniqueFd fd(::open(stream.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error::io("open " + stream, errno);
    in.context.emplace(solver::BuildContext::from_tar(fd.get(), name, store_root));
    in.dockerfile = in.context->dir() + "/" + name;
    if (::access(in.dockerfile.c_str(), R_OK) != 0)
      throw Error(ErrorCode::NotFound, "the build context from stdin has no " + name);
    return in;
  }
  if (!file_arg.empty()) throw Error(ErrorCode::Invalid, "-f cannot be used when stdin is a Dockerfile, not a tar");
  std::string empty = in.scratch->path() + "/context";
  if (::mkdir(empty.c_str(), 0755) != 0) throw Error::io("mkdir " + empty, errno);
  in.dockerfile = in.scratch->path() + "/Dockerfile";
  if (::rename(stream.c_str(), in.dockerfile.c_str()) != 0) throw Error::io("rename " + stream, errno);
  in.context.emplace(solver::BuildContext::open(empty, in.dockerfile, store_root));
  return in;
}

}  // namespace

BuildInput open_build_input(const std::string& context_arg, const std::string& file_arg,
                            const std::string& store_root, int stdin_fd) {
  if (context_arg == "-") {
    if (file_arg == "-") throw Error(ErrorCode::Invalid, "stdin cannot be both the build context and the Dockerfile");
    return from_stdin_context(file_arg, store_root, stdin_fd);
  }
  BuildInput in;
  if (file_arg == "-") {
    in.scratch.emplace("ocbuild-stdin-");
    in.dockerfile = in.scratch->path() + "/Dockerfile";
    copy_stdin_to(stdin_fd, in.dockerfile);
  } else {
    in.dockerfile = file_arg.empty() ? context_arg + "/Dockerfile" : file_arg;
  }
  in.context.emplace(solver::BuildContext::open(context_arg, in.dockerfile, store_root));
  return in;
}

}  // namespace ocbuild::cli
