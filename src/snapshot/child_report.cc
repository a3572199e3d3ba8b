#include "snapshot/child_report.h"

#include <unistd.h>

#include <cerrno>

namespace ocbuild::snapshot {
namespace {

void copy_bounded(char* dst, unsigned long cap, const char* src, unsigned long len) noexcept {
  unsigned long n = 0;
  for (; src && n < len && n + 1 < cap && src[n]; ++n) dst[n] = src[n];
  dst[n] = '\0';
}

void send(int fd, const ChildReport& r) noexcept {
  while (::write(fd, &r, sizeof r) < 0 && errno == EINTR) {
  }
}

}  // namespace

void send_report(int fd, ReportKind kind, const char* step, int err, const char* detail) noexcept {
  ChildReport r;
  r.kind = kind;
  r.err = err;
  copy_bounded(r.step, sizeof r.step, step, ~0UL);
  copy_bounded(r.detail, sizeof r.detail, detail, ~0UL);
  send(fd, r);
}

void send_created(int fd, const char* path, unsigned long len) noexcept {
  ChildReport r;
  r.kind = ReportKind::Created;
  copy_bounded(r.detail, sizeof r.detail, path, len);
  send(fd, r);
}

}  // namespace ocbuild::snapshot
