#pragma once
// Private to the core module: nlohmann::json conversions shared by the image
// model's serializers. Keeps nlohmann out of public headers.
#include <nlohmann/json.hpp>

#include <string>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/error.h"

namespace ocbuild::json_model {

using json = nlohmann::json;

// Parses JSON text into an object; throws Error(Parse) naming `what`.
json parse_object(std::string_view text, const std::string& what);

// Typed field readers: absent (or null) -> default; wrong type -> Error(Parse).
std::string get_string(const json& obj, const char* key, const std::string& what);
std::vector<std::string> get_strings(const json& obj, const char* key, const std::string& what);
std::map<std::string, std::string> get_string_map(const json& obj, const char* key, const std::string& what);
int64_t get_int(const json& obj, const char* key, const std::string& what);
bool get_bool(const json& obj, const char* key, const std::string& what);

json descriptor_to_json(const Descriptor& d);
Descriptor descriptor_from_json(const json& obj, const std::string& what);
json platform_to_json(const Platform& p);
Platform platform_from_json(const json& obj, const std::string& what);

// Canonical bytes: keys sorted (nlohmann objects are std::map), no whitespace.
// Throws Error(Invalid) when a string is not valid UTF-8.
std::string canonical(const json& j);

}  // namespace ocbuild::json_model
