#pragma once
// Owns the strings whose c_str() the child plan points at (stable addresses).
#include <deque>
#include <string>

namespace ocbuild::snapshot {

class StringArena {
 public:
  const char* keep(std::string s) { return strings_.emplace_back(std::move(s)).c_str(); }

 private:
  std::deque<std::string> strings_;
};

}  // namespace ocbuild::snapshot
