#include "curl_api.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "ocbuild/core/error.h"

namespace ocbuild::registry {
namespace {

constexpr const char* kLibrary = "libcurl.so.4";  // libcurl's soname since 7.16 (2006)

template <typename F>
void bind(void* lib, F& fn, const char* name) {
  fn = reinterpret_cast<F>(::dlsym(lib, name));
  if (!fn) throw Error(ErrorCode::Internal, std::string(kLibrary) + " has no " + name);
}

CurlApi load() {
  // Never unloaded: libcurl keeps global state for the life of the process.
  void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    throw Error(ErrorCode::Internal, std::string("cannot load ") + kLibrary + ": " + (why ? why : "unknown error"));
  }
  CurlApi api{};
  CURLcode (*global_init)(long) = nullptr;
  bind(lib, global_init, "curl_global_init");
  bind(lib, api.easy_init, "curl_easy_init");
  bind(lib, api.easy_setopt, "curl_easy_setopt");
  bind(lib, api.easy_getinfo, "curl_easy_getinfo");
  bind(lib, api.easy_perform, "curl_easy_perform");
  bind(lib, api.easy_cleanup, "curl_easy_cleanup");
  bind(lib, api.easy_strerror, "curl_easy_strerror");
  bind(lib, api.slist_append, "curl_slist_append");
  bind(lib, api.slist_free_all, "curl_slist_free_all");
  bind(lib, api.url, "curl_url");
  bind(lib, api.url_set, "curl_url_set");
  bind(lib, api.url_get, "curl_url_get");
  bind(lib, api.url_cleanup, "curl_url_cleanup");
  bind(lib, api.free, "curl_free");
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error(ErrorCode::Internal, "curl_global_init failed");
  return api;
}

}  // namespace

const CurlApi& curl_api() {
  // A function-local static: a failed load throws and is retried next call.
  static const CurlApi api = load();
  return api;
}

}  // namespace ocbuild::registry
