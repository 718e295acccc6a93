#include "training/trainer.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/data/status_macros.h"
#include "core/losses.h"
#include "core/torch_status.h"
#include "spdlog/spdlog.h"
#include "training/final_classifier.h"

namespace fe {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Copies the rows `indices` of the dataset's features into a [n, d]
// float32 CPU tensor.
torch::Tensor GatherFeatures(const Xlsa17Dataset& dataset,
                             const std::vector<int64_t>& indices) {
  const int64_t n = static_cast<int64_t>(indices.size());
  torch::Tensor out = torch::empty({n, dataset.feature_dim}, torch::kFloat32);
  float* data = out.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    const float* row = dataset.feature_row(indices[i]);
    std::copy(row, row + dataset.feature_dim, data + i * dataset.feature_dim);
  }
  return out;
}

std::vector<int32_t> GatherLabels(const Xlsa17Dataset& dataset,
                                  const std::vector<int64_t>& indices) {
  std::vector<int32_t> labels;
  labels.reserve(indices.size());
  for (int64_t index : indices) labels.push_back(dataset.labels[index]);
  return labels;
}

torch::Tensor ToLongTensor(const std::vector<int64_t>& values) {
  return torch::tensor(values, torch::kInt64);
}

// Applies the loss switches of a named variant. Only f-CLSWGAN changes
// options; the FE variants differ in the layout of f(x) alone (LayoutOf).
TrainOptions ApplyVariant(TrainOptions options) {
  if (options.variant == ModelVariant::kFClsWgan) {
    options.real_pair = RealPair::kClassSemantics;
    options.dependency_weight = 0;
    options.ranking_weight = 0;
    options.instance_weight = 0;
    options.reconstruction_weight = 0;
  }
  return options;
}

FeatureLayout LayoutOf(ModelVariant variant) {
  switch (variant) {
    case ModelVariant::kFe:
      return FeatureLayout{true, true};
    case ModelVariant::kFeLatent:
      return FeatureLayout{true, false};
    case ModelVariant::kFeAtt:
      return FeatureLayout{false, true};
    case ModelVariant::kFClsWgan:
      return FeatureLayout{false, false};
  }
  return FeatureLayout{};
}

// Tensors of the training split on the training device.
struct TrainingData {
  torch::Tensor features;        // [N, d] preprocessed
  torch::Tensor rows;            // [N] int64 class-table row of each sample
  torch::Tensor seen_positions;  // [N] int64 index among the seen classes
  torch::Tensor semantics;       // [T, p] normalised class table
  torch::Tensor seen_rows;       // [K1] int64 table rows of seen classes
  torch::Tensor unseen_rows;     // [K2] int64 table rows of unseen classes
  int64_t num_samples = 0;
};

std::vector<ClassEntry> BuildClassTable(const Xlsa17Dataset& dataset) {
  std::vector<ClassEntry> table;
  auto add = [&](int32_t id, ClassKind kind) {
    ClassEntry entry;
    entry.id = id;
    entry.name = dataset.class_names[id];
    entry.kind = kind;
    const float* row = dataset.attribute_row(id);
    entry.semantic_vector.assign(row, row + dataset.attribute_dim);
    table.push_back(std::move(entry));
  };
  for (int32_t id : dataset.seen_classes) add(id, ClassKind::kSeen);
  for (int32_t id : dataset.unseen_classes) add(id, ClassKind::kUnseen);
  std::sort(table.begin(), table.end(),
            [](const ClassEntry& a, const ClassEntry& b) { return a.id < b.id; });
  return table;
}

// Averages of the per-step losses of one epoch.
struct LossSums {
  double critic = 0, penalty = 0, adversarial = 0, classification = 0;
  double dependency = 0, ranking = 0, instance = 0, reconstruction = 0;
  int critic_steps = 0, generator_steps = 0;
};

double Value(const torch::Tensor& t) { return t.item<double>(); }

class FeTrainer {
 public:
  FeTrainer(const Xlsa17Dataset& dataset, const TrainOptions& options,
            torch::Device device)
      : dataset_(dataset), options_(options), device_(device) {}

