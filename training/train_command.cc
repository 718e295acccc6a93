#include "training/train_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/data/status_macros.h"
#include "core/data/synthetic.h"
#include "core/model_io.h"
#include "core/snapshot/snapshot_store.h"
#include "spdlog/spdlog.h"

namespace fe {
namespace {

nlohmann::json MetricsToJson(const GzslMetrics& metrics) {
  return {{"t1", metrics.t1}, {"u", metrics.u}, {"s", metrics.s},
          {"h", metrics.h}};
}

void LogEpoch(const EpochStats& stats, int epochs) {
  std::string line = absl::StrFormat(
      "epoch %d/%d critic_loss=%.4f gp=%.4f adv=%.4f cls=%.4f dep=%.4f "
      "rank=%.4f ins=%.4f rec=%.4f seconds=%.2f",
      stats.epoch, epochs, stats.critic_loss, stats.gradient_penalty,
      stats.adversarial_loss, stats.classification_loss,
      stats.dependency_loss, stats.ranking_loss, stats.instance_loss,
      stats.reconstruction_loss, stats.seconds);
  if (stats.metrics) {
    absl::StrAppendFormat(&line, " t1=%.4f u=%.4f s=%.4f h=%.4f",
                          stats.metrics->t1, stats.metrics->u,
                          stats.metrics->s, stats.metrics->h);
  }
  spdlog::info("{}", line);
}

absl::Status WriteMetricsJson(const std::string& path,
                              const nlohmann::json& metrics) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    return absl::InternalError(absl::StrCat(
        "cannot open --metrics_json file ", path, " for writing"));
  }
  out << metrics.dump(2) << "\n";
  out.close();
  if (!out) {
    return absl::InternalError(
        absl::StrCat("failed to write --metrics_json file ", path));
  }
  return absl::OkStatus();
}

absl::Status CheckCommand(const TrainCommand& command) {
  if (command.data.empty()) {
    return absl::InvalidArgumentError(
        "--data is required: a dataset directory in the xlsa17 layout, or "
        "'synthetic'");
  }
  if (command.snapshot_root.empty()) {
    return absl::InvalidArgumentError(
        "--snapshot_root is required: the directory of the snapshot store");
  }
  if (command.model.empty()) {
    return absl::InvalidArgumentError(
        "--model is required: the name to publish the snapshot under");
  }
  FE_RETURN_IF_ERROR(ValidateModelName(command.model));
  return command.options.Validate();
}

}  // namespace

double PeakRssMib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

absl::StatusOr<Xlsa17Dataset> LoadTrainingData(const std::string& data,
                                               const std::string& feature_file,
                                               uint64_t seed) {
  if (data == kSyntheticData) {
    // The embedded default: the AWA2-sized synthetic benchmark at d = 128
    // (the VGGish size), small enough to train in about a minute on CPU.
    // At noise 1.0 a nearest-class-mean classifier gets about 0.83 of the
    // seen test samples right, so the task is learnable but not trivial.
    SyntheticOptions options;
    options.feature_dim = 128;
    options.noise_std = 1.0;
    options.seed = seed;
    return MakeSyntheticDataset(options);
  }
  if (!std::filesystem::is_directory(data)) {
    return absl::NotFoundError(absl::StrCat(
        "dataset directory ", data, " does not exist; pass a directory in "
        "the xlsa17 layout, or --data=synthetic for the built-in benchmark"));
  }
  Xlsa17Options options;
  options.feature_file = feature_file;
  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(data, options);
  const std::filesystem::path feature_path =
      std::filesystem::path(data) / feature_file;
  if (absl::IsNotFound(dataset.status()) &&
      !std::filesystem::exists(feature_path)) {
    // Name the .mat files that are there, since the feature file name
    // differs between releases (res101.mat, CNN_fea.mat).
    std::vector<std::string> mat_files;
    for (const auto& entry : std::filesystem::directory_iterator(data)) {
      if (entry.path().extension() == ".mat") {
        mat_files.push_back(entry.path().filename().string());
      }
    }
    std::sort(mat_files.begin(), mat_files.end());
    return absl::NotFoundError(absl::StrCat(
        "feature file ", feature_path.string(), " not found; the directory "
        "has ", mat_files.empty() ? "no .mat files" : absl::StrJoin(mat_files, ", "),
        ". Name the feature file with --features"));
  }
  return dataset;
}

