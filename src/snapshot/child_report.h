#pragma once
// Messages from the RUN child to the parent over a pipe, each one write()
// of a fixed-size struct (under PIPE_BUF, so atomic). Child side is noexcept
// and allocation-free.
#include <cstdint>

namespace ocbuild::snapshot {

enum class ReportKind : int32_t { Error, Warning, Created };

struct ChildReport {
  ReportKind kind = ReportKind::Error;
  int32_t err = 0;
  char step[64] = {};
  char detail[1024] = {};
};

// Sends one message; truncates long strings.
void send_report(int fd, ReportKind kind, const char* step, int err, const char* detail) noexcept;
// The same for a created path given by pointer and length.
void send_created(int fd, const char* path, unsigned long len) noexcept;

}  // namespace ocbuild::snapshot
