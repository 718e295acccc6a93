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
  // Each dimension standardised to zero mean and unit variance over the
  // class table the model was trained with, then each vector L2-normalised.
  // For attributes of mixed units (one-hot types next to positions in
  // metres), where plain L2 lets the largest unit dominate.
  kStandardizeL2,
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

// The class semantic vector transform: an optional per-dimension affine
// map a' = (a - offset) * scale, then the row normalisation of `kind`.
struct SemanticScaler {
  SemanticNormalization kind = SemanticNormalization::kL2;
  std::vector<float> offset;  // [attribute_dim]; empty unless standardising
  std::vector<float> scale;   // [attribute_dim]; empty unless standardising

  // Fits the transform on the class table `semantics` ([K, p] float32). A
  // dimension that is constant over the table gets scale 1.
  static SemanticScaler Fit(SemanticNormalization kind,
                            const torch::Tensor& semantics);

  // semantics: [K, p] float32 on the CPU. Returns [K, p] float32.
  torch::Tensor Apply(const torch::Tensor& semantics) const;
};

}  // namespace fe

#endif  // FE_CORE_PREPROCESSING_H_
