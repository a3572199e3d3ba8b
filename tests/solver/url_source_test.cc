// ADD <url> helpers: the file name BuildKit gives a download, HTTP dates,
// and which sources are URLs or git repositories.
#include "solver/url_source.h"

#include <gtest/gtest.h>

namespace ocbuild::solver {
namespace {

TEST(UrlSource, FileNameIsTheLastPathSegment) {
  EXPECT_EQ(url_file_name("https://example.com/a/b/tool.tar.gz"), "tool.tar.gz");
  EXPECT_EQ(url_file_name("https://example.com/a/b/tool.sh?version=2#frag"), "tool.sh");
  EXPECT_EQ(url_file_name("https://example.com/dir/"), "dir");
  EXPECT_EQ(url_file_name("https://example.com"), "__unnamed__");
  EXPECT_EQ(url_file_name("https://example.com/"), "__unnamed__");
  EXPECT_EQ(url_file_name("http://127.0.0.1:8080/x?y=/z"), "x");
}

TEST(UrlSource, ParsesTheThreeHttpDateFormats) {
  EXPECT_EQ(parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"), 1445412480);
  EXPECT_EQ(parse_http_date("Wednesday, 21-Oct-15 07:28:00 GMT"), 1445412480);
  EXPECT_EQ(parse_http_date("Wed Oct 21 07:28:00 2015"), 1445412480);
  EXPECT_FALSE(parse_http_date("yesterday"));
  EXPECT_FALSE(parse_http_date(""));
}

TEST(UrlSource, KnowsUrlsAndGitSources) {
  EXPECT_TRUE(is_url_source("https://example.com/f"));
  EXPECT_TRUE(is_url_source("HTTP://example.com/f"));
  EXPECT_FALSE(is_url_source("ftp://example.com/f"));
  EXPECT_FALSE(is_url_source("http/local/dir"));
  EXPECT_TRUE(is_git_source("git@github.com:moby/buildkit.git"));
  EXPECT_TRUE(is_git_source("https://github.com/moby/buildkit.git"));
  EXPECT_TRUE(is_git_source("https://github.com/moby/buildkit.git#v0.12"));
  EXPECT_TRUE(is_git_source("git://example.com/repo"));
  EXPECT_FALSE(is_git_source("https://example.com/file.tar.gz"));
  EXPECT_FALSE(is_git_source("local.git"));
}

}  // namespace
}  // namespace ocbuild::solver

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/temp_dir.h"
#include "solver/url_cache.h"

namespace ocbuild::solver {
namespace {

TEST(UrlCache, RoundTripsAndIgnoresOtherFormats) {
  TempDir root("url-cache-");
  std::string url = "https://example.com/tool.sh";
  EXPECT_FALSE(load_url_cache(root.path(), url));
  save_url_cache(root.path(), url, {"\"v1\"", Digest::of("x"), 1445412480});
  auto got = load_url_cache(root.path(), url);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->etag, "\"v1\"");
  EXPECT_EQ(got->digest, Digest::of("x"));
  EXPECT_EQ(got->last_modified, 1445412480);
  EXPECT_FALSE(load_url_cache(root.path(), url + "?other"));
  std::string file = root.path() + "/url-cache/" + Digest::of(url).hex() + ".json";
  write_file_atomic(file, R"({"format":"ocbuild-url-cache-v0","url":"https://example.com/tool.sh","etag":"x"})");
  EXPECT_FALSE(load_url_cache(root.path(), url)) << "another format is a miss";
  write_file_atomic(file, "not json");
  EXPECT_FALSE(load_url_cache(root.path(), url));
}

}  // namespace
}  // namespace ocbuild::solver
