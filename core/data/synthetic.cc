#include "core/data/synthetic.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/data/status_macros.h"

namespace fe {
namespace {

// Stream numbers of the generative model that synthetic.h documents.
enum Stream : uint64_t {
  kModelStream = 0,
  kClassVectorStream = 1,
  kClassSplitStream = 2,
  kSampleStream = 3,
};

constexpr double kTwoPi = 6.283185307179586476925286766559;

uint64_t SplitMix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// One random stream of the generative model. Every draw is defined from the
// raw 64-bit engine output, so results do not depend on the standard
// library's distribution classes.
class RandomStream {
 public:
  RandomStream(uint64_t seed, Stream stream)
      : engine_(SplitMix64(SplitMix64(seed) + stream)) {}

  // Returns a uniform draw in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Returns a standard normal draw (Box-Muller, second value of each pair
  // kept for the next call).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = Uniform();
    const double u2 = Uniform();
    const double radius = std::sqrt(-2.0 * std::log(1.0 - u1));
    const double angle = kTwoPi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  // Returns `count` distinct values of 0..n-1 in ascending order (partial
  // Fisher-Yates shuffle).
  std::vector<int64_t> Choose(int64_t n, int64_t count) {
    std::vector<int64_t> order(n);
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    for (int64_t i = 0; i < count; ++i) {
      const int64_t offset = static_cast<int64_t>(Uniform() * (n - i));
      const int64_t j = std::min(i + offset, n - 1);
      std::swap(order[i], order[j]);
    }
    order.resize(count);
    std::sort(order.begin(), order.end());
    return order;
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// The fixed random map from a class vector to its class mean.
struct FeatureModel {
  int64_t attribute_dim = 0;
  int64_t hidden_dim = 0;
  int64_t feature_dim = 0;
  double signal_scale = 1.0;
  std::vector<double> v;  // [hidden_dim, attribute_dim]
  std::vector<double> w;  // [feature_dim, hidden_dim]
  std::vector<double> b;  // [feature_dim]
};

FeatureModel DrawModel(int64_t attribute_dim,
                       const SyntheticGeneratorOptions& options) {
  FeatureModel model;
  model.attribute_dim = attribute_dim;
  model.hidden_dim = options.hidden_dim;
  model.feature_dim = options.feature_dim;
  model.signal_scale = options.signal_scale;
  RandomStream stream(options.seed, kModelStream);
  model.v.resize(model.hidden_dim * attribute_dim);
  for (double& value : model.v) value = stream.Normal();
  model.w.resize(model.feature_dim * model.hidden_dim);
  const double w_std = 1.0 / std::sqrt(static_cast<double>(model.hidden_dim));
  for (double& value : model.w) value = w_std * stream.Normal();
  model.b.resize(model.feature_dim);
  for (double& value : model.b) value = options.bias_std * stream.Normal();
  return model;
}

// Returns mu_c = W tanh(signal_scale * V a_c) + b with a_c the L2-normalised
// class vector `attributes` [attribute_dim].
std::vector<double> ClassMean(const FeatureModel& model,
                              const float* attributes) {
  double squared_norm = 0.0;
  for (int64_t i = 0; i < model.attribute_dim; ++i) {
    squared_norm += static_cast<double>(attributes[i]) * attributes[i];
  }
  const double inverse_norm =
      squared_norm > 0.0 ? 1.0 / std::sqrt(squared_norm) : 0.0;

  std::vector<double> hidden(model.hidden_dim);
  for (int64_t row = 0; row < model.hidden_dim; ++row) {
    const double* v_row = model.v.data() + row * model.attribute_dim;
    double sum = 0.0;
    for (int64_t i = 0; i < model.attribute_dim; ++i) {
      sum += v_row[i] * (attributes[i] * inverse_norm);
    }
    hidden[row] = std::tanh(model.signal_scale * sum);
  }
  std::vector<double> mean(model.feature_dim);
  for (int64_t row = 0; row < model.feature_dim; ++row) {
    const double* w_row = model.w.data() + row * model.hidden_dim;
    double sum = model.b[row];
    for (int64_t k = 0; k < model.hidden_dim; ++k) sum += w_row[k] * hidden[k];
    mean[row] = sum;
  }
  return mean;
}

// Assignment of classes to unseen, seen and validation (seen, held out).
struct ClassSplit {
  std::vector<bool> unseen;          // [num_classes]
  std::vector<bool> validation;      // [num_classes]
  std::vector<int32_t> seen_list;    // ascending
  std::vector<int32_t> unseen_list;  // ascending
};

ClassSplit DrawClassSplit(int64_t num_classes, int64_t num_unseen,
                          const SyntheticGeneratorOptions& options) {
  RandomStream stream(options.seed, kClassSplitStream);
  ClassSplit split;
  split.unseen.assign(num_classes, false);
  split.validation.assign(num_classes, false);
  for (int64_t c : stream.Choose(num_classes, num_unseen))
    split.unseen[c] = true;
  for (int64_t c = 0; c < num_classes; ++c) {
    (split.unseen[c] ? split.unseen_list : split.seen_list)
        .push_back(static_cast<int32_t>(c));
  }
  if (!options.emit_train_val) return split;

  const int64_t num_seen = static_cast<int64_t>(split.seen_list.size());
  const int64_t num_validation = std::clamp<int64_t>(
      std::llround(options.val_class_fraction * num_seen), 1, num_seen - 1);
  for (int64_t position : stream.Choose(num_seen, num_validation)) {
    split.validation[split.seen_list[position]] = true;
  }
  return split;
}

// Samples per class of each split, [num_classes] each.
struct SampleCounts {
  std::vector<int64_t> trainval;
  std::vector<int64_t> test_seen;
  std::vector<int64_t> test_unseen;
};

// Spreads `total` samples over `classes`: class i of the list gets
// floor(total / C) plus one if i < total mod C.
void Spread(int64_t total, const std::vector<int32_t>& classes,
            std::vector<int64_t>& per_class) {
  const int64_t count = static_cast<int64_t>(classes.size());
  for (int64_t i = 0; i < count; ++i) {
    per_class[classes[i]] = total / count + (i < total % count ? 1 : 0);
  }
}

// Draws the samples of every class and fills features, labels and splits.
// `dataset` must have its classes and attributes set.
absl::Status DrawSamples(const ClassSplit& split, const SampleCounts& counts,
                         const SyntheticGeneratorOptions& options,
                         Xlsa17Dataset& dataset) {
  int64_t num_samples = 0;
  for (int64_t c = 0; c < dataset.num_classes; ++c) {
    num_samples +=
        counts.trainval[c] + counts.test_seen[c] + counts.test_unseen[c];
  }
  dataset.num_samples = num_samples;
  dataset.feature_dim = options.feature_dim;
  dataset.features.assign(num_samples * options.feature_dim, 0.0f);
  dataset.labels.assign(num_samples, 0);

  const FeatureModel model = DrawModel(dataset.attribute_dim, options);
  RandomStream stream(options.seed, kSampleStream);
  int64_t sample = 0;
  auto draw = [&](int32_t class_index, const std::vector<double>& mean,
                  int64_t count, std::vector<int64_t>& split_samples,
                  bool is_trainval) {
    for (int64_t n = 0; n < count; ++n, ++sample) {
      float* row = dataset.features.data() + sample * options.feature_dim;
      for (int64_t j = 0; j < options.feature_dim; ++j) {
        row[j] = static_cast<float>(
            std::max(0.0, mean[j] + options.noise_std * stream.Normal()));
      }
      dataset.labels[sample] = class_index;
      split_samples.push_back(sample);
      if (is_trainval && options.emit_train_val) {
        (split.validation[class_index] ? dataset.val : dataset.train)
            .push_back(sample);
      }
    }
  };
  for (int32_t c = 0; c < dataset.num_classes; ++c) {
    const std::vector<double> mean = ClassMean(model, dataset.attribute_row(c));
    draw(c, mean, counts.trainval[c], dataset.trainval, true);
    draw(c, mean, counts.test_seen[c], dataset.test_seen, false);
    draw(c, mean, counts.test_unseen[c], dataset.test_unseen, false);
  }
  // All samples are drawn class by class, so the splits are in ascending
  // sample order already.
  return ValidateXlsa17(dataset);
}

absl::Status CheckAtLeast(const char* name, int64_t value, int64_t minimum) {
  if (value >= minimum) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "synthetic option ", name, " is ", value, ", expected >= ", minimum));
}

absl::Status CheckNonNegative(const char* name, double value) {
  if (std::isfinite(value) && value >= 0.0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("synthetic option ", name, " is ", value,
                   ", expected a finite value >= 0"));
}

absl::Status CheckGeneratorOptions(const SyntheticGeneratorOptions& options) {
  FE_RETURN_IF_ERROR(CheckAtLeast("feature_dim", options.feature_dim, 1));
  FE_RETURN_IF_ERROR(CheckAtLeast("hidden_dim", options.hidden_dim, 1));
  FE_RETURN_IF_ERROR(CheckNonNegative("signal_scale", options.signal_scale));
  FE_RETURN_IF_ERROR(CheckNonNegative("bias_std", options.bias_std));
  FE_RETURN_IF_ERROR(CheckNonNegative("noise_std", options.noise_std));
  const double fraction = options.val_class_fraction;
  if (options.emit_train_val && !(fraction > 0.0 && fraction < 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "synthetic option val_class_fraction is ", fraction,
        ", expected a value in (0, 1) when emit_train_val is set"));
  }
  return absl::OkStatus();
}

// Checks the class counts shared by both generators.
absl::Status CheckClassCounts(int64_t num_classes, int64_t num_unseen,
                              const SyntheticGeneratorOptions& options) {
  const int64_t min_seen = options.emit_train_val ? 2 : 1;
  if (num_unseen >= 1 && num_classes - num_unseen >= min_seen) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "synthetic option num_unseen_classes is ", num_unseen, " of ",
      num_classes, " classes, expected 1..", num_classes - min_seen,
      options.emit_train_val
          ? " (emit_train_val needs 2 seen classes: one for train, one for val)"
          : " (at least one class must stay seen)"));
}

