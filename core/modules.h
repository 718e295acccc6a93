// The neural modules of the FE (Feature Enhancement) model for generalized
// zero-shot learning.
//
//   Generator G(a, z) -> x_fake       one hidden layer, LeakyReLU 0.2
//   Critic D(x, a) -> score           one hidden layer on [x ; a]
//   SemanticNet N(x) -> virtual semantics, one Linear + Tanh
//   LinearClassifier                  softmax classifier (logits only)
//   FilterModule                      encoder E(x) -> h (core features),
//                                     projection h -> z (L2-normalised),
//                                     decoder Dec(h) -> x_rec
//
// Each module follows the LibTorch convention: an `Impl` class plus a holder
// declared with TORCH_MODULE, built from an options struct.
//
// Example:
//
//   Generator generator(GeneratorOptions{.attribute_dim = 312,
//                                        .noise_dim = 312,
//                                        .hidden_dim = 4096,
//                                        .feature_dim = 2048});
//   torch::Tensor fake = generator(attributes, torch::randn({64, 312}));

#ifndef FE_CORE_MODULES_H_
#define FE_CORE_MODULES_H_

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace fe {

// Output nonlinearity of the generator. ReLU (the f-CLSWGAN choice)
// matches non-negative features, scaled or not. Sigmoid (the CE-GZSL
// choice) bounds outputs to (0, 1) but saturates where real features are
// exactly 0, which stalled training on MinMax-scaled features in our runs.
// None leaves the output linear.
enum class GeneratorOutput { kSigmoid, kRelu, kNone };

absl::StatusOr<GeneratorOutput> ParseGeneratorOutput(const std::string& name);
std::string GeneratorOutputName(GeneratorOutput output);

struct GeneratorOptions {
  int64_t attribute_dim = 0;  // p
  int64_t noise_dim = 0;      // nz; the reference implementations use p
  int64_t hidden_dim = 4096;  // the reference value for d = 2048
  int64_t feature_dim = 0;    // d
  GeneratorOutput output = GeneratorOutput::kRelu;
};

class GeneratorImpl : public torch::nn::Module {
 public:
  explicit GeneratorImpl(const GeneratorOptions& options);

  // attributes: [batch, attribute_dim] float32; noise: [batch, noise_dim]
  // float32. Returns [batch, feature_dim] float32.
  torch::Tensor forward(const torch::Tensor& attributes,
                        const torch::Tensor& noise);

  const GeneratorOptions& options() const { return options_; }

 private:
  GeneratorOptions options_;
  torch::nn::Linear hidden_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(Generator);

struct CriticOptions {
  int64_t feature_dim = 0;    // d
  int64_t attribute_dim = 0;  // p
  int64_t hidden_dim = 4096;  // the reference value for d = 2048
};

// Scores a joint pair (x, a). The Wasserstein form reads the score as a
// critic value; the log-loss form reads it as the logit of "real".
class CriticImpl : public torch::nn::Module {
 public:
  explicit CriticImpl(const CriticOptions& options);

  // features: [batch, feature_dim]; semantics: [batch, attribute_dim].
  // Returns [batch] float32.
  torch::Tensor forward(const torch::Tensor& features,
                        const torch::Tensor& semantics);

  // joint: [batch, feature_dim + attribute_dim], the concatenation [x ; a].
  // Returns [batch] float32. The gradient penalty differentiates this.
  torch::Tensor ScoreJoint(const torch::Tensor& joint);

 private:
  torch::nn::Linear hidden_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(Critic);

struct SemanticNetOptions {
  int64_t feature_dim = 0;    // d
  int64_t attribute_dim = 0;  // p
};

// N(x): exactly one Linear layer d -> p followed by Tanh, as the FE paper
// specifies.
class SemanticNetImpl : public torch::nn::Module {
 public:
  explicit SemanticNetImpl(const SemanticNetOptions& options);

  // features: [batch, feature_dim]. Returns [batch, attribute_dim] in
  // (-1, 1).
  torch::Tensor forward(const torch::Tensor& features);

 private:
  torch::nn::Linear linear_{nullptr};
};
TORCH_MODULE(SemanticNet);

struct LinearClassifierOptions {
  int64_t input_dim = 0;
  int64_t num_classes = 0;
};

// A softmax classifier; forward returns logits, and losses apply the
// softmax.
class LinearClassifierImpl : public torch::nn::Module {
 public:
  explicit LinearClassifierImpl(const LinearClassifierOptions& options);

  // inputs: [batch, input_dim]. Returns logits [batch, num_classes].
  torch::Tensor forward(const torch::Tensor& inputs);

  const LinearClassifierOptions& options() const { return options_; }

 private:
  LinearClassifierOptions options_;
  torch::nn::Linear linear_{nullptr};
};
TORCH_MODULE(LinearClassifier);

struct FilterModuleOptions {
  int64_t feature_dim = 0;            // d
  int64_t core_dim = 2048;            // size of h = E(x)
  int64_t projection_dim = 512;       // size of z for the instance loss
  int64_t decoder_hidden_dim = 4096;  // hidden layer of Dec
};

// The filter module: E extracts the core features h = E(x) (Linear + ReLU),
// a projection maps h to an L2-normalised z for the instance-level
// contrastive loss, and the decoder reconstructs x from h.
class FilterModuleImpl : public torch::nn::Module {
 public:
  explicit FilterModuleImpl(const FilterModuleOptions& options);

  // features: [batch, feature_dim]. Returns h: [batch, core_dim].
  torch::Tensor Encode(const torch::Tensor& features);
  // core: [batch, core_dim]. Returns z: [batch, projection_dim], unit rows.
  torch::Tensor Project(const torch::Tensor& core);
  // core: [batch, core_dim]. Returns x_rec: [batch, feature_dim].
  torch::Tensor Decode(const torch::Tensor& core);

  const FilterModuleOptions& options() const { return options_; }

 private:
  FilterModuleOptions options_;
  torch::nn::Linear encoder_{nullptr};
  torch::nn::Linear projection_{nullptr};
  torch::nn::Linear decoder_hidden_{nullptr};
  torch::nn::Linear decoder_output_{nullptr};
};
TORCH_MODULE(FilterModule);

// Which parts make up the enhanced feature f(x) that the final classifier
// sees. FE uses [x ; N(x) ; E(x)]; the FE-latent ablation drops E(x) and
// the FE-att ablation drops N(x).
struct FeatureLayout {
  bool use_virtual_semantics = true;  // N(x)
  bool use_core_features = true;      // E(x)

  // Returns the width of f(x) for the given module sizes.
  int64_t Width(int64_t feature_dim, int64_t attribute_dim,
                int64_t core_dim) const;
};

// Builds f(x). features: [batch, feature_dim] (already preprocessed).
// Returns [batch, FeatureLayout::Width(...)] float32. `semantic` and
// `filter` may be empty holders when the layout does not use them.
torch::Tensor EnhanceFeatures(const torch::Tensor& features,
                              const FeatureLayout& layout,
                              SemanticNet& semantic, FilterModule& filter);

}  // namespace fe

#endif  // FE_CORE_MODULES_H_
