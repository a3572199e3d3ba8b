// `ocbuild build` is reproducible across users and directories: a
// multi-stage Dockerfile (RUN in both stages writing files, chmod, a dir
// chowned to app, a base file deleted; COPY --from and COPY --chown of
// context files) built with SOURCE_DATE_EPOCH by root from context copy A
// and by nobody (with a subuid range) from copy B elsewhere, whose files
// were written in another order, at other times, under another umask (002
// against 022; the files' own modes are the same, as Docker keeps modes),
// each with its own store, gives the same manifest digest and `ocbuild diff`
// finds nothing. One changed file in B changes the digest and --explain
// names it. Neither image holds the host's name, a context path or the
// builder's uid.
#include <unistd.h>

#include <memory>
#include <optional>
#include <set>

#include "e2e/build_fixture.h"
#include "e2e/layer_tar.h"
#include "ocbuild/core/atomic_file.h"
#include "snapshot/nobody_rerun.h"

namespace ocbuild::e2e {
namespace {

constexpr const char* kEpoch = "1700000000";
constexpr const char* kRange = "nobody:400000:65536\n";

constexpr const char* kDockerfile =
    "FROM busybox:latest AS build\n"
    "RUN mkdir -p /out/bin /out/share /out/home \\\n"
    " && echo hello > /out/share/greeting \\\n"
    " && printf '#!/bin/sh\\necho hi\\n' > /out/bin/tool && chmod 0750 /out/bin/tool \\\n"
    " && chown 1000:1000 /out/home && echo mine > /out/home/note && chown app:app /out/home/note \\\n"
    " && chmod 0600 /out/home/note && hostname > /out/share/hostname && cat /etc/hosts > /out/share/hosts \\\n"
    " && rm /etc/group\n"
    "FROM busybox:latest\n"
    "RUN rm /bin/vi && mkdir -p /var/lib/app && chown app:app /var/lib/app && echo state > /var/lib/app/state\n"
    "COPY --from=build /out/ /opt/\n"
    "COPY --chown=app:app app/ /srv/app/\n"
    "COPY notes.txt /srv/\n";

// The context's files (and the Dockerfile, written apart), in creation order.
constexpr const char* kFiles = "app/config.yml app/scripts/run.sh app/data/README notes.txt";
constexpr const char* kFilesReversed = "notes.txt app/data/README app/scripts/run.sh app/config.yml";

class ReproducibleBuild : public BuildSuite {
 protected:
  static void SetUpTestSuite() {
    BuildSuite::SetUpTestSuite();
    if (::geteuid() != 0) return set_skip("needs root to build as nobody too (setpriv)");
    if (!testing::have_program("setpriv")) return set_skip("setpriv (util-linux) is not installed");
    auto userns = testing::run_command("setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Ur true 2>&1");
    if (userns.status != 0) return set_skip("nobody cannot make a user namespace: " + userns.output);
    work_ = std::make_unique<TempDir>("ocbuild-repro-e2e-");
    auto r = testing::run_command("set -e; cd " + work_->path() + "; mkdir -p tmp elsewhere/deeper; chmod 0755 .; " +
                                  "chown -R 65534:65534 tmp elsewhere 2>&1");
    if (r.status != 0) set_skip("cannot set up " + work_->path() + ": " + r.output);
  }
  static void TearDownTestSuite() {
    work_.reset();
    BuildSuite::TearDownTestSuite();
  }
  void SetUp() override {
    BuildSuite::SetUp();
    if (IsSkipped()) return;
    if (skip_) GTEST_SKIP() << *skip_;
  }
  static void set_skip(const std::string& why) { skip_ = why; }

  static std::string work(const std::string& name) { return work_->path() + "/" + name; }

  // `command` as nobody, with a clean environment and the given umask.
  static testing::CommandResult as_nobody(const std::string& command, const std::string& umask = "002") {
    std::string script = work("nobody-" + std::to_string(++scripts_) + ".sh");
    write_file_atomic(script, "umask " + umask + "\n" + command + "\n", 0755);
    return testing::run_command("cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -i "
                                "PATH=/usr/local/bin:/usr/bin:/bin HOME=" + work("tmp") + " TMPDIR=" + work("tmp") +
                                " sh " + script + " 2>&1");
  }
  // A context at `dir`: the files written in `order`, then the same modes
  // as Docker users would have them, then every mtime set to `mtime`.
  static std::string make_context(const std::string& dir, const char* order, const std::string& mtime) {
    return "set -e; mkdir -p " + dir + "; cd " + dir + "; for f in " + order +
           "; do mkdir -p $(dirname $f); echo \"content of $f\" > $f; done; cp " + work("Dockerfile") +
           " Dockerfile; find . -type d -exec chmod 0755 {} +; chmod 0644 Dockerfile app/config.yml "
           "app/data/README; chmod 0755 app/scripts/run.sh; chmod 0640 notes.txt; "
           "find . -exec touch -h -d '" + mtime + "' {} +";
  }
  static std::string nobody_store() { return work("nobody-store"); }
  static testing::CommandResult build_as_nobody(const std::string& tag, const std::string& ctx,
                                                const std::string& flags) {
    return as_nobody("SOURCE_DATE_EPOCH=" + std::string(kEpoch) + " " + testing::ocbuild_binary() + " --root " +
                     nobody_store() + " build --progress plain " + flags + " -t " + tag + " " + ctx);
  }

