// End-to-end tests of the FE training procedure on a small synthetic
// benchmark: determinism, loss switches, snapshots and option checks.

#include "training/trainer.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>

#include "core/data/synthetic.h"
#include "core/model_io.h"
#include "core/snapshot/snapshot_store.h"
#include "tests/test_util.h"

namespace fe {
namespace {

using ::testing::HasSubstr;

Xlsa17Dataset SmallDataset(uint64_t seed = 3) {
  SyntheticOptions options;
  options.feature_dim = 32;
  options.attribute_dim = 12;
  options.num_seen_classes = 8;
  options.num_unseen_classes = 4;
  options.trainval_per_class = 30;
  options.test_seen_per_class = 10;
  options.test_unseen_per_class = 20;
  // Low noise, so that a few epochs separate the classes well.
  options.noise_std = 0.5;
  options.seed = seed;
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);
  EXPECT_TRUE(dataset.ok()) << dataset.status();
  return *std::move(dataset);
}

TrainOptions SmallOptions() {
  TrainOptions options;
  options.epochs = 2;
  options.batch_size = 32;
  options.critic_steps = 2;
  options.generator_hidden_dim = 64;
  options.critic_hidden_dim = 64;
  options.core_dim = 32;
  options.projection_dim = 16;
  options.decoder_hidden_dim = 64;
  options.pretrain_epochs = 3;
  options.synthetic_per_class = 40;
  options.classifier_epochs = 10;
  options.classifier_batch_size = 32;
  options.device = "cpu";
  // One thread: ctest runs test binaries in parallel, and oversubscribed
  // OpenMP threads slow LibTorch down by an order of magnitude.
  options.threads = 1;
  options.seed = 11;
  return options;
}

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dataset_ = new Xlsa17Dataset(SmallDataset()); }
  static void TearDownTestSuite() { delete dataset_; }
  static const Xlsa17Dataset& dataset() { return *dataset_; }

 private:
  static Xlsa17Dataset* dataset_;
};
Xlsa17Dataset* TrainerTest::dataset_ = nullptr;

TEST_F(TrainerTest, SameSeedGivesIdenticalRuns) {
  absl::StatusOr<TrainResult> first = TrainFe(dataset(), SmallOptions());
  absl::StatusOr<TrainResult> second = TrainFe(dataset(), SmallOptions());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();

  ASSERT_EQ(first->epochs.size(), second->epochs.size());
  for (size_t i = 0; i < first->epochs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(first->epochs[i].critic_loss, second->epochs[i].critic_loss);
    EXPECT_EQ(first->epochs[i].adversarial_loss,
              second->epochs[i].adversarial_loss);
    EXPECT_EQ(first->epochs[i].instance_loss, second->epochs[i].instance_loss);
  }
  EXPECT_EQ(first->final_metrics.h, second->final_metrics.h);
  EXPECT_EQ(first->final_metrics.t1, second->final_metrics.t1);
  EXPECT_EQ(first->predictions.gzsl_test_seen,
            second->predictions.gzsl_test_seen);
  EXPECT_EQ(first->predictions.gzsl_test_unseen,
            second->predictions.gzsl_test_unseen);
  EXPECT_EQ(first->predictions.zsl_test_unseen,
            second->predictions.zsl_test_unseen);
}

TEST_F(TrainerTest, OtherSeedGivesOtherRun) {
  TrainOptions options = SmallOptions();
  absl::StatusOr<TrainResult> first = TrainFe(dataset(), options);
  options.seed = 12;
  absl::StatusOr<TrainResult> second = TrainFe(dataset(), options);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(first->epochs.back().critic_loss,
            second->epochs.back().critic_loss);
}

TEST(Trainer, LearnsBetterThanChance) {
  // Zero-shot transfer needs enough seen classes to learn the map from
  // class vectors to features: this is the 40 + 10 class benchmark that
  // `fe-train --data synthetic` uses.
  SyntheticOptions synthetic;
  synthetic.feature_dim = 128;
  synthetic.noise_std = 1.0;
  synthetic.seed = 3;
  absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(synthetic);
  ASSERT_TRUE(dataset.ok()) << dataset.status();

  TrainOptions options;
  options.epochs = 6;
  options.batch_size = 64;
  options.generator_learning_rate = 1e-3;
  options.critic_learning_rate = 1e-3;
  options.classification_weight = 1.0;
  options.real_pair = RealPair::kClassSemantics;
  options.pretrain_epochs = 10;
  options.synthetic_per_class = 100;
  options.classifier_epochs = 10;
  options.device = "cpu";
  options.threads = 1;
  absl::StatusOr<TrainResult> result = TrainFe(*dataset, options);
  ASSERT_TRUE(result.ok()) << result.status();
  // Chance is 1/10 for ZSL and 1/50 for GZSL.
  EXPECT_GT(result->final_metrics.t1, 0.3);
  EXPECT_GT(result->final_metrics.s, 0.5);
  EXPECT_GT(result->final_metrics.u, 0.05);
  EXPECT_GT(result->final_metrics.h, 0.1);
}

