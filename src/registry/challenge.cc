// WWW-Authenticate parsing (RFC 7235 section 4.1): a list of challenges, each
// a scheme followed by comma-separated auth-params whose values are tokens or
// quoted strings with backslash escapes.
#include <algorithm>
#include <cctype>

#include "ocbuild/registry/auth.h"

namespace ocbuild::registry {
namespace {

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/:").find(c) != std::string_view::npos;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class ChallengeParser {
 public:
  explicit ChallengeParser(std::string_view s) : s_(s) {}

  std::vector<Challenge> parse() {
    std::vector<Challenge> out;
    while (true) {
      skip_separators();
      std::string scheme = token();
      if (scheme.empty()) break;
      Challenge c;
      c.scheme = lower(scheme);
      params(c);
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void skip_separators() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
    // Skip junk we cannot read so the loop always advances.
    while (i_ < s_.size() && !is_tchar(s_[i_]) && s_[i_] != ',') ++i_;
  }
  std::string token() {
    size_t start = i_;
    while (i_ < s_.size() && is_tchar(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  std::string quoted() {
    std::string v;
    ++i_;  // opening quote
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      v += s_[i_++];
    }
    if (i_ < s_.size()) ++i_;  // closing quote
    return v;
  }
  // True when the text at i_ is `token BWS "=" (not "==")`: an auth-param.
  bool at_param() const {
    size_t j = i_;
    while (j < s_.size() && is_tchar(s_[j])) ++j;
    if (j == i_) return false;
    while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
    return j < s_.size() && s_[j] == '=' && (j + 1 >= s_.size() || s_[j + 1] != '=');
  }
  void params(Challenge& c) {
    skip_ws();
    while (i_ < s_.size()) {
      if (!at_param()) {
        // A token68 ("Negotiate abc==") belongs to this challenge; a bare
        // token after a comma starts the next challenge.
        if (s_[i_] != ',' && !c.params.empty()) return;
        if (s_[i_] == ',') return;
        token();
        while (i_ < s_.size() && s_[i_] == '=') ++i_;
        skip_ws();
        continue;
      }
      std::string key = lower(token());
      skip_ws();
      ++i_;  // '='
      skip_ws();
      std::string value = i_ < s_.size() && s_[i_] == '"' ? quoted() : token();
      c.params[key] = value;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
      } else {
        return;
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<std::string> Challenge::param(const std::string& key) const {
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::vector<Challenge> parse_www_authenticate(std::string_view header) { return ChallengeParser(header).parse(); }

}  // namespace ocbuild::registry
