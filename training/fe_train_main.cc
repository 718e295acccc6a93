// fe-train: trains an FE model on an xlsa17 dataset directory, evaluates
// it, and publishes it as a new snapshot version.

#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"
#include "training/train_command.h"

// Data and output.
ABSL_FLAG(std::string, data, "",
          "Dataset directory in the xlsa17 layout, or 'synthetic' for the "
          "built-in synthetic benchmark drawn from --seed. Required.");
ABSL_FLAG(std::string, features, "res101.mat",
          "Feature file name inside --data (SNU-B36-EX uses CNN_fea.mat).");
ABSL_FLAG(std::string, snapshot_root, "",
          "Root directory of the snapshot store to publish into. Required.");
ABSL_FLAG(std::string, model, "",
          "Model name to publish under, [A-Za-z0-9._-]+. Required.");
ABSL_FLAG(std::string, metrics_json, "",
          "If set, also write the final metrics (fractions in [0, 1]) and "
          "the published version to this JSON file.");
ABSL_FLAG(bool, validation, false,
          "Train and evaluate on a validation split built from train_loc and "
          "val_loc (val classes as unseen, part of each train class as "
          "test_seen), for choosing hyperparameters without the test set.");
ABSL_FLAG(double, validation_holdout, 0.2,
          "With --validation: fraction of each train class held out as "
          "test_seen.");

// Schedule.
ABSL_FLAG(std::string, variant, "fe",
          "Model variant: fe, fe-latent (f(x) without E(x)), fe-att (f(x) "
          "without N(x)), or f-clswgan (critic on (x, a), no N, no filter "
          "module, only adversarial and classification losses).");
ABSL_FLAG(int, epochs, 30, "Adversarial training epochs (passes over trainval).");
ABSL_FLAG(int, batch_size, 256,
          "Samples per training step. Small data sets learn faster with "
          "64 (the setting of the SNU-B36-EX runs).");
ABSL_FLAG(int, critic_steps, 5, "Critic updates per generator update.");
ABSL_FLAG(double, generator_lr, 1e-3,
          "Adam learning rate of G, N and the filter module.");
ABSL_FLAG(double, critic_lr, 1e-3, "Adam learning rate of the critic.");
ABSL_FLAG(double, adam_beta1, 0.5, "Adam beta1 of every optimiser.");
ABSL_FLAG(uint64_t, seed, 1, "Random seed; a CPU run is deterministic for it.");

// Architecture.
ABSL_FLAG(int64_t, noise_dim, 0, "Noise size nz; 0 = p (the semantic size).");
ABSL_FLAG(int64_t, generator_hidden, 0,
          "Generator hidden units; 0 = min(2d, 4096).");
ABSL_FLAG(int64_t, critic_hidden, 0, "Critic hidden units; 0 = min(2d, 4096).");
ABSL_FLAG(int64_t, core_dim, 0, "Size of the core features E(x); 0 = d.");
ABSL_FLAG(int64_t, projection_dim, 0,
          "Size of the contrastive projection; 0 = max(d/4, 16).");
ABSL_FLAG(int64_t, decoder_hidden, 0,
          "Decoder hidden units; 0 = min(2d, 4096).");
ABSL_FLAG(std::string, generator_output, "relu",
          "Generator output activation: sigmoid, relu or none.");
ABSL_FLAG(std::string, adversarial, "wgan-gp",
          "Adversarial objective: wgan-gp (Wasserstein critic with gradient "
          "penalty) or log (the log-loss form of the FE paper).");
ABSL_FLAG(std::string, real_pair, "attribute",
          "Real pair shown to the critic: virtual (x, N(x)) as in the FE paper, "
          "or attribute (x, a).");

// Loss weights and loss parameters.
ABSL_FLAG(double, adversarial_weight, 1.0, "Weight of L_adv; 0 = off.");
ABSL_FLAG(double, gp_weight, 10.0, "Gradient penalty weight lambda; 0 = off.");
ABSL_FLAG(double, cls_weight, 1.0, "Weight of L_cls; 0 = off.");
ABSL_FLAG(double, dep_weight, 0.1, "Weight of L_dep; 0 = off.");
ABSL_FLAG(double, rank_weight, 0.1, "Weight of L_rank; 0 = off.");
ABSL_FLAG(double, ins_weight, 0.001, "Weight of L_ins; 0 = off.");
ABSL_FLAG(double, rec_weight, 0.001, "Weight of L_rec; 0 = off.");
ABSL_FLAG(double, dep_temperature, 0.1, "Temperature tau of L_dep.");
ABSL_FLAG(double, ins_temperature, 0.1, "Temperature epsilon of L_ins.");
ABSL_FLAG(double, margin, 0.2, "Margin Delta of L_rank.");

