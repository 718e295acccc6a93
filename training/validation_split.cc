// MakeValidationSplit: a GZSL split built from the trainval data alone.

#include <algorithm>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "training/trainer.h"

namespace fe {

absl::StatusOr<Xlsa17Dataset> MakeValidationSplit(const Xlsa17Dataset& dataset,
                                                  double holdout_fraction,
                                                  uint64_t seed) {
  if (dataset.train.empty() || dataset.val.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dataset '", dataset.name, "' has no train_loc/val_loc split, so "
        "there is no validation split; train without --validation"));
  }
  if (!(holdout_fraction > 0 && holdout_fraction < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "validation holdout fraction is ", holdout_fraction,
        ", expected in (0, 1)"));
  }
  // Group the train_loc samples by class, in index order.
  std::map<int32_t, std::vector<int64_t>> by_class;
  for (int64_t index : dataset.train) {
    by_class[dataset.labels[index]].push_back(index);
  }

  Xlsa17Dataset split = dataset;
  split.name = dataset.name + "/validation";
  split.trainval.clear();
  split.test_seen.clear();
  split.test_unseen = dataset.val;
  split.train.clear();
  split.val.clear();
  std::mt19937_64 engine(seed);
  for (auto& [label, indices] : by_class) {
    std::shuffle(indices.begin(), indices.end(), engine);
    // At least one sample on each side, so every class is trained and
    // tested.
    int64_t holdout = static_cast<int64_t>(
        holdout_fraction * static_cast<double>(indices.size()) + 0.5);
    holdout = std::clamp<int64_t>(holdout, 1,
                                  static_cast<int64_t>(indices.size()) - 1);
    if (indices.size() < 2) holdout = 0;
    split.test_seen.insert(split.test_seen.end(), indices.begin(),
                           indices.begin() + holdout);
    split.trainval.insert(split.trainval.end(), indices.begin() + holdout,
                          indices.end());
  }
  std::sort(split.trainval.begin(), split.trainval.end());
  std::sort(split.test_seen.begin(), split.test_seen.end());
  absl::Status status = ValidateXlsa17(split);
  if (!status.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dataset '", dataset.name,
        "' gives no usable validation split: ", status.message()));
  }
  return split;
}

}  // namespace fe
