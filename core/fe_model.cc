#include "core/fe_model.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace fe {
namespace {

// Runs `fn` over chunks of `rows` and concatenates the results along dim 0.
template <typename Fn>
torch::Tensor MapChunks(const torch::Tensor& rows, Fn&& fn) {
  std::vector<torch::Tensor> outputs;
  for (int64_t start = 0; start < rows.size(0); start += kInferenceChunkRows) {
    const int64_t end = std::min(rows.size(0), start + kInferenceChunkRows);
    outputs.push_back(fn(rows.slice(0, start, end)));
  }
  if (outputs.empty()) return fn(rows);
  return torch::cat(outputs, 0);
}

std::vector<int32_t> ArgmaxToIds(const torch::Tensor& scores,
                                 const std::vector<int32_t>& column_ids) {
  torch::Tensor columns = scores.argmax(1).to(torch::kCPU, torch::kInt64);
  std::vector<int32_t> ids(columns.size(0));
  const int64_t* data = columns.data_ptr<int64_t>();
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = column_ids[data[i]];
  return ids;
}

}  // namespace

std::string ClassKindName(ClassKind kind) {
  switch (kind) {
    case ClassKind::kSeen:
      return "seen";
    case ClassKind::kUnseen:
      return "unseen";
    case ClassKind::kRegistered:
      return "registered";
  }
  return "seen";
}

absl::StatusOr<ClassKind> ParseClassKind(const std::string& name) {
  if (name == "seen") return ClassKind::kSeen;
  if (name == "unseen") return ClassKind::kUnseen;
  if (name == "registered") return ClassKind::kRegistered;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid class kind '", name, "': expected seen, unseen or registered"));
}

absl::StatusOr<std::unique_ptr<FeModel>> FeModel::Create(
    const FeModelConfig& config, FeatureScaler scaler,
    SemanticScaler semantic_scaler, std::vector<ClassEntry> classes,
    torch::Device device) {
  const std::pair<const char*, int64_t> dims[] = {
      {"feature_dim", config.feature_dim},
      {"attribute_dim", config.attribute_dim},
      {"noise_dim", config.noise_dim},
      {"generator_hidden_dim", config.generator_hidden_dim},
      {"core_dim", config.core_dim},
      {"projection_dim", config.projection_dim},
      {"decoder_hidden_dim", config.decoder_hidden_dim}};
  for (const auto& [name, value] : dims) {
    if (value <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model dimension ", name, " is ", value, ", expected > 0"));
    }
  }
  if (scaler.kind != FeatureScaling::kNone &&
      (static_cast<int64_t>(scaler.offset.size()) != config.feature_dim ||
       static_cast<int64_t>(scaler.scale.size()) != config.feature_dim)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "feature scaler has ", scaler.offset.size(), " offsets and ",
        scaler.scale.size(), " scales, expected feature_dim=",
        config.feature_dim));
  }
  if (semantic_scaler.kind == SemanticNormalization::kStandardizeL2 &&
      (static_cast<int64_t>(semantic_scaler.offset.size()) !=
           config.attribute_dim ||
       static_cast<int64_t>(semantic_scaler.scale.size()) !=
           config.attribute_dim)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "semantic scaler has ", semantic_scaler.offset.size(),
        " offsets and ", semantic_scaler.scale.size(),
        " scales, expected attribute_dim=", config.attribute_dim));
  }
  int seen = 0;
  int unseen = 0;
  for (const ClassEntry& entry : classes) {
    if (static_cast<int64_t>(entry.semantic_vector.size()) !=
        config.attribute_dim) {
      return absl::InvalidArgumentError(absl::StrCat(
          "class ", entry.id, " '", entry.name, "' has a semantic vector of ",
          entry.semantic_vector.size(), " values, expected attribute_dim=",
          config.attribute_dim));
    }
    if (entry.kind == ClassKind::kSeen) ++seen;
    else ++unseen;
  }
  if (seen == 0 || unseen == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "class table has ", seen, " seen and ", unseen,
        " unseen classes, expected at least one of each"));
  }
  return std::unique_ptr<FeModel>(
      new FeModel(config, std::move(scaler), std::move(semantic_scaler),
                  std::move(classes), device));
}

