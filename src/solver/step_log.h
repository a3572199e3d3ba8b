#pragma once
// Internal to the solver: what each step of one build did (cached or ran,
// and why it ran), gathered from the stages as they run in parallel. At the
// end it gives the SolveResult::steps and the LastBuild record the next
// build explains its misses against.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "ocbuild/solver/cache_store.h"
#include "ocbuild/solver/solver.h"

namespace ocbuild::solver {

class StepLog {
 public:
  // `load_previous` gives the previous build's record; it is called at the
  // first miss only (a fully cached build never reads it).
  explicit StepLog(std::function<std::optional<LastBuild>()> load_previous);

  void cached(int step, const std::string& slot, const std::string& name, const CacheKey& key);
  // Records a miss and returns its one-line reason. `forced` is the flag
  // that made the step run ("--no-cache"), empty when it was looked up.
  std::string missed(int step, const std::string& slot, const std::string& name, const CacheKey& key,
                     const std::string& forced);

  std::vector<StepReport> reports() const;  // by step number
  LastBuild last_build() const;             // by slot

 private:
  std::string reason(const std::string& slot, const CacheKey& key) const;
  void add(int step, const std::string& slot, const std::string& name, const CacheKey& key, StepReport report);

  void load_previous() const;

  std::function<std::optional<LastBuild>()> load_previous_;
  mutable std::once_flag loaded_;
  mutable std::optional<LastBuild> previous_;
  mutable std::map<std::string, const StepRecord*> previous_by_slot_;
  mutable std::mutex mu_;
  std::map<int, std::pair<StepReport, StepRecord>> steps_;
};

}  // namespace ocbuild::solver
