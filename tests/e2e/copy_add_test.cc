// COPY/ADD semantics with the real binary: COPY --parents (with the "/./"
// pivot and wildcards), symbolic --chmod on files and directories, and ADD
// of http URLs from a local server (naming, mode, checksum, errors, cache).
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/digest.h"
#include "ocbuild/core/paths.h"
#include "registry/fake_http_server.h"

namespace ocbuild::e2e {
namespace {

class CopyAdd : public BuildSuite {
 protected:
  // A fresh context dir `name` with these files (path -> content) and modes.
  static std::string make_context(const std::string& name, const std::vector<std::pair<std::string, std::string>>& files,
                                  const std::vector<std::pair<std::string, mode_t>>& modes = {}) {
    std::string dir = scratch(name);
    std::filesystem::remove_all(dir);
    make_dirs(dir);
    for (const auto& [path, content] : files) {
      make_dirs(std::filesystem::path(dir + "/" + path).parent_path().string());
      write_file_atomic(dir + "/" + path, content);
      ::chmod((dir + "/" + path).c_str(), 0644);
    }
    for (const auto& [path, mode] : modes) ::chmod((dir + "/" + path).c_str(), mode);
    return dir;
  }
  static mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return 0xffff;
    return st.st_mode & 07777;
  }
  static bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }
};

TEST_F(CopyAdd, ParentsKeepThePathBelowThePivot) {
  std::string ctx = make_context("parents", {{"Dockerfile",
                                              "FROM scratch\n"
                                              "COPY --parents ./a/./b/c.txt /dst/\n"
                                              "COPY --parents x/*/y.txt /out/\n"
                                              "COPY --parents foo1/foo2/bar /\n"
                                              "WORKDIR /test\n"
                                              "COPY --parents foo1/foo2/ba* .\n"
                                              "COPY --parents a/b /whole\n"
                                              "COPY --parents ./src/**/*.go /app/\n"
                                              "COPY --parents missing.txt /empty/\n"},
                                             {"src/y.go", "y"}, {"src/m/n/x.go", "x"}, {"src/m/z.txt", "z"},
                                             {"a/b/c.txt", "c"}, {"a/b/d.txt", "d"}, {"x/foo/y.txt", "foo"},
                                             {"x/bar/y.txt", "bar"}, {"x/baz/z.txt", "z"}, {"foo1/foo2/bar", "fb"}},
                                 {{"x/foo", 0700}, {"x", 0750}});
  auto r = ocb("build -q -t copyadd/parents:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/parents:1");
  EXPECT_EQ(read_file(root + "/dst/b/c.txt"), "c");
  EXPECT_FALSE(exists(root + "/dst/a")) << "the part before /./ is not kept";
  EXPECT_FALSE(exists(root + "/dst/b/d.txt"));
  EXPECT_EQ(read_file(root + "/out/x/foo/y.txt"), "foo");
  EXPECT_EQ(read_file(root + "/out/x/bar/y.txt"), "bar");
  EXPECT_FALSE(exists(root + "/out/x/baz")) << "a directory without a match is not copied";
  EXPECT_EQ(mode_of(root + "/out/x/foo"), 0700u) << "parents are copied with their own mode";
  EXPECT_EQ(mode_of(root + "/out/x"), 0750u);
  EXPECT_EQ(read_file(root + "/foo1/foo2/bar"), "fb");
  EXPECT_EQ(read_file(root + "/test/foo1/foo2/bar"), "fb");
  EXPECT_EQ(read_file(root + "/whole/a/b/c.txt"), "c");
  EXPECT_EQ(read_file(root + "/whole/a/b/d.txt"), "d");
  EXPECT_EQ(read_file(root + "/app/src/y.go"), "y") << "** also matches no directory";
  EXPECT_EQ(read_file(root + "/app/src/m/n/x.go"), "x");
  EXPECT_FALSE(exists(root + "/app/src/m/z.txt"));
  EXPECT_TRUE(exists(root + "/empty")) << "a --parents source matching nothing is no error (BuildKit)";
}

