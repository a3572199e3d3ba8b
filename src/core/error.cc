#include "ocbuild/core/error.h"

#include <cstring>

namespace ocbuild {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::Parse: return "parse";
    case ErrorCode::Invalid: return "invalid";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::Io: return "io";
    case ErrorCode::Sys: return "system";
    case ErrorCode::Net: return "network";
    case ErrorCode::Registry: return "registry";
    case ErrorCode::Cache: return "cache";
    case ErrorCode::Internal: return "internal";
  }
  return "unknown";
}

Error::Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
  render();
}

Error::Error(ErrorCode code, std::string message, SourceRange where)
    : code_(code), message_(std::move(message)), where_(std::move(where)) {
  render();
}

Error Error::sys(const std::string& what, int err) {
  Error e(ErrorCode::Sys, what + ": " + std::strerror(err));
  e.errno_ = err;
  return e;
}

Error Error::io(const std::string& what, int err) {
  Error e(ErrorCode::Io, what + ": " + std::strerror(err));
  e.errno_ = err;
  return e;
}

Error& Error::with_errno(int err) {
  errno_ = err;
  return *this;
}

Error& Error::at(SourceRange where) {
  where_ = std::move(where);
  render();
  return *this;
}

Error& Error::add_context(std::string line) {
  context_.push_back(std::move(line));
  render();
  return *this;
}

void Error::render() {
  rendered_.clear();
  if (where_ && !where_->file.empty()) {
    rendered_ += where_->file;
    if (where_->line > 0) rendered_ += ":" + std::to_string(where_->line);
    if (where_->column > 0) rendered_ += ":" + std::to_string(where_->column);
    rendered_ += ": ";
  }
  rendered_ += message_;
  for (const auto& c : context_) rendered_ += "\n  " + c;
}

int exit_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::Parse:
    case ErrorCode::Invalid: return 2;
    case ErrorCode::NotFound: return 3;
    default: return 1;
  }
}

}  // namespace ocbuild