// Classifiers and evaluation.
ABSL_FLAG(int, pretrain_epochs, 20,
          "Epochs of pre-training of the frozen seen-class classifier.");
ABSL_FLAG(double, pretrain_lr, 1e-3,
          "Adam learning rate of the seen-class classifier.");
ABSL_FLAG(int, n_syn, 200, "Generated features per unseen class.");
ABSL_FLAG(int, n_syn_seen, 0,
          "Generated features per seen class added to the GZSL classifier's "
          "training set, so that looking generated does not mean unseen; "
          "0 = real seen samples only.");
ABSL_FLAG(int, classifier_epochs, 25, "Epochs of the final classifiers.");
ABSL_FLAG(int, classifier_batch_size, 256,
          "Samples per step of the final classifiers.");
ABSL_FLAG(double, classifier_lr, 1e-3,
          "Adam learning rate of the final classifiers.");
ABSL_FLAG(double, calibration, 0.0,
          "Calibrated-stacking factor subtracted from seen-class "
          "log-probabilities at evaluation: positive favours unseen classes, "
          "negative favours seen ones; 0 = off.");
ABSL_FLAG(std::vector<std::string>, calibration_grid, {},
          "Comma-separated calibrated-stacking factors to also evaluate the "
          "final model with (prints U/S/H for each), for choosing "
          "--calibration with --validation.");
ABSL_FLAG(int, eval_every, 0,
          "Also evaluate every N epochs (and report the best H, labelled as "
          "chosen on the test set); 0 = evaluate after the last epoch only.");
ABSL_FLAG(std::string, feature_scaling, "minmax",
          "Feature preprocessing fitted on trainval: minmax or none.");
ABSL_FLAG(std::string, semantic_norm, "l2",
          "Class semantic vector normalisation: l2, standardize-l2 "
          "(per-dimension z-score over the class table, then l2) or none.");

// Runtime.
ABSL_FLAG(std::string, device, "auto",
          "Training device: auto (CUDA when available), cpu, or cuda.");
ABSL_FLAG(int, threads, 0, "LibTorch CPU threads; 0 = number of cores.");
ABSL_FLAG(std::string, log_level, "info",
          "Log level: trace, debug, info, warn, error, critical or off.");

namespace {

std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};

void HandleSignal(int signal_number) {
  g_signal.store(signal_number);
  g_cancel.store(true);
}

