// RUN --mount end to end: mounts parsed by the real frontend, resolved by
// resolve_run_mounts, run by the real executor on a snapshot of a busybox
// base, and the committed layer read back. Plus the cache-key part.
#include "ocbuild/solver/run_mounts.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <filesystem>

#include "snapshot/snapshot_fixture.h"

namespace ocbuild::solver {
namespace {

using snapshot::Driver;
using snapshot::test::SnapshotTest;

constexpr const char* kSecretValue = "TOPSECRET-4f1c9a";

std::vector<frontend::Mount> parse(const std::vector<std::string>& flags) {
  std::vector<frontend::Mount> out;
  for (const auto& f : flags) out.push_back(frontend::parse_mount(f));
  return out;
}

class RunMountsTest : public SnapshotTest {
 protected:
  void SetUp() override {
    SnapshotTest::SetUp();
    if (IsSkipped()) return;
    snapshots_ = std::make_unique<snapshot::SnapshotStore>(*store_, GetParam());
    caches_ = std::make_unique<snapshot::CacheMounts>(tmp_->path() + "/store");
    context_ = tmp_->path() + "/context";
    make_dirs(context_ + "/src");
    write_file_atomic(context_ + "/src/a.txt", "from context\n");
    make_dirs(tmp_->path() + "/stage/opt");
    write_file_atomic(tmp_->path() + "/stage/opt/tool", "stage tool\n");
    write_file_atomic(tmp_->path() + "/secret.txt", kSecretValue);
    secrets_["tok"] = snapshot::SecretSource{"tok", tmp_->path() + "/secret.txt", ""};
    inputs_.context_dir = context_;
    inputs_.from_root = [this](const std::string& from) {
      if (from != "stage") throw Error(ErrorCode::NotFound, "no stage " + from);
      return tmp_->path() + "/stage";
    };
    inputs_.cache_mounts = caches_.get();
    inputs_.secrets = &secrets_;
    inputs_.ssh = &ssh_;
    inputs_.store_root = tmp_->path() + "/store";
    inputs_.secret_dir = tmp_->path();
    parent_ = snapshots_->unpack({base_});
  }

  // Runs `command` with the mounts on the current top and commits the layer
  // (uncompressed, so its bytes can be searched).
  snapshot::test::Recorded run(const std::string& command, const std::vector<std::string>& mounts) {
    snapshot::ActiveSnapshot active = snapshots_->prepare(parent_);
    ResolvedMounts resolved = resolve_run_mounts(parse(mounts), inputs_);
    snapshot::RunSpec spec;
    spec.root = active.root();
    spec.argv = snapshot::shell_argv({}, command);
    spec.mounts = resolved.mounts;
    spec.env = resolved.env;
    snapshot::test::Recorded r;
    spec.on_output = [&](std::string_view line, bool is_stderr) { (is_stderr ? r.err : r.out).emplace_back(line); };
    r.result = snapshot::Executor().run(spec);
    active.record(r.result);
    auto options = snapshot::test::epoch_options();
    options.compression.compression = Compression::None;
    last_ = snapshots_->commit(active, options);
    parent_ = last_->chain_id;
    return r;
  }

  // The layer's paths but the base's own directories "etc" and "var" as
  // bare entries: a mount stub created in them (the executor's /etc/hosts,
  // a cache at /var/cache/x) changes the parent dir, which the snapshot diff
  // keeps as a directory entry. Anything under them still shows.
  std::vector<std::string> layer_paths() const {
    std::vector<std::string> out;
    for (const auto& e : entries(*last_))
      if (e.path != "etc" && e.path != "var") out.push_back(e.path);
    return out;
  }
  exporter::LayerEntry entry(const std::string& path) const {
    for (auto& e : entries(*last_))
      if (e.path == path) return e;
    throw Error(ErrorCode::NotFound, "no " + path + " in the layer");
  }
  std::string layer_bytes() const { return read_file(store_->blob_path(last_->layer.blob.digest)); }