TEST_F(CopyAdd, ParentsChangeTheCacheKey) {
  std::string ctx = make_context("parents-key", {{"Dockerfile", "FROM scratch\nCOPY a/b.txt /o/\n"}, {"a/b.txt", "b"}});
  auto plain = ocb("build -q " + ctx);
  ASSERT_EQ(plain.status, 0) << plain.output;
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nCOPY --parents a/b.txt /o/\n");
  auto parents = ocb("build -q -t copyadd/pk:1 " + ctx);
  ASSERT_EQ(parents.status, 0) << parents.output;
  ASSERT_TRUE(plain.output.starts_with("sha256:")) << plain.output;
  EXPECT_NE(plain.output, parents.output);
  EXPECT_EQ(read_file(unpack("copyadd/pk:1") + "/o/a/b.txt"), "b");
}

TEST_F(CopyAdd, SymbolicChmodOnFilesAndDirectories) {
  std::string ctx = make_context("chmod", {{"Dockerfile",
                                            "FROM scratch\n"
                                            "COPY --chmod=u+x,go-w f.txt /f1\n"
                                            "COPY --chmod=+X d/ /d/\n"
                                            "COPY --chmod=u=rwx,g=rx,o= d /e/\n"
                                            "ADD --chmod=go-rwx f.txt /a1\n"
                                            "ARG M=a-w\n"
                                            "COPY --chmod=$M f.txt /f2\n"},
                                           {"f.txt", "f"}, {"d/g.txt", "g"}, {"d/run.sh", "r"}, {"d/sub/h.txt", "h"}},
                               {{"f.txt", 0666}, {"d/run.sh", 0744}, {"d/sub", 0700}});
  auto r = ocb("build -q -t copyadd/chmod:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/chmod:1");
  EXPECT_EQ(mode_of(root + "/f1"), 0744u);
  EXPECT_EQ(mode_of(root + "/d/g.txt"), 0644u) << "X adds execute only to directories and executables";
  EXPECT_EQ(mode_of(root + "/d/run.sh"), 0755u);
  EXPECT_EQ(mode_of(root + "/d/sub"), 0711u) << "a copied directory gets X too";
  EXPECT_EQ(mode_of(root + "/e/g.txt"), 0750u);
  EXPECT_EQ(mode_of(root + "/e/sub"), 0750u);
  EXPECT_EQ(mode_of(root + "/a1"), 0600u);
  EXPECT_EQ(mode_of(root + "/f2"), 0444u);
}

TEST_F(CopyAdd, InvalidSymbolicChmodNamesTheLine) {
  std::string ctx = make_context("chmod-bad", {{"Dockerfile", "FROM scratch\nARG M=u+z\nCOPY --chmod=$M f /\n"}, {"f", ""}});
  auto r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("u+z"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":3"), std::string::npos) << r.output;
}

