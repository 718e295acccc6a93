// Reader and writer for GZSL benchmarks in the xlsa17 layout.
//
// The xlsa17 release ("Zero-Shot Learning - The Good, the Bad and the Ugly",
// Xian et al.) ships two MATLAB v5 files per dataset directory:
//
//   <feature file>   `features` d x N, `labels` N x 1 (1-based class ids)
//   att_splits.mat   `att` p x K (one column per class), 1-based sample
//                    indices `trainval_loc`, `test_seen_loc`,
//                    `test_unseen_loc`, and optionally `train_loc`,
//                    `val_loc`, `allclasses_names`, `original_att`.
//
// This library needs no LibTorch, so tools that only read feature files can
// link it without pulling in the tensor runtime.
//
// Example:
//
//   Xlsa17Options options;
//   options.feature_file = "CNN_fea.mat";
//   absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17("/data/snu/la", options);
//   if (!dataset.ok()) return dataset.status();
//   // dataset->features is [num_samples, feature_dim] row-major.

#ifndef FE_CORE_DATA_XLSA17_H_
#define FE_CORE_DATA_XLSA17_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fe {

// A GZSL benchmark held in memory. All indices are 0-based; the loader
// converts the 1-based MATLAB indices.
struct Xlsa17Dataset {
  // Name of the directory the dataset was read from (for logs and manifests).
  std::string name;

  int64_t num_samples = 0;    // N
  int64_t feature_dim = 0;    // d
  int64_t num_classes = 0;    // K: columns of `att`, including classes
                              // that have no samples
  int64_t attribute_dim = 0;  // p

  // [num_samples, feature_dim] float32, row-major (the file stores d x N).
  std::vector<float> features;
  // [num_samples] class index in [0, num_classes).
  std::vector<int32_t> labels;
  // [num_classes, attribute_dim] float32, row-major (the file stores p x K).
  std::vector<float> attributes;
  // Same shape as `attributes` when the file has `original_att`.
  std::optional<std::vector<float>> original_attributes;
  // [num_classes] names from `allclasses_names`, or "class_<k+1>" when the
  // file has none (k+1 is the MATLAB class id).
  std::vector<std::string> class_names;

  // Sample indices in [0, num_samples) of each split.
  std::vector<int64_t> trainval;
  std::vector<int64_t> test_seen;
  std::vector<int64_t> test_unseen;
  std::vector<int64_t> train;  // empty when the file has no `train_loc`
  std::vector<int64_t> val;    // empty when the file has no `val_loc`

  // Sorted class indices that occur in `trainval` (seen) and in
  // `test_unseen` (unseen). The loader rejects files where they overlap.
  std::vector<int32_t> seen_classes;
  std::vector<int32_t> unseen_classes;

  // Returns a pointer to the feature row of `sample`.
  const float* feature_row(int64_t sample) const {
    return features.data() + sample * feature_dim;
  }
  // Returns a pointer to the semantic vector of `class_index`.
  const float* attribute_row(int64_t class_index) const {
    return attributes.data() + class_index * attribute_dim;
  }
};

struct Xlsa17Options {
  // File name of the feature file inside the dataset directory. The image
  // benchmarks use res101.mat; the SNU-B36-EX copy uses CNN_fea.mat.
  std::string feature_file = "res101.mat";
  // File name of the attribute and split file.
  std::string splits_file = "att_splits.mat";
};

// The contents of an attribute and split file read without its feature file,
// as for the xlsa17 image benchmarks whose res101.mat is not at hand.
struct Xlsa17Splits {
  int64_t num_classes = 0;    // K: columns of `att`
  int64_t attribute_dim = 0;  // p: rows of `att`
  // [num_classes, attribute_dim] float32, row-major.
  std::vector<float> attributes;
  std::optional<std::vector<float>> original_attributes;
  // [num_classes] names, or "class_<k+1>" when the file has none.
  std::vector<std::string> class_names;
  // 0-based sample indices of each split. The sample count is in the
  // feature file, so they are checked for being integers >= 0 but not
  // against an upper bound.
  std::vector<int64_t> trainval;
  std::vector<int64_t> test_seen;
  std::vector<int64_t> test_unseen;
  std::vector<int64_t> train;  // empty when the file has no `train_loc`
  std::vector<int64_t> val;    // empty when the file has no `val_loc`
};

// Reads the attribute and split file at `path` (e.g.
// ".../CUB/att_splits.mat"). Errors as for LoadXlsa17.
absl::StatusOr<Xlsa17Splits> LoadXlsa17Splits(const std::string& path);

// Reads a dataset directory. Errors name the file, the field and the problem:
// NOT_FOUND for a missing file, INVALID_ARGUMENT for a missing field, a wrong
// shape or type, an index out of range, a class that is both seen and
// unseen, or a NaN or infinite value; UNIMPLEMENTED for a MAT version that
// the installed matio cannot read.
absl::StatusOr<Xlsa17Dataset> LoadXlsa17(const std::string& directory,
                                         const Xlsa17Options& options = {});

// Writes `dataset` to `directory` (created if missing) as MATLAB v5 files in
// the xlsa17 layout: features as double, labels and indices as 1-based
// double, `att` as double, and the optional fields that the dataset has.
// LoadXlsa17 reads the result back to an equal dataset.
absl::Status WriteXlsa17(const Xlsa17Dataset& dataset,
                         const std::string& directory,
                         const Xlsa17Options& options = {});

// Checks the internal consistency of a dataset built in memory: sizes match
// the dimensions, labels and indices are in range, values are finite, and
// seen and unseen classes are disjoint. Fills seen_classes and
// unseen_classes. LoadXlsa17 calls it on every file it reads.
//
// In detail, every error INVALID_ARGUMENT:
// - all four dimensions >= 1; class_names is empty or has num_classes names;
// - trainval and test_unseen are not empty;
// - no split lists a sample twice; trainval, test_seen and test_unseen are
//   pairwise disjoint, and so are train and val;
// - train and val contain only samples of trainval or test_seen (the xlsa17
//   image sets draw them from all seen-class samples, test_seen included);
// - every test_seen sample has a seen class.
// Samples in no split and classes without samples are allowed.
absl::Status ValidateXlsa17(Xlsa17Dataset& dataset);

}  // namespace fe

#endif  // FE_CORE_DATA_XLSA17_H_
