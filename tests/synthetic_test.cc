// Tests of the synthetic benchmark generator: determinism, the documented
// shapes and splits, and that the class structure is learnable. Real-data
// cases read FE_DATA_DIR and skip when it is not set.

#include "core/data/synthetic.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/data/xlsa17.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace fe {
namespace {

using ::testing::HasSubstr;

using ScratchDir = testing::ScratchDir;

std::string ReadBytes(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}

// Small options that run in milliseconds.
SyntheticOptions SmallOptions() {
  SyntheticOptions options;
  options.feature_dim = 32;
  options.hidden_dim = 16;
  options.attribute_dim = 12;
  options.num_seen_classes = 8;
  options.num_unseen_classes = 4;
  options.trainval_per_class = 10;
  options.test_seen_per_class = 3;
  options.test_unseen_per_class = 5;
  // Explicit model settings, so that the golden values below do not move
  // when the defaults do.
  options.signal_scale = 1.0;
  options.bias_std = 0.5;
  options.noise_std = 0.5;
  options.val_class_fraction = 0.25;
  options.seed = 42;
  return options;
}

std::set<int32_t> ClassesOf(const Xlsa17Dataset& dataset,
                            const std::vector<int64_t>& samples) {
  std::set<int32_t> classes;
  for (int64_t sample : samples) classes.insert(dataset.labels[sample]);
  return classes;
}

// Returns the share of `samples` whose nearest class mean (Euclidean) among
// `candidates` is their own class.
double NearestMeanAccuracy(const Xlsa17Dataset& dataset,
                           const std::vector<float>& means,
                           const std::vector<int64_t>& samples,
                           const std::vector<int32_t>& candidates) {
  int64_t correct = 0;
  for (int64_t sample : samples) {
    const float* x = dataset.feature_row(sample);
    double best_distance = std::numeric_limits<double>::infinity();
    int32_t best_class = -1;
    for (int32_t c : candidates) {
      const float* mean = means.data() + c * dataset.feature_dim;
      double distance = 0.0;
      for (int64_t j = 0; j < dataset.feature_dim; ++j) {
        distance += (x[j] - mean[j]) * (x[j] - mean[j]);
      }
      if (distance < best_distance) {
        best_distance = distance;
        best_class = c;
      }
    }
    if (best_class == dataset.labels[sample]) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(samples.size());
}

TEST(Synthetic, ShapesAndSplitsFollowOptions) {
  const SyntheticOptions options = SmallOptions();
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();

  EXPECT_EQ(dataset->name, "synthetic");
  EXPECT_EQ(dataset->num_classes, 12);
  EXPECT_EQ(dataset->attribute_dim, 12);
  EXPECT_EQ(dataset->feature_dim, 32);
  EXPECT_EQ(dataset->num_samples, 8 * (10 + 3) + 4 * 5);
  EXPECT_EQ(dataset->trainval.size(), 80u);
  EXPECT_EQ(dataset->test_seen.size(), 24u);
  EXPECT_EQ(dataset->test_unseen.size(), 20u);
  EXPECT_EQ(dataset->seen_classes.size(), 8u);
  EXPECT_EQ(dataset->unseen_classes.size(), 4u);
  EXPECT_EQ(dataset->class_names[11], "class_12");
  EXPECT_TRUE(
      std::is_sorted(dataset->trainval.begin(), dataset->trainval.end()));

  // round(0.25 * 8) = 2 validation classes hold all their trainval samples.
  const std::set<int32_t> train_classes = ClassesOf(*dataset, dataset->train);
  const std::set<int32_t> val_classes = ClassesOf(*dataset, dataset->val);
  EXPECT_EQ(train_classes.size(), 6u);
  EXPECT_EQ(val_classes.size(), 2u);
  for (int32_t c : val_classes) EXPECT_EQ(train_classes.count(c), 0u);
  EXPECT_EQ(dataset->train.size() + dataset->val.size(), 80u);

  for (float value : dataset->features) ASSERT_GE(value, 0.0f);

  // attributes are the L2-normalised original attributes.
  ASSERT_TRUE(dataset->original_attributes.has_value());
  for (int64_t c = 0; c < dataset->num_classes; ++c) {
    double norm = 0.0;
    for (int64_t i = 0; i < dataset->attribute_dim; ++i) {
      norm += std::pow(dataset->attribute_row(c)[i], 2);
    }
    EXPECT_NEAR(norm, 1.0, 1e-6);
    const float* raw = dataset->original_attributes->data() + c * 12;
    EXPECT_NEAR(dataset->attribute_row(c)[0] * raw[1],
                dataset->attribute_row(c)[1] * raw[0], 1e-5);
  }
}

TEST(Synthetic, SameSeedGivesIdenticalFiles) {
  ScratchDir scratch("synthetic_test");
  absl::StatusOr<Xlsa17Dataset> first = MakeSyntheticDataset(SmallOptions());
  absl::StatusOr<Xlsa17Dataset> second = MakeSyntheticDataset(SmallOptions());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->features, second->features);
  EXPECT_EQ(first->labels, second->labels);
  EXPECT_EQ(first->attributes, second->attributes);
  EXPECT_EQ(first->val, second->val);

  ASSERT_TRUE(WriteXlsa17(*first, scratch.File("a")).ok());
  ASSERT_TRUE(WriteXlsa17(*second, scratch.File("b")).ok());
  for (const char* name : {"res101.mat", "att_splits.mat"}) {
    SCOPED_TRACE(name);
    const std::string bytes = ReadBytes(scratch.File(std::string("a/") + name));
    EXPECT_FALSE(bytes.empty());
    EXPECT_EQ(bytes, ReadBytes(scratch.File(std::string("b/") + name)));
  }
}

TEST(Synthetic, WrittenFilesLoadBack) {
  ScratchDir scratch("synthetic_test");
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(SmallOptions());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  ASSERT_TRUE(WriteXlsa17(*dataset, scratch.File("synthetic")).ok());

  absl::StatusOr<Xlsa17Dataset> loaded = LoadXlsa17(scratch.File("synthetic"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->features, dataset->features);
  EXPECT_EQ(loaded->labels, dataset->labels);
  EXPECT_EQ(loaded->attributes, dataset->attributes);
  EXPECT_EQ(loaded->original_attributes, dataset->original_attributes);
  EXPECT_EQ(loaded->class_names, dataset->class_names);
  EXPECT_EQ(loaded->train, dataset->train);
  EXPECT_EQ(loaded->val, dataset->val);
  EXPECT_EQ(loaded->unseen_classes, dataset->unseen_classes);
}

TEST(Synthetic, DifferentSeedChangesEverything) {
  SyntheticOptions other = SmallOptions();
  other.seed = 43;
  absl::StatusOr<Xlsa17Dataset> first = MakeSyntheticDataset(SmallOptions());
  absl::StatusOr<Xlsa17Dataset> second = MakeSyntheticDataset(other);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(first->features, second->features);
  EXPECT_NE(first->attributes, second->attributes);
  EXPECT_NE(first->unseen_classes, second->unseen_classes);
}

TEST(Synthetic, SampleCountsLeaveModelUnchanged) {
  SyntheticOptions more = SmallOptions();
  more.test_unseen_per_class = 9;
  more.trainval_per_class = 4;
  absl::StatusOr<Xlsa17Dataset> first = MakeSyntheticDataset(SmallOptions());
  absl::StatusOr<Xlsa17Dataset> second = MakeSyntheticDataset(more);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->attributes, second->attributes);
  EXPECT_EQ(first->unseen_classes, second->unseen_classes);
  EXPECT_EQ(ClassesOf(*first, first->val), ClassesOf(*second, second->val));
  absl::StatusOr<std::vector<float>> first_means =
      SyntheticClassMeans(*first, SmallOptions());
  absl::StatusOr<std::vector<float>> second_means =
      SyntheticClassMeans(*second, more);
  ASSERT_TRUE(first_means.ok()) << first_means.status();
  ASSERT_TRUE(second_means.ok()) << second_means.status();
  EXPECT_EQ(*first_means, *second_means);
}

// Recorded from this implementation. A change here changes every synthetic
// benchmark drawn so far, so it must be deliberate and documented.
TEST(Synthetic, GoldenValues) {
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(SmallOptions());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->unseen_classes, (std::vector<int32_t>{0, 4, 8, 10}));
  EXPECT_EQ(ClassesOf(*dataset, dataset->val), (std::set<int32_t>{5, 9}));
  const std::vector<float> expected_attributes = {0.337061405f,  0.384582311f,
                                                  0.582452953f,  0.254195601f,
                                                  0.0241405517f, 0.0328750685f};
  for (size_t i = 0; i < expected_attributes.size(); ++i) {
    EXPECT_NEAR(dataset->attributes[i], expected_attributes[i], 1e-6) << i;
  }
  const std::vector<float> expected_features = {
      1.28621483f,  0.0f,         0.0f,       0.0f,
      0.596625805f, 0.736011624f, 2.4333725f, 0.0f};
  for (size_t i = 0; i < expected_features.size(); ++i) {
    EXPECT_NEAR(dataset->features[i], expected_features[i], 1e-5) << i;
  }
}

