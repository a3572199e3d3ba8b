// Blob downloads that break off midway are retried from the start: the sink
// is reset, the hash starts over, and only the verified whole is committed.
#include <gtest/gtest.h>

#include <atomic>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/client.h"
#include "registry/fake_http_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::FakeHttpServer;
using ocbuild::testing::FakeRequest;
using ocbuild::testing::FakeResponse;

const std::string kBlob(200000, 'b');

ClientOptions fast() {
  ClientOptions o;
  o.use_credential_store = false;
  o.transport.initial_backoff = std::chrono::milliseconds(5);
  return o;
}

TEST(BlobPull, ABrokenTransferIsRetriedFromTheStart) {
  std::atomic<int> calls{0};
  FakeHttpServer s("127.0.0.1", [&](const FakeRequest&) {
    FakeResponse r{200, {}, kBlob};
    if (++calls == 1) r.cut_after = 70000;
    return r;
  });
  TempDir dir;
  std::string out = dir.path() + "/blob";
  FileBlobSink sink(out);
  Client(s.host(), "app", fast()).fetch_blob(Digest::of(kBlob), sink);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(read_file(out), kBlob);
}

TEST(BlobPull, ATransferThatKeepsBreakingFailsAndCommitsNothing) {
  FakeHttpServer s("127.0.0.1", [&](const FakeRequest&) {
    FakeResponse r{200, {}, kBlob};
    r.cut_after = 1000;
    return r;
  });
  ClientOptions o = fast();
  o.transport.max_attempts = 2;
  StringBlobSink sink;
  try {
    Client(s.host(), "app", o).fetch_blob(Digest::of(kBlob), sink);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Net);
    EXPECT_NE(std::string(e.what()).find("/app@" + Digest::of(kBlob).str()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(sink.committed());
}

}  // namespace
}  // namespace ocbuild::registry
