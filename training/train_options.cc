// Parsing, validation and JSON form of TrainOptions.

#include <cmath>
#include <thread>

#include "absl/strings/str_cat.h"
#include "training/trainer.h"

namespace fe {
namespace {

absl::Status CheckPositive(const char* name, double value) {
  if (value > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("option ", name, " is ", value, ", expected > 0"));
}

absl::Status CheckNonNegative(const char* name, double value) {
  if (value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("option ", name, " is ", value, ", expected >= 0"));
}

}  // namespace

absl::StatusOr<ModelVariant> ParseModelVariant(const std::string& name) {
  if (name == "fe") return ModelVariant::kFe;
  if (name == "fe-latent") return ModelVariant::kFeLatent;
  if (name == "fe-att") return ModelVariant::kFeAtt;
  if (name == "f-clswgan") return ModelVariant::kFClsWgan;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid variant '", name,
      "': expected one of fe, fe-latent, fe-att, f-clswgan"));
}

std::string ModelVariantName(ModelVariant variant) {
  switch (variant) {
    case ModelVariant::kFe:
      return "fe";
    case ModelVariant::kFeLatent:
      return "fe-latent";
    case ModelVariant::kFeAtt:
      return "fe-att";
    case ModelVariant::kFClsWgan:
      return "f-clswgan";
  }
  return "fe";
}

absl::StatusOr<AdversarialLoss> ParseAdversarialLoss(const std::string& name) {
  if (name == "wgan-gp") return AdversarialLoss::kWassersteinGp;
  if (name == "log") return AdversarialLoss::kLogLoss;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid adversarial loss '", name, "': expected wgan-gp or log"));
}

std::string AdversarialLossName(AdversarialLoss loss) {
  return loss == AdversarialLoss::kLogLoss ? "log" : "wgan-gp";
}

absl::StatusOr<RealPair> ParseRealPair(const std::string& name) {
  if (name == "virtual") return RealPair::kVirtualSemantics;
  if (name == "attribute") return RealPair::kClassSemantics;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid real pair '", name, "': expected virtual (x, N(x)) or "
      "attribute (x, a)"));
}

std::string RealPairName(RealPair pair) {
  return pair == RealPair::kClassSemantics ? "attribute" : "virtual";
}

absl::Status TrainOptions::Validate() const {
  const std::pair<const char*, double> positive[] = {
      {"epochs", static_cast<double>(epochs)},
      {"batch_size", static_cast<double>(batch_size)},
      {"generator_learning_rate", generator_learning_rate},
      {"critic_learning_rate", critic_learning_rate},
      {"dependency_temperature", dependency_temperature},
      {"instance_temperature", instance_temperature},
      {"ranking_margin", ranking_margin},
      {"pretrain_epochs", static_cast<double>(pretrain_epochs)},
      {"pretrain_learning_rate", pretrain_learning_rate},
      {"synthetic_per_class", static_cast<double>(synthetic_per_class)},
      {"classifier_epochs", static_cast<double>(classifier_epochs)},
      {"classifier_batch_size", static_cast<double>(classifier_batch_size)},
      {"classifier_learning_rate", classifier_learning_rate}};
  for (const auto& [name, value] : positive) {
    if (absl::Status s = CheckPositive(name, value); !s.ok()) return s;
  }
  const std::pair<const char*, double> non_negative[] = {
      {"critic_steps", static_cast<double>(critic_steps)},
      {"noise_dim", static_cast<double>(noise_dim)},
      {"generator_hidden_dim", static_cast<double>(generator_hidden_dim)},
      {"critic_hidden_dim", static_cast<double>(critic_hidden_dim)},
      {"core_dim", static_cast<double>(core_dim)},
      {"projection_dim", static_cast<double>(projection_dim)},
      {"decoder_hidden_dim", static_cast<double>(decoder_hidden_dim)},
      {"adversarial_weight", adversarial_weight},
      {"gradient_penalty_weight", gradient_penalty_weight},
      {"classification_weight", classification_weight},
      {"dependency_weight", dependency_weight},
      {"ranking_weight", ranking_weight},
      {"instance_weight", instance_weight},
      {"reconstruction_weight", reconstruction_weight},
      {"eval_every", static_cast<double>(eval_every)},
      {"synthetic_seen_per_class",
       static_cast<double>(synthetic_seen_per_class)},
      {"threads", static_cast<double>(threads)}};
  for (const auto& [name, value] : non_negative) {
    if (absl::Status s = CheckNonNegative(name, value); !s.ok()) return s;
  }
  if (!std::isfinite(calibration)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "option calibration is ", calibration, ", expected a finite number"));
  }
  if (adam_beta1 < 0 || adam_beta1 >= 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "option adam_beta1 is ", adam_beta1, ", expected in [0, 1)"));
  }
  if (device != "auto" && device != "cpu" && device != "cuda") {
    return absl::InvalidArgumentError(absl::StrCat(
        "option device is '", device, "', expected auto, cpu or cuda"));
  }
  return absl::OkStatus();
}

nlohmann::json TrainOptions::ToJson() const {
  return nlohmann::json{
      {"variant", ModelVariantName(variant)},
      {"epochs", epochs},
      {"batch_size", batch_size},
      {"critic_steps", critic_steps},
      {"generator_learning_rate", generator_learning_rate},
      {"critic_learning_rate", critic_learning_rate},
      {"adam_beta1", adam_beta1},
      {"seed", seed},
      {"noise_dim", noise_dim},
      {"generator_hidden_dim", generator_hidden_dim},
      {"critic_hidden_dim", critic_hidden_dim},
      {"core_dim", core_dim},
      {"projection_dim", projection_dim},
      {"decoder_hidden_dim", decoder_hidden_dim},
      {"generator_output", GeneratorOutputName(generator_output)},
      {"adversarial_loss", AdversarialLossName(adversarial_loss)},
      {"real_pair", RealPairName(real_pair)},
      {"adversarial_weight", adversarial_weight},
      {"gradient_penalty_weight", gradient_penalty_weight},
      {"classification_weight", classification_weight},
      {"dependency_weight", dependency_weight},
      {"ranking_weight", ranking_weight},
      {"instance_weight", instance_weight},
      {"reconstruction_weight", reconstruction_weight},
      {"dependency_temperature", dependency_temperature},
      {"instance_temperature", instance_temperature},
      {"ranking_margin", ranking_margin},
      {"pretrain_epochs", pretrain_epochs},
      {"pretrain_learning_rate", pretrain_learning_rate},
      {"synthetic_per_class", synthetic_per_class},
      {"synthetic_seen_per_class", synthetic_seen_per_class},
      {"classifier_epochs", classifier_epochs},
      {"classifier_batch_size", classifier_batch_size},
      {"classifier_learning_rate", classifier_learning_rate},
      {"calibration", calibration},
      {"eval_every", eval_every},
      {"feature_scaling", FeatureScalingName(feature_scaling)},
      {"semantic_normalization",
       SemanticNormalizationName(semantic_normalization)},
      {"device", device},
      {"threads", threads}};
}

}  // namespace fe