TEST(Synthetic, NearestClassMeanSeparatesClasses) {
  SyntheticOptions options;  // the documented defaults, smaller samples
  options.trainval_per_class = 5;
  options.test_seen_per_class = 5;
  options.test_unseen_per_class = 40;
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  absl::StatusOr<std::vector<float>> means =
      SyntheticClassMeans(*dataset, options);
  ASSERT_TRUE(means.ok()) << means.status();

  // Zero-shot: unseen samples among the 10 unseen classes (chance 0.1).
  const double unseen_accuracy = NearestMeanAccuracy(
      *dataset, *means, dataset->test_unseen, dataset->unseen_classes);
  EXPECT_GT(unseen_accuracy, 0.6);
  // Generalised: unseen samples among all 50 classes (chance 0.02).
  std::vector<int32_t> all_classes(dataset->num_classes);
  for (int32_t c = 0; c < dataset->num_classes; ++c) all_classes[c] = c;
  const double generalised_accuracy =
      NearestMeanAccuracy(*dataset, *means, dataset->test_unseen, all_classes);
  EXPECT_GT(generalised_accuracy, 0.3);
  std::printf("oracle nearest-class-mean accuracy: unseen %.3f, all %.3f\n",
              unseen_accuracy, generalised_accuracy);
}

TEST(Synthetic, ClassMeansMatchSampleMeans) {
  SyntheticOptions options = SmallOptions();
  // Noise large enough that the ReLU clips often, so the test checks the
  // clipped-normal mean and not just mu_c.
  options.noise_std = 2.0;
  options.trainval_per_class = 8000;
  options.test_seen_per_class = 0;
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  absl::StatusOr<std::vector<float>> means =
      SyntheticClassMeans(*dataset, options);
  ASSERT_TRUE(means.ok()) << means.status();

  const int32_t c = dataset->seen_classes.front();
  std::vector<double> sum(options.feature_dim, 0.0);
  int64_t count = 0;
  for (int64_t sample : dataset->trainval) {
    if (dataset->labels[sample] != c) continue;
    for (int64_t j = 0; j < options.feature_dim; ++j) {
      sum[j] += dataset->feature_row(sample)[j];
    }
    ++count;
  }
  ASSERT_EQ(count, 8000);
  // A clipped sample has a standard deviation below noise_std = 2, so the
  // standard error of a mean of 8000 draws is below 0.023; 0.1 is more than
  // four of them.
  for (int64_t j = 0; j < options.feature_dim; ++j) {
    EXPECT_NEAR(sum[j] / count, (*means)[c * options.feature_dim + j], 0.1)
        << "dimension " << j;
  }
}

