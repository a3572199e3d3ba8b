#include "ocbuild/core/temp_dir.h"
#include "snapshot/active_state.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {

void remove_active_dir(const std::string& dir) noexcept {
  try {
    as_container_root([&] {
      remove_tree_noexcept(dir);
      return std::string();
    });
  } catch (...) {
    remove_tree_noexcept(dir);  // best effort as ourselves
  }
}

ActiveSnapshot::ActiveSnapshot(std::unique_ptr<State> state) : state_(std::move(state)) {}
ActiveSnapshot::ActiveSnapshot(ActiveSnapshot&&) noexcept = default;

ActiveSnapshot& ActiveSnapshot::operator=(ActiveSnapshot&& o) noexcept {
  if (this != &o) {
    if (state_ && !state_->finished) remove_active_dir(state_->dir);
    state_ = std::move(o.state_);
  }
  return *this;
}

ActiveSnapshot::~ActiveSnapshot() {
  if (state_ && !state_->finished) remove_active_dir(state_->dir);
}

Driver ActiveSnapshot::driver() const { return state_->driver; }
const RootFs& ActiveSnapshot::root() const { return state_->root; }
const std::optional<Digest>& ActiveSnapshot::parent() const { return state_->parent; }

void ActiveSnapshot::record(const RunResult& result) {
  state_->created.insert(state_->created.end(), result.created_paths.begin(), result.created_paths.end());
}

const char* to_string(Driver driver) {
  switch (driver) {
    case Driver::Auto: return "auto";
    case Driver::Overlay: return "overlay";
    case Driver::Native: return "native";
  }
  return "?";
}

std::optional<Driver> parse_driver(std::string_view text) {
  for (Driver d : {Driver::Auto, Driver::Overlay, Driver::Native})
    if (text == to_string(d)) return d;
  return std::nullopt;
}

}  // namespace ocbuild::snapshot