// Fills TrainCommand from the flags; returns INVALID_ARGUMENT naming the
// flag for an unknown enum value.
absl::StatusOr<fe::TrainCommand> CommandFromFlags() {
  fe::TrainCommand command;
  command.data = absl::GetFlag(FLAGS_data);
  command.feature_file = absl::GetFlag(FLAGS_features);
  command.snapshot_root = absl::GetFlag(FLAGS_snapshot_root);
  command.model = absl::GetFlag(FLAGS_model);
  command.metrics_json = absl::GetFlag(FLAGS_metrics_json);
  command.validation = absl::GetFlag(FLAGS_validation);
  command.validation_holdout = absl::GetFlag(FLAGS_validation_holdout);

  for (const std::string& text : absl::GetFlag(FLAGS_calibration_grid)) {
    double value = 0;
    if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid --calibration_grid value '", text,
          "': expected numbers separated by commas"));
    }
    command.calibration_grid.push_back(value);
  }

  fe::TrainOptions& o = command.options;
  auto variant = fe::ParseModelVariant(absl::GetFlag(FLAGS_variant));
  if (!variant.ok()) return variant.status();
  o.variant = *variant;
  o.epochs = absl::GetFlag(FLAGS_epochs);
  o.batch_size = absl::GetFlag(FLAGS_batch_size);
  o.critic_steps = absl::GetFlag(FLAGS_critic_steps);
  o.generator_learning_rate = absl::GetFlag(FLAGS_generator_lr);
  o.critic_learning_rate = absl::GetFlag(FLAGS_critic_lr);
  o.adam_beta1 = absl::GetFlag(FLAGS_adam_beta1);
  o.seed = absl::GetFlag(FLAGS_seed);
  o.noise_dim = absl::GetFlag(FLAGS_noise_dim);
  o.generator_hidden_dim = absl::GetFlag(FLAGS_generator_hidden);
  o.critic_hidden_dim = absl::GetFlag(FLAGS_critic_hidden);
  o.core_dim = absl::GetFlag(FLAGS_core_dim);
  o.projection_dim = absl::GetFlag(FLAGS_projection_dim);
  o.decoder_hidden_dim = absl::GetFlag(FLAGS_decoder_hidden);
  auto output = fe::ParseGeneratorOutput(absl::GetFlag(FLAGS_generator_output));
  if (!output.ok()) return output.status();
  o.generator_output = *output;
  auto adversarial = fe::ParseAdversarialLoss(absl::GetFlag(FLAGS_adversarial));
  if (!adversarial.ok()) return adversarial.status();
  o.adversarial_loss = *adversarial;
  auto real_pair = fe::ParseRealPair(absl::GetFlag(FLAGS_real_pair));
  if (!real_pair.ok()) return real_pair.status();
  o.real_pair = *real_pair;
  o.adversarial_weight = absl::GetFlag(FLAGS_adversarial_weight);
  o.gradient_penalty_weight = absl::GetFlag(FLAGS_gp_weight);
  o.classification_weight = absl::GetFlag(FLAGS_cls_weight);
  o.dependency_weight = absl::GetFlag(FLAGS_dep_weight);
  o.ranking_weight = absl::GetFlag(FLAGS_rank_weight);
  o.instance_weight = absl::GetFlag(FLAGS_ins_weight);
  o.reconstruction_weight = absl::GetFlag(FLAGS_rec_weight);
  o.dependency_temperature = absl::GetFlag(FLAGS_dep_temperature);
  o.instance_temperature = absl::GetFlag(FLAGS_ins_temperature);
  o.ranking_margin = absl::GetFlag(FLAGS_margin);
  o.pretrain_epochs = absl::GetFlag(FLAGS_pretrain_epochs);
  o.pretrain_learning_rate = absl::GetFlag(FLAGS_pretrain_lr);
  o.synthetic_per_class = absl::GetFlag(FLAGS_n_syn);
  o.synthetic_seen_per_class = absl::GetFlag(FLAGS_n_syn_seen);
  o.classifier_epochs = absl::GetFlag(FLAGS_classifier_epochs);
  o.classifier_batch_size = absl::GetFlag(FLAGS_classifier_batch_size);
  o.classifier_learning_rate = absl::GetFlag(FLAGS_classifier_lr);
  o.calibration = absl::GetFlag(FLAGS_calibration);
  o.eval_every = absl::GetFlag(FLAGS_eval_every);
  auto scaling = fe::ParseFeatureScaling(absl::GetFlag(FLAGS_feature_scaling));
  if (!scaling.ok()) return scaling.status();
  o.feature_scaling = *scaling;
  auto norm = fe::ParseSemanticNormalization(absl::GetFlag(FLAGS_semantic_norm));
  if (!norm.ok()) return norm.status();
  o.semantic_normalization = *norm;
  o.device = absl::GetFlag(FLAGS_device);
  o.threads = absl::GetFlag(FLAGS_threads);
  return command;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Trains an FE (Feature Enhancement) model for generalized zero-shot "
      "learning and publishes it as a snapshot version.\n\n"
      "Usage: fe-train --data DIR [--features FILE] --snapshot_root DIR "
      "--model NAME [--epochs N] [--seed N] [options]\n\n"
      "Exit codes: 0 success, 2 invalid flags or input, 1 any other "
      "failure, 130 interrupted by SIGINT or SIGTERM (nothing published).");
  absl::FlagsUsageConfig usage_config;
  // Report the flags of this file under --help (absl's default only
  // matches files named after the binary).
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "fe_train_main.cc");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);

  auto level = spdlog::level::from_str(absl::GetFlag(FLAGS_log_level));
  if (level == spdlog::level::off && absl::GetFlag(FLAGS_log_level) != "off") {
    std::cerr << "invalid --log_level '" << absl::GetFlag(FLAGS_log_level)
              << "': expected trace, debug, info, warn, error, critical or off\n";
    return 2;
  }
  spdlog::set_level(level);

  std::signal(SIGINT, HandleSignal);
  std::signal(SIGTERM, HandleSignal);

  absl::StatusOr<fe::TrainCommand> command = CommandFromFlags();
  if (!command.ok()) {
    std::cerr << "fe-train: " << command.status().message() << "\n";
    return 2;
  }
  absl::Status status = fe::RunTrainCommand(*command, &g_cancel);
  if (status.ok()) return 0;
  std::cerr << "fe-train: " << status.message() << "\n";
  if (absl::IsCancelled(status) && g_signal.load() != 0) return 130;
  if (absl::IsInvalidArgument(status) || absl::IsNotFound(status)) return 2;
  return 1;
}
