// ContentStore: tags (entries of index.json) and garbage collection. Every
// read-modify-write of index.json holds ROOT/index.lock and replaces the file
// atomically, so concurrent taggers in several processes never lose updates.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <set>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/lease.h"

namespace ocbuild {
namespace {

Index load_index(const std::string& root) {
  std::string path = root + "/index.json";
  try {
    return parse_index(read_file(path), path);
  } catch (Error& e) {
    e.add_context("reading the store's index.json");
    throw;
  }
}

void save_index(const std::string& root, Index idx) {
  auto name = [](const Descriptor& d) {
    auto it = d.annotations.find(kRefNameAnnotation);
    return it == d.annotations.end() ? std::string() : it->second;
  };
  std::stable_sort(idx.manifests.begin(), idx.manifests.end(),
                   [&](const Descriptor& a, const Descriptor& b) { return name(a) < name(b); });
  write_file_atomic(root + "/index.json", to_json_bytes(idx));
}

bool has_ref_name(const Descriptor& d, const std::string& ref_name) {
  auto it = d.annotations.find(kRefNameAnnotation);
  return it != d.annotations.end() && it->second == ref_name;
}

std::vector<std::string> list_blob_hexes(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw Error::io("open directory " + dir, errno);
  while (struct dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') out.emplace_back(e->d_name);
  ::closedir(d);
  return out;
}

}  // namespace

void ContentStore::tag(const std::string& ref_name, const Descriptor& target) {
  if (ref_name.empty()) throw Error(ErrorCode::Invalid, "empty tag name");
  if (!has(target.digest))
    throw Error(ErrorCode::NotFound, "cannot tag " + ref_name + ": blob " + target.digest.str() + " not in store");
  FileLock lock(root_ + "/index.lock");
  Index idx = load_index(root_);
  Descriptor entry = target;
  entry.annotations[kRefNameAnnotation] = ref_name;
  // Already so: leave index.json alone (no rewrite, no fsync).
  if (std::count_if(idx.manifests.begin(), idx.manifests.end(),
                    [&](const Descriptor& d) { return has_ref_name(d, ref_name); }) == 1 &&
      std::find(idx.manifests.begin(), idx.manifests.end(), entry) != idx.manifests.end())
    return;
  std::erase_if(idx.manifests, [&](const Descriptor& d) { return has_ref_name(d, ref_name); });
  idx.manifests.push_back(std::move(entry));
  save_index(root_, std::move(idx));
}

bool ContentStore::untag(const std::string& ref_name) {
  FileLock lock(root_ + "/index.lock");
  Index idx = load_index(root_);
  size_t removed = std::erase_if(idx.manifests, [&](const Descriptor& d) { return has_ref_name(d, ref_name); });
  if (removed) save_index(root_, std::move(idx));
  return removed > 0;
}

std::optional<Descriptor> ContentStore::resolve(const std::string& ref_name) const {
  for (auto& e : list_tags())
    if (e.ref_name == ref_name) return e.descriptor;
  return std::nullopt;
}

std::vector<TagEntry> ContentStore::list_tags() const {
  std::vector<TagEntry> out;
  for (auto& d : load_index(root_).manifests) {
    auto it = d.annotations.find(kRefNameAnnotation);
    if (it == d.annotations.end()) continue;
    TagEntry e{it->second, d};
    e.descriptor.annotations.erase(kRefNameAnnotation);
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const TagEntry& a, const TagEntry& b) { return a.ref_name < b.ref_name; });
  return out;
}

std::vector<Digest> ContentStore::reachable_from(const Descriptor& root) const {
  std::vector<Digest> out;
  std::vector<Descriptor> todo{root};
  std::set<Digest> seen;
  while (!todo.empty()) {
    Descriptor d = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(d.digest).second) continue;
    out.push_back(d.digest);
    if (!has(d.digest)) continue;  // a missing child (e.g. foreign layer) is not ours to walk
    if (is_manifest_media_type(d.media_type)) {
      Manifest m = parse_manifest(read(d.digest), d.digest.str());
      todo.push_back(m.config);
      for (auto& l : m.layers) todo.push_back(l);
    } else if (is_index_media_type(d.media_type)) {
      for (auto& c : parse_index(read(d.digest), d.digest.str()).manifests) todo.push_back(c);
    }
  }
  return out;
}

FileLock ContentStore::lease() const { return FileLock(root_ + "/gc.lock", FileLock::Mode::Shared); }

GcResult ContentStore::collect_garbage(std::chrono::seconds grace, const std::set<Digest>& also_live) {
  auto collecting = lock_for_collection(root_);
  if (!collecting) return GcResult{0, 0, true};
  FileLock lock(root_ + "/index.lock");
  std::set<std::string> live = read_leases(root_).blobs;
  for (const auto& d : also_live) live.insert(d.hex());
  for (const auto& d : load_index(root_).manifests)
    for (const auto& r : reachable_from(d)) live.insert(r.hex());
  GcResult result;
  std::string dir = root_ + "/blobs/sha256";
  time_t cutoff = ::time(nullptr) - static_cast<time_t>(grace.count());
  for (const auto& hex : list_blob_hexes(dir)) {
    if (live.count(hex)) continue;
    std::string path = dir + "/" + hex;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    if (grace.count() > 0 && st.st_mtime > cutoff) continue;
    if (::unlink(path.c_str()) != 0) throw Error::io("remove blob " + path, errno);
    result.blobs_removed++;
    result.bytes_removed += st.st_size;
  }
  fsync_dir(dir);
  return result;
}

}  // namespace ocbuild
