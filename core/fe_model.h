// The trained FE model as it is served: preprocessing, the modules that
// build the enhanced feature f(x) = [x ; N(x) ; E(x)], the generator (kept
// so that new unseen classes can be synthesised later) and the final
// classifiers.
//
// Thread-safety: after construction a FeModel is not modified in practice.
// The const methods run forward passes without autograd and may be called
// from many threads at once. The trainer mutates the modules through the
// non-const accessors before it publishes the model.

#ifndef FE_CORE_FE_MODEL_H_
#define FE_CORE_FE_MODEL_H_

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/modules.h"
#include "core/preprocessing.h"

namespace fe {

enum class ClassKind { kSeen, kUnseen, kRegistered };

std::string ClassKindName(ClassKind kind);
absl::StatusOr<ClassKind> ParseClassKind(const std::string& name);

// One row of the class table.
struct ClassEntry {
  int32_t id = 0;  // the class index of the dataset (column of `att`)
  std::string name;
  ClassKind kind = ClassKind::kSeen;
  std::vector<float> semantic_vector;  // [attribute_dim], as in the dataset
};

struct FeModelConfig {
  int64_t feature_dim = 0;           // d
  int64_t attribute_dim = 0;         // p
  int64_t noise_dim = 0;             // nz
  int64_t generator_hidden_dim = 0;
  int64_t core_dim = 0;              // size of E(x)
  int64_t projection_dim = 0;        // size of the contrastive projection
  int64_t decoder_hidden_dim = 0;
  GeneratorOutput generator_output = GeneratorOutput::kRelu;
  FeatureLayout layout;
  // Returns the width of f(x).
  int64_t EnhancedDim() const {
    return layout.Width(feature_dim, attribute_dim, core_dim);
  }
};

class FeModel {
 public:
  // Builds a model with freshly initialised modules on `device`. The GZSL
  // classifier covers every seen and unseen class of `classes` in table
  // order; the ZSL classifier covers the unseen ones. INVALID_ARGUMENT for
  // non-positive dimensions, a scaler or class vector of the wrong size, or
  // a class table without seen or without unseen classes.
  static absl::StatusOr<std::unique_ptr<FeModel>> Create(
      const FeModelConfig& config, FeatureScaler scaler,
      SemanticScaler semantic_scaler, std::vector<ClassEntry> classes,
      torch::Device device);

  const FeModelConfig& config() const { return config_; }
  const FeatureScaler& scaler() const { return scaler_; }
  const SemanticScaler& semantic_scaler() const { return semantic_scaler_; }
  const std::vector<ClassEntry>& classes() const { return classes_; }
  torch::Device device() const { return device_; }

  // Class ids of the GZSL and ZSL classifier outputs, in column order.
  const std::vector<int32_t>& gzsl_class_ids() const { return gzsl_class_ids_; }
  const std::vector<int32_t>& zsl_class_ids() const { return zsl_class_ids_; }
  // Per GZSL column: whether the class is seen (for calibrated stacking).
  const std::vector<bool>& gzsl_column_is_seen() const { return gzsl_seen_; }

  Generator& generator() { return generator_; }
  SemanticNet& semantic() { return semantic_; }
  FilterModule& filter() { return filter_; }
  LinearClassifier& gzsl_classifier() { return gzsl_classifier_; }
  LinearClassifier& zsl_classifier() { return zsl_classifier_; }

  // Semantic vectors of every class, normalised as configured.
  // Returns [classes().size(), attribute_dim] float32 on device().
  torch::Tensor NormalizedSemantics() const;

  // raw: [B, feature_dim] float32 on any device, as the dataset stores it.
  // Returns the preprocessed features [B, feature_dim] on device().
  torch::Tensor Preprocess(const torch::Tensor& raw) const;
  // preprocessed: [B, feature_dim] on device(). Returns f(x),
  // [B, EnhancedDim()] float32.
  torch::Tensor Enhance(const torch::Tensor& preprocessed) const;

  // raw: [B, feature_dim]. Returns GZSL log-probabilities
  // [B, gzsl_class_ids().size()]. `calibration` is subtracted from the
  // seen-class scores before the softmax (calibrated stacking, Chao et al.
  // 2016); 0 turns it off.
  torch::Tensor GzslLogProbabilities(const torch::Tensor& raw,
                                     double calibration = 0.0) const;
  // raw: [B, feature_dim]. Returns ZSL log-probabilities
  // [B, zsl_class_ids().size()].
  torch::Tensor ZslLogProbabilities(const torch::Tensor& raw) const;

  // Return the top-1 class id per sample. raw: [B, feature_dim].
  std::vector<int32_t> PredictGzsl(const torch::Tensor& raw,
                                   double calibration = 0.0) const;
  std::vector<int32_t> PredictZsl(const torch::Tensor& raw) const;

 private:
  FeModel(const FeModelConfig& config, FeatureScaler scaler,
          SemanticScaler semantic_scaler, std::vector<ClassEntry> classes,
          torch::Device device);

  FeModelConfig config_;
  FeatureScaler scaler_;
  SemanticScaler semantic_scaler_;
  std::vector<ClassEntry> classes_;
  torch::Device device_;
  std::vector<int32_t> gzsl_class_ids_;
  std::vector<int32_t> zsl_class_ids_;
  std::vector<bool> gzsl_seen_;

  // Forward passes are logically const; torch modules have non-const
  // forward methods.
  mutable Generator generator_{nullptr};
  mutable SemanticNet semantic_{nullptr};
  mutable FilterModule filter_{nullptr};
  mutable LinearClassifier gzsl_classifier_{nullptr};
  mutable LinearClassifier zsl_classifier_{nullptr};
};

// Returns the raw semantic vectors of `classes` as [K, p] float32 on the
// CPU, in table order. Every entry must have the same length.
torch::Tensor ClassTableTensor(const std::vector<ClassEntry>& classes);

// Samples are split into chunks of this many rows for inference, which
// bounds the memory of a forward pass over a whole test split.
inline constexpr int64_t kInferenceChunkRows = 4096;

}  // namespace fe

#endif  // FE_CORE_FE_MODEL_H_
