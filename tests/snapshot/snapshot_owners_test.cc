// Owners of the image below as the layers record them, whatever the id
// mapping of the builder: an owner the mapping cannot hold (1234 when only
// uid 0 is mapped) is kept in user.ocbuild.owner by the unpack and recorded
// from there when a RUN changes that dir, as root records it; and
// snapshots unpacked under one mapping are never read under another.
// Runs as root here and as nobody (with and without a subuid range) through
// snapshot_unprivileged_test.cc.
#include "ocbuild/core/xattrs.h"
#include "ocbuild/snapshot/owner_view.h"
#include "snapshot/id_map.h"
#include "snapshot/snapshot_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

// A layer of data/ (1234:1234), data/old (1234:1234), data/sub (1234:1235),
// owners set through the writer's owner map, so any runner can write it.
LayerRef make_owned_layer(ContentStore& store, const std::string& tmp) {
  std::string tree = tmp + "/owned", blob = tmp + "/owned.tar";
  make_dirs(tree + "/data/sub");
  write_file_atomic(tree + "/data/old", "old\n");
  exporter::LayerWriteOptions o = epoch_options();
  o.compression.compression = Compression::None;
  o.owners = std::make_shared<const exporter::OwnerMap>(exporter::OwnerMap{
      {"data", {1234, 1234}}, {"data/old", {1234, 1234}}, {"data/sub", {1234, 1235}}});
  exporter::Layer layer = exporter::write_layer_from_dir(tree, o, blob);
  store.ingest_file(blob, layer.blob.digest, layer.blob.size);
  return LayerRef{layer.blob, layer.diff_id};
}

std::map<std::string, std::string> owners_of(const std::vector<exporter::LayerEntry>& entries) {
  std::map<std::string, std::string> out;
  for (const auto& e : entries) out[e.path] = std::to_string(e.uid) + ":" + std::to_string(e.gid);
  return out;
}

TEST_P(SnapshotTest, BaseOwnersAreRecordedWhateverTheMapping) {
  LayerRef owned = make_owned_layer(*store_, tmp_->path());
  SnapshotStore snapshots(*store_, GetParam());
  ActiveSnapshot active = snapshots.prepare(std::vector<LayerRef>{base_, owned});
  Recorded r = run_on(active, {"touch /data/new /data/sub/x && echo more >> /data/old", ""});
  ASSERT_TRUE(r.result.ok()) << ::testing::PrintToString(r.err);
  CommitResult c = snapshots.commit(active, epoch_options());
  auto owners = owners_of(entries(c));
  EXPECT_EQ(owners["data"], "1234:1234");
  EXPECT_EQ(owners["data/old"], "1234:1234");
  EXPECT_EQ(owners["data/sub"], "1234:1235");
  EXPECT_EQ(owners["data/new"], "0:0");
  EXPECT_EQ(owners["data/sub/x"], "0:0");
  // The kept owner is bookkeeping, never image content.
  for (const auto& e : entries(c)) EXPECT_EQ(e.xattrs.count(ocbuild::kKeptOwnerXattr), 0u) << e.path;

  // Read on the host (COPY's view of the image below): the same owners.
  std::vector<std::string> dirs = snapshots.layer_dirs(c.chain_id);
  std::string old_path = dirs[1] + "/data/old";  // in the owned layer
  struct stat st {};
  ASSERT_EQ(::lstat(old_path.c_str(), &st), 0);
  EXPECT_EQ(OwnerView().owner(old_path, st), std::make_pair(1234u, 1234u));
}

TEST_P(SnapshotTest, CommittedDirsAreNamedByTheIdMapping) {
  SnapshotStore snapshots(*store_, GetParam());
  Digest chain = snapshots.unpack({base_});
  std::string tag = ::geteuid() == 0 ? "" : id_map_tag(plan_id_maps());
  EXPECT_EQ(snapshots.layer_dirs(chain).at(0), snapshots.root() + "/committed/" + chain.hex() + tag + "/fs");
  EXPECT_EQ(tag.empty(), ::geteuid() == 0);
}

TEST(IdMapTag, IdentityIsEmptyAndOtherMappingsDiffer) {
  IdMapPlan identity;
  identity.uids = identity.gids = {{0, 0, 65536}};
  EXPECT_EQ(id_map_tag(identity), "");
  IdMapPlan single;
  single.uids = single.gids = {{0, 65534, 1}};
  IdMapPlan range = single;
  range.uids.push_back({1, 400000, 65536});
  range.gids.push_back({1, 400000, 65536});
  IdMapPlan other_range = single;
  other_range.uids.push_back({1, 500000, 65536});
  other_range.gids.push_back({1, 500000, 65536});
  std::string s = id_map_tag(single), r = id_map_tag(range), o = id_map_tag(other_range);
  EXPECT_EQ(s.size(), 14u);
  EXPECT_TRUE(s.starts_with("-m")) << s;
  EXPECT_NE(s, r);
  EXPECT_NE(r, o);
  EXPECT_EQ(r, id_map_tag(range));
}

}  // namespace
}  // namespace ocbuild::snapshot::test
