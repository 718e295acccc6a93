// The FE snapshot format: how a FeModel is written to and read from a
// SnapshotStore version.
//
// A version holds manifest.json and one LibTorch archive per module:
//
//   generator.pt, semantic.pt, filter.pt,
//   classifier_gzsl.pt, classifier_zsl.pt
//
// The manifest ("format": "fe-snapshot/1") records the dimensions, the
// architecture switches, the preprocessing parameters, the class table, the
// classifier column order, and whatever the caller adds (dataset, training
// options, metrics, producer). LoadFeModel rebuilds the modules from the
// manifest's dimensions, so a weight file whose shapes disagree with the
// manifest is rejected.

#ifndef FE_CORE_MODEL_IO_H_
#define FE_CORE_MODEL_IO_H_

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/fe_model.h"
#include "core/snapshot/snapshot_store.h"
#include "nlohmann/json.hpp"

namespace fe {

inline constexpr char kSnapshotFormat[] = "fe-snapshot/1";

// Returns the manifest fields and weight files of `model`. `metadata` is a
// JSON object whose fields are copied into the manifest as they are.
absl::StatusOr<std::pair<nlohmann::json, std::vector<SnapshotFile>>>
SerializeFeModel(FeModel& model, const nlohmann::json& metadata);

// Serialises `model` and publishes it as the next version of `model_name`.
// Returns the version number.
absl::StatusOr<int64_t> PublishFeModel(const SnapshotStore& store,
                                       const std::string& model_name,
                                       FeModel& model,
                                       const nlohmann::json& metadata);

// Rebuilds a model from a verified snapshot onto `device`. INVALID_ARGUMENT
// (naming the field) for a manifest of another format or with missing or
// inconsistent fields, DATA_LOSS for a weight file that does not load into
// the modules the manifest describes.
absl::StatusOr<std::unique_ptr<FeModel>> LoadFeModel(const Snapshot& snapshot,
                                                     torch::Device device);

}  // namespace fe

#endif  // FE_CORE_MODEL_IO_H_
