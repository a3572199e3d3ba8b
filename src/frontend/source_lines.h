#pragma once
// Physical lines of a Dockerfile, read one at a time with their newline kept
// (heredoc bodies need it), and located errors that quote the line.
#include <optional>
#include <string>
#include <string_view>

#include "ocbuild/core/error.h"

namespace ocbuild::frontend {

class SourceLines {
 public:
  SourceLines(std::string_view text, std::string filename);

  // The next line with its "\n" (a UTF-8 BOM removed from the first one), or
  // nullopt at the end. Throws Error(Parse) for a line over kMaxLineLength.
  std::optional<std::string_view> next();

  // The 1-based number of the line last returned (0 before the first).
  int line() const { return line_; }

  // 1-based column of the first non-blank character of line `n`.
  int first_column(int n) const;

  // An upper bound of the number of lines (for reserving).
  size_t line_estimate() const { return starts_.capacity(); }

  // Error(Parse) at file:start:column, quoting line `start`.
  Error error(const std::string& message, int start, int end) const;

 private:
  std::string_view text_;
  std::string filename_;
  size_t pos_ = 0;
  int line_ = 0;
  std::vector<size_t> starts_;  // offsets of the lines returned so far
};

// Error(Parse) located at a line of `text`, quoting it. Used by the lowering.
Error located_error(const std::string& message, const SourceRange& where, std::string_view quoted_line);

}  // namespace ocbuild::frontend
