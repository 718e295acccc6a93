// fe-synth: writes a synthetic GZSL benchmark directory in the xlsa17 layout
// (a feature file and att_splits.mat), fully synthetic or with the class
// vectors and split sizes of a real att_splits.mat. synthetic.h documents
// the generative model.
//
//   fe-synth --output /tmp/synthetic
//   fe-synth --output /tmp/cub-synthetic
//            --from_splits /data/xlsa17-splits/CUB/att_splits.mat

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "core/data/synthetic.h"
#include "core/data/xlsa17.h"
#include "spdlog/spdlog.h"

namespace {
const fe::SyntheticOptions kDefaults;
}  // namespace

ABSL_FLAG(std::string, output, "",
          "Directory to write the benchmark to; created if missing. Required.");
ABSL_FLAG(std::string, from_splits, "",
          "Path of a real att_splits.mat. When set, its class vectors, class "
          "names and split sizes are kept and only features are drawn; "
          "--attribute_dim, --num_seen and the *_per_class flags are then "
          "ignored.");
ABSL_FLAG(int64_t, num_unseen, 0,
          "Number of unseen classes. 0 takes the standard count of the "
          "benchmark named by the --from_splits directory (APY, AWA1, AWA2, "
          "CUB, FLO, SUN), or 10 without --from_splits.");
ABSL_FLAG(int64_t, num_seen, kDefaults.num_seen_classes,
          "Number of seen classes of a fully synthetic benchmark.");
ABSL_FLAG(int64_t, attribute_dim, kDefaults.attribute_dim,
          "Class vector length p of a fully synthetic benchmark.");
ABSL_FLAG(int64_t, trainval_per_class, kDefaults.trainval_per_class,
          "Samples per seen class in trainval_loc; fully synthetic only.");
ABSL_FLAG(int64_t, test_seen_per_class, kDefaults.test_seen_per_class,
          "Samples per seen class in test_seen_loc; fully synthetic only.");
ABSL_FLAG(int64_t, test_unseen_per_class, kDefaults.test_unseen_per_class,
          "Samples per unseen class in test_unseen_loc; fully synthetic "
          "only.");
ABSL_FLAG(int64_t, feature_dim, kDefaults.feature_dim,
          "Feature vector length d (2048 matches the ResNet-101 features of "
          "xlsa17).");
ABSL_FLAG(int64_t, hidden_dim, kDefaults.hidden_dim,
          "Hidden size h, the rank of the map from class vectors to class "
          "means.");
ABSL_FLAG(double, signal_scale, kDefaults.signal_scale,
          "Gain inside tanh (dimensionless); larger values saturate the "
          "class means.");
ABSL_FLAG(double, bias_std, kDefaults.bias_std,
          "Standard deviation of the feature bias (feature units).");
ABSL_FLAG(double, noise_std, kDefaults.noise_std,
          "Standard deviation of the per-sample noise before the ReLU "
          "(feature units); larger values make classes overlap more.");
ABSL_FLAG(uint64_t, seed, kDefaults.seed,
          "Seed of all random draws; equal seeds and flags give identical "
          "files.");
ABSL_FLAG(bool, train_val, kDefaults.emit_train_val,
          "Write train_loc and val_loc, which split the seen classes into "
          "training and validation classes.");
ABSL_FLAG(double, val_class_fraction, kDefaults.val_class_fraction,
          "Share of the seen classes that become validation classes (0..1, "
          "exclusive).");
ABSL_FLAG(std::string, feature_file, fe::Xlsa17Options().feature_file,
          "File name of the feature file inside --output.");
ABSL_FLAG(std::string, splits_file, fe::Xlsa17Options().splits_file,
          "File name of the attribute and split file inside --output.");

