#include "ocbuild/solver/explain.h"

#include <cctype>
#include <map>

namespace ocbuild::solver {
namespace {

// "arg:VERSION" -> "ARG VERSION"; "source.digest" -> "base image digest".
std::string field_title(const std::string& name) {
  static const std::map<std::string, std::string> kTitles = {
      {"source.digest", "base image digest"}, {"source.platform", "base image platform"},
      {"input:parent", "parent step"},        {"input:from", "--from source"},
      {"content:sources", "source files"}};
  if (auto it = kTitles.find(name); it != kTitles.end()) return it->second;
  auto colon = name.find(':');
  if (colon == std::string::npos) return name;
  std::string category = name.substr(0, colon), rest = name.substr(colon + 1);
  if (category == "arg" || category == "env") {
    for (auto& c : category) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return category + " " + rest;
  }
  return category + " " + rest;
}

std::string shown(const std::string& value) { return value.empty() ? "\"\"" : value; }

// Values never printed: proxy ARGs, and ARG/ENV names that look like they
// hold a secret (the words BuildKit's SecretsUsedInArgOrEnv check uses).
bool value_hidden(const std::string& name) {
  auto colon = name.find(':');
  if (colon == std::string::npos) return false;
  std::string category = name.substr(0, colon), var = name.substr(colon + 1);
  if (category != "arg" && category != "env") return false;
  if (is_proxy_arg(var)) return true;
  static const char* kWords[] = {"apikey", "auth", "credential", "credentials", "key", "password",
                                 "pword", "passwd", "secret", "token"};
  std::string word;
  auto check = [&word] {
    for (const char* w : kWords)
      if (word == w) return true;
    return false;
  };
  for (char c : var + "_") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (check()) return true;
      word.clear();
    }
  }
  return false;
}

void explain_fields(const std::vector<KeyField>& prev, const std::vector<KeyField>& cur,
                    std::vector<std::string>& out) {
  std::map<std::string, std::string> before, after;
  for (const auto& f : prev) before[f.name] = f.value;
  for (const auto& f : cur) after[f.name] = f.value;
  for (const auto& [name, value] : after) {
    if (name == "content:sources" || name.find("(not hashed)") != std::string::npos) continue;
    auto it = before.find(name);
    bool hidden = value_hidden(name);
    if (it == before.end()) {
      out.push_back(field_title(name) + (hidden ? " added" : " added (" + shown(value) + ")"));
    } else if (it->second != value) {
      bool digest = hidden || name.rfind("input:", 0) == 0 || name == "source.digest";
      out.push_back(digest ? field_title(name) + " changed"
                           : field_title(name) + " changed from " + shown(it->second) + " to " + shown(value));
    }
  }
  for (const auto& [name, value] : before) {
    if (!after.count(name) && name.find("(not hashed)") == std::string::npos) {
      out.push_back(field_title(name) + (value_hidden(name) ? " removed" : " removed (was " + shown(value) + ")"));
    }
  }
}

void explain_files(const std::vector<FileDigest>& prev, const std::vector<FileDigest>& cur,
                   std::vector<std::string>& out) {
  std::map<std::string, const FileDigest*> before;
  for (const auto& f : prev) before[f.path] = &f;
  std::map<std::string, bool> seen;
  for (const auto& f : cur) {
    seen[f.path] = true;
    auto it = before.find(f.path);
    if (it == before.end()) {
      out.push_back("file " + f.path + " added");
    } else if (it->second->digest != f.digest) {
      out.push_back("file " + f.path + " changed");
    } else if (it->second->meta != f.meta) {
      out.push_back("file " + f.path + " changed from " + it->second->meta + " to " + f.meta);
    }
  }
  for (const auto& [path, digest] : before) {
    if (!seen.count(path)) out.push_back("file " + path + " removed");
  }
}

}  // namespace

std::vector<std::string> explain_miss(const std::vector<KeyField>& previous_fields,
                                      const std::vector<FileDigest>& previous_files,
                                      const CacheKey& current) {
  std::vector<std::string> out;
  explain_fields(previous_fields, current.fields, out);
  explain_files(previous_files, current.files, out);
  if (out.empty()) {
    // Same fields but a different content digest with no per-file detail.
    for (const auto& f : previous_fields) {
      for (const auto& g : current.fields) {
        if (f.name == g.name && f.name == "content:sources" && f.value != g.value) out.push_back("source files changed");
      }
    }
  }
  return out;
}

}  // namespace ocbuild::solver
