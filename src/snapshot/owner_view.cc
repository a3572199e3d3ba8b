#include "ocbuild/snapshot/owner_view.h"

#include <unistd.h>

#include "ocbuild/core/xattrs.h"
#include "snapshot/id_map.h"

namespace ocbuild::snapshot {

namespace {
constexpr uint32_t kOverflowId = 65534;  // /proc/sys/kernel/overflowuid's default
}

OwnerView::OwnerView() {
  if (::geteuid() == 0) return;
  identity_ = false;
  IdMapPlan plan = plan_id_maps();
  for (const auto& r : plan.uids) uids_.push_back({r.inside, r.outside, r.count});
  for (const auto& r : plan.gids) gids_.push_back({r.inside, r.outside, r.count});
}

uint32_t OwnerView::to_container(const std::vector<Range>& ranges, uint32_t host) {
  for (const auto& r : ranges)
    if (host >= r.outside && host - r.outside < r.count) return r.inside + (host - r.outside);
  return kOverflowId;
}

std::pair<uint32_t, uint32_t> OwnerView::owner(const std::string& path, const struct stat& st) const {
  uint32_t uid = st.st_uid, gid = st.st_gid;
  if (!identity_) uid = to_container(uids_, uid), gid = to_container(gids_, gid);
  if (auto kept = read_kept_owner(path, uid, gid)) return *kept;
  return {uid, gid};
}

}  // namespace ocbuild::snapshot
