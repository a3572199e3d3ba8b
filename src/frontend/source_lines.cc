#include "frontend/source_lines.h"

#include <algorithm>
#include <vector>

#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

SourceLines::SourceLines(std::string_view text, std::string filename)
    : text_(text), filename_(std::move(filename)) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  starts_.reserve(static_cast<size_t>(std::count(text_.begin(), text_.end(), '\n')) + 1);
}

std::optional<std::string_view> SourceLines::next() {
  if (pos_ >= text_.size()) return std::nullopt;
  size_t nl = text_.find('\n', pos_);
  size_t end = nl == std::string_view::npos ? text_.size() : nl + 1;
  size_t content = (nl == std::string_view::npos ? text_.size() : nl) - pos_;
  starts_.push_back(pos_);
  ++line_;
  if (content > kMaxLineLength)
    throw error("dockerfile line greater than max allowed size of " + std::to_string(kMaxLineLength), line_, line_);
  std::string_view out = text_.substr(pos_, end - pos_);
  pos_ = end;
  return out;
}

int SourceLines::first_column(int n) const {
  if (n < 1 || static_cast<size_t>(n) > starts_.size()) return 0;
  size_t i = starts_[n - 1];
  int col = 1;
  while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i, ++col;
  return col;
}

Error SourceLines::error(const std::string& message, int start, int end) const {
  SourceRange where{filename_, start, first_column(start), end, 0};
  std::string_view quoted;
  if (start >= 1 && static_cast<size_t>(start) <= starts_.size()) {
    size_t b = starts_[start - 1];
    size_t e = text_.find('\n', b);
    quoted = text_.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    if (quoted.size() > 200) quoted = quoted.substr(0, 200);
  }
  return located_error(message, where, quoted);
}

Error located_error(const std::string& message, const SourceRange& where, std::string_view quoted_line) {
  Error e(ErrorCode::Parse, message, where);
  if (!quoted_line.empty()) {
    while (!quoted_line.empty() && quoted_line.back() == '\r') quoted_line.remove_suffix(1);
    e.add_context(std::to_string(where.line) + " | " + std::string(quoted_line));
  }
  return e;
}

}  // namespace ocbuild::frontend