namespace fe {
namespace {

// Parameters of one fe-synth run.
struct SynthRequest {
  std::string output_directory;
  std::string from_splits;  // empty for a fully synthetic benchmark
  SyntheticOptions synthetic;
  // Used with from_splits; 0 takes the benchmark's standard count.
  int64_t num_unseen_from_splits = 0;
  Xlsa17Options files;
};

SynthRequest RequestFromFlags() {
  SynthRequest request;
  request.output_directory = absl::GetFlag(FLAGS_output);
  request.from_splits = absl::GetFlag(FLAGS_from_splits);
  request.files.feature_file = absl::GetFlag(FLAGS_feature_file);
  request.files.splits_file = absl::GetFlag(FLAGS_splits_file);

  SyntheticOptions& options = request.synthetic;
  options.feature_dim = absl::GetFlag(FLAGS_feature_dim);
  options.hidden_dim = absl::GetFlag(FLAGS_hidden_dim);
  options.signal_scale = absl::GetFlag(FLAGS_signal_scale);
  options.bias_std = absl::GetFlag(FLAGS_bias_std);
  options.noise_std = absl::GetFlag(FLAGS_noise_std);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.emit_train_val = absl::GetFlag(FLAGS_train_val);
  options.val_class_fraction = absl::GetFlag(FLAGS_val_class_fraction);
  options.attribute_dim = absl::GetFlag(FLAGS_attribute_dim);
  options.num_seen_classes = absl::GetFlag(FLAGS_num_seen);
  options.trainval_per_class = absl::GetFlag(FLAGS_trainval_per_class);
  options.test_seen_per_class = absl::GetFlag(FLAGS_test_seen_per_class);
  options.test_unseen_per_class = absl::GetFlag(FLAGS_test_unseen_per_class);

  const int64_t num_unseen = absl::GetFlag(FLAGS_num_unseen);
  request.num_unseen_from_splits = num_unseen;
  if (num_unseen != 0) options.num_unseen_classes = num_unseen;
  return request;
}

absl::StatusOr<Xlsa17Dataset> MakeDataset(const SynthRequest& request) {
  if (request.from_splits.empty()) {
    return MakeSyntheticDataset(request.synthetic);
  }
  SyntheticFromSplitsOptions options;
  static_cast<SyntheticGeneratorOptions&>(options) = request.synthetic;
  options.num_unseen_classes = request.num_unseen_from_splits;
  return MakeSyntheticFromSplits(request.from_splits, options);
}

absl::Status RunSynth(const SynthRequest& request) {
  if (request.output_directory.empty()) {
    return absl::InvalidArgumentError(
        "--output is missing; pass the directory to write the benchmark to");
  }
  absl::StatusOr<Xlsa17Dataset> dataset = MakeDataset(request);
  if (!dataset.ok()) return dataset.status();
  absl::Status status =
      WriteXlsa17(*dataset, request.output_directory, request.files);
  if (!status.ok()) return status;
  spdlog::info(
      "wrote synthetic benchmark name={} dir={} samples={} feature_dim={} "
      "classes={} seen={} unseen={} trainval={} test_seen={} test_unseen={} "
      "train={} val={} seed={}",
      dataset->name, request.output_directory, dataset->num_samples,
      dataset->feature_dim, dataset->num_classes, dataset->seen_classes.size(),
      dataset->unseen_classes.size(), dataset->trainval.size(),
      dataset->test_seen.size(), dataset->test_unseen.size(),
      dataset->train.size(), dataset->val.size(), request.synthetic.seed);
  return absl::OkStatus();
}

}  // namespace
}  // namespace fe

int main(int argc, char** argv) {
  // absl lists under --help only flags of files named after the program
  // (fe-synth.cc, fe-synth_main.cc), which this file's name does not match.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "fe_synth_main.cc");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      "Writes a synthetic GZSL benchmark in the xlsa17 layout.\n"
      "  fe-synth --output DIR [--from_splits PATH/att_splits.mat "
      "[--num_unseen N]] [--feature_dim D] [--seed S]");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = fe::RunSynth(fe::RequestFromFlags());
  if (!status.ok()) {
    std::fprintf(stderr, "fe-synth: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
