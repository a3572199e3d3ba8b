#pragma once
// The layer flags shared by commands that write layers: --compression and
// --source-date-epoch (which also reads $SOURCE_DATE_EPOCH).
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "ocbuild/export/layer_writer.h"

namespace ocbuild::cli {

struct LayerFlags {
  std::string compression = "gzip";
  std::optional<int64_t> source_date_epoch;

  void add_to(CLI::App& app);
  // Throws Error(Invalid) for an unknown compression or a bad epoch.
  exporter::LayerWriteOptions to_options() const;
};

}  // namespace ocbuild::cli
