#include "core/evaluation.h"

#include <map>

namespace fe {

double PerClassMeanAccuracy(const std::vector<int32_t>& predicted,
                            const std::vector<int32_t>& truth) {
  // class -> (correct, total)
  std::map<int32_t, std::pair<int64_t, int64_t>> counts;
  for (size_t i = 0; i < truth.size(); ++i) {
    auto& [correct, total] = counts[truth[i]];
    ++total;
    if (i < predicted.size() && predicted[i] == truth[i]) ++correct;
  }
  if (counts.empty()) return 0.0;
  double sum = 0.0;
  for (const auto& [label, count] : counts) {
    sum += static_cast<double>(count.first) / static_cast<double>(count.second);
  }
  return sum / static_cast<double>(counts.size());
}

double HarmonicMean(double seen_accuracy, double unseen_accuracy) {
  const double sum = seen_accuracy + unseen_accuracy;
  if (sum <= 0.0) return 0.0;
  return 2.0 * seen_accuracy * unseen_accuracy / sum;
}

}  // namespace fe