absl::Status RunTrainCommand(const TrainCommand& command,
                             const std::atomic<bool>* cancel) {
  FE_RETURN_IF_ERROR(CheckCommand(command));
  // Check the device before loading data, so --device=cuda on a machine
  // without CUDA fails at once.
  FE_RETURN_IF_ERROR(ResolveDevice(command.options.device).status());
  // Open the store first, so a bad --snapshot_root fails before training.
  FE_ASSIGN_OR_RETURN(store,
                      SnapshotStore::Create({.root = command.snapshot_root}));

  FE_ASSIGN_OR_RETURN(dataset, LoadTrainingData(command.data,
                                                command.feature_file,
                                                command.options.seed));
  if (command.validation) {
    FE_ASSIGN_OR_RETURN(split,
                        MakeValidationSplit(dataset, command.validation_holdout,
                                            command.options.seed));
    dataset = std::move(split);
  }
  spdlog::info("loaded dataset name={} samples={} d={} p={} classes={}",
               dataset.name, dataset.num_samples, dataset.feature_dim,
               dataset.attribute_dim, dataset.num_classes);

  const int epochs = command.options.epochs;
  FE_ASSIGN_OR_RETURN(
      result, TrainFe(dataset, command.options,
                      [epochs](const EpochStats& stats) {
                        LogEpoch(stats, epochs);
                      },
                      cancel));

  const GzslMetrics& m = result.final_metrics;
  std::printf("final epoch %d: T1=%.2f%% U=%.2f%% S=%.2f%% H=%.2f%%\n",
              epochs, 100 * m.t1, 100 * m.u, 100 * m.s, 100 * m.h);
  if (command.options.eval_every > 0 && result.best_metrics) {
    const GzslMetrics& b = *result.best_metrics;
    std::printf(
        "best H over evaluated epochs (epoch %d, %s): "
        "T1=%.2f%% U=%.2f%% S=%.2f%% H=%.2f%%\n",
        result.best_epoch,
        command.validation ? "chosen on the validation split"
                           : "CHOSEN ON THE TEST SET, optimistic",
        100 * b.t1, 100 * b.u, 100 * b.s, 100 * b.h);
  }
  for (double calibration : command.calibration_grid) {
    const GzslMetrics c =
        EvaluateModel(*result.model, dataset, calibration, nullptr);
    std::printf("calibration %.3f: U=%.2f%% S=%.2f%% H=%.2f%%\n", calibration,
                100 * c.u, 100 * c.s, 100 * c.h);
  }
  std::fflush(stdout);

  nlohmann::json metadata = {
      {"dataset", dataset.name},
      {"produced_by",
       {{"kind", "training"}, {"tool", "fe-train"},
        {"data", command.data}, {"validation", command.validation}}},
      {"training_options", command.options.ToJson()},
      {"metrics", MetricsToJson(m)},
      {"train_seconds", result.seconds},
      {"device", result.device}};
  if (command.data != kSyntheticData) {
    metadata["produced_by"]["feature_file"] = command.feature_file;
  }
  // Record the thread count that ran, since CPU results depend on it.
  metadata["training_options"]["threads"] = result.threads;
  FE_ASSIGN_OR_RETURN(version, PublishFeModel(*store, command.model,
                                              *result.model, metadata));
  std::printf("published %s version %lld\n", command.model.c_str(),
              static_cast<long long>(version));

  if (!command.metrics_json.empty()) {
    nlohmann::json metrics = MetricsToJson(m);
    metrics["version"] = version;
    metrics["model"] = command.model;
    metrics["epochs"] = epochs;
    metrics["seconds"] = result.seconds;
    metrics["peak_rss_mib"] = PeakRssMib();
    metrics["device"] = result.device;
    if (command.options.eval_every > 0 && result.best_metrics) {
      nlohmann::json best = MetricsToJson(*result.best_metrics);
      best["epoch"] = result.best_epoch;
      best["selection"] = command.validation
                              ? "chosen on the validation split"
                              : "chosen on the test set";
      metrics["best_on_test"] = best;
    }
    FE_RETURN_IF_ERROR(WriteMetricsJson(command.metrics_json, metrics));
  }
  return absl::OkStatus();
}

}  // namespace fe