TEST_F(TrainerTest, ZeroWeightsSwitchLossesOff) {
  TrainOptions options = SmallOptions();
  options.epochs = 1;
  options.classification_weight = 0;
  options.dependency_weight = 0;
  options.ranking_weight = 0;
  options.instance_weight = 0;
  options.reconstruction_weight = 0;
  absl::StatusOr<TrainResult> result = TrainFe(dataset(), options);
  ASSERT_TRUE(result.ok()) << result.status();
  const EpochStats& stats = result->epochs[0];
  EXPECT_EQ(stats.classification_loss, 0.0);
  EXPECT_EQ(stats.dependency_loss, 0.0);
  EXPECT_EQ(stats.ranking_loss, 0.0);
  EXPECT_EQ(stats.instance_loss, 0.0);
  EXPECT_EQ(stats.reconstruction_loss, 0.0);
  EXPECT_NE(stats.adversarial_loss, 0.0);

  options.gradient_penalty_weight = 0;
  result = TrainFe(dataset(), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->epochs[0].gradient_penalty, 0.0);
}

TEST_F(TrainerTest, EveryLossIsComputedWhenOn) {
  absl::StatusOr<TrainResult> result = TrainFe(dataset(), SmallOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  const EpochStats& stats = result->epochs[0];
  EXPECT_GT(stats.gradient_penalty, 0.0);
  EXPECT_GT(stats.classification_loss, 0.0);
  EXPECT_GT(stats.dependency_loss, 0.0);
  EXPECT_GT(stats.ranking_loss, 0.0);
  EXPECT_GT(stats.instance_loss, 0.0);
  EXPECT_GT(stats.reconstruction_loss, 0.0);
}

TEST_F(TrainerTest, VariantsAndLogLossTrain) {
  struct Case {
    ModelVariant variant;
    AdversarialLoss loss;
    RealPair pair;
    int64_t enhanced_dim;  // d + p + core for the full model
  };
  const Case cases[] = {
      {ModelVariant::kFe, AdversarialLoss::kLogLoss,
       RealPair::kVirtualSemantics, 32 + 12 + 32},
      {ModelVariant::kFe, AdversarialLoss::kWassersteinGp,
       RealPair::kClassSemantics, 32 + 12 + 32},
      {ModelVariant::kFeLatent, AdversarialLoss::kWassersteinGp,
       RealPair::kVirtualSemantics, 32 + 12},
      {ModelVariant::kFeAtt, AdversarialLoss::kWassersteinGp,
       RealPair::kVirtualSemantics, 32 + 32},
      {ModelVariant::kFClsWgan, AdversarialLoss::kWassersteinGp,
       RealPair::kVirtualSemantics, 32},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(ModelVariantName(c.variant) + " " +
                 AdversarialLossName(c.loss) + " " + RealPairName(c.pair));
    TrainOptions options = SmallOptions();
    options.epochs = 1;
    options.variant = c.variant;
    options.adversarial_loss = c.loss;
    options.real_pair = c.pair;
    absl::StatusOr<TrainResult> result = TrainFe(dataset(), options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->model->config().EnhancedDim(), c.enhanced_dim);
    EXPECT_GE(result->final_metrics.h, 0.0);
    if (c.variant == ModelVariant::kFClsWgan) {
      EXPECT_EQ(result->epochs[0].dependency_loss, 0.0);
      EXPECT_EQ(result->epochs[0].instance_loss, 0.0);
    }
  }
}

TEST_F(TrainerTest, SnapshotReproducesEvaluatedPredictions) {
  absl::StatusOr<TrainResult> result = TrainFe(dataset(), SmallOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  const std::string root = testing::MakeTempDir("snapshot");
  auto store = SnapshotStore::Create({.root = root});
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<int64_t> version = PublishFeModel(
      **store, "small", *result->model, {{"dataset", dataset().name}});
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 1);

  absl::StatusOr<Snapshot> snapshot = (*store)->Read("small", *version);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  absl::StatusOr<std::unique_ptr<FeModel>> loaded =
      LoadFeModel(*snapshot, torch::kCPU);
  ASSERT_TRUE(loaded.ok()) << loaded.status();

  Predictions predictions;
  GzslMetrics metrics = EvaluateModel(**loaded, dataset(), 0.0, &predictions);
  EXPECT_EQ(predictions.gzsl_test_seen, result->predictions.gzsl_test_seen);
  EXPECT_EQ(predictions.gzsl_test_unseen,
            result->predictions.gzsl_test_unseen);
  EXPECT_EQ(predictions.zsl_test_unseen, result->predictions.zsl_test_unseen);
  EXPECT_EQ(metrics.h, result->final_metrics.h);
  EXPECT_EQ((*loaded)->gzsl_class_ids(), result->model->gzsl_class_ids());
  std::filesystem::remove_all(root);
}

TEST_F(TrainerTest, CorruptSnapshotFileIsRejected) {
  TrainOptions options = SmallOptions();
  options.epochs = 1;
  absl::StatusOr<TrainResult> result = TrainFe(dataset(), options);
  ASSERT_TRUE(result.ok()) << result.status();
  const std::string root = testing::MakeTempDir("snapshot");
  auto store = SnapshotStore::Create({.root = root});
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<int64_t> version =
      PublishFeModel(**store, "small", *result->model, nlohmann::json::object());
  ASSERT_TRUE(version.ok()) << version.status();

  const std::filesystem::path weights =
      std::filesystem::path(root) / "small" / "1" / "classifier_gzsl.pt";
  {
    std::fstream file(weights, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.put('\x5a');
  }
  absl::StatusOr<Snapshot> snapshot = (*store)->Read("small", 1);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(snapshot.status().message()),
              HasSubstr("classifier_gzsl.pt"));
  std::filesystem::remove_all(root);
}

TEST_F(TrainerTest, ManifestWithWrongDimensionsIsRejected) {
  TrainOptions options = SmallOptions();
  options.epochs = 1;
  absl::StatusOr<TrainResult> result = TrainFe(dataset(), options);
  ASSERT_TRUE(result.ok()) << result.status();
  auto serialized =
      SerializeFeModel(*result->model, nlohmann::json::object());
  ASSERT_TRUE(serialized.ok()) << serialized.status();

  // A consistent store entry whose manifest disagrees with its weights.
  Snapshot snapshot;
  snapshot.model = "small";
  snapshot.version = 1;
  snapshot.manifest = serialized->first;
  snapshot.files = serialized->second;
  snapshot.manifest["dimensions"]["generator_hidden_dim"] = 48;
  absl::StatusOr<std::unique_ptr<FeModel>> loaded =
      LoadFeModel(snapshot, torch::kCPU);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("generator.pt"));

  snapshot.manifest = serialized->first;
  snapshot.manifest["format"] = "something-else/9";
  loaded = LoadFeModel(snapshot, torch::kCPU);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("format"));

  snapshot.manifest = serialized->first;
  snapshot.manifest["dimensions"].erase("core_dim");
  loaded = LoadFeModel(snapshot, torch::kCPU);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("dimensions.core_dim"));
}