absl::Status CheckSyntheticOptions(const SyntheticOptions& options) {
  FE_RETURN_IF_ERROR(CheckGeneratorOptions(options));
  FE_RETURN_IF_ERROR(CheckAtLeast("attribute_dim", options.attribute_dim, 1));
  FE_RETURN_IF_ERROR(CheckAtLeast("num_seen_classes", options.num_seen_classes,
                                  options.emit_train_val ? 2 : 1));
  FE_RETURN_IF_ERROR(
      CheckAtLeast("num_unseen_classes", options.num_unseen_classes, 1));
  FE_RETURN_IF_ERROR(
      CheckAtLeast("trainval_per_class", options.trainval_per_class, 1));
  FE_RETURN_IF_ERROR(
      CheckAtLeast("test_seen_per_class", options.test_seen_per_class, 0));
  return CheckAtLeast("test_unseen_per_class", options.test_unseen_per_class,
                      1);
}

// Draws raw class vectors with |N(0, 1)| entries into original_attributes
// and their L2-normalised copies into attributes.
void DrawClassVectors(const SyntheticOptions& options, Xlsa17Dataset& dataset) {
  RandomStream stream(options.seed, kClassVectorStream);
  const int64_t p = options.attribute_dim;
  std::vector<float> raw(dataset.num_classes * p);
  dataset.attributes.resize(raw.size());
  for (int64_t c = 0; c < dataset.num_classes; ++c) {
    std::vector<double> vector(p);
    double squared_norm = 0.0;
    for (double& value : vector) {
      value = std::fabs(stream.Normal());
      squared_norm += value * value;
    }
    const double norm = std::sqrt(squared_norm);
    for (int64_t i = 0; i < p; ++i) {
      raw[c * p + i] = static_cast<float>(vector[i]);
      dataset.attributes[c * p + i] = static_cast<float>(vector[i] / norm);
    }
  }
  dataset.original_attributes = std::move(raw);
}

