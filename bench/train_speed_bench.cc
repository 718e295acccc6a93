// Training-speed benchmark at CUB scale.
//
// Measures, in one run:
//   1. the float32 matrix-multiply rate of this machine through LibTorch
//      (torch::mm, best of several repetitions over a few shapes);
//   2. the samples per second of one FE training epoch at CUB scale
//      (d = 2048, p = 312, 200 classes, 7057 trainval samples), with
//      features drawn by the synthetic generator from the real CUB class
//      vectors;
//   3. the achieved matmul FLOP rate of that epoch and its fraction of (1).
//
// FLOP COUNT. Only the matrix products of the Linear layers are counted (the
// elementwise work, Adam updates and losses are not), with the usual
// convention. A product of a [B, in] batch with an [in, out] weight costs
// 2 B in out for the forward pass. The gradient of its input costs the same
// again, and so does the gradient of its weight. Each pass is
// counted with the gradients it really computes: the critic's passes in the
// critic step get weight gradients, its passes in the generator step only
// input gradients, and passes under no_grad only the forward. The gradient
// penalty's double backward is counted as one forward and one backward of the
// critic, which undercounts it, so the reported fraction is a lower bound.
//
// Usage:
//   fe-bench-train-speed [--splits PATH/CUB/att_splits.mat] [--batch_size N]
//                        [--threads N] [--warmup_epochs N] [--json FILE]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "core/data/synthetic.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"
#include "training/train_command.h"
#include "training/trainer.h"

ABSL_FLAG(std::string, splits, "",
          "Path of the real CUB att_splits.mat; default "
          "$FE_DATA_DIR/xlsa17-splits/CUB/att_splits.mat.");
ABSL_FLAG(int, batch_size, fe::TrainOptions().batch_size,
          "Training batch size (samples); default is fe-train's default.");
ABSL_FLAG(int, threads, 0, "LibTorch CPU threads; 0 = number of cores.");
ABSL_FLAG(int, warmup_epochs, 0,
          "Untimed epochs before the timed ones. One CUB-scale epoch takes "
          "minutes on 2 cores, so the first-step overhead it would hide is "
          "negligible.");
ABSL_FLAG(int, timed_epochs, 1, "Epochs to time.");
ABSL_FLAG(std::string, json, "", "If set, also write the results as JSON here.");