TEST(Synthetic, RejectsInvalidOptions) {
  const struct {
    const char* name;
    std::function<void(SyntheticOptions&)> change;
    const char* message_part;
  } cases[] = {
      {"feature_dim", [](SyntheticOptions& o) { o.feature_dim = 0; },
       "feature_dim is 0"},
      {"hidden_dim", [](SyntheticOptions& o) { o.hidden_dim = -1; },
       "hidden_dim is -1"},
      {"noise_std", [](SyntheticOptions& o) { o.noise_std = -0.5; },
       "noise_std is -0.5"},
      {"signal_scale NaN",
       [](SyntheticOptions& o) { o.signal_scale = std::nan(""); },
       "signal_scale is nan"},
      {"val fraction", [](SyntheticOptions& o) { o.val_class_fraction = 1.0; },
       "val_class_fraction is 1"},
      {"one seen class", [](SyntheticOptions& o) { o.num_seen_classes = 1; },
       "num_seen_classes is 1, expected >= 2"},
      {"no unseen class", [](SyntheticOptions& o) { o.num_unseen_classes = 0; },
       "num_unseen_classes is 0"},
      {"no trainval", [](SyntheticOptions& o) { o.trainval_per_class = 0; },
       "trainval_per_class is 0"},
  };
  for (const auto& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    SyntheticOptions options = SmallOptions();
    test_case.change(options);
    absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);
    ASSERT_FALSE(dataset.ok());
    EXPECT_EQ(dataset.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(dataset.status().message()),
                HasSubstr(test_case.message_part));
  }
}