  absl::StatusOr<TrainResult> Run(const EpochCallback& on_epoch,
                                  const std::atomic<bool>* cancel);

 private:
  absl::Status Setup();
  void PretrainSeenClassifier();
  void CriticStep(LossSums& sums);
  void GeneratorStep(const torch::Tensor& batch, LossSums& sums);
  torch::Tensor Noise(int64_t rows) {
    return torch::randn({rows, config_.noise_dim},
                        torch::TensorOptions().device(device_));
  }
  GzslMetrics TrainClassifiersAndEvaluate(Predictions* predictions);

  const Xlsa17Dataset& dataset_;
  const TrainOptions options_;
  const torch::Device device_;

  FeModelConfig config_;
  std::unique_ptr<FeModel> model_;
  TrainingData data_;
  Critic critic_{nullptr};
  LinearClassifier seen_classifier_{nullptr};
  std::unique_ptr<torch::optim::Adam> critic_optimizer_;
  std::unique_ptr<torch::optim::Adam> generator_optimizer_;
};

absl::Status FeTrainer::Setup() {
  int64_t critic_hidden = 0;
  config_ = ResolveArchitecture(dataset_, options_, &critic_hidden);

  torch::Tensor raw = GatherFeatures(dataset_, dataset_.trainval);
  FeatureScaler scaler = FeatureScaler::Fit(options_.feature_scaling, raw);
  std::vector<ClassEntry> classes = BuildClassTable(dataset_);
  SemanticScaler semantic_scaler = SemanticScaler::Fit(
      options_.semantic_normalization, ClassTableTensor(classes));
  FE_ASSIGN_OR_RETURN(model, FeModel::Create(config_, std::move(scaler),
                                             std::move(semantic_scaler),
                                             std::move(classes), device_));
  model_ = std::move(model);

  // Class id -> table row and -> position among the seen classes.
  std::map<int32_t, int64_t> row_of;
  std::map<int32_t, int64_t> seen_position_of;
  std::vector<int64_t> seen_rows, unseen_rows;
  for (size_t row = 0; row < model_->classes().size(); ++row) {
    const ClassEntry& entry = model_->classes()[row];
    row_of[entry.id] = static_cast<int64_t>(row);
    if (entry.kind == ClassKind::kSeen) {
      seen_position_of[entry.id] = static_cast<int64_t>(seen_rows.size());
      seen_rows.push_back(static_cast<int64_t>(row));
    } else {
      unseen_rows.push_back(static_cast<int64_t>(row));
    }
  }
  std::vector<int64_t> rows, seen_positions;
  for (int32_t label : GatherLabels(dataset_, dataset_.trainval)) {
    rows.push_back(row_of.at(label));
    seen_positions.push_back(seen_position_of.at(label));
  }

  data_.features = model_->Preprocess(raw);
  data_.rows = ToLongTensor(rows).to(device_);
  data_.seen_positions = ToLongTensor(seen_positions).to(device_);
  data_.semantics = model_->NormalizedSemantics();
  data_.seen_rows = ToLongTensor(seen_rows).to(device_);
  data_.unseen_rows = ToLongTensor(unseen_rows).to(device_);
  data_.num_samples = static_cast<int64_t>(rows.size());

  critic_ = Critic(CriticOptions{config_.feature_dim, config_.attribute_dim,
                                 critic_hidden});
  critic_->to(device_);
  seen_classifier_ = LinearClassifier(LinearClassifierOptions{
      config_.feature_dim, static_cast<int64_t>(seen_rows.size())});
  seen_classifier_->to(device_);

  const auto betas = std::make_tuple(options_.adam_beta1, 0.999);
  critic_optimizer_ = std::make_unique<torch::optim::Adam>(
      critic_->parameters(),
      torch::optim::AdamOptions(options_.critic_learning_rate).betas(betas));
  std::vector<torch::Tensor> generator_side = model_->generator()->parameters();
  for (const auto& p : model_->semantic()->parameters()) {
    generator_side.push_back(p);
  }
  for (const auto& p : model_->filter()->parameters()) {
    generator_side.push_back(p);
  }
  generator_optimizer_ = std::make_unique<torch::optim::Adam>(
      generator_side,
      torch::optim::AdamOptions(options_.generator_learning_rate).betas(betas));
  return absl::OkStatus();
}