  // What must not be in a built image: the host's name, the context
  // paths, the builder's uid as an owner.
  static void expect_nothing_host_specific(const std::string& store_root, const std::string& ref,
                                           const std::vector<std::string>& paths) {
    ContentStore s(store_root);
    auto found = resolve_image(s, parse_image_ref(ref));
    ASSERT_TRUE(found) << ref;
    StoredImage img = read_image(s, select_manifest(s, *found));
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    std::vector<std::string> banned = paths;
    banned.push_back(host);
    std::string config = read_file(s.blob_path(img.manifest.config.digest));
    for (const auto& b : banned) EXPECT_EQ(config.find(b), std::string::npos) << ref << " config has " << b;
    EXPECT_EQ(config.find("65534"), std::string::npos) << config;
    // Layer 0 is the base image, the same blob for both builders.
    for (size_t i = 1; i < img.manifest.layers.size(); ++i) {
      std::string tar = layer_tar_bytes(store_root, img.manifest.layers[i], work("layer.tar"));
      for (const auto& b : banned) EXPECT_EQ(tar.find(b), std::string::npos) << ref << " layer " << i << " has " << b;
      for (const auto& e : layer_entries(store_root, img.manifest.layers[i], work("layer.tar"))) {
        std::string owner = e.substr(0, e.find(' '));
        EXPECT_TRUE(owner == "0/0" || owner == "1000/1000") << ref << " layer " << i << ": " << e;
      }
    }
  }

 private:
  static inline std::unique_ptr<TempDir> work_;
  static inline std::optional<std::string> skip_;
  static inline int scripts_ = 0;
};

TEST_F(ReproducibleBuild, RootAndNobodyFromTwoCopiesGiveOneDigest) {
  write_file_atomic(work("Dockerfile"), kDockerfile, 0644);
  std::string a = work("a"), b = work("elsewhere/deeper/b");
  auto r = testing::run_command("umask 022; " + make_context(a, kFiles, "2024-01-01 10:00:00") + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  r = as_nobody(make_context(b, kFilesReversed, "2025-06-01 12:34:56"));
  ASSERT_EQ(r.status, 0) << r.output;
  // nobody's store starts from the same base image (a copy of root's).
  r = testing::run_command("cp -a " + store() + " " + nobody_store() + " && chown -R 65534:65534 " + nobody_store() +
                           " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;

  auto as_root = testing::run_command("cd " + a + " && umask 022 && SOURCE_DATE_EPOCH=" + kEpoch + " " +
                                      testing::ocbuild_binary() + " --root " + store() +
                                      " build --progress plain --no-cache -t repro:a " + a + " 2>&1");
  ASSERT_EQ(as_root.status, 0) << as_root.output;
  std::string digest_a = printed_digest(as_root.output);
  ASSERT_TRUE(digest_a.starts_with("sha256:")) << as_root.output;
  {
    snapshot::test::NobodySubids range(kRange);
    auto nobody = build_as_nobody("repro:b", b, "");
    ASSERT_EQ(nobody.status, 0) << nobody.output;
    EXPECT_EQ(printed_digest(nobody.output), digest_a) << nobody.output << "\nroot:\n" << as_root.output;
    r = as_nobody(testing::ocbuild_binary() + " --root " + nobody_store() + " save repro:b -o " + work("tmp/b.tar"));
    ASSERT_EQ(r.status, 0) << r.output;
    auto same = ocb("diff repro:a " + work("tmp/b.tar"));
    EXPECT_EQ(same.status, 0) << same.output;

    // One changed file in B: another digest, and --explain names that file.
    r = as_nobody("printf 'content of app/config.yml, edited\\n' > " + b + "/app/config.yml");
    ASSERT_EQ(r.status, 0) << r.output;
    auto changed = build_as_nobody("repro:c", b, "--explain");
    ASSERT_EQ(changed.status, 0) << changed.output;
    std::string digest_c = printed_digest(changed.output);
    EXPECT_TRUE(digest_c.starts_with("sha256:")) << changed.output;
    EXPECT_NE(digest_c, digest_a);
    EXPECT_NE(changed.output.find("COPY --chown=app:app app/ /srv/app/: ran: file app/config.yml changed"),
              std::string::npos)
        << changed.output;
    EXPECT_EQ(changed.output.find("file app/scripts/run.sh"), std::string::npos) << changed.output;
    EXPECT_NE(changed.output.find("COPY --from=build /out/ /opt/: CACHED"), std::string::npos) << changed.output;
  }
  std::vector<std::string> paths = {a, b, work("tmp"), store(), nobody_store()};
  expect_nothing_host_specific(store(), "repro:a", paths);
  expect_nothing_host_specific(nobody_store(), "repro:b", paths);

  // The owners and modes the Dockerfile asked for, in root's image.
  auto img = image("repro:a");
  ASSERT_TRUE(img);
  auto from = layer_entries(store(), img->manifest.layers[2], work("layer.tar"));
  EXPECT_THAT(from, ::testing::Contains("1000/1000 opt/home/"));
  EXPECT_THAT(from, ::testing::Contains("1000/1000 opt/home/note"));
  auto chowned = layer_entries(store(), img->manifest.layers[3], work("layer.tar"));
  EXPECT_THAT(chowned, ::testing::Contains("1000/1000 srv/app/config.yml"));
  auto run = layer_entries(store(), img->manifest.layers[1], work("layer.tar"));
  EXPECT_THAT(run, ::testing::Contains("0/0 bin/.wh.vi"));
  EXPECT_THAT(run, ::testing::Contains("1000/1000 var/lib/app/"));
}

}  // namespace
}  // namespace ocbuild::e2e