TEST_F(CopyAdd, LaterSourceOfTheSameNameWinsAndDataMatchesTheContext) {
  std::string big(300000, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  std::string ctx = make_context("same-name", {{"Dockerfile", "FROM scratch\nCOPY a/f.txt b/f.txt big.bin /d/\n"
                                                             "COPY b/f.txt a/f.txt /e/\n"},
                                               {"a/f.txt", "from a, longer\n"}, {"b/f.txt", "b\n"}, {"big.bin", big}});
  auto r = ocb("build -q -t copyadd/same-name:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/same-name:1");
  EXPECT_EQ(read_file(root + "/d/f.txt"), "b\n");
  EXPECT_EQ(read_file(root + "/e/f.txt"), "from a, longer\n");
  EXPECT_EQ(read_file(root + "/d/big.bin"), big);
}

// Serves /files/tool.sh (with a Last-Modified), /archive.tar.gz (a real
// gzip tar), /nodate.txt and 404 for anything else; `tool_body` can change.
class AddUrl : public CopyAdd {
 protected:
  void SetUp() override {
    CopyAdd::SetUp();
    if (IsSkipped()) return;
    auto tgz = testing::run_command("cd " + scratch("") + " && mkdir -p tgz && echo inner > tgz/inner.txt && "
                                    "tar -czf archive.tar.gz -C tgz inner.txt && echo ok");
    ASSERT_EQ(tgz.status, 0) << tgz.output;
    archive_ = read_file(scratch("archive.tar.gz"));
    server_ = std::make_unique<testing::FakeHttpServer>("127.0.0.1", [this](const testing::FakeRequest& r) {
      std::lock_guard lock(mu_);
      std::string target = r.target.substr(0, r.target.find('?'));
      if (target == "/files/tool.sh")
        return testing::FakeResponse(200, {{"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}}, tool_body_);
      if (r.target == "/archive.tar.gz") return testing::FakeResponse(200, {}, archive_);
      if (target == "/nodate.txt") return testing::FakeResponse(200, {}, "no date\n");
      if (target == "/etag.txt") {
        auto sent = r.headers.find("if-none-match");
        if (sent != r.headers.end() && sent->second == etag_) return testing::FakeResponse(304, {{"ETag", etag_}}, "");
        return testing::FakeResponse(200, {{"ETag", etag_}, {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}},
                                     tool_body_);
      }
      return testing::FakeResponse(404, {}, "not found");
    });
    ASSERT_TRUE(server_->ok());
  }
  std::string url(const std::string& path) const { return "http://" + server_->host() + path; }
  void set_tool_body(const std::string& body, const std::string& etag = "\"v2\"") {
    std::lock_guard lock(mu_);
    tool_body_ = body;
    etag_ = etag;
  }
  static int64_t mtime_of(const std::string& path) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    return st.st_mtim.tv_sec;
  }

  std::unique_ptr<testing::FakeHttpServer> server_;
  std::mutex mu_;
  std::string tool_body_ = "echo tool\n";
  std::string etag_ = "\"v1\"";
  std::string archive_;
};

TEST_F(AddUrl, DownloadsNamedAfterTheUrlWithMode0600AndLastModified) {
  std::string ctx = make_context("add-url", {{"Dockerfile", "FROM scratch\n"
                                                            "ADD " + url("/files/tool.sh") + " /opt/\n"
                                                            "ADD " + url("/files/tool.sh?x=1") + " /bin/renamed\n"
                                                            "ADD " + url("/archive.tar.gz") + " /x/\n"
                                                            "ADD --chmod=u+x,g+r --chown=7:8 " + url("/files/tool.sh") +
                                                            " /c/\n"
                                                            "ADD " + url("/nodate.txt") + " " + url("/files/tool.sh") +
                                                            " /both/\n"}});
  auto r = ocb("build -q -t copyadd/url:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/url:1");
  EXPECT_EQ(read_file(root + "/opt/tool.sh"), "echo tool\n");
  EXPECT_EQ(mode_of(root + "/opt/tool.sh"), 0600u);
  EXPECT_EQ(mtime_of(root + "/opt/tool.sh"), 1445412480) << "mtime from Last-Modified";
  EXPECT_EQ(read_file(root + "/bin/renamed"), "echo tool\n") << "a destination without / names the file";
  EXPECT_EQ(read_file(root + "/x/archive.tar.gz"), archive_) << "a downloaded archive is never extracted";
  EXPECT_FALSE(exists(root + "/x/inner.txt"));
  EXPECT_EQ(mode_of(root + "/c/tool.sh"), 0740u);
  struct stat st {};
  ASSERT_EQ(::lstat((root + "/c/tool.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 7u);
  EXPECT_EQ(st.st_gid, 8u);
  EXPECT_EQ(read_file(root + "/both/nodate.txt"), "no date\n");
  EXPECT_EQ(mtime_of(root + "/both/nodate.txt"), 0) << "no Last-Modified: time 0, as BuildKit";
}

TEST_F(AddUrl, SourceDateEpochClampsLastModified) {
  std::string ctx = make_context("add-url-epoch", {{"Dockerfile", "FROM scratch\nADD " + url("/files/tool.sh") + " /\n"}});
  auto r = ocb("build -q --source-date-epoch 1000000000 -t copyadd/url-epoch:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(mtime_of(unpack("copyadd/url-epoch:1") + "/tool.sh"), 1000000000);
}

TEST_F(AddUrl, ChecksumIsVerified) {
  std::string good = Digest::of("echo tool\n").str();
  std::string bad = "sha256:" + std::string(64, 'a');
  std::string ctx = make_context("add-url-sum", {{"Dockerfile", "FROM scratch\nADD --checksum=" + good + " " +
                                                                    url("/files/tool.sh") + " /ok\n"}});
  auto r = ocb("build -q -t copyadd/url-sum:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_file(unpack("copyadd/url-sum:1") + "/ok"), "echo tool\n");

  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\n\nADD --checksum=" + bad + " " + url("/files/tool.sh") + " /ok\n");
  r = ocb("build -q -t copyadd/url-sum:2 " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("checksum mismatch"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(url("/files/tool.sh")), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(good), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(bad), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":3"), std::string::npos) << r.output;
  EXPECT_FALSE(image("copyadd/url-sum:2"));
}

TEST_F(AddUrl, HttpErrorNamesStatusUrlAndLine) {
  std::string ctx = make_context("add-url-404", {{"Dockerfile", "FROM scratch\nADD " + url("/missing.bin") + " /\n"}});
  auto r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("HTTP 404"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(url("/missing.bin")), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":2"), std::string::npos) << r.output;
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nADD http://127.0.0.1:1/x.txt /\n");
  r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("Dockerfile:2:1: ADD http://127.0.0.1:1/x.txt: cannot reach"), std::string::npos) << r.output;
}

TEST_F(AddUrl, CacheFollowsTheDownloadedContent) {
  std::string ctx = make_context("add-url-cache", {{"Dockerfile", "FROM scratch\nADD " + url("/files/tool.sh") + " /\n"}});
  auto first = ocb("build --progress plain " + ctx);
  ASSERT_EQ(first.status, 0) << first.output;
  auto again = ocb("build --progress plain " + ctx);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find(" CACHED"), std::string::npos) << again.output;
  EXPECT_EQ(printed_digest(first.output), printed_digest(again.output));
  set_tool_body("echo changed\n");
  auto changed = ocb("build --progress plain " + ctx);
  ASSERT_EQ(changed.status, 0) << changed.output;
  EXPECT_EQ(changed.output.find(" CACHED"), std::string::npos) << changed.output;
  EXPECT_NE(printed_digest(first.output), printed_digest(changed.output));
  EXPECT_GE(server_->requests().size(), 3u) << "fetched on every build";
}

TEST_F(AddUrl, ETagMakesTheNextFetchConditional) {
  std::string ctx = make_context("add-url-etag", {{"Dockerfile", "FROM scratch\nADD " + url("/etag.txt") + " /\n"}});
  auto first = ocb("build --progress plain -t copyadd/etag:1 " + ctx);
  ASSERT_EQ(first.status, 0) << first.output;
  auto again = ocb("build --progress plain -t copyadd/etag:2 " + ctx);
  ASSERT_EQ(again.status, 0) << again.output;
  auto reqs = server_->requests();
  ASSERT_GE(reqs.size(), 2u);
  EXPECT_FALSE(reqs[0].has("if-none-match"));
  ASSERT_TRUE(reqs[1].has("if-none-match"));
  EXPECT_EQ(reqs[1].headers["if-none-match"], "\"v1\"");
  EXPECT_NE(again.output.find(" CACHED"), std::string::npos) << "a 304 reuses the stored content: " << again.output;
  EXPECT_EQ(printed_digest(first.output), printed_digest(again.output));
  std::string root = unpack("copyadd/etag:2");
  EXPECT_EQ(read_file(root + "/etag.txt"), "echo tool\n");
  EXPECT_EQ(mtime_of(root + "/etag.txt"), 1445412480) << "the mtime of the first download";

  set_tool_body("echo v2\n", "\"v2\"");
  auto changed = ocb("build -q -t copyadd/etag:3 " + ctx);
  ASSERT_EQ(changed.status, 0) << changed.output;
  EXPECT_EQ(read_file(unpack("copyadd/etag:3") + "/etag.txt"), "echo v2\n");
}

TEST_F(AddUrl, MixedUrlsAndLocalFilesMakeOneLayerInTheOrderWritten) {
  std::string ctx = make_context("add-mixed", {{"Dockerfile", "FROM scratch\n"
                                                              "ADD local.txt " + url("/archive.tar.gz") + " local.tar.gz " +
                                                              url("/files/tool.sh") + " tool.sh /d/\n"},
                                               {"local.txt", "l"}, {"local.tar.gz", archive_}, {"tool.sh", "local tool\n"}});
  auto r = ocb("build --progress plain -t copyadd/mixed:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/mixed:1");
  EXPECT_EQ(read_file(root + "/d/local.txt"), "l");
  EXPECT_EQ(read_file(root + "/d/archive.tar.gz"), archive_) << "a downloaded archive is never extracted";
  EXPECT_EQ(read_file(root + "/d/inner.txt"), "inner\n") << "a local archive is";
  EXPECT_FALSE(exists(root + "/d/local.tar.gz"));
  EXPECT_EQ(read_file(root + "/d/tool.sh"), "local tool\n") << "the later source wins";
  auto built = image("copyadd/mixed:1");
  ASSERT_TRUE(built);
  EXPECT_EQ(built->manifest.layers.size(), 1u);

  auto again = ocb("build --progress plain -t copyadd/mixed:2 " + ctx);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find(" CACHED"), std::string::npos) << again.output;
  EXPECT_EQ(printed_digest(r.output), printed_digest(again.output));
  write_file_atomic(ctx + "/local.txt", "changed");
  auto local_changed = ocb("build --progress plain -t copyadd/mixed:3 " + ctx);
  ASSERT_EQ(local_changed.status, 0) << local_changed.output;
  EXPECT_EQ(local_changed.output.find(" CACHED"), std::string::npos) << local_changed.output;
  EXPECT_EQ(read_file(unpack("copyadd/mixed:3") + "/d/local.txt"), "changed");
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nADD " + url("/files/tool.sh") + " local.txt /e/\n");
  set_tool_body("echo v2\n");
  auto url_changed = ocb("build -q -t copyadd/mixed:4 " + ctx);
  ASSERT_EQ(url_changed.status, 0) << url_changed.output;
  root = unpack("copyadd/mixed:4");
  EXPECT_EQ(read_file(root + "/e/tool.sh"), "echo v2\n");
  EXPECT_EQ(mode_of(root + "/e/tool.sh"), 0600u);
  EXPECT_EQ(read_file(root + "/e/local.txt"), "changed");
}

TEST_F(AddUrl, GitSourcesChecksumOfLocalFilesAndUrlsInCopyAreClearErrors) {
  std::string ctx = make_context("add-git", {{"Dockerfile", "FROM scratch\nADD https://example.com/repo.git /src\n"},
                                             {"local.txt", "l"}});
  auto r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("git repository is not supported"), std::string::npos) << r.output;
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nADD --checksum=sha256:" + std::string(64, 'a') +
                                             " local.txt " + url("/files/tool.sh") + " /d/\n");
  r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("checksum can't be specified for non-HTTP(S) sources"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":2"), std::string::npos) << r.output;
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nADD missing.txt " + url("/files/tool.sh") + " /d/\n");
  r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("missing.txt"), std::string::npos) << r.output;
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nCOPY " + url("/files/tool.sh") + " /d/\n");
  r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("source can't be a URL for COPY"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::e2e