void FeTrainer::PretrainSeenClassifier() {
  torch::optim::Adam optimizer(
      seen_classifier_->parameters(),
      torch::optim::AdamOptions(options_.pretrain_learning_rate)
          .betas(std::make_tuple(options_.adam_beta1, 0.999)));
  const int64_t n = data_.num_samples;
  for (int epoch = 0; epoch < options_.pretrain_epochs; ++epoch) {
    torch::Tensor order =
        torch::randperm(n, torch::TensorOptions().dtype(torch::kInt64))
            .to(device_);
    for (int64_t start = 0; start < n; start += options_.batch_size) {
      torch::Tensor batch =
          order.slice(0, start, std::min(n, start + options_.batch_size));
      optimizer.zero_grad();
      torch::Tensor loss = ClassificationLoss(
          seen_classifier_(data_.features.index_select(0, batch)),
          data_.seen_positions.index_select(0, batch));
      loss.backward();
      optimizer.step();
    }
  }
  // C stays frozen from here on: L_cls trains G through it, never C itself.
  for (auto& p : seen_classifier_->parameters()) p.requires_grad_(false);

  torch::NoGradGuard no_grad;
  torch::Tensor logits = seen_classifier_(data_.features);
  torch::Tensor loss = ClassificationLoss(logits, data_.seen_positions);
  torch::Tensor accuracy = logits.argmax(1)
                               .eq(data_.seen_positions)
                               .to(torch::kFloat64)
                               .mean();
  spdlog::info("pretrained seen-class classifier train_loss={:.4f} "
               "train_accuracy={:.4f}",
               Value(loss), Value(accuracy));
}

void FeTrainer::CriticStep(LossSums& sums) {
  const int64_t batch_size = std::min<int64_t>(options_.batch_size,
                                               data_.num_samples);
  torch::Tensor batch = torch::randint(
      data_.num_samples, {batch_size},
      torch::TensorOptions().dtype(torch::kInt64).device(device_));
  torch::Tensor x = data_.features.index_select(0, batch);
  torch::Tensor a =
      data_.semantics.index_select(0, data_.rows.index_select(0, batch));

  torch::Tensor real_semantics;
  torch::Tensor fake;
  {
    torch::NoGradGuard no_grad;
    real_semantics = options_.real_pair == RealPair::kVirtualSemantics
                         ? model_->semantic()(x)
                         : a;
    fake = model_->generator()(a, Noise(batch_size));
  }

  critic_optimizer_->zero_grad();
  torch::Tensor real_scores = critic_(x, real_semantics);
  torch::Tensor fake_scores = critic_(fake, a);
  torch::Tensor loss;
  if (options_.adversarial_loss == AdversarialLoss::kWassersteinGp) {
    loss = WassersteinCriticLoss(real_scores, fake_scores);
    if (options_.gradient_penalty_weight > 0) {
      torch::Tensor penalty = GradientPenalty(
          [this](const torch::Tensor& joint) {
            return critic_->ScoreJoint(joint);
          },
          torch::cat({x, real_semantics}, 1), torch::cat({fake, a}, 1));
      sums.penalty += Value(penalty);
      loss = loss + options_.gradient_penalty_weight * penalty;
    }
  } else {
    loss = LogLossDiscriminator(real_scores, fake_scores);
  }
  loss.backward();
  critic_optimizer_->step();
  sums.critic += Value(loss);
  ++sums.critic_steps;
}

