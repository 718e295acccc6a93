#include "core/preprocessing.h"

#include "absl/strings/str_cat.h"

namespace fe {

absl::StatusOr<FeatureScaling> ParseFeatureScaling(const std::string& name) {
  if (name == "minmax") return FeatureScaling::kMinMax;
  if (name == "none") return FeatureScaling::kNone;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid feature scaling '", name, "': expected minmax or none"));
}

std::string FeatureScalingName(FeatureScaling scaling) {
  return scaling == FeatureScaling::kMinMax ? "minmax" : "none";
}

absl::StatusOr<SemanticNormalization> ParseSemanticNormalization(
    const std::string& name) {
  if (name == "l2") return SemanticNormalization::kL2;
  if (name == "none") return SemanticNormalization::kNone;
  if (name == "standardize-l2") return SemanticNormalization::kStandardizeL2;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid semantic normalization '", name,
      "': expected l2, standardize-l2 or none"));
}

std::string SemanticNormalizationName(SemanticNormalization normalization) {
  switch (normalization) {
    case SemanticNormalization::kL2:
      return "l2";
    case SemanticNormalization::kStandardizeL2:
      return "standardize-l2";
    case SemanticNormalization::kNone:
      return "none";
  }
  return "none";
}

FeatureScaler FeatureScaler::Fit(FeatureScaling kind,
                                 const torch::Tensor& features) {
  FeatureScaler scaler;
  scaler.kind = kind;
  const int64_t dim = features.size(1);
  torch::Tensor offset = torch::zeros({dim}, torch::kFloat32);
  torch::Tensor scale = torch::ones({dim}, torch::kFloat32);
  if (kind == FeatureScaling::kMinMax) {
    torch::Tensor cpu = features.to(torch::kCPU, torch::kFloat32);
    torch::Tensor minimum = std::get<0>(cpu.min(0));
    torch::Tensor range = std::get<0>(cpu.max(0)) - minimum;
    range = torch::where(range > 0, range, torch::ones_like(range));
    offset = minimum;
    scale = 1.0 / range;
  }
  offset = offset.contiguous();
  scale = scale.contiguous();
  scaler.offset.assign(offset.data_ptr<float>(),
                       offset.data_ptr<float>() + dim);
  scaler.scale.assign(scale.data_ptr<float>(), scale.data_ptr<float>() + dim);
  return scaler;
}

torch::Tensor FeatureScaler::Apply(const torch::Tensor& features) const {
  if (kind == FeatureScaling::kNone) return features;
  const int64_t dim = static_cast<int64_t>(offset.size());
  auto options = torch::TensorOptions().dtype(torch::kFloat32);
  // from_blob does not copy, so clone before moving to another device.
  torch::Tensor offset_tensor =
      torch::from_blob(const_cast<float*>(offset.data()), {dim}, options)
          .to(features.device(), /*non_blocking=*/false, /*copy=*/true);
  torch::Tensor scale_tensor =
      torch::from_blob(const_cast<float*>(scale.data()), {dim}, options)
          .to(features.device(), /*non_blocking=*/false, /*copy=*/true);
  return (features - offset_tensor) * scale_tensor;
}

SemanticScaler SemanticScaler::Fit(SemanticNormalization kind,
                                   const torch::Tensor& semantics) {
  SemanticScaler scaler;
  scaler.kind = kind;
  if (kind != SemanticNormalization::kStandardizeL2) return scaler;
  torch::Tensor cpu = semantics.to(torch::kCPU, torch::kFloat64);
  torch::Tensor mean = cpu.mean(0);
  // Population standard deviation, written out because the std() overloads
  // changed between LibTorch 1.x and 2.x.
  torch::Tensor std = (cpu - mean).pow(2).mean(0).sqrt();
  torch::Tensor scale = torch::where(std > 0, 1.0 / std, torch::ones_like(std))
                            .to(torch::kFloat32)
                            .contiguous();
  mean = mean.to(torch::kFloat32).contiguous();
  const int64_t dim = mean.size(0);
  scaler.offset.assign(mean.data_ptr<float>(), mean.data_ptr<float>() + dim);
  scaler.scale.assign(scale.data_ptr<float>(), scale.data_ptr<float>() + dim);
  return scaler;
}

torch::Tensor SemanticScaler::Apply(const torch::Tensor& semantics) const {
  if (kind == SemanticNormalization::kNone) return semantics;
  torch::Tensor table = semantics;
  if (kind == SemanticNormalization::kStandardizeL2) {
    const int64_t dim = static_cast<int64_t>(offset.size());
    torch::Tensor offset_tensor = torch::tensor(offset).view({1, dim});
    torch::Tensor scale_tensor = torch::tensor(scale).view({1, dim});
    table = (table - offset_tensor) * scale_tensor;
  }
  torch::Tensor norms = table.norm(2, 1, /*keepdim=*/true);
  return table / torch::where(norms > 0, norms, torch::ones_like(norms));
}

}  // namespace fe
