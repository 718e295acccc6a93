// Training of the final GZSL and ZSL classifiers on enhanced features.

#ifndef FE_TRAINING_FINAL_CLASSIFIER_H_
#define FE_TRAINING_FINAL_CLASSIFIER_H_

#include <torch/torch.h>

#include "core/fe_model.h"

namespace fe {

struct FinalClassifierOptions {
  int synthetic_per_class = 200;  // generated samples per unseen class
  // Generated samples per seen class added to the GZSL classifier's
  // training set. Without them every generated sample is unseen, and a
  // classifier on f(x) = [x ; N(x) ; E(x)] can learn "looks generated, so
  // unseen", which pushes real unseen test samples to seen classes.
  int synthetic_seen_per_class = 0;
  int epochs = 25;
  int batch_size = 256;
  double learning_rate = 1e-3;
  double adam_beta1 = 0.5;
};

// Generates `synthetic_per_class` features for every unseen class (and
// `synthetic_seen_per_class` for every seen class) with the model's
// generator and trains, from fresh weights,
//   - the GZSL classifier on f(x) of the real seen samples and the
//     generated samples, over every class of the table;
//   - the ZSL classifier on f(x) of the generated unseen samples, over the
//     unseen classes.
// Arguments, all on model.device():
//   features     [N, d] float32, preprocessed real seen samples
//   rows         [N] int64, their class table rows
//   semantics    [T, p] float32, the normalised class table
//   seen_rows    [K1] int64, table rows of the seen classes
//   unseen_rows  [K2] int64, table rows of the unseen classes
void TrainFinalClassifiers(FeModel& model, const torch::Tensor& features,
                           const torch::Tensor& rows,
                           const torch::Tensor& semantics,
                           const torch::Tensor& seen_rows,
                           const torch::Tensor& unseen_rows,
                           const FinalClassifierOptions& options);

}  // namespace fe

#endif  // FE_TRAINING_FINAL_CLASSIFIER_H_
