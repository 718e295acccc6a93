// GZSL evaluation: per-class mean top-1 accuracy and the harmonic mean.
//
// The protocol of Xian et al. ("Zero-Shot Learning - The Good, the Bad and
// the Ugly"): accuracy is computed per class and then averaged over the
// classes that occur in the test set, so large classes do not dominate.

#ifndef FE_CORE_EVALUATION_H_
#define FE_CORE_EVALUATION_H_

#include <cstdint>
#include <vector>

namespace fe {

// Returns the mean over the distinct classes in `truth` of the fraction of
// that class's samples whose prediction equals the truth. Both vectors have
// one entry per sample; returns 0 for an empty `truth`.
double PerClassMeanAccuracy(const std::vector<int32_t>& predicted,
                            const std::vector<int32_t>& truth);

// Returns 2 S U / (S + U), or 0 when both are 0.
double HarmonicMean(double seen_accuracy, double unseen_accuracy);

// Evaluation results as fractions in [0, 1].
struct GzslMetrics {
  double t1 = 0;  // ZSL: unseen test samples among unseen classes
  double u = 0;   // GZSL: unseen test samples among all classes
  double s = 0;   // GZSL: seen test samples among all classes
  double h = 0;   // harmonic mean of s and u
};

}  // namespace fe

#endif  // FE_CORE_EVALUATION_H_
