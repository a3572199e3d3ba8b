// COPY --from reads only the paths its sources reach (from_subset.cc); a
// wildcard at the top falls back to the full copy of the stage. Both must
// give byte-identical layers.
#include <filesystem>
#include <fstream>

#include "e2e/build_fixture.h"

namespace ocbuild::e2e {
namespace {

namespace fs = std::filesystem;

class CopyFromTest : public BuildSuite {};

// The source stage: symlinks on the way, a file deleted in a later layer,
// a directory replaced (opaque) and modes to keep.
constexpr const char* kStages = R"(FROM busybox:latest AS build
RUN mkdir -p /out/sub /data /real && echo one > /out/a && echo two > /out/sub/b && \
    ln -s ../data/target /out/link && echo t > /data/target && echo gone > /out/gone && \
    chmod 0600 /out/a && echo r > /real/file && ln -s /real /alias && echo old > /out/sub/old
RUN rm /out/gone && rm -rf /out/sub && mkdir /out/sub && echo new > /out/sub/new && \
    echo unrelated > /big-unrelated-file

FROM busybox:latest AS sparse
COPY --from=build /out/ /dst/
COPY --from=build /alias/file /x/
COPY --from=build /out/link /linked

FROM busybox:latest AS full
COPY --from=build /ou[t]/ /dst/
COPY --from=build /alia[s]/file /x/
COPY --from=build /ou[t]/link /linked
)";

TEST_F(CopyFromTest, SparseCopyIsByteIdenticalToTheFullTree) {
  std::string ctx = scratch("copy-from");
  fs::create_directories(ctx);
  std::ofstream(ctx + "/Dockerfile") << kStages;
  auto sparse = ocb("build --progress plain --source-date-epoch 0 --target sparse -t cf:sparse " + ctx);
  ASSERT_EQ(sparse.status, 0) << sparse.output;
  auto full = ocb("build --progress plain --source-date-epoch 0 --target full -t cf:full " + ctx);
  ASSERT_EQ(full.status, 0) << full.output;
  auto a = image("cf:sparse"), b = image("cf:full");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->manifest.layers.size(), b->manifest.layers.size());
  for (size_t i = 0; i < a->manifest.layers.size(); ++i)
    EXPECT_EQ(a->manifest.layers[i].digest, b->manifest.layers[i].digest) << "layer " << i;

  std::string root = unpack("cf:sparse");
  auto text = [&](const std::string& p) {
    std::ifstream in(root + p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(text("/dst/a"), "one\n");
  EXPECT_EQ(text("/dst/sub/new"), "new\n");
  EXPECT_FALSE(fs::exists(root + "/dst/gone"));     // deleted in a later layer
  EXPECT_FALSE(fs::exists(root + "/dst/sub/old"));  // hidden by the replaced dir
  EXPECT_FALSE(fs::exists(root + "/big-unrelated-file"));
  EXPECT_TRUE(fs::is_symlink(root + "/dst/link"));  // kept inside a copied dir
  EXPECT_EQ(text("/x/file"), "r\n");                       // through /alias -> /real
  EXPECT_EQ(text("/linked"), "t\n");                       // a named symlink is followed
  EXPECT_EQ(fs::status(root + "/dst/a").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace
}  // namespace ocbuild::e2e