FeModel::FeModel(const FeModelConfig& config, FeatureScaler scaler,
                 SemanticScaler semantic_scaler,
                 std::vector<ClassEntry> classes, torch::Device device)
    : config_(config),
      scaler_(std::move(scaler)),
      semantic_scaler_(std::move(semantic_scaler)),
      classes_(std::move(classes)),
      device_(device) {
  for (const ClassEntry& entry : classes_) {
    gzsl_class_ids_.push_back(entry.id);
    gzsl_seen_.push_back(entry.kind == ClassKind::kSeen);
    if (entry.kind != ClassKind::kSeen) zsl_class_ids_.push_back(entry.id);
  }
  generator_ = Generator(GeneratorOptions{config.attribute_dim,
                                          config.noise_dim,
                                          config.generator_hidden_dim,
                                          config.feature_dim,
                                          config.generator_output});
  semantic_ = SemanticNet(
      SemanticNetOptions{config.feature_dim, config.attribute_dim});
  filter_ = FilterModule(FilterModuleOptions{config.feature_dim,
                                             config.core_dim,
                                             config.projection_dim,
                                             config.decoder_hidden_dim});
  const int64_t width = config.EnhancedDim();
  gzsl_classifier_ = LinearClassifier(LinearClassifierOptions{
      width, static_cast<int64_t>(gzsl_class_ids_.size())});
  zsl_classifier_ = LinearClassifier(LinearClassifierOptions{
      width, static_cast<int64_t>(zsl_class_ids_.size())});
  generator_->to(device_);
  semantic_->to(device_);
  filter_->to(device_);
  gzsl_classifier_->to(device_);
  zsl_classifier_->to(device_);
}

torch::Tensor ClassTableTensor(const std::vector<ClassEntry>& classes) {
  const int64_t rows = static_cast<int64_t>(classes.size());
  const int64_t dim =
      rows > 0 ? static_cast<int64_t>(classes[0].semantic_vector.size()) : 0;
  torch::Tensor table = torch::empty({rows, dim}, torch::kFloat32);
  float* data = table.data_ptr<float>();
  for (int64_t k = 0; k < rows; ++k) {
    std::copy(classes[k].semantic_vector.begin(),
              classes[k].semantic_vector.end(), data + k * dim);
  }
  return table;
}

torch::Tensor FeModel::NormalizedSemantics() const {
  return semantic_scaler_.Apply(ClassTableTensor(classes_)).to(device_);
}

torch::Tensor FeModel::Preprocess(const torch::Tensor& raw) const {
  return scaler_.Apply(raw.to(device_, torch::kFloat32));
}

torch::Tensor FeModel::Enhance(const torch::Tensor& preprocessed) const {
  return EnhanceFeatures(preprocessed, config_.layout, semantic_, filter_);
}

torch::Tensor FeModel::GzslLogProbabilities(const torch::Tensor& raw,
                                            double calibration) const {
  torch::NoGradGuard no_grad;
  torch::Tensor bias;
  if (calibration != 0.0) {
    std::vector<float> values(gzsl_seen_.size());
    for (size_t k = 0; k < values.size(); ++k) {
      values[k] = gzsl_seen_[k] ? static_cast<float>(calibration) : 0.0f;
    }
    bias = torch::tensor(values).to(device_);
  }
  return MapChunks(raw, [&](const torch::Tensor& chunk) {
    torch::Tensor logits = gzsl_classifier_(Enhance(Preprocess(chunk)));
    torch::Tensor log_probabilities = torch::log_softmax(logits, 1);
    if (!bias.defined()) return log_probabilities;
    return torch::log_softmax(log_probabilities - bias, 1);
  });
}

torch::Tensor FeModel::ZslLogProbabilities(const torch::Tensor& raw) const {
  torch::NoGradGuard no_grad;
  return MapChunks(raw, [&](const torch::Tensor& chunk) {
    return torch::log_softmax(zsl_classifier_(Enhance(Preprocess(chunk))), 1);
  });
}

std::vector<int32_t> FeModel::PredictGzsl(const torch::Tensor& raw,
                                          double calibration) const {
  return ArgmaxToIds(GzslLogProbabilities(raw, calibration), gzsl_class_ids_);
}

std::vector<int32_t> FeModel::PredictZsl(const torch::Tensor& raw) const {
  return ArgmaxToIds(ZslLogProbabilities(raw), zsl_class_ids_);
}

}  // namespace fe