// Returns the name of the directory that contains `path`.
std::string ParentDirectoryName(const std::string& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) absolute = path;
  return absolute.parent_path().filename().string();
}

}  // namespace

absl::StatusOr<Xlsa17Dataset> MakeSyntheticDataset(
    const SyntheticOptions& options) {
  FE_RETURN_IF_ERROR(CheckSyntheticOptions(options));

  Xlsa17Dataset dataset;
  dataset.name = "synthetic";
  dataset.num_classes = options.num_seen_classes + options.num_unseen_classes;
  dataset.attribute_dim = options.attribute_dim;
  for (int64_t c = 0; c < dataset.num_classes; ++c) {
    dataset.class_names.push_back(absl::StrCat("class_", c + 1));
  }
  DrawClassVectors(options, dataset);

  const ClassSplit split =
      DrawClassSplit(dataset.num_classes, options.num_unseen_classes, options);
  SampleCounts counts;
  counts.trainval.assign(dataset.num_classes, 0);
  counts.test_seen.assign(dataset.num_classes, 0);
  counts.test_unseen.assign(dataset.num_classes, 0);
  for (int32_t c : split.seen_list) {
    counts.trainval[c] = options.trainval_per_class;
    counts.test_seen[c] = options.test_seen_per_class;
  }
  for (int32_t c : split.unseen_list) {
    counts.test_unseen[c] = options.test_unseen_per_class;
  }
  FE_RETURN_IF_ERROR(DrawSamples(split, counts, options, dataset));
  return dataset;
}

