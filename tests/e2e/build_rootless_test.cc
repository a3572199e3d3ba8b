// `ocbuild build` rootless: the real binary run as nobody (setpriv) with its
// store in a nobody-owned temp dir, busybox:latest made there by nobody too
// (so its files are owned by 65534 in the image).
// Without a subuid range for nobody only uid 0 is mapped: RUN as root
// works (owners 0 in the layer, and the base's 65534 kept, so the digest is
// root's), and a RUN under `USER app` is a clear error naming the line and
// /etc/subuid. With a range the RUN as app writes files owned by 1000 in the
// layer, and with SOURCE_DATE_EPOCH the image digest equals the digest root
// gets from the same base, Dockerfile and context, whatever mapping the
// store's snapshots were unpacked under before: reproducible across users.
#include <unistd.h>

#include <memory>
#include <optional>

#include "e2e/layer_tar.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"
#include "snapshot/nobody_rerun.h"
#include "support/test_env.h"

namespace ocbuild::e2e {
namespace {

using snapshot::test::NobodySubids;

constexpr const char* kEpoch = "1700000000";
constexpr const char* kRange = "nobody:400000:65536\n";

// Line 4 is the RUN under USER app.
constexpr const char* kAppDockerfile =
    "FROM busybox:latest\n"
    "RUN mkdir /data && echo root > /data/by-root\n"
    "USER app\n"
    "RUN touch /home/app/by-app\n";
constexpr const char* kRootDockerfile =
    "FROM busybox:latest\n"
    "RUN mkdir /data && echo root > /data/by-root && echo root > /etc/by-root\n";
// See CopyAsNobody* below.
constexpr const char* kChownDockerfile =
    "FROM busybox:latest\n"
    "COPY file.txt /file.txt\n"
    "COPY --chown=app file.txt /home/app/file.txt\n";

// RUNs whose only trace is their mount stubs, then one real change.
constexpr const char* kStubsDockerfile =
    "FROM busybox:latest\\n"
    "RUN true\\n"
    "RUN --mount=type=secret,id=x cat /run/secrets/x\\n"
    "RUN --mount=type=cache,target=/var/cache/x true\\n"
    "RUN --mount=type=bind,source=bound,target=/etc/bound --mount=type=tmpfs,target=/run/t true\\n"
    "RUN mkdir /etc/made-by-run\\n";

class BuildRootless : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_reason_ = probe();
    if (skip_reason_) return;
    tmp_ = std::make_unique<TempDir>("ocbuild-rootless-e2e-");
    std::string t = tmp_->path();
    auto r = testing::run_command(
        "set -e; cd " + t + "; mkdir -p tmp app root-only chown; printf 'owned by app\\n' > app/file.txt; "
        "mkdir -p stubs/bound; echo x > stubs/bound/f; echo stub-secret > stub-secret; printf '" +
        std::string(kStubsDockerfile) + "' > stubs/Dockerfile; "
        "cp app/file.txt root-only/; cp app/file.txt chown/; printf '" + std::string(kAppDockerfile) +
        "' > app/Dockerfile; printf '" + kRootDockerfile + "' > root-only/Dockerfile; printf '" + kChownDockerfile +
        "' > chown/Dockerfile; chmod 0755 . ; chown -R 65534:65534 .");
    if (r.status != 0) {
      skip_reason_ = "cannot set up " + t + ": " + r.output;
      return;
    }
    NobodySubids files("");  // the base needs no RUN: make it as nobody in any case
    auto base = as_nobody("OCBUILD_ROOT=" + store() + " bash " + testing::source_dir() +
                          "/tests/make-busybox-image.sh " + testing::ocbuild_binary() + " busybox:latest");
    if (base.status != 0) {
      skip_reason_ = "nobody cannot make busybox:latest: " + base.output;
      return;
    }
    // Root's store starts from the very same base (content-addressed files).
    r = testing::run_command("cp -a " + store() + " " + root_store() + " && chown -R 0:0 " + root_store());
    if (r.status != 0) skip_reason_ = "cannot copy the store: " + r.output;
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override {
    if (skip_reason_) GTEST_SKIP() << *skip_reason_;
  }

