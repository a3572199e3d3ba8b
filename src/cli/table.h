#pragma once
// Small output helpers shared by the image commands: aligned text tables and
// human-readable sizes.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ocbuild::cli {

// Decimal units as docker prints them: "532B", "4.1kB", "12.3MB".
std::string human_size(int64_t bytes);

// Prints rows (the first is the header) in columns separated by 3 spaces.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

}  // namespace ocbuild::cli