void FeTrainer::GeneratorStep(const torch::Tensor& batch, LossSums& sums) {
  const int64_t batch_size = batch.size(0);
  torch::Tensor x = data_.features.index_select(0, batch);
  torch::Tensor rows = data_.rows.index_select(0, batch);
  torch::Tensor a = data_.semantics.index_select(0, rows);

  // Unseen classes drawn uniformly, one per generated unseen sample.
  const int64_t num_unseen = data_.unseen_rows.size(0);
  torch::Tensor unseen_rows = data_.unseen_rows.index_select(
      0, torch::randint(num_unseen, {batch_size},
                        torch::TensorOptions().dtype(torch::kInt64)
                            .device(device_)));
  torch::Tensor a_unseen = data_.semantics.index_select(0, unseen_rows);

  generator_optimizer_->zero_grad();
  Generator& generator = model_->generator();
  SemanticNet& semantic = model_->semantic();
  FilterModule& filter = model_->filter();

  torch::Tensor fake = generator(a, Noise(batch_size));
  const bool virtual_pair = options_.real_pair == RealPair::kVirtualSemantics;
  torch::Tensor virtual_real;
  if (virtual_pair || options_.ranking_weight > 0) virtual_real = semantic(x);

  torch::Tensor total = torch::zeros({}, x.options());
  if (options_.adversarial_weight > 0) {
    torch::Tensor fake_scores = critic_(fake, a);
    torch::Tensor adversarial;
    if (options_.adversarial_loss == AdversarialLoss::kWassersteinGp) {
      // G raises the critic value of its pairs; N lowers the value of the
      // real pairs (x, N(x)), which moves them towards the generated ones.
      adversarial = -fake_scores.mean();
      if (virtual_pair) adversarial = adversarial + critic_(x, virtual_real).mean();
    } else {
      adversarial = LogLossGenerator(
          virtual_pair ? critic_(x, virtual_real) : torch::Tensor(),
          fake_scores);
    }
    sums.adversarial += Value(adversarial);
    total = total + options_.adversarial_weight * adversarial;
  }
  if (options_.classification_weight > 0) {
    torch::Tensor classification = ClassificationLoss(
        seen_classifier_(fake), data_.seen_positions.index_select(0, batch));
    sums.classification += Value(classification);
    total = total + options_.classification_weight * classification;
  }

  torch::Tensor fake_unseen;
  if (options_.dependency_weight > 0 || options_.instance_weight > 0) {
    fake_unseen = generator(a_unseen, Noise(batch_size));
  }
  if (options_.dependency_weight > 0) {
    torch::Tensor dependency = DependencyLoss(
        semantic(torch::cat({fake, fake_unseen}, 0)), data_.semantics,
        torch::cat({rows, unseen_rows}, 0), options_.dependency_temperature);
    sums.dependency += Value(dependency);
    total = total + options_.dependency_weight * dependency;
  }
  if (options_.ranking_weight > 0) {
    // a' is another seen class: shift the seen position by 1..K1-1.
    const int64_t num_seen = data_.seen_rows.size(0);
    torch::Tensor shift = torch::randint(
        1, std::max<int64_t>(num_seen, 2), {batch_size},
        torch::TensorOptions().dtype(torch::kInt64).device(device_));
    torch::Tensor other_position =
        (data_.seen_positions.index_select(0, batch) + shift) % num_seen;
    torch::Tensor a_other = data_.semantics.index_select(
        0, data_.seen_rows.index_select(0, other_position));
    torch::Tensor ranking =
        RankingLoss(virtual_real, a, a_other, options_.ranking_margin);
    sums.ranking += Value(ranking);
    total = total + options_.ranking_weight * ranking;
  }
  torch::Tensor core_real;
  if (options_.instance_weight > 0 || options_.reconstruction_weight > 0) {
    core_real = filter->Encode(x);
  }
  if (options_.instance_weight > 0) {
    // Real seen, generated seen and generated unseen samples, so that E also
    // learns the unseen classes.
    torch::Tensor core = torch::cat(
        {core_real, filter->Encode(torch::cat({fake, fake_unseen}, 0))}, 0);
    torch::Tensor instance = InstanceContrastiveLoss(
        filter->Project(core), torch::cat({rows, rows, unseen_rows}, 0),
        options_.instance_temperature);
    sums.instance += Value(instance);
    total = total + options_.instance_weight * instance;
  }
  if (options_.reconstruction_weight > 0) {
    torch::Tensor reconstruction =
        ReconstructionLoss(x, filter->Decode(core_real));
    sums.reconstruction += Value(reconstruction);
    total = total + options_.reconstruction_weight * reconstruction;
  }

  if (total.requires_grad()) {
    // The critic's weights get no gradient here: skip computing them.
    for (auto& p : critic_->parameters()) p.requires_grad_(false);
    total.backward();
    for (auto& p : critic_->parameters()) p.requires_grad_(true);
    generator_optimizer_->step();
  }
  ++sums.generator_steps;
}