  static std::optional<std::string> probe() {
    if (::geteuid() != 0) return "needs root to run ocbuild as nobody (setpriv)";
    if (!testing::have_program("setpriv")) return "setpriv (util-linux) is not installed";
    auto userns = testing::run_command("setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Ur true");
    if (userns.status != 0) return "nobody cannot make a user namespace: " + userns.output;
    return std::nullopt;
  }

  static std::string store() { return tmp_->path() + "/store"; }
  static std::string root_store() { return tmp_->path() + "/root-store"; }
  static std::string ctx(const std::string& name) { return tmp_->path() + "/" + name; }

  // A shell command run as nobody with a clean environment.
  static testing::CommandResult as_nobody(const std::string& command) {
    const std::string t = tmp_->path();
    return testing::run_command("cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -i "
                                "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=" + t + " TMPDIR=" + t +
                                "/tmp sh -c '" + command + "' 2>&1");
  }
  static testing::CommandResult build_as_nobody(const std::string& tag, const std::string& context) {
    return as_nobody("SOURCE_DATE_EPOCH=" + std::string(kEpoch) + " " + testing::ocbuild_binary() + " --root " +
                     store() + " build --progress plain --no-cache -t " + tag + " " + ctx(context));
  }
  static testing::CommandResult build_as_root(const std::string& tag, const std::string& context) {
    return testing::run_command("SOURCE_DATE_EPOCH=" + std::string(kEpoch) + " " + testing::ocbuild_binary() +
                                " --root " + root_store() + " build --progress plain --no-cache -t " + tag + " " +
                                ctx(context) + " 2>&1");
  }

  static std::string printed_digest(const std::string& output) {
    auto pos = output.rfind("\nsha256:");
    if (pos == std::string::npos) return "";
    return output.substr(pos + 1, output.find('\n', pos + 1) - pos - 1);
  }
  // "uid/gid name" entries of the image's layer `from_end` (1 = last).
  static std::vector<std::string> layer(const std::string& store_root, const std::string& ref, size_t from_end) {
    ContentStore s(store_root);
    auto found = resolve_image(s, parse_image_ref(ref));
    EXPECT_TRUE(found) << ref;
    if (!found) return {};
    auto img = read_image(s, select_manifest(s, *found));
    EXPECT_GE(img.manifest.layers.size(), from_end);
    const auto& d = img.manifest.layers[img.manifest.layers.size() - from_end];
    return layer_entries(store_root, d, tmp_->path() + "/layer.tar");
  }

