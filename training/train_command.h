// The fe-train batch command: load a dataset, train, evaluate, publish.

#ifndef FE_TRAINING_TRAIN_COMMAND_H_
#define FE_TRAINING_TRAIN_COMMAND_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "training/trainer.h"

namespace fe {

// The value of --data that selects the built-in synthetic benchmark.
inline constexpr char kSyntheticData[] = "synthetic";

struct TrainCommand {
  std::string data;  // dataset directory or kSyntheticData
  std::string feature_file = "res101.mat";
  std::string snapshot_root;
  std::string model;
  std::string metrics_json;  // optional output path
  bool validation = false;
  double validation_holdout = 0.2;
  // Calibrated-stacking factors to evaluate the final model with, besides
  // options.calibration, for choosing the factor on the validation split.
  std::vector<double> calibration_grid;
  TrainOptions options;
};

// Loads the dataset, trains, logs one line per epoch, prints T1/U/S/H and
// publishes a snapshot version. INVALID_ARGUMENT for missing or bad
// arguments, NOT_FOUND for a missing dataset, CANCELLED if `cancel` became
// true (nothing is published then).
absl::Status RunTrainCommand(const TrainCommand& command,
                             const std::atomic<bool>* cancel);

// Returns the dataset named by `data`: the built-in synthetic benchmark for
// kSyntheticData (drawn with `seed`), else the xlsa17 directory.
absl::StatusOr<Xlsa17Dataset> LoadTrainingData(const std::string& data,
                                               const std::string& feature_file,
                                               uint64_t seed);

// Returns the peak resident set size of this process in MiB.
double PeakRssMib();

}  // namespace fe

#endif  // FE_TRAINING_TRAIN_COMMAND_H_