TEST(Synthetic, OneSeenClassWithoutTrainVal) {
  SyntheticOptions options = SmallOptions();
  options.num_seen_classes = 1;
  options.emit_train_val = false;
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_TRUE(dataset->train.empty());
  EXPECT_TRUE(dataset->val.empty());
  EXPECT_EQ(dataset->seen_classes.size(), 1u);
}

// Writes the splits file of a small synthetic set into `directory` (its
// features are not needed by MakeSyntheticFromSplits).
std::string WriteSmallSplits(const ScratchDir& scratch,
                             const std::string& directory) {
  absl::StatusOr<Xlsa17Dataset> source = MakeSyntheticDataset(SmallOptions());
  EXPECT_TRUE(source.ok()) << source.status();
  source->class_names[0] = "first";
  EXPECT_TRUE(WriteXlsa17(*source, scratch.File(directory)).ok());
  return scratch.File(directory + "/att_splits.mat");
}

TEST(Synthetic, FromSplitsKeepsClassVectorsAndSizes) {
  ScratchDir scratch("synthetic_test");
  const std::string path = WriteSmallSplits(scratch, "small");
  SyntheticFromSplitsOptions options;
  options.feature_dim = 16;
  options.num_unseen_classes = 5;
  absl::StatusOr<Xlsa17Dataset> dataset =
      MakeSyntheticFromSplits(path, options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();

  absl::StatusOr<Xlsa17Dataset> source = MakeSyntheticDataset(SmallOptions());
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(dataset->name, "small-synthetic");
  EXPECT_EQ(dataset->attributes, source->attributes);
  EXPECT_EQ(dataset->original_attributes, source->original_attributes);
  EXPECT_EQ(dataset->class_names[0], "first");
  EXPECT_EQ(dataset->feature_dim, 16);
  EXPECT_EQ(dataset->trainval.size(), 80u);
  EXPECT_EQ(dataset->test_seen.size(), 24u);
  EXPECT_EQ(dataset->test_unseen.size(), 20u);
  EXPECT_EQ(dataset->seen_classes.size(), 7u);
  EXPECT_EQ(dataset->unseen_classes.size(), 5u);
  // 80 trainval samples over 7 seen classes: 12, 12, 12, 11, 11, 11, 11.
  std::vector<int64_t> per_class(dataset->num_classes, 0);
  for (int64_t sample : dataset->trainval) ++per_class[dataset->labels[sample]];
  EXPECT_EQ(per_class[dataset->seen_classes[0]], 12);
  EXPECT_EQ(per_class[dataset->seen_classes[2]], 12);
  EXPECT_EQ(per_class[dataset->seen_classes[3]], 11);
  EXPECT_EQ(per_class[dataset->seen_classes[6]], 11);
}

TEST(Synthetic, FromSplitsNeedsUnseenCountForUnknownSet) {
  ScratchDir scratch("synthetic_test");
  const std::string path = WriteSmallSplits(scratch, "mystery");
  absl::StatusOr<Xlsa17Dataset> dataset =
      MakeSyntheticFromSplits(path, SyntheticFromSplitsOptions());
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(dataset.status().message()), HasSubstr("mystery"));
  EXPECT_THAT(std::string(dataset.status().message()),
              HasSubstr("num_unseen_classes"));

  SyntheticFromSplitsOptions too_many;
  too_many.num_unseen_classes = 11;
  dataset = MakeSyntheticFromSplits(path, too_many);
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(dataset.status().message()),
      HasSubstr("num_unseen_classes is 11 of 12 classes, expected 1..10"));
}