namespace fe {
namespace {

using Clock = std::chrono::steady_clock;

// Returns the best float32 GFLOP/s of torch::mm over a few shapes.
double MeasureMatmulGflops() {
  torch::NoGradGuard no_grad;
  const int64_t shapes[][3] = {{256, 2048, 4096}, {1024, 2048, 4096},
                               {2048, 2048, 2048}};
  double best = 0;
  for (const auto& shape : shapes) {
    torch::Tensor a = torch::randn({shape[0], shape[1]});
    torch::Tensor b = torch::randn({shape[1], shape[2]});
    torch::Tensor c = torch::mm(a, b);  // warm-up
    const double flops = 2.0 * shape[0] * shape[1] * shape[2];
    for (int rep = 0; rep < 8; ++rep) {
      const Clock::time_point start = Clock::now();
      torch::mm_out(c, a, b);
      const double seconds =
          std::chrono::duration<double>(Clock::now() - start).count();
      best = std::max(best, flops / seconds / 1e9);
    }
  }
  return best;
}

// Cost of one Linear application, in FLOPs, per the convention in the file
// comment: `passes` is 1 (forward only), 2 (plus input gradient) or 3 (plus
// weight gradient).
double Linear(double batch, double in, double out, int passes) {
  return passes * 2.0 * batch * in * out;
}

struct EpochFlops {
  double critic_step = 0;
  double generator_step = 0;
  double epoch = 0;
};

// Counts the matmul FLOPs of one training epoch as trainer.cc runs it.
EpochFlops CountEpochFlops(const FeModelConfig& m, int64_t critic_hidden,
                           const TrainOptions& o, int64_t num_seen,
                           int64_t num_samples) {
  const double b = o.batch_size;
  const double d = m.feature_dim, p = m.attribute_dim, nz = m.noise_dim;
  const double hg = m.generator_hidden_dim, hd = critic_hidden;
  const double core = m.core_dim, q = m.projection_dim;
  const double hdec = m.decoder_hidden_dim;
  const bool virtual_pair = o.real_pair == RealPair::kVirtualSemantics;

  auto generator = [&](double rows, int passes) {
    return Linear(rows, p + nz, hg, passes) + Linear(rows, hg, d, passes);
  };
  auto critic = [&](double rows, int passes) {
    return Linear(rows, d + p, hd, passes) + Linear(rows, hd, 1, passes);
  };

  EpochFlops flops;
  // Critic step: N and G under no_grad, critic on real and fake pairs with
  // weight gradients, gradient penalty on the interpolates.
  flops.critic_step = (virtual_pair ? Linear(b, d, p, 1) : 0) +
                      generator(b, 1) + 2 * critic(b, 3) + critic(b, 3);

  // Generator step: G on seen and unseen rows, the frozen critic and C with
  // input gradients, N and the filter module with full gradients.
  double g = generator(b, 3);
  const bool extra_unseen = o.dependency_weight > 0 || o.instance_weight > 0;
  if (extra_unseen) g += generator(b, 3);
  if (o.adversarial_weight > 0) g += critic(b, 2) * (virtual_pair ? 2 : 1);
  if (virtual_pair || o.ranking_weight > 0) g += Linear(b, d, p, 3);
  if (o.classification_weight > 0) g += Linear(b, d, num_seen, 2);
  if (o.dependency_weight > 0) g += Linear(2 * b, d, p, 3);
  if (o.instance_weight > 0 || o.reconstruction_weight > 0) {
    g += Linear(b, d, core, 3);
  }
  if (o.instance_weight > 0) {
    g += Linear(2 * b, d, core, 3) + Linear(3 * b, core, q, 3);
  }
  if (o.reconstruction_weight > 0) {
    g += Linear(b, core, hdec, 3) + Linear(b, hdec, d, 3);
  }
  flops.generator_step = g;

  const double steps = std::ceil(static_cast<double>(num_samples) / b);
  flops.epoch = steps * (o.critic_steps * flops.critic_step + g);
  return flops;
}

int Run() {
  std::string splits = absl::GetFlag(FLAGS_splits);
  if (splits.empty()) {
    const char* data_dir = std::getenv("FE_DATA_DIR");
    if (data_dir == nullptr) {
      std::fprintf(stderr,
                   "fe-bench-train-speed: set --splits to the real CUB "
                   "att_splits.mat, or FE_DATA_DIR to the directory that "
                   "holds xlsa17-splits/\n");
      return 2;
    }
    splits = std::string(data_dir) + "/xlsa17-splits/CUB/att_splits.mat";
  }
  const int threads = absl::GetFlag(FLAGS_threads) > 0
                          ? absl::GetFlag(FLAGS_threads)
                          : static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(threads);

  const double matmul_gflops = MeasureMatmulGflops();
  std::printf("matmul rate: %.1f GFLOP/s (float32, %d threads)\n",
              matmul_gflops, threads);

  SyntheticFromSplitsOptions synthetic;
  synthetic.feature_dim = 2048;
  absl::StatusOr<Xlsa17Dataset> dataset =
      MakeSyntheticFromSplits(splits, synthetic);
  if (!dataset.ok()) {
    std::fprintf(stderr, "fe-bench-train-speed: %s\n",
                 std::string(dataset.status().message()).c_str());
    return 1;
  }

  TrainOptions options;
  options.batch_size = absl::GetFlag(FLAGS_batch_size);
  const int warmup_epochs = absl::GetFlag(FLAGS_warmup_epochs);
  options.epochs = warmup_epochs + absl::GetFlag(FLAGS_timed_epochs);
  options.pretrain_epochs = 1;
  options.classifier_epochs = 1;
  options.synthetic_per_class = 10;
  options.device = "cpu";
  options.threads = threads;
  double timed_seconds = 0;
  int64_t timed_samples = 0;
  absl::StatusOr<TrainResult> result = TrainFe(
      *dataset, options, [&](const EpochStats& stats) {
        if (stats.epoch <= warmup_epochs) return;
        timed_seconds += stats.seconds;
        timed_samples += stats.samples;
      });
  if (!result.ok()) {
    std::fprintf(stderr, "fe-bench-train-speed: %s\n",
                 std::string(result.status().message()).c_str());
    return 1;
  }

  int64_t critic_hidden = 0;
  FeModelConfig config = ResolveArchitecture(*dataset, options, &critic_hidden);
  EpochFlops flops =
      CountEpochFlops(config, critic_hidden, options,
                      static_cast<int64_t>(dataset->seen_classes.size()),
                      static_cast<int64_t>(dataset->trainval.size()));
  const double epochs_timed = absl::GetFlag(FLAGS_timed_epochs);
  const double samples_per_second = timed_samples / timed_seconds;
  const double achieved_gflops =
      flops.epoch * epochs_timed / timed_seconds / 1e9;
  const double fraction = achieved_gflops / matmul_gflops;

  std::printf(
      "dataset: %s, %zu trainval samples, d=%lld p=%lld, %zu seen / %zu "
      "unseen classes\n",
      dataset->name.c_str(), dataset->trainval.size(),
      static_cast<long long>(dataset->feature_dim),
      static_cast<long long>(dataset->attribute_dim),
      dataset->seen_classes.size(), dataset->unseen_classes.size());
  std::printf("batch size: %d, critic steps: %d\n", options.batch_size,
              options.critic_steps);
  std::printf("epoch time: %.2f s, %.1f samples/s\n",
              timed_seconds / epochs_timed, samples_per_second);
  std::printf("matmul FLOPs per epoch: %.1f GFLOP (critic step %.2f GFLOP, "
              "generator step %.2f GFLOP)\n",
              flops.epoch / 1e9, flops.critic_step / 1e9,
              flops.generator_step / 1e9);
  std::printf("achieved: %.1f GFLOP/s = %.1f%% of the matmul rate\n",
              achieved_gflops, 100 * fraction);
  std::printf("peak RSS: %.0f MiB\n", PeakRssMib());

  const std::string json_path = absl::GetFlag(FLAGS_json);
  if (!json_path.empty()) {
    nlohmann::json out = {
        {"matmul_gflops", matmul_gflops},
        {"threads", threads},
        {"batch_size", options.batch_size},
        {"trainval_samples", dataset->trainval.size()},
        {"epoch_seconds", timed_seconds / epochs_timed},
        {"samples_per_second", samples_per_second},
        {"epoch_gflop", flops.epoch / 1e9},
        {"achieved_gflops", achieved_gflops},
        {"fraction_of_matmul_rate", fraction},
        {"peak_rss_mib", PeakRssMib()}};
    std::ofstream(json_path) << out.dump(2) << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace fe

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Measures FE training throughput at CUB scale against the machine's "
      "float32 matmul rate.");
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "train_speed_bench.cc");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  return fe::Run();
}
