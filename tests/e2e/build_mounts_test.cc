// RUN --mount through the real `ocbuild build`: a cache mount keeps its
// contents between builds and never enters a layer; secrets (from a file and
// from an environment variable) are readable in RUN and found nowhere in the
// image (layer tar bytes, history, inspect) nor the store, and changing their
// value keeps the cache (BuildKit keys on the id only); a bind from the
// context busts the cache when a file under the bound directory changes and
// only then; binds from a stage, tmpfs; no mount target leaves a stub entry
// (nor a bare parent dir: stub-only RUNs give empty layers on both drivers),
// and stubs under an image symlink stay inside the snapshot; a bind from the
// context sees only what .dockerignore lets through; --ssh with a key file.
#include <algorithm>
#include <filesystem>
#include <thread>

#include <gmock/gmock.h>

#include "e2e/build_fixture.h"
#include "e2e/step_output.h"
#include "e2e/layer_tar.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/digest.h"

namespace ocbuild::e2e {
namespace {

std::string sha256_hex(const std::string& bytes) {
  Hasher h;
  h.update(bytes);
  return h.finish().hex();
}

// Six RUNs whose only trace is their mount stubs, then one real change.
constexpr const char* kStubsDockerfile =
    "FROM busybox:latest\n"
    "RUN true\n"
    "RUN --mount=type=secret,id=x cat /run/secrets/x\n"
    "RUN --mount=type=cache,target=/var/cache/x true\n"
    "RUN --mount=type=bind,source=bound,target=/etc/bound true\n"
    "RUN --mount=type=tmpfs,target=/run/t --mount=type=cache,target=/run/c/d true\n"
    "RUN --network=none true\n"
    "RUN mkdir /etc/made-by-run\n";

class BuildMounts : public BuildSuite {
 protected:
  // A context folder with this Dockerfile (and files: path -> content).
  static std::string context(const std::string& name, const std::string& dockerfile,
                             const std::vector<std::pair<std::string, std::string>>& files = {}) {
    std::string dir = scratch("ctx-" + name);
    EXPECT_EQ(testing::run_command("mkdir -p " + dir).status, 0);
    write_file_atomic(dir + "/Dockerfile", dockerfile);
    for (const auto& [path, content] : files) {
      EXPECT_EQ(testing::run_command("mkdir -p \"$(dirname " + dir + "/" + path + ")\"").status, 0);
      write_file_atomic(dir + "/" + path, content);
    }
    return dir;
  }
  // Entries of the image's last layer (the RUN under test).
  static std::vector<std::string> last_layer(const std::string& ref) {
    auto img = image(ref);
    EXPECT_TRUE(img);
    if (!img) return {};
    return entry_names(layer_entries(store(), img->manifest.layers.back(), scratch("layer.tar")));
  }
  // Whether `needle` occurs in any layer's uncompressed tar bytes.
  static bool in_any_layer(const std::string& ref, const std::string& needle) {
    auto img = image(ref);
    EXPECT_TRUE(img);
    if (!img) return true;
    for (const auto& layer : img->manifest.layers)
      if (layer_tar_bytes(store(), layer, scratch("scan.tar")).find(needle) != std::string::npos) return true;
    return false;
  }
};

void expect_no_prefix(const std::vector<std::string>& names, const std::string& prefix) {
  for (const auto& n : names) EXPECT_FALSE(n.starts_with(prefix)) << "stub or leak in the layer: " << n;
}

TEST_F(BuildMounts, CacheMountPersistsAcrossBuildsAndIsInNoLayer) {
  std::string ctx = context("cache", "FROM busybox:latest\n"
                                     "RUN --mount=type=cache,id=e2e-counter,target=/var/cache/count \\\n"
                                     "    echo run >> /var/cache/count/runs && wc -l < /var/cache/count/runs > /seen\n");
  for (int i = 1; i <= 3; ++i) {
    auto r = ocb("build --progress plain --no-cache -t counter:" + std::to_string(i) + " " + ctx);
    ASSERT_EQ(r.status, 0) << r.output;
    std::string rootfs = unpack("counter:" + std::to_string(i));
    EXPECT_EQ(read_file(rootfs + "/seen"), std::to_string(i) + "\n") << "the cache mount grows by one line per build";
    auto names = last_layer("counter:" + std::to_string(i));
    EXPECT_NE(std::find(names.begin(), names.end(), "seen"), names.end());
    expect_no_prefix(names, "var/cache");
    EXPECT_FALSE(in_any_layer("counter:" + std::to_string(i), "run\nrun"));
  }
}

TEST_F(BuildMounts, SecretsAreReadableInRunAndStoredNowhere) {
  const std::string file_value = "file-secret-7f3a91c2", env_value = "env-secret-b84d06e5";
  write_file_atomic(scratch("token"), file_value);
  std::string ctx = context("secrets", "FROM busybox:latest\n"
                                       "RUN --mount=type=secret,id=ftok --mount=type=secret,id=etok,env=ETOK \\\n"
                                       "    sha256sum < /run/secrets/ftok | cut -d' ' -f1 > /ftok.sum && \\\n"
                                       "    printf %s \"$ETOK\" | sha256sum | cut -d' ' -f1 > /etok.sum\n");
  auto build = [&](const std::string& env, const std::string& tag) {
    return testing::run_command("HOST_TOKEN=" + env + " " + testing::ocbuild_binary() + " --root " + store() +
                                " build --progress plain --secret id=ftok,src=" + scratch("token") +
                                " --secret id=etok,env=HOST_TOKEN -t " + tag + " " + ctx + " 2>&1");
  };
  auto r = build(env_value, "secrets:1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::string rootfs = unpack("secrets:1");
  EXPECT_EQ(read_file(rootfs + "/ftok.sum"), sha256_hex(file_value) + "\n");
  EXPECT_EQ(read_file(rootfs + "/etok.sum"), sha256_hex(env_value) + "\n");
  EXPECT_FALSE(in_any_layer("secrets:1", file_value));
  EXPECT_FALSE(in_any_layer("secrets:1", env_value));
  expect_no_prefix(last_layer("secrets:1"), "run/secrets");
  for (const std::string cmd : {"history --no-trunc secrets:1", "inspect secrets:1"}) {
    auto out = ocb(cmd);
    EXPECT_EQ(out.status, 0) << cmd << ": " << out.output;
    EXPECT_EQ(out.output.find(file_value), std::string::npos) << cmd << ": " << out.output;
    EXPECT_EQ(out.output.find(env_value), std::string::npos) << cmd << ": " << out.output;
  }
  EXPECT_EQ(r.output.find(file_value), std::string::npos) << r.output;
  auto grep = testing::run_command("grep -rlaF -e " + file_value + " -e " + env_value + " " + store());
  EXPECT_EQ(grep.output, "") << "a secret value is stored in the store";

  // Another value for both: the RUN stays cached (the key holds the ids only).
  write_file_atomic(scratch("token"), "file-secret-changed");
  auto again = build("env-secret-changed", "secrets:2");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_TRUE(step_cached(again.output, "RUN sha256sum")) << again.output;
  EXPECT_EQ(printed_digest(r.output), printed_digest(again.output)) << again.output;
}

TEST_F(BuildMounts, MissingSecretFailsOnlyWhenRequired) {
  std::string ctx = context("need-secret", "FROM busybox:latest\nENV A=1\n"
                                           "RUN --mount=type=secret,id=absent,required=true true\n");
  auto r = ocb("build --progress plain -t needsecret:1 " + ctx);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("secret absent not found"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Dockerfile:3"), std::string::npos) << r.output;
  EXPECT_FALSE(image("needsecret:1"));
  // Not required (the default): the RUN runs without the file, as in BuildKit.
  std::string optional = context("optional-secret", "FROM busybox:latest\n"
                                                    "RUN --mount=type=secret,id=absent test ! -s /run/secrets/absent\n");
  auto ok = ocb("build --progress plain -t optsecret:1 " + optional);
  EXPECT_EQ(ok.status, 0) << ok.output;
}

TEST_F(BuildMounts, BindFromContextBustsTheCacheOnlyForTheBoundFiles) {
  std::string ctx = context("bind", "FROM busybox:latest\n"
                                    "RUN --mount=type=bind,source=src,target=/src cat /src/a.txt > /seen\n",
                            {{"src/a.txt", "one\n"}, {"other.txt", "x\n"}});
  auto first = ocb("build --progress plain -t bind:1 " + ctx);
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(read_file(unpack("bind:1") + "/seen"), "one\n");
  expect_no_prefix(last_layer("bind:1"), "src");

  write_file_atomic(ctx + "/other.txt", "changed outside the bound folder\n");
  auto same = ocb("build --progress plain -t bind:2 " + ctx);
  ASSERT_EQ(same.status, 0) << same.output;
  EXPECT_TRUE(step_cached(same.output, "RUN cat /src/a.txt")) << same.output;

  write_file_atomic(ctx + "/src/a.txt", "two\n");
  auto changed = ocb("build --progress plain -t bind:3 " + ctx);
  ASSERT_EQ(changed.status, 0) << changed.output;
  EXPECT_FALSE(step_cached(changed.output, "RUN cat /src/a.txt")) << changed.output;
  EXPECT_EQ(read_file(unpack("bind:3") + "/seen"), "two\n");
  EXPECT_EQ(testing::run_command("ls " + ctx + "/src").output, "a.txt\n") << "the RUN did not write to the context";
}

TEST_F(BuildMounts, BindFromAStageAndTmpfsLeaveNoStubs) {
  std::string ctx = context("stage", "FROM busybox:latest AS gen\n"
                                     "RUN mkdir -p /out && echo from-stage > /out/f\n"
                                     "FROM busybox:latest\n"
                                     "RUN --mount=type=bind,from=gen,source=/out,target=/mnt/gen \\\n"
                                     "    --mount=type=tmpfs,target=/scratch/tmp \\\n"
                                     "    cat /mnt/gen/f > /seen && echo hi > /scratch/tmp/x && \\\n"
                                     "    awk '$2==\"/scratch/tmp\" {print $3}' /proc/mounts > /fstype\n");
  auto r = ocb("build --progress plain -t stagebind:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string rootfs = unpack("stagebind:1");
  EXPECT_EQ(read_file(rootfs + "/seen"), "from-stage\n");
  EXPECT_EQ(read_file(rootfs + "/fstype"), "tmpfs\n");
  auto names = last_layer("stagebind:1");
  expect_no_prefix(names, "mnt");
  expect_no_prefix(names, "scratch");
  expect_no_prefix(names, "out");
  EXPECT_NE(std::find(names.begin(), names.end(), "seen"), names.end());
}


// Mount stubs (/etc/hosts, /etc/resolv.conf, /etc/hostname, /proc, /dev,
// /sys, /run/secrets/x, cache, bind and tmpfs targets) are created in dirs
// the image has (etc/, run/, var/) and removed again: the RUN layers hold no
// bare parent entries, so a RUN that changes nothing gives an empty layer
// (BuildKit also makes one layer per RUN), on both snapshotters.
TEST_F(BuildMounts, MountStubsLeaveEmptyLayersOnBothDrivers) {
  write_file_atomic(scratch("stub-secret"), "stub-secret-value");
  std::string ctx = context("stubs", kStubsDockerfile, {{"bound/f", "x"}});
  for (const std::string driver : {"overlay", "native"}) {
    auto r = ocb("build --progress plain --no-cache --snapshotter " + driver + " --secret id=x,src=" +
                 scratch("stub-secret") + " -t stubs:" + driver + " " + ctx);
    ASSERT_EQ(r.status, 0) << driver << ": " << r.output;
    auto img = image("stubs:" + driver);
    ASSERT_TRUE(img);
    const auto& layers = img->manifest.layers;
    ASSERT_EQ(layers.size(), 8u) << driver << ": the base, then one layer per RUN";
    for (size_t i = 1; i + 1 < layers.size(); ++i)
      EXPECT_THAT(entry_names(layer_entries(store(), layers[i], scratch("stub.tar"))), ::testing::IsEmpty())
          << driver << ": RUN layer " << i;
    EXPECT_THAT(entry_names(layer_entries(store(), layers.back(), scratch("stub.tar"))),
                ::testing::ElementsAre("etc/", "etc/made-by-run/"))
        << driver;
  }
}


// BuildKit filters the context before anything sees it: a bind from the
// context (read-only, rw, the whole context or a folder, a single file) shows
// no file .dockerignore excludes, and a re-included one is there.
TEST_F(BuildMounts, BindFromContextSeesOnlyWhatDockerignoreLetsThrough) {
  std::string ctx = context("bind-ignore",
                            "FROM busybox:latest\n"
                            "RUN --mount=type=bind,source=src,target=/src find /src | sort > /seen-src\n"
                            "RUN --mount=type=bind,target=/ctx,rw find /ctx | sort > /seen-ctx && touch /ctx/new\n"
                            "RUN --mount=type=bind,source=src/a.txt,target=/a.txt cat /a.txt > /seen-file\n",
                            {{".dockerignore", "**/*.log\nsrc/private\n!src/private/keep.txt\n"},
                             {"src/a.txt", "one\n"},
                             {"src/debug.log", "log\n"},
                             {"src/private/key", "secret\n"},
                             {"src/private/keep.txt", "kept\n"},
                             {"top.log", "log\n"}});
  auto r = ocb("build --progress plain -t bindignore:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string rootfs = unpack("bindignore:1");
  EXPECT_EQ(read_file(rootfs + "/seen-src"), "/src\n/src/a.txt\n/src/private\n/src/private/keep.txt\n");
  EXPECT_EQ(read_file(rootfs + "/seen-ctx"),
            "/ctx\n/ctx/.dockerignore\n/ctx/Dockerfile\n/ctx/src\n/ctx/src/a.txt\n/ctx/src/private\n"
            "/ctx/src/private/keep.txt\n");
  EXPECT_EQ(read_file(rootfs + "/seen-file"), "one\n");
  EXPECT_EQ(testing::run_command("ls -a " + ctx).output, ".\n..\n.dockerignore\nDockerfile\nsrc\ntop.log\n")
      << "the rw bind wrote to the context";
  EXPECT_EQ(testing::run_command("cat " + ctx + "/src/private/key").output, "secret\n");

  // An ignored file changing does not bust the cache of the binding RUN.
  write_file_atomic(ctx + "/src/debug.log", "other log\n");
  auto again = ocb("build --progress plain -t bindignore:2 " + ctx);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_TRUE(step_cached(again.output, "RUN find /src")) << again.output;
}


// --ssh ID=KEYFILE: a private agent serves the key. While the RUN waits, the
// host lists the identities through the socket as the container sees it
// (/proc/PID/root/run/buildkit/ssh_agent.0); after the build no agent and
// no socket dir is left.
TEST_F(BuildMounts, SshKeyFileIsServedByAPrivateAgentThatEndsWithTheBuild) {
  for (const char* p : {"ssh-agent", "ssh-add", "ssh-keygen"})
    if (!testing::have_program(p)) GTEST_SKIP() << p << " is not installed (openssh-client)";
  std::string key = scratch("ssh-key"), tmp = scratch("ssh-tmp");
  ASSERT_EQ(testing::run_command("rm -rf " + key + "* " + tmp + " && mkdir " + tmp +
                                 " && ssh-keygen -q -t ed25519 -N '' -C e2e -f " + key).status, 0);
  std::string fingerprint = testing::run_command("ssh-keygen -l -f " + key + ".pub").output;
  std::string ctx = context("ssh", "FROM busybox:latest\n"
                                   "RUN --mount=type=ssh sh -c 'test -S \"$SSH_AUTH_SOCK\" || exit 3; i=0; "
                                   "while [ ! -e /tmp/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
                                   "rm /tmp/go' ocbuild-ssh-probe\n");
  testing::CommandResult build;
  std::thread builder([&] {
    build = testing::run_command("TMPDIR=" + tmp + " " + testing::ocbuild_binary() + " --root " + store() +
                                 " build --progress plain --no-cache --ssh default=" + key + " " + ctx + " 2>&1");
  });
  std::string pid;
  for (int i = 0; i < 300 && pid.empty(); ++i) {
    pid = testing::run_command("grep -lsa ocbuild-ssh-prob[e] /proc/[0-9]*/cmdline | head -1 | cut -d/ -f3").output;
    if (!pid.empty()) pid.pop_back();
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string root = "/proc/" + pid + "/root";
  auto listed = testing::run_command("SSH_AUTH_SOCK=" + root + "/run/buildkit/ssh_agent.0 ssh-add -l 2>&1");
  testing::run_command("touch " + root + "/tmp/go");
  builder.join();
  ASSERT_FALSE(pid.empty()) << "the RUN never started: " << build.output;
  EXPECT_EQ(listed.status, 0) << listed.output;
  EXPECT_EQ(listed.output, fingerprint);
  ASSERT_EQ(build.status, 0) << build.output;
  EXPECT_EQ(testing::run_command("ls -A " + tmp).output, "") << "the agent's dir is left";
  EXPECT_NE(testing::run_command("pgrep -f '[s]sh-agent -D -a " + tmp + "'").status, 0) << "the agent still runs";
}


// A mount stub under a symlink of the image that points to an absolute path
// (/run -> /HOST/PATH) is removed inside the snapshot; the host's file of
// that name is never touched (the commit resolves paths inside the tree).
TEST_F(BuildMounts, MountStubUnderAnAbsoluteSymlinkStaysInsideTheSnapshot) {
  std::string host = scratch("escape");
  ASSERT_EQ(testing::run_command("rm -rf " + host + " && mkdir -p " + host + "/secrets && : > " + host +
                                 "/secrets/x").status, 0);
  write_file_atomic(scratch("escape-secret"), "value");
  std::string ctx = context("escape", "FROM busybox:latest\nRUN mkdir -p " + host + " && rm -rf /run && ln -s " + host +
                                          " /run\nRUN --mount=type=secret,id=x,required=true cat /run/secrets/x\n");
  auto r = ocb("build --progress plain --no-cache --snapshotter native --secret id=x,src=" + scratch("escape-secret") +
               " -t escape:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(host + "/secrets/x")) << "the commit removed a host file";
  EXPECT_THAT(last_layer("escape:1"), ::testing::IsEmpty());
}


// Through a relative symlink of an earlier layer (/var/run -> ../run, as in
// Debian) the stubs land in /run; they are found and removed there, on both
// drivers (the overlay upper dir has no var/run of its own).
TEST_F(BuildMounts, MountStubsThroughAnImageSymlinkLeaveNoEntry) {
  std::string ctx = context("via-symlink", "FROM busybox:latest\nRUN mkdir -p /var && ln -s ../run /var/run\n"
                                           "RUN --mount=type=cache,target=/var/run/c/d --mount=type=tmpfs,target=/var/run/t true\n");
  for (const std::string driver : {"overlay", "native"}) {
    auto r = ocb("build --progress plain --no-cache --snapshotter " + driver + " -t viasymlink:" + driver + " " + ctx);
    ASSERT_EQ(r.status, 0) << driver << ": " << r.output;
    EXPECT_THAT(last_layer("viasymlink:" + driver), ::testing::IsEmpty()) << driver;
  }
}

}  // namespace
}  // namespace ocbuild::e2e
