#pragma once
// Helpers for the parametrised conformance tests of the frontend module:
// reading corpus files and turning upstream case names into test names.
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "support/test_env.h"

namespace ocbuild::frontend::testing {

// The text of conformance/<relative>, or nullopt when the corpus is absent.
inline std::optional<std::string> read_conformance(const std::string& relative) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) return std::nullopt;
  std::ifstream in(*dir + "/" + relative, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "L12_he_llo": a prefix, then the text with every non-alphanumeric byte
// replaced by '_', cut to 40 characters. GoogleTest needs [A-Za-z0-9_].
inline std::string case_name(const std::string& prefix, const std::string& text) {
  std::string out = prefix;
  if (!text.empty()) out += "_";
  for (unsigned char c : text) {
    if (out.size() >= prefix.size() + 41) break;
    out += std::isalnum(c) && c < 0x80 ? static_cast<char>(c) : '_';
  }
  return out;
}

// Go's strings.TrimSpace for ASCII whitespace.
inline std::string trim(const std::string& s) {
  const char* ws = " \t\r\n\v\f";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace ocbuild::frontend::testing
