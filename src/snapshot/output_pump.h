#pragma once
// Splits the RUN's stdout/stderr bytes into lines for the output callback and
// keeps the last lines for the result. Not thread-safe.
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "ocbuild/snapshot/run_spec.h"

namespace ocbuild::snapshot {

class OutputPump {
 public:
  OutputPump(const OutputFn& on_line, size_t tail_lines) : on_line_(on_line), tail_lines_(tail_lines) {}

  void feed(const char* data, size_t size, bool is_stderr);
  // Emits unterminated last lines.
  void finish();
  std::vector<std::string> tail() const { return {tail_.begin(), tail_.end()}; }

 private:
  void emit(std::string_view line, bool is_stderr);

  const OutputFn& on_line_;
  size_t tail_lines_;
  std::string partial_[2];
  std::deque<std::string> tail_;
};

}  // namespace ocbuild::snapshot