TEST(TrainOptions, RejectsOutOfRangeValues) {
  TrainOptions options;
  options.epochs = 0;
  absl::Status status = options.Validate();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("epochs"));

  options = TrainOptions();
  options.dependency_weight = -1;
  status = options.Validate();
  EXPECT_THAT(std::string(status.message()), HasSubstr("dependency_weight"));

  options = TrainOptions();
  options.device = "tpu";
  status = options.Validate();
  EXPECT_THAT(std::string(status.message()), HasSubstr("tpu"));
}

TEST(ResolveDevice, CudaWithoutCudaFailsClearly) {
  if (torch::cuda::is_available()) {
    GTEST_SKIP() << "this LibTorch sees a GPU, so --device=cuda succeeds";
  }
  absl::StatusOr<torch::Device> device = ResolveDevice("cuda");
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(device.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(device.status().message()),
              HasSubstr("--device=cpu"));
  absl::StatusOr<torch::Device> automatic = ResolveDevice("auto");
  ASSERT_TRUE(automatic.ok());
  EXPECT_TRUE(automatic->is_cpu());
}

TEST(ResolveDevice, CudaWhenAvailable) {
  if (!torch::cuda::is_available()) {
    GTEST_SKIP() << "no CUDA device visible to LibTorch";
  }
  absl::StatusOr<torch::Device> device = ResolveDevice("cuda");
  ASSERT_TRUE(device.ok()) << device.status();
  EXPECT_TRUE(device->is_cuda());
}

TEST(MakeValidationSplit, UsesValClassesAsUnseen) {
  Xlsa17Dataset dataset = SmallDataset();
  ASSERT_FALSE(dataset.val.empty());
  absl::StatusOr<Xlsa17Dataset> split = MakeValidationSplit(dataset, 0.2, 5);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->test_unseen, dataset.val);
  EXPECT_EQ(split->trainval.size() + split->test_seen.size(),
            dataset.train.size());
  // No test sample of the original split is used.
  for (int64_t index : split->trainval) {
    EXPECT_TRUE(std::find(dataset.test_seen.begin(), dataset.test_seen.end(),
                          index) == dataset.test_seen.end());
  }
  // The val classes are the unseen classes of the split.
  for (int32_t label : split->unseen_classes) {
    EXPECT_TRUE(std::find(split->seen_classes.begin(),
                          split->seen_classes.end(),
                          label) == split->seen_classes.end());
  }

  dataset.train.clear();
  dataset.val.clear();
  split = MakeValidationSplit(dataset, 0.2, 5);
  EXPECT_EQ(split.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace fe