  std::unique_ptr<snapshot::SnapshotStore> snapshots_;
  std::unique_ptr<snapshot::CacheMounts> caches_;
  std::string context_;
  snapshot::SecretMap secrets_;
  snapshot::SshMap ssh_;
  RunMountInputs inputs_;
  std::optional<Digest> parent_;
  std::optional<snapshot::CommitResult> last_;
};

#define EXPECT_RUN_OK(r) EXPECT_TRUE((r).result.ok()) << ::testing::PrintToString((r).err) << ::testing::PrintToString((r).out)

TEST_P(RunMountsTest, SecretFileIsReadableAndLeavesNoTrace) {
  auto r = run("test \"$(cat /run/secrets/tok)\" = " + std::string(kSecretValue) +
                   " && stat -c %a:%u:%g /run/secrets/tok > /mode && ! echo x > /run/secrets/tok",
               {"type=secret,id=tok"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("mode"));  // no /run, no stub
  EXPECT_EQ(layer_bytes().find(kSecretValue), std::string::npos);
  EXPECT_EQ(layer_bytes().find("secrets"), std::string::npos);
  EXPECT_EQ(entry("mode").size, 8);  // "400:0:0\n"
}

TEST_P(RunMountsTest, SecretWithTargetModeAndEnv) {
  auto r = run("test \"$TOKEN\" = " + std::string(kSecretValue) + " && test ! -e /run/secrets/tok && " +
                   "test \"$(cat /etc/tok)\" = " + kSecretValue + " && test $(stat -c %a /etc/tok) = 440 && touch /done",
               {"type=secret,id=tok,env=TOKEN", "type=secret,id=tok,target=/etc/tok,mode=0440"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("done"));
  EXPECT_EQ(layer_bytes().find(kSecretValue), std::string::npos);
}

TEST_P(RunMountsTest, SecretOwnerAsTheContainerSeesIt) {
  // With one mapped id (nobody without a subuid range) only root exists inside.
  std::string owner = snapshot::test::many_ids_mapped() ? "1000:100:400" : "0:0:400";
  auto r = run("test $(stat -c %u:%g:%a /run/tok) = " + owner + " && su app -c 'cat /run/tok' >/dev/null" +
                   (snapshot::test::many_ids_mapped() ? "" : " || true"),
               {"type=secret,id=tok,target=/run/tok,uid=1000,gid=100"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::IsEmpty());
}

TEST_P(RunMountsTest, MissingSecretIsSkippedUnlessRequired) {
  auto r = run("test ! -e /run/secrets/absent && test -z \"$ABSENT\"", {"type=secret,id=absent,env=ABSENT"});
  EXPECT_RUN_OK(r);
  try {
    resolve_run_mounts(parse({"type=secret,id=absent,required=true"}), inputs_);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("absent"), std::string::npos) << e.what();
  }
}

TEST_P(RunMountsTest, ContextBindIsReadOnlyAndRwWritesAreThrownAway) {
  auto r = run("cat /src/a.txt > /seen && ! touch /src/new 2>/dev/null", {"type=bind,source=src,target=/src"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("seen"));
  r = run("echo changed > /src/a.txt && touch /src/new && cat /src/a.txt > /seen-rw",
          {"type=bind,source=src,target=/src,rw"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("seen-rw"));
  EXPECT_EQ(read_file(context_ + "/src/a.txt"), "from context\n");
  EXPECT_FALSE(std::filesystem::exists(context_ + "/src/new"));
  EXPECT_EQ(entry("seen-rw").size, 8);  // "changed\n"
  EXPECT_TRUE(std::filesystem::is_empty(tmp_->path() + "/store/tmp"));  // the copy is gone
}

TEST_P(RunMountsTest, BindFromStageAndMissingSource) {
  auto r = run("cat /tools/tool > /copied", {"type=bind,from=stage,source=opt,target=/tools"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("copied"));
  try {
    resolve_run_mounts(parse({"type=bind,source=nope,target=/x"}), inputs_);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
  // A source cannot leave its root: ".." stops at the context's top.
  auto escaped = resolve_run_mounts(parse({"type=bind,source=../../src,target=/x"}), inputs_);
  EXPECT_EQ(escaped.mounts.at(0).source, context_ + "/src");
}

TEST_P(RunMountsTest, TmpfsWithSize) {
  auto r = run("test \"$(df -k /scratch | tail -n 1 | awk '{print $2}')\" = 1024 && "
               "! dd if=/dev/zero of=/scratch/f bs=1024 count=2048 2>/dev/null && touch /ok",
               {"type=tmpfs,target=/scratch,size=1m"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("ok"));
}

TEST_P(RunMountsTest, CacheMountKeepsFilesAndOwner) {
  // With one mapped id (nobody without a subuid range) only root exists inside.
  std::string owner = snapshot::test::many_ids_mapped() ? "1000:1000:770" : "0:0:770";
  auto r = run("echo 1 >> /var/cache/x/log && test $(stat -c %u:%g:%a /var/cache/x) = " + owner,
               {"type=cache,target=/var/cache/x,uid=1000,gid=1000,mode=0770"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::IsEmpty());  // neither the cache nor /var/cache
  r = run("echo 2 >> /var/cache/x/log && cat /var/cache/x/log > /log", {"type=cache,target=/var/cache/x"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("log"));
  EXPECT_EQ(entry("log").size, 4);  // "1\n2\n"
  auto list = caches_->list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, "/var/cache/x");
}

TEST_P(RunMountsTest, CacheFromStageIsSeededOnce) {
  inputs_.from_key = [](const std::string& from) { return "chain-of-" + from; };
  auto r = run("cat /c/tool > /seeded && echo more > /c/added", {"type=cache,target=/c,from=stage,source=opt"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("seeded"));
  EXPECT_EQ(entry("seeded").size, 11);  // "stage tool\n"
  write_file_atomic(tmp_->path() + "/stage/opt/tool", "changed\n");  // same key: the cache is kept
  EXPECT_RUN_OK(run("test \"$(cat /c/tool)\" = 'stage tool' && test -f /c/added", {"type=cache,target=/c,from=stage,source=opt"}));
  EXPECT_RUN_OK(run("test ! -e /c/tool", {"type=cache,target=/c"}));  // without from: another cache
  EXPECT_FALSE(std::filesystem::exists(tmp_->path() + "/stage/opt/added"));  // the stage never changes
}

TEST_P(RunMountsTest, SshAgentSocketIsForwarded) {
  std::string sock = tmp_->path() + "/agent.sock";
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << errno;
  ASSERT_EQ(::listen(listener.get(), 1), 0);
  struct stat st {};
  ASSERT_EQ(::stat(sock.c_str(), &st), 0);
  ssh_ = snapshot::parse_ssh_flags({"default=" + sock});
  auto r = run("test \"$SSH_AUTH_SOCK\" = /run/buildkit/ssh_agent.0 && test -S \"$SSH_AUTH_SOCK\" && "
               "test $(stat -c %i \"$SSH_AUTH_SOCK\") = " + std::to_string(st.st_ino) + " && touch /ok",
               {"type=ssh"});
  EXPECT_RUN_OK(r);
  EXPECT_THAT(layer_paths(), ::testing::ElementsAre("ok"));
  ssh_.clear();
  EXPECT_RUN_OK(run("test -z \"$SSH_AUTH_SOCK\" && test ! -e /run/buildkit", {"type=ssh"}));
  EXPECT_THROW(resolve_run_mounts(parse({"type=ssh,required=true"}), inputs_), Error);
}

INSTANTIATE_TEST_SUITE_P(Drivers, RunMountsTest, ::testing::Values(Driver::Native, Driver::Overlay),
                         snapshot::test::driver_name);

TEST(RunMountsKey, FieldsAndNeverSecretContent) {
  auto key = run_mounts_key(
      parse({"type=secret,id=tok,env=TOKEN", "type=cache,target=/c,sharing=locked,uid=1000", "type=bind,source=src,target=rel",
             "type=bind,from=stage,source=/opt,target=/o", "type=ssh", "type=tmpfs,target=/t,size=1m"}),
      [](const std::string& from) { return "key-of-" + from; }, "/work");
  ASSERT_EQ(key.mounts.size(), 6u);
  EXPECT_EQ(key.mounts[0].type, "secret");
  EXPECT_EQ(key.mounts[0].id, "tok");
  EXPECT_EQ(key.mounts[0].options, "readonly=false,mode=0400,uid=0,gid=0,required=false,env=TOKEN");
  EXPECT_EQ(key.mounts[1].target, "/c");
  EXPECT_EQ(key.mounts[1].id, "/c");
  EXPECT_EQ(key.mounts[1].options, "readonly=false,sharing=locked,mode=0755,uid=1000,gid=0");
  EXPECT_EQ(key.mounts[2].target, "/work/rel");
  EXPECT_EQ(key.mounts[2].source, "src");
  EXPECT_EQ(key.mounts[2].from, "");
  EXPECT_EQ(key.mounts[2].options, "readonly=true");
  EXPECT_EQ(key.mounts[3].from, "key-of-stage");
  EXPECT_EQ(key.mounts[4].target, "/run/buildkit/ssh_agent.0");
  EXPECT_EQ(key.mounts[5].options, "readonly=false,size=1048576");
  EXPECT_THAT(key.secret_ids, ::testing::ElementsAre("tok"));
  EXPECT_THAT(key.ssh_ids, ::testing::ElementsAre("default"));
  EXPECT_THAT(key.context_sources, ::testing::ElementsAre("src"));
  // The key text changes with what matters and only that.
  ExecKeyInput a, b;
  a.mounts = key.mounts;
  b.mounts = run_mounts_key(parse({"type=secret,id=tok,env=TOKEN", "type=cache,target=/c,sharing=shared,uid=1000",
                                   "type=bind,source=src,target=rel", "type=bind,from=stage,source=/opt,target=/o",
                                   "type=ssh", "type=tmpfs,target=/t,size=1m"}),
                            [](const std::string& from) { return "key-of-" + from; }, "/work")
                 .mounts;
  EXPECT_NE(exec_key(a).digest, exec_key(b).digest);
}

TEST(MountTarget, RelativeToWorkdirAndCleaned) {
  frontend::Mount m = frontend::parse_mount("type=cache,target=./x/../y");
  EXPECT_EQ(mount_target(m, "/app", 0), "/app/y");
  EXPECT_EQ(mount_target(frontend::parse_mount("type=ssh"), "/", 2), "/run/buildkit/ssh_agent.2");
}

}  // namespace
}  // namespace ocbuild::solver
