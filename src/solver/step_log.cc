#include "solver/step_log.h"

#include "ocbuild/solver/explain.h"

namespace ocbuild::solver {

StepLog::StepLog(std::optional<LastBuild> previous) : previous_(std::move(previous)) {
  if (!previous_) return;
  for (const auto& s : previous_->steps) previous_by_slot_[s.slot] = &s;
}

std::string StepLog::reason(const std::string& slot, const CacheKey& key) const {
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
  return out;
}

}  // namespace ocbuild::solver
