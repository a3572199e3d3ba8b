#pragma once
// Internal to the diff engine: collects differences, keeps the first N.
#include <cstddef>
#include <string>
#include <vector>

#include "ocbuild/export/layer_reader.h"

namespace ocbuild::exporter {

class DiffReport {
 public:
  DiffReport(std::string a, std::string b, size_t max) : a_(std::move(a)), b_(std::move(b)), max_(max) {}
  void add(std::string line) {
    if (lines_.size() < max_) lines_.push_back(std::move(line));
    ++total_;
  }
  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }
  std::vector<std::string> take_lines() { return std::move(lines_); }
  size_t total() const { return total_; }

 private:
  std::string a_, b_;
  size_t max_;
  std::vector<std::string> lines_;
  size_t total_ = 0;
};

// Compares two layers' entries; `where` prefixes every line ("layer 2").
void diff_layer_entries(const std::vector<LayerEntry>& a, const std::vector<LayerEntry>& b,
                        const std::string& where, DiffReport& report);

}  // namespace ocbuild::exporter
