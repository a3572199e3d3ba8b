#include "snapshot/output_pump.h"

namespace ocbuild::snapshot {

void OutputPump::feed(const char* data, size_t size, bool is_stderr) {
  std::string& partial = partial_[is_stderr ? 1 : 0];
  partial.append(data, size);
  size_t start = 0, nl;
  while ((nl = partial.find('\n', start)) != std::string::npos) {
    emit(std::string_view(partial).substr(start, nl - start), is_stderr);
    start = nl + 1;
  }
  partial.erase(0, start);
}

void OutputPump::finish() {
  for (int i = 0; i < 2; ++i) {
    if (!partial_[i].empty()) emit(partial_[i], i == 1);
    partial_[i].clear();
  }
}

void OutputPump::emit(std::string_view line, bool is_stderr) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (on_line_) on_line_(line, is_stderr);
  if (tail_lines_ == 0) return;
  tail_.emplace_back(line);
  if (tail_.size() > tail_lines_) tail_.pop_front();
}

}  // namespace ocbuild::snapshot
