#pragma once
// ocbuild::Error: the one exception type of the project. It carries a code, a
// message, an optional errno, an optional source location in a Dockerfile and
// context lines added while it unwinds ("stage build, COPY src/ /app").
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace ocbuild {

enum class ErrorCode { Parse, Invalid, NotFound, Io, Sys, Net, Registry, Cache, Internal };

const char* to_string(ErrorCode code);

// A place in a source file. Lines and columns count from 1; 0 means unknown.
struct SourceRange {
  std::string file;
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;
};

class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message);
  Error(ErrorCode code, std::string message, SourceRange where);

  // An error from a failed system call: the message gets ": strerror(err)".
  static Error sys(const std::string& what, int err);
  static Error io(const std::string& what, int err);

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  int sys_errno() const { return errno_; }
  const std::optional<SourceRange>& where() const { return where_; }
  const std::vector<std::string>& context() const { return context_; }

  Error& with_errno(int err);
  Error& at(SourceRange where);
  Error& add_context(std::string line);

  // "file:line:col: message" followed by the context lines, one per line.
  const char* what() const noexcept override { return rendered_.c_str(); }

 private:
  void render();

  ErrorCode code_;
  std::string message_;
  int errno_ = 0;
  std::optional<SourceRange> where_;
  std::vector<std::string> context_;
  std::string rendered_;
};

// Maps an error code to the process exit status used by the CLI.
int exit_status_for(ErrorCode code);

}  // namespace ocbuild
