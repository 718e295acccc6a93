#include "core/modules.h"

#include "absl/strings/str_cat.h"

namespace fe {
namespace {

constexpr double kLeakySlope = 0.2;

// Builds a Linear layer with weights drawn from N(0, 0.02) and zero bias,
// the initialisation of the f-CLSWGAN and CE-GZSL reference code; the
// LibTorch default (Kaiming uniform) trains the 4096-wide GAN layers
// noticeably slower.
torch::nn::Linear MakeLinear(int64_t in, int64_t out) {
  torch::nn::Linear linear(torch::nn::LinearOptions(in, out));
  torch::NoGradGuard no_grad;
  linear->weight.normal_(0.0, 0.02);
  linear->bias.zero_();
  return linear;
}

torch::Tensor LeakyRelu(const torch::Tensor& x) {
  return torch::leaky_relu(x, kLeakySlope);
}

}  // namespace

absl::StatusOr<GeneratorOutput> ParseGeneratorOutput(const std::string& name) {
  if (name == "sigmoid") return GeneratorOutput::kSigmoid;
  if (name == "relu") return GeneratorOutput::kRelu;
  if (name == "none") return GeneratorOutput::kNone;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid generator output '", name,
      "': expected one of sigmoid, relu, none"));
}

std::string GeneratorOutputName(GeneratorOutput output) {
  switch (output) {
    case GeneratorOutput::kSigmoid:
      return "sigmoid";
    case GeneratorOutput::kRelu:
      return "relu";
    case GeneratorOutput::kNone:
      return "none";
  }
  return "none";
}

GeneratorImpl::GeneratorImpl(const GeneratorOptions& options)
    : options_(options) {
  hidden_ = register_module(
      "hidden",
      MakeLinear(options.attribute_dim + options.noise_dim, options.hidden_dim));
  output_ = register_module("output",
                            MakeLinear(options.hidden_dim, options.feature_dim));
}

torch::Tensor GeneratorImpl::forward(const torch::Tensor& attributes,
                                     const torch::Tensor& noise) {
  // [batch, p + nz] -> [batch, hidden] -> [batch, d]
  torch::Tensor x = LeakyRelu(hidden_(torch::cat({noise, attributes}, 1)));
  x = output_(x);
  switch (options_.output) {
    case GeneratorOutput::kSigmoid:
      return torch::sigmoid(x);
    case GeneratorOutput::kRelu:
      return torch::relu(x);
    case GeneratorOutput::kNone:
      return x;
  }
  return x;
}

CriticImpl::CriticImpl(const CriticOptions& options) {
  hidden_ = register_module(
      "hidden",
      MakeLinear(options.feature_dim + options.attribute_dim, options.hidden_dim));
  output_ = register_module("output", MakeLinear(options.hidden_dim, 1));
}

torch::Tensor CriticImpl::forward(const torch::Tensor& features,
                                  const torch::Tensor& semantics) {
  return ScoreJoint(torch::cat({features, semantics}, 1));
}

torch::Tensor CriticImpl::ScoreJoint(const torch::Tensor& joint) {
  // [batch, d + p] -> [batch, hidden] -> [batch, 1] -> [batch]
  return output_(LeakyRelu(hidden_(joint))).squeeze(1);
}

SemanticNetImpl::SemanticNetImpl(const SemanticNetOptions& options) {
  linear_ = register_module(
      "linear", MakeLinear(options.feature_dim, options.attribute_dim));
}

torch::Tensor SemanticNetImpl::forward(const torch::Tensor& features) {
  return torch::tanh(linear_(features));
}

LinearClassifierImpl::LinearClassifierImpl(
    const LinearClassifierOptions& options)
    : options_(options) {
  // The default LibTorch initialisation here: the classifier is a convex
  // problem trained from scratch and needs no GAN-style small weights.
  linear_ = register_module(
      "linear",
      torch::nn::Linear(torch::nn::LinearOptions(options.input_dim,
                                                 options.num_classes)));
}

torch::Tensor LinearClassifierImpl::forward(const torch::Tensor& inputs) {
  return linear_(inputs);
}

FilterModuleImpl::FilterModuleImpl(const FilterModuleOptions& options)
    : options_(options) {
  encoder_ = register_module(
      "encoder", MakeLinear(options.feature_dim, options.core_dim));
  projection_ = register_module(
      "projection", MakeLinear(options.core_dim, options.projection_dim));
  decoder_hidden_ = register_module(
      "decoder_hidden",
      MakeLinear(options.core_dim, options.decoder_hidden_dim));
  decoder_output_ = register_module(
      "decoder_output",
      MakeLinear(options.decoder_hidden_dim, options.feature_dim));
}

torch::Tensor FilterModuleImpl::Encode(const torch::Tensor& features) {
  return torch::relu(encoder_(features));
}

torch::Tensor FilterModuleImpl::Project(const torch::Tensor& core) {
  return torch::nn::functional::normalize(
      projection_(core),
      torch::nn::functional::NormalizeFuncOptions().p(2).dim(1));
}

torch::Tensor FilterModuleImpl::Decode(const torch::Tensor& core) {
  return decoder_output_(LeakyRelu(decoder_hidden_(core)));
}

int64_t FeatureLayout::Width(int64_t feature_dim, int64_t attribute_dim,
                             int64_t core_dim) const {
  return feature_dim + (use_virtual_semantics ? attribute_dim : 0) +
         (use_core_features ? core_dim : 0);
}

torch::Tensor EnhanceFeatures(const torch::Tensor& features,
                              const FeatureLayout& layout,
                              SemanticNet& semantic, FilterModule& filter) {
  std::vector<torch::Tensor> parts = {features};
  if (layout.use_virtual_semantics) parts.push_back(semantic(features));
  if (layout.use_core_features) parts.push_back(filter->Encode(features));
  // [batch, d] ++ [batch, p] ++ [batch, core] -> [batch, width]
  return torch::cat(parts, 1);
}

}  // namespace fe