absl::StatusOr<Xlsa17Dataset> MakeSyntheticFromSplits(
    const std::string& att_splits_path,
    const SyntheticFromSplitsOptions& options) {
  FE_RETURN_IF_ERROR(CheckGeneratorOptions(options));
  FE_ASSIGN_OR_RETURN(splits, LoadXlsa17Splits(att_splits_path));

  const std::string benchmark = ParentDirectoryName(att_splits_path);
  int64_t num_unseen = options.num_unseen_classes;
  if (num_unseen == 0) {
    absl::StatusOr<int64_t> standard = StandardUnseenClassCount(benchmark);
    if (!standard.ok()) {
      return absl::NotFoundError(absl::StrCat(
          att_splits_path,
          ": num_unseen_classes is 0, which takes the standard count of the "
          "benchmark named by the directory, but '",
          benchmark,
          "' is not one of APY, AWA1, AWA2, CUB, FLO and SUN. Set "
          "num_unseen_classes."));
    }
    num_unseen = *standard;
  }
  FE_RETURN_IF_ERROR(CheckClassCounts(splits.num_classes, num_unseen, options));

  Xlsa17Dataset dataset;
  dataset.name = absl::StrCat(benchmark, "-synthetic");
  dataset.num_classes = splits.num_classes;
  dataset.attribute_dim = splits.attribute_dim;
  dataset.attributes = std::move(splits.attributes);
  dataset.original_attributes = std::move(splits.original_attributes);
  dataset.class_names = std::move(splits.class_names);

  const ClassSplit split =
      DrawClassSplit(dataset.num_classes, num_unseen, options);
  const int64_t num_seen = static_cast<int64_t>(split.seen_list.size());
  const int64_t num_trainval = static_cast<int64_t>(splits.trainval.size());
  const int64_t num_test_unseen =
      static_cast<int64_t>(splits.test_unseen.size());
  if (num_trainval < num_seen || num_test_unseen < num_unseen) {
    return absl::InvalidArgumentError(
        absl::StrCat(att_splits_path, ": trainval_loc has ", num_trainval,
                     " and test_unseen_loc ", num_test_unseen, " samples, but ",
                     num_seen, " seen and ", num_unseen,
                     " unseen classes need at least one sample each; lower "
                     "num_unseen_classes or use a larger split file"));
  }
  SampleCounts counts;
  counts.trainval.assign(dataset.num_classes, 0);
  counts.test_seen.assign(dataset.num_classes, 0);
  counts.test_unseen.assign(dataset.num_classes, 0);
  Spread(num_trainval, split.seen_list, counts.trainval);
  Spread(static_cast<int64_t>(splits.test_seen.size()), split.seen_list,
         counts.test_seen);
  Spread(num_test_unseen, split.unseen_list, counts.test_unseen);
  FE_RETURN_IF_ERROR(DrawSamples(split, counts, options, dataset));
  return dataset;
}

absl::StatusOr<std::vector<float>> SyntheticClassMeans(
    const Xlsa17Dataset& dataset, const SyntheticGeneratorOptions& options) {
  FE_RETURN_IF_ERROR(CheckGeneratorOptions(options));
  if (dataset.feature_dim != options.feature_dim ||
      static_cast<int64_t>(dataset.attributes.size()) !=
          dataset.num_classes * dataset.attribute_dim) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", dataset.name, "' has feature_dim ", dataset.feature_dim,
        " and ", dataset.attributes.size(), " attribute values for ",
        dataset.num_classes, "x", dataset.attribute_dim,
        " classes x attributes, but the options have feature_dim ",
        options.feature_dim, "; pass the options the dataset was drawn with"));
  }
  const FeatureModel model = DrawModel(dataset.attribute_dim, options);
  const double s = options.noise_std;
  std::vector<float> means(dataset.num_classes * options.feature_dim);
  for (int64_t c = 0; c < dataset.num_classes; ++c) {
    const std::vector<double> mu = ClassMean(model, dataset.attribute_row(c));
    for (int64_t j = 0; j < options.feature_dim; ++j) {
      double expected = std::max(0.0, mu[j]);
      if (s > 0.0) {
        const double t = mu[j] / s;
        const double cdf = 0.5 * std::erfc(-t / std::sqrt(2.0));
        const double density = std::exp(-0.5 * t * t) / std::sqrt(kTwoPi);
        expected = mu[j] * cdf + s * density;
      }
      means[c * options.feature_dim + j] = static_cast<float>(expected);
    }
  }
  return means;
}

absl::StatusOr<int64_t> StandardUnseenClassCount(absl::string_view name) {
  static constexpr struct {
    const char* name;
    int64_t unseen;
  } kBenchmarks[] = {{"APY", 12}, {"AWA1", 10}, {"AWA2", 10},
                     {"CUB", 50}, {"FLO", 20},  {"SUN", 72}};
  const std::string upper = absl::AsciiStrToUpper(name);
  for (const auto& benchmark : kBenchmarks) {
    if (upper == benchmark.name) return benchmark.unseen;
  }
  return absl::NotFoundError(
      absl::StrCat("'", name,
                   "' is not a standard GZSL benchmark; known names are APY, "
                   "AWA1, AWA2, CUB, FLO and SUN"));
}

}  // namespace fe
