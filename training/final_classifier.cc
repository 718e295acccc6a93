#include "training/final_classifier.h"

#include "core/losses.h"

namespace fe {
namespace {

// Trains `classifier` with Adam on fixed inputs. inputs: [N, width];
// labels: [N] int64 column indices.
void FitClassifier(LinearClassifier& classifier, const torch::Tensor& inputs,
                   const torch::Tensor& labels,
                   const FinalClassifierOptions& options) {
  torch::optim::Adam optimizer(
      classifier->parameters(),
      torch::optim::AdamOptions(options.learning_rate)
          .betas(std::make_tuple(options.adam_beta1, 0.999)));
  const int64_t n = inputs.size(0);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    torch::Tensor order =
        torch::randperm(n, torch::TensorOptions().dtype(torch::kInt64))
            .to(inputs.device());
    for (int64_t start = 0; start < n; start += options.batch_size) {
      torch::Tensor batch =
          order.slice(0, start, std::min(n, start + options.batch_size));
      optimizer.zero_grad();
      torch::Tensor loss = ClassificationLoss(
          classifier(inputs.index_select(0, batch)),
          labels.index_select(0, batch));
      loss.backward();
      optimizer.step();
    }
  }
}

// Replaces the weights of `target` with a freshly initialised classifier,
// so every evaluation starts from the same kind of initialisation.
void ResetClassifier(LinearClassifier& target, torch::Device device) {
  LinearClassifier fresh(target->options());
  fresh->to(device);
  torch::NoGradGuard no_grad;
  auto source = fresh->parameters();
  auto destination = target->parameters();
  for (size_t i = 0; i < source.size(); ++i) destination[i].copy_(source[i]);
}

}  // namespace

// Returns generated features [rows.size(0), d] for the class-table `rows`.
torch::Tensor Generate(FeModel& model, const torch::Tensor& semantics,
                       const torch::Tensor& rows) {
  torch::Tensor noise = torch::randn(
      {rows.size(0), model.config().noise_dim},
      torch::TensorOptions().device(model.device()));
  return model.generator()(semantics.index_select(0, rows), noise);
}

void TrainFinalClassifiers(FeModel& model, const torch::Tensor& features,
                           const torch::Tensor& rows,
                           const torch::Tensor& semantics,
                           const torch::Tensor& seen_rows,
                           const torch::Tensor& unseen_rows,
                           const FinalClassifierOptions& options) {
  const torch::Device device = model.device();
  const int64_t per_class = options.synthetic_per_class;
  const int64_t num_unseen = unseen_rows.size(0);

  // [K2 * n_syn] table rows, each unseen class repeated n_syn times.
  torch::Tensor synthetic_rows = unseen_rows.repeat_interleave(per_class);
  torch::Tensor synthetic_seen_rows =
      seen_rows.repeat_interleave(options.synthetic_seen_per_class);
  torch::Tensor real_inputs, synthetic_inputs, synthetic_seen_inputs;
  {
    torch::NoGradGuard no_grad;
    real_inputs = model.Enhance(features);
    synthetic_inputs =
        model.Enhance(Generate(model, semantics, synthetic_rows));
    synthetic_seen_inputs =
        model.Enhance(Generate(model, semantics, synthetic_seen_rows));
  }

  // The GZSL columns are the class-table rows, so rows are the labels.
  ResetClassifier(model.gzsl_classifier(), device);
  FitClassifier(
      model.gzsl_classifier(),
      torch::cat({real_inputs, synthetic_inputs, synthetic_seen_inputs}, 0),
      torch::cat({rows, synthetic_rows, synthetic_seen_rows}, 0), options);

  // ZSL columns follow the order of unseen_rows.
  torch::Tensor zsl_labels =
      torch::arange(num_unseen, torch::TensorOptions()
                                    .dtype(torch::kInt64)
                                    .device(device))
          .repeat_interleave(per_class);
  ResetClassifier(model.zsl_classifier(), device);
  FitClassifier(model.zsl_classifier(), synthetic_inputs, zsl_labels, options);
}

}  // namespace fe
