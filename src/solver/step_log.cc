#include "solver/step_log.h"

#include <algorithm>

#include "ocbuild/solver/explain.h"

namespace ocbuild::solver {

StepLog::StepLog(std::function<std::optional<LastBuild>()> load_previous)
    : load_previous_(std::move(load_previous)) {}

void StepLog::load_previous() const {
  std::call_once(loaded_, [this] {
    if (load_previous_) previous_ = load_previous_();
    if (!previous_) return;
    for (const auto& s : previous_->steps) previous_by_slot_[s.slot] = &s;
  });
}

std::string StepLog::reason(const std::string& slot, const CacheKey& key) const {
  load_previous();
  if (!previous_) return "first build of this target";
  auto it = previous_by_slot_.find(slot);
  if (it == previous_by_slot_.end()) return "new step";
  const StepRecord& prev = *it->second;
  if (prev.key == key.digest) return "cache record missing or unusable (corrupt, or its layer blob is gone)";
  std::vector<std::string> lines = explain_miss(prev.fields, prev.files, key);
  if (lines.empty()) return "cache key changed";
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

void StepLog::add(int step, const std::string& slot, const std::string& name, const CacheKey& key,
                  StepReport report) {
  StepRecord record{name, key.digest, key.fields, key.files, slot};
  std::lock_guard lock(mu_);
  steps_[step] = {std::move(report), std::move(record)};
}

void StepLog::cached(int step, const std::string& slot, const std::string& name, const CacheKey& key) {
  add(step, slot, name, key, StepReport{name, true, ""});
}

std::string StepLog::missed(int step, const std::string& slot, const std::string& name, const CacheKey& key,
                            const std::string& forced) {
  std::string why = forced.empty() ? reason(slot, key) : forced;
  add(step, slot, name, key, StepReport{name, false, why});
  return why;
}

std::vector<StepReport> StepLog::reports() const {
  std::lock_guard lock(mu_);
  std::vector<StepReport> out;
  for (const auto& [step, entry] : steps_) out.push_back(entry.first);
  return out;
}

LastBuild StepLog::last_build() const {
  std::lock_guard lock(mu_);
  LastBuild out;
  for (const auto& [step, entry] : steps_) out.steps.push_back(entry.second);
  // By slot, not by step number (parallel stages number their steps in any
  // order): the same build gives the same record, which is then not rewritten.
  std::stable_sort(out.steps.begin(), out.steps.end(),
                   [](const StepRecord& a, const StepRecord& b) { return a.slot < b.slot; });
  return out;
}

}  // namespace ocbuild::solver