GzslMetrics FeTrainer::TrainClassifiersAndEvaluate(Predictions* predictions) {
  FinalClassifierOptions classifier_options;
  classifier_options.synthetic_per_class = options_.synthetic_per_class;
  classifier_options.synthetic_seen_per_class =
      options_.synthetic_seen_per_class;
  classifier_options.epochs = options_.classifier_epochs;
  classifier_options.batch_size = options_.classifier_batch_size;
  classifier_options.learning_rate = options_.classifier_learning_rate;
  classifier_options.adam_beta1 = options_.adam_beta1;
  TrainFinalClassifiers(*model_, data_.features, data_.rows, data_.semantics,
                        data_.seen_rows, data_.unseen_rows,
                        classifier_options);
  return EvaluateModel(*model_, dataset_, options_.calibration, predictions);
}

absl::StatusOr<TrainResult> FeTrainer::Run(const EpochCallback& on_epoch,
                                           const std::atomic<bool>* cancel) {
  const Clock::time_point run_start = Clock::now();
  torch::manual_seed(options_.seed);
  FE_RETURN_IF_ERROR(Setup());
  spdlog::info(
      "training model variant={} dataset={} samples={} seen={} unseen={} "
      "d={} p={} device={}",
      ModelVariantName(options_.variant), dataset_.name, data_.num_samples,
      data_.seen_rows.size(0), data_.unseen_rows.size(0), config_.feature_dim,
      config_.attribute_dim, device_.str());
  PretrainSeenClassifier();

  TrainResult result;
  result.device = device_.str();
  const int64_t n = data_.num_samples;
  for (int epoch = 1; epoch <= options_.epochs; ++epoch) {
    const Clock::time_point epoch_start = Clock::now();
    LossSums sums;
    torch::Tensor order =
        torch::randperm(n, torch::TensorOptions().dtype(torch::kInt64))
            .to(device_);
    for (int64_t start = 0; start < n; start += options_.batch_size) {
      if (cancel != nullptr && cancel->load()) {
        return absl::CancelledError(absl::StrCat(
            "training cancelled in epoch ", epoch, " of ", options_.epochs));
      }
      for (int step = 0; step < options_.critic_steps; ++step) {
        CriticStep(sums);
      }
      GeneratorStep(order.slice(0, start, std::min(n, start + options_.batch_size)),
                    sums);
    }

    EpochStats stats;
    stats.epoch = epoch;
    const double critic_steps = std::max(1, sums.critic_steps);
    const double generator_steps = std::max(1, sums.generator_steps);
    stats.critic_loss = sums.critic / critic_steps;
    stats.gradient_penalty = sums.penalty / critic_steps;
    stats.adversarial_loss = sums.adversarial / generator_steps;
    stats.classification_loss = sums.classification / generator_steps;
    stats.dependency_loss = sums.dependency / generator_steps;
    stats.ranking_loss = sums.ranking / generator_steps;
    stats.instance_loss = sums.instance / generator_steps;
    stats.reconstruction_loss = sums.reconstruction / generator_steps;
    stats.samples = n;
    stats.seconds = SecondsSince(epoch_start);

    const bool last = epoch == options_.epochs;
    if (last || (options_.eval_every > 0 && epoch % options_.eval_every == 0)) {
      Predictions predictions;
      GzslMetrics metrics = TrainClassifiersAndEvaluate(&predictions);
      stats.metrics = metrics;
      if (!result.best_metrics || metrics.h > result.best_metrics->h) {
        result.best_metrics = metrics;
        result.best_epoch = epoch;
      }
      if (last) {
        result.final_metrics = metrics;
        result.predictions = std::move(predictions);
      }
    }
    if (on_epoch) on_epoch(stats);
    result.epochs.push_back(stats);
  }
  result.model = std::move(model_);
  result.seconds = SecondsSince(run_start);
  return result;
}

}  // namespace