TEST(Synthetic, FromSplitsMissingFileIsNotFound) {
  ScratchDir scratch("synthetic_test");
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticFromSplits(
      scratch.File("CUB/att_splits.mat"), SyntheticFromSplitsOptions());
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(dataset.status().message()),
              HasSubstr("CUB/att_splits.mat"));
}

TEST(Synthetic, StandardUnseenClassCount) {
  const struct {
    const char* name;
    int64_t unseen;
  } cases[] = {{"APY", 12}, {"AWA2", 10}, {"awa1", 10},
               {"CUB", 50}, {"FLO", 20},  {"sun", 72}};
  for (const auto& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    absl::StatusOr<int64_t> count = StandardUnseenClassCount(test_case.name);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, test_case.unseen);
  }
  absl::StatusOr<int64_t> unknown = StandardUnseenClassCount("ImageNet");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("ImageNet"));
}

TEST(SyntheticReal, FromCubSplits) {
  const std::string data = testing::RealDataDir();
  if (data.empty()) {
    GTEST_SKIP() << "FE_DATA_DIR is not set; point it at the directory with "
                    "snu-b36-ex/ and xlsa17-splits/ to run real-data tests";
  }
  SyntheticFromSplitsOptions options;
  options.feature_dim = 16;
  const std::string path =
      (std::filesystem::path(data) / "xlsa17-splits" / "CUB" / "att_splits.mat")
          .string();
  absl::StatusOr<Xlsa17Dataset> dataset =
      MakeSyntheticFromSplits(path, options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();

  EXPECT_EQ(dataset->name, "CUB-synthetic");
  EXPECT_EQ(dataset->num_classes, 200);
  EXPECT_EQ(dataset->attribute_dim, 312);
  EXPECT_EQ(dataset->num_samples, 7057 + 1764 + 2967);
  EXPECT_EQ(dataset->trainval.size(), 7057u);
  EXPECT_EQ(dataset->test_seen.size(), 1764u);
  EXPECT_EQ(dataset->test_unseen.size(), 2967u);
  EXPECT_EQ(dataset->seen_classes.size(), 150u);
  EXPECT_EQ(dataset->unseen_classes.size(), 50u);
  EXPECT_EQ(dataset->class_names[0], "002.Laysan_Albatross");
  EXPECT_TRUE(dataset->original_attributes.has_value());
}

TEST(SyntheticReal, FromEveryXlsa17Splits) {
  const std::string data = testing::RealDataDir();
  if (data.empty()) {
    GTEST_SKIP() << "FE_DATA_DIR is not set; point it at the directory with "
                    "snu-b36-ex/ and xlsa17-splits/ to run real-data tests";
  }
  const struct {
    const char* name;
    int64_t classes;
    int64_t unseen;
  } sets[] = {{"APY", 32, 12},
              {"AWA2", 50, 10},
              {"CUB", 200, 50},
              {"FLO", 102, 20},
              {"SUN", 717, 72}};
  for (const auto& set : sets) {
    SCOPED_TRACE(set.name);
    SyntheticFromSplitsOptions options;
    options.feature_dim = 4;
    options.hidden_dim = 4;
    const std::string path = (std::filesystem::path(data) / "xlsa17-splits" /
                              set.name / "att_splits.mat")
                                 .string();
    absl::StatusOr<Xlsa17Dataset> dataset =
        MakeSyntheticFromSplits(path, options);
    ASSERT_TRUE(dataset.ok()) << dataset.status();
    EXPECT_EQ(dataset->num_classes, set.classes);
    EXPECT_EQ(static_cast<int64_t>(dataset->unseen_classes.size()), set.unseen);
    EXPECT_EQ(static_cast<int64_t>(dataset->seen_classes.size()),
              set.classes - set.unseen);
  }
}

}  // namespace
}  // namespace fe
