#pragma once
// libcurl, loaded on first use with dlopen("libcurl.so.4") rather than linked:
// a build that never talks HTTP (no registry, no ADD <url>) does not load it
// nor the ~25 libraries it pulls in (TLS, SSH, LDAP, Kerberos...), which
// cost several milliseconds at every start. Only transport.cc uses it.
#ifndef CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_TYPECHECK  // the type-check macros would call the real symbols
#endif
#include <curl/curl.h>

namespace ocbuild::registry {

struct CurlApi {
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  CURLcode (*easy_perform)(CURL*);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  CURLU* (*url)();
  CURLUcode (*url_set)(CURLU*, CURLUPart, const char*, unsigned int);
  CURLUcode (*url_get)(const CURLU*, CURLUPart, char**, unsigned int);
  void (*url_cleanup)(CURLU*);
  void (*free)(void*);
};

// Loads libcurl and runs curl_global_init once (thread safe); later calls
// return the same table. Throws Error(Internal) naming the library when it
// cannot be loaded or lacks a function.
const CurlApi& curl_api();

}  // namespace ocbuild::registry
