// Preprocessing of features and semantic vectors. Its parameters are part
// of a trained model: the classifier applies the same transform at serving
// time, so they are stored in every snapshot.

#ifndef FE_CORE_PREPROCESSING_H_
#define FE_CORE_PREPROCESSING_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fe {

enum class FeatureScaling {
  kNone,
  // Per dimension x' = (x - min) / (max - min), with min and max taken on
  // the training split only (the f-CLSWGAN reference preprocessing). A
  // dimension that is constant on the training split gets a range of 1.
  kMinMax,
};

enum class SemanticNormalization {
  kNone,
  // Each class vector divided by its L2 norm; all-zero vectors stay zero.
  kL2,
};

absl::StatusOr<FeatureScaling> ParseFeatureScaling(const std::string& name);
std::string FeatureScalingName(FeatureScaling scaling);
absl::StatusOr<SemanticNormalization> ParseSemanticNormalization(
    const std::string& name);
std::string SemanticNormalizationName(SemanticNormalization normalization);

// An affine per-dimension feature transform x' = (x - offset) * scale.
struct FeatureScaler {
  FeatureScaling kind = FeatureScaling::kNone;
  std::vector<float> offset;  // [feature_dim]
  std::vector<float> scale;   // [feature_dim]

  // Fits the transform on `features` ([N, d] float32, the training split).
  static FeatureScaler Fit(FeatureScaling kind, const torch::Tensor& features);

  // features: [B, d] float32 on any device. Returns [B, d] float32.
  torch::Tensor Apply(const torch::Tensor& features) const;
};

// Returns `semantics` ([K, p] float32) normalised row by row.
torch::Tensor NormalizeSemantics(const torch::Tensor& semantics,
                                 SemanticNormalization normalization);

}  // namespace fe

#endif  // FE_CORE_PREPROCESSING_H_
