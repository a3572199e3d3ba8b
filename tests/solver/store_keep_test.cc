// --keep-storage sizes (Docker's RAMInBytes spelling: 1024-based units).
// The pruning itself is tested end to end in tests/e2e/prune_test.cc.
#include <gtest/gtest.h>

#include "ocbuild/solver/store_prune.h"

namespace ocbuild::solver {
namespace {

TEST(ParseStorageSize, BytesAndUnits) {
  EXPECT_EQ(parse_storage_size("0"), 0u);
  EXPECT_EQ(parse_storage_size("1048576"), 1048576u);
  EXPECT_EQ(parse_storage_size("512b"), 512u);
  EXPECT_EQ(parse_storage_size("10k"), 10240u);
  EXPECT_EQ(parse_storage_size("10KB"), 10240u);
  EXPECT_EQ(parse_storage_size("500MB"), 500ull << 20);
  EXPECT_EQ(parse_storage_size("2GB"), 2ull << 30);
  EXPECT_EQ(parse_storage_size("2g"), 2ull << 30);
  EXPECT_EQ(parse_storage_size("1.5GiB"), 3ull << 29);
  EXPECT_EQ(parse_storage_size("1t"), 1ull << 40);
}

TEST(ParseStorageSize, Malformed) {
  for (const char* bad : {"", "MB", "-1", "1.2.3", "5 MB", "5x", "5MBB", "5mib2", ".", "1e9"})
    EXPECT_FALSE(parse_storage_size(bad)) << bad;
}

}  // namespace
}  // namespace ocbuild::solver
