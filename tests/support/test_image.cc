#include "support/test_image.h"

#include <stdexcept>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

namespace ocbuild::testing {

TestImage make_test_image(ContentStore& store, const std::string& ref_name) {
  TempDir tmp("ocbuild-testimg-");
  std::string rootfs = tmp.path() + "/rootfs";
  make_dirs(rootfs + "/etc");
  make_dirs(rootfs + "/bin");
  write_file_atomic(rootfs + "/hello.txt", "hello from " + ref_name + "\n");
  write_file_atomic(rootfs + "/etc/os-release", "ID=test\n");
  std::string tar = tmp.path() + "/layer.tar";
  auto r = run_command("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf " + tar + " -C " +
                       rootfs + " . && gzip -n -k " + tar);
  if (r.status != 0) throw std::runtime_error("making test layer failed: " + r.output);

  TestImage img;
  img.diff_id = Digest::of_file(tar);
  img.layer = store.ingest_file(tar + ".gz");
  ImageConfig cfg;
  cfg.architecture = "amd64";
  cfg.os = "linux";
  cfg.created = "2024-01-01T00:00:00Z";
  cfg.config.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  cfg.config.cmd = {"/bin/sh"};
  cfg.config.labels = {{"test.ref", ref_name}};
  cfg.rootfs.diff_ids = {img.diff_id};
  cfg.history = {{"2024-01-01T00:00:00Z", "ADD rootfs / # " + ref_name, "", "", false},
                 {"2024-01-01T00:00:00Z", "CMD [\"/bin/sh\"]", "", "", true}};
  Descriptor config = store.put_config(cfg);
  img.config = config.digest;
  Manifest m;
  m.config = config;
  m.layers = {Descriptor{media_type::kOciLayerGzip, img.layer, *store.blob_size(img.layer), {}, {}, {}}};
  img.manifest = store.put_manifest(m);
  store.tag(ref_name, img.manifest);
  return img;
}

}  // namespace ocbuild::testing