absl::StatusOr<torch::Device> ResolveDevice(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  const bool cuda = torch::cuda::is_available();
  if (name == "cuda") {
    if (!cuda) {
      return absl::FailedPreconditionError(
          "--device=cuda was requested, but this LibTorch build has no CUDA "
          "support or sees no GPU; use --device=cpu, or --device=auto to "
          "pick CUDA only when it is available");
    }
    return torch::Device(torch::kCUDA, 0);
  }
  if (name == "auto") {
    return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid device '", name, "': expected auto, cpu or cuda"));
}

FeModelConfig ResolveArchitecture(const Xlsa17Dataset& dataset,
                                  const TrainOptions& options,
                                  int64_t* critic_hidden_dim) {
  const int64_t d = dataset.feature_dim;
  const int64_t hidden = std::min<int64_t>(2 * d, 4096);
  auto pick = [](int64_t value, int64_t derived) {
    return value > 0 ? value : derived;
  };
  FeModelConfig config;
  config.feature_dim = d;
  config.attribute_dim = dataset.attribute_dim;
  config.noise_dim = pick(options.noise_dim, dataset.attribute_dim);
  config.generator_hidden_dim = pick(options.generator_hidden_dim, hidden);
  config.core_dim = pick(options.core_dim, d);
  config.projection_dim =
      pick(options.projection_dim, std::max<int64_t>(d / 4, 16));
  config.decoder_hidden_dim = pick(options.decoder_hidden_dim, hidden);
  config.generator_output = options.generator_output;
  config.layout = LayoutOf(options.variant);
  if (critic_hidden_dim != nullptr) {
    *critic_hidden_dim = pick(options.critic_hidden_dim, hidden);
  }
  return config;
}

GzslMetrics EvaluateModel(const FeModel& model, const Xlsa17Dataset& dataset,
                          double calibration, Predictions* predictions) {
  torch::Tensor seen = GatherFeatures(dataset, dataset.test_seen);
  torch::Tensor unseen = GatherFeatures(dataset, dataset.test_unseen);
  std::vector<int32_t> seen_truth = GatherLabels(dataset, dataset.test_seen);
  std::vector<int32_t> unseen_truth =
      GatherLabels(dataset, dataset.test_unseen);

  Predictions local;
  Predictions& out = predictions != nullptr ? *predictions : local;
  out.gzsl_test_seen = model.PredictGzsl(seen, calibration);
  out.gzsl_test_unseen = model.PredictGzsl(unseen, calibration);
  out.zsl_test_unseen = model.PredictZsl(unseen);

  GzslMetrics metrics;
  metrics.s = PerClassMeanAccuracy(out.gzsl_test_seen, seen_truth);
  metrics.u = PerClassMeanAccuracy(out.gzsl_test_unseen, unseen_truth);
  metrics.h = HarmonicMean(metrics.s, metrics.u);
  metrics.t1 = PerClassMeanAccuracy(out.zsl_test_unseen, unseen_truth);
  return metrics;
}

absl::StatusOr<TrainResult> TrainFe(const Xlsa17Dataset& dataset,
                                    const TrainOptions& options,
                                    const EpochCallback& on_epoch,
                                    const std::atomic<bool>* cancel) {
  FE_RETURN_IF_ERROR(options.Validate());
  if (dataset.seen_classes.empty() || dataset.unseen_classes.empty() ||
      dataset.trainval.empty() || dataset.test_seen.empty() ||
      dataset.test_unseen.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", dataset.name, "' needs seen and unseen classes and "
        "non-empty trainval, test_seen and test_unseen splits; it has ",
        dataset.seen_classes.size(), " seen and ",
        dataset.unseen_classes.size(), " unseen classes and ",
        dataset.trainval.size(), "/", dataset.test_seen.size(), "/",
        dataset.test_unseen.size(), " samples"));
  }
  FE_ASSIGN_OR_RETURN(device, ResolveDevice(options.device));
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(
                                1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);

  FeTrainer trainer(dataset, ApplyVariant(options), device);
  absl::StatusOr<TrainResult> result =
      RunTorch("FE training", [&] { return trainer.Run(on_epoch, cancel); });
  if (result.ok()) result->threads = threads;
  return result;
}

}  // namespace fe