 private:
  static inline std::unique_ptr<TempDir> tmp_;
  static inline std::optional<std::string> skip_reason_;
};

using ::testing::Contains;

TEST_F(BuildRootless, WithoutASubuidRangeRootStepsWorkAndUserAppIsAClearError) {
  NobodySubids files("");
  auto ok = build_as_nobody("rootonly:nobody", "root-only");
  ASSERT_EQ(ok.status, 0) << ok.output;
  // Only what the RUN made (its mount stubs, /etc/hosts ..., leave nothing);
  // etc/ keeps the base's owner 65534, which this mapping cannot hold on disk.
  EXPECT_THAT(layer(store(), "rootonly:nobody", 1),
              ::testing::ElementsAre("0/0 data/", "0/0 data/by-root", "65534/65534 etc/", "0/0 etc/by-root"));
  auto as_root = build_as_root("rootonly:root", "root-only");
  ASSERT_EQ(as_root.status, 0) << as_root.output;
  EXPECT_EQ(printed_digest(ok.output), printed_digest(as_root.output)) << ok.output << as_root.output;

  auto r = build_as_nobody("app:single", "app");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Dockerfile:4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("USER app: uid 1000 is not mapped in the user namespace"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/etc/subuid"), std::string::npos) << r.output;
  ContentStore s(store());
  EXPECT_FALSE(resolve_image(s, parse_image_ref("app:single")));
}

TEST_F(BuildRootless, WithASubuidRangeOwnersAreKeptAsRootKeepsThem) {
  NobodySubids files(kRange);
  auto r = build_as_nobody("app:range", "app");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(layer(store(), "app:range", 2), Contains("0/0 data/by-root"));
  EXPECT_THAT(layer(store(), "app:range", 1), Contains("1000/1000 home/app/by-app"));

  auto as_root = build_as_root("app:root", "app");
  ASSERT_EQ(as_root.status, 0) << as_root.output;
  EXPECT_THAT(layer(root_store(), "app:root", 1), Contains("1000/1000 home/app/by-app"));
}

// Runs after the single-mapping test above in this suite: the base unpacked
// then (owners it could not set kept in xattrs) must not be reused under the
// range, whose host owners mean other container ids (snapshots are kept per
// id mapping). Was sha256:c963ebbd… (etc, home, home/app as 0:0) vs root's
// sha256:21e3d4c7….
TEST_F(BuildRootless, WithASubuidRangeTheDigestEqualsRoots) {
  NobodySubids files(kRange);
  auto r = build_as_nobody("app:range", "app");
  ASSERT_EQ(r.status, 0) << r.output;
  auto as_root = build_as_root("app:root", "app");
  ASSERT_EQ(as_root.status, 0) << as_root.output;
  std::string digest = printed_digest(r.output);
  EXPECT_TRUE(digest.starts_with("sha256:")) << r.output;
  EXPECT_EQ(digest, printed_digest(as_root.output)) << "nobody:\n" << r.output << "\nroot:\n" << as_root.output;
}

// As nobody with a subuid range, COPY and COPY --chown=app record the owners
// the container sees (0/0, 1000/1000), as root's build does.
TEST_F(BuildRootless, CopyAsNobodyKeepsTheOwners) {
  NobodySubids files(kRange);
  auto r = build_as_nobody("chown:range", "chown");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(layer(store(), "chown:range", 2), Contains("0/0 file.txt"));
  EXPECT_THAT(layer(store(), "chown:range", 1), Contains("1000/1000 home/app/file.txt"));
}

// The same COPY build as nobody and as root gives the same image digest.
TEST_F(BuildRootless, CopyAsNobodyGivesRootsDigest) {
  NobodySubids files(kRange);
  auto r = build_as_nobody("chown:range", "chown");
  ASSERT_EQ(r.status, 0) << r.output;
  auto as_root = build_as_root("chown:root", "chown");
  ASSERT_EQ(as_root.status, 0) << as_root.output;
  EXPECT_EQ(printed_digest(r.output), printed_digest(as_root.output));
}


// As nobody, with and without a subuid range, on both snapshotters: mount
// stubs leave no bare etc/, run/ or var/ entry; the RUN layers are empty.
TEST_F(BuildRootless, MountStubsLeaveEmptyLayers) {
  for (const std::string range : {"", kRange}) {
    NobodySubids files(range);
    for (const std::string driver : {"overlay", "native"}) {
      std::string what = driver + (range.empty() ? " single mapping" : " subuid range");
      auto r = as_nobody(testing::ocbuild_binary() + " --root " + store() + " build --progress plain --no-cache" +
                         " --snapshotter " + driver + " --secret id=x,src=" + ctx("stub-secret") +
                         " -t stubs:nobody " + ctx("stubs"));
      ASSERT_EQ(r.status, 0) << what << ": " << r.output;
      for (size_t from_end = 2; from_end <= 5; ++from_end)
        EXPECT_THAT(layer(store(), "stubs:nobody", from_end), ::testing::IsEmpty()) << what << " layer -" << from_end;
      EXPECT_THAT(entry_names(layer(store(), "stubs:nobody", 1)), ::testing::ElementsAre("etc/", "etc/made-by-run/"))
          << what;
    }
  }
}

}  // namespace
}  // namespace ocbuild::e2e
