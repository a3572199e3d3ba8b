#include "ocbuild/solver/cache_key.h"

#include <gtest/gtest.h>

#include "ocbuild/solver/explain.h"

namespace ocbuild::solver {
namespace {

const Digest kParent = Digest::of("parent");

ExecKeyInput sample_exec() {
  ExecKeyInput in;
  in.parent = kParent;
  in.command = {"/bin/sh", "-c", "make"};
  in.env = {{"PATH", "/usr/bin:/bin"}};
  in.args = {{"VERSION", "1"}, {"HTTP_PROXY", "http://proxy:3128"}};
  in.user = "1000";
  in.workdir = "/src";
  return in;
}

FileKeyInput sample_file() {
  FileKeyInput in;
  in.parent = kParent;
  in.sources = {"src/"};
  in.destination = "/app/";
  in.content = Digest::of("content");
  return in;
}

// Known answers: any change to the key scheme shows up here as a reviewed
// diff (and must come with a new kCacheKeyVersion). The source key was
// checked independently: sha256 of field("version")..field("source.platform")
// with the "tag\x1flen\x1fvalue" framing, computed in Python.
TEST(CacheKey, KnownAnswers) {
  EXPECT_EQ(source_key({"busybox:latest", Digest::of("manifest"), {"amd64", "linux", "", {}, ""}}).digest.str(),
            "sha256:2e3466821ff12c15b7d2a0a46f4946264dfebd5fa210e5967a2968f9d0dc397b");
  EXPECT_EQ(exec_key(sample_exec()).digest.str(), "sha256:0602fd068f2ccbc2d3b215d52cb3c937c88027a1a9aae553da21542048b975cb");
  EXPECT_EQ(file_key(sample_file()).digest.str(), "sha256:1b747212744c1dbf8fc22cb879d7e4f8aaf63327fbb6950db1e2769a605f7bb1");
}

TEST(CacheKey, ProxyArgsAreNeverHashed) {
  ExecKeyInput a = sample_exec(), b = sample_exec();
  b.args[1].second = "http://other:8080";
  b.args.push_back({"no_proxy", "localhost"});
  EXPECT_EQ(exec_key(a).digest, exec_key(b).digest);
  for (const auto& f : exec_key(b).fields) EXPECT_EQ(f.name.find("PROXY"), std::string::npos) << f.name;
}

TEST(CacheKey, EveryExecFieldCounts) {
  Digest base = exec_key(sample_exec()).digest;
  std::vector<std::function<void(ExecKeyInput&)>> changes = {
      [](auto& in) { in.parent = Digest::of("other"); },
      [](auto& in) { in.command = {"/bin/sh", "-c", "make all"}; },
      [](auto& in) { in.env.push_back({"CC", "gcc"}); },
      [](auto& in) { in.args[0].second = "2"; },
      [](auto& in) { in.user = "root"; },
      [](auto& in) { in.workdir = "/"; },
      [](auto& in) { in.network = "none"; },
      [](auto& in) { in.mounts.push_back({"cache", "/root/.cache", "go", "", "", ""}); },
      [](auto& in) { in.secret_ids = {"token"}; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    ExecKeyInput in = sample_exec();
    changes[i](in);
    EXPECT_NE(exec_key(in).digest, base) << "change " << i;
  }
}

TEST(CacheKey, EnvWinsOverArgAndOrderDoesNotMatter) {
  ExecKeyInput a = sample_exec(), b = sample_exec();
  a.env.push_back({"VERSION", "9"});
  b.env.insert(b.env.begin(), {"VERSION", "9"});
  b.args[0].second = "other";  // shadowed by the ENV
  EXPECT_EQ(exec_key(a).digest, exec_key(b).digest);
}

TEST(CacheKey, TaggedFieldsDoNotCollide) {
  ExecKeyInput a = sample_exec(), b = sample_exec();
  a.command = {"ab", "c"};
  b.command = {"a", "bc"};
  EXPECT_NE(exec_key(a).digest, exec_key(b).digest);
  ExecKeyInput c = sample_exec(), d = sample_exec();
  c.user = "x";
  d.workdir = "x";
  c.workdir = d.user = "";
  EXPECT_NE(exec_key(c).digest, exec_key(d).digest);
}

TEST(CacheKey, FileFieldsAndContentCount) {
  Digest base = file_key(sample_file()).digest;
  std::vector<std::function<void(FileKeyInput&)>> changes = {
      [](auto& in) { in.content = Digest::of("other"); },
      [](auto& in) { in.chown = "1000:1000"; },
      [](auto& in) { in.chmod = "755"; },
      [](auto& in) { in.link = true; },
      [](auto& in) { in.parents = true; },
      [](auto& in) { in.excludes = {"*.o"}; },
      [](auto& in) { in.destination = "/app2/"; },
      [](auto& in) { in.instruction = "ADD"; },
      [](auto& in) { in.from = Digest::of("stage"); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    FileKeyInput in = sample_file();
    changes[i](in);
    EXPECT_NE(file_key(in).digest, base) << "change " << i;
  }
  // Per-file digests are for explanations only.
  FileKeyInput in = sample_file();
  in.files = {{"src/main.c", Digest::of("x"), "file 0644"}};
  EXPECT_EQ(file_key(in).digest, base);
}

TEST(CacheKey, SourceKeyIgnoresTheReferenceName) {
  Platform p{"arm64", "linux", "", {}, "v8"};
  EXPECT_EQ(source_key({"a:1", Digest::of("m"), p}).digest, source_key({"b:2", Digest::of("m"), p}).digest);
  EXPECT_NE(source_key({"a:1", Digest::of("m"), p}).digest, source_key({"a:1", Digest::of("n"), p}).digest);
  p.variant = "";
  EXPECT_NE(source_key({"a:1", Digest::of("m"), p}).digest,
            source_key({"a:1", Digest::of("m"), {"arm64", "linux", "", {}, "v8"}}).digest);
}

TEST(CacheKey, DescribeListsFields) {
  std::string text = describe(exec_key(sample_exec()));
  EXPECT_NE(text.find("(exec)"), std::string::npos);
  EXPECT_NE(text.find("arg:VERSION = 1"), std::string::npos);
  EXPECT_NE(text.find("workdir = /src"), std::string::npos);
}

TEST(Explain, NamesWhatChanged) {
  CacheKey before = exec_key(sample_exec());
  ExecKeyInput in = sample_exec();
  in.args[0].second = "2";
  auto lines = explain_miss(before.fields, before.files, exec_key(in));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "ARG VERSION changed from 1 to 2");

  CacheKey s1 = source_key({"busybox", Digest::of("a"), {"amd64", "linux", "", {}, ""}});
  auto s = explain_miss(s1.fields, s1.files, source_key({"busybox", Digest::of("b"), {"amd64", "linux", "", {}, ""}}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], "base image digest changed");

  FileKeyInput f1 = sample_file(), f2 = sample_file();
  f1.files = {{"src/main.c", Digest::of("1"), "file 0644"}, {"src/util.c", Digest::of("u"), "file 0644"}};
  f2.files = {{"src/main.c", Digest::of("2"), "file 0644"}, {"src/new.c", Digest::of("n"), "file 0644"}};
  f2.content = Digest::of("changed");
  CacheKey k1 = file_key(f1);
  auto f = explain_miss(k1.fields, k1.files, file_key(f2));
  EXPECT_EQ(f, (std::vector<std::string>{"file src/main.c changed", "file src/new.c added", "file src/util.c removed"}));
  EXPECT_TRUE(explain_miss(k1.fields, k1.files, file_key(f1)).empty());
}

// Secret-looking ARG/ENV values never appear in an explanation.
TEST(Explain, HidesSecretLookingValues) {
  ExecKeyInput a = sample_exec(), b = sample_exec();
  a.args.push_back({"API_TOKEN", "hunter1"});
  b.args.push_back({"API_TOKEN", "hunter2"});
  a.env.push_back({"DB_PASSWORD", "pw-old"});
  b.env.push_back({"DB_PASSWORD", "pw-new"});
  b.args.push_back({"GITHUB_AUTH", "newauth"});
  CacheKey ka = exec_key(a);
  auto lines = explain_miss(ka.fields, ka.files, exec_key(b));
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("ARG API_TOKEN changed"), std::string::npos) << all;
  EXPECT_NE(all.find("ENV DB_PASSWORD changed"), std::string::npos) << all;
  EXPECT_NE(all.find("ARG GITHUB_AUTH added"), std::string::npos) << all;
  for (const char* secret : {"hunter1", "hunter2", "pw-old", "pw-new", "newauth"})
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " printed in: " << all;
  // A name that merely contains a word ("MONKEY") is not hidden.
  ExecKeyInput c = sample_exec(), d = sample_exec();
  c.args.push_back({"MONKEY", "1"});
  d.args.push_back({"MONKEY", "2"});
  CacheKey kc = exec_key(c);
  EXPECT_EQ(explain_miss(kc.fields, kc.files, exec_key(d)), std::vector<std::string>{"ARG MONKEY changed from 1 to 2"});
}

}  // namespace
}  // namespace ocbuild::solver
