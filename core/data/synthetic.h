// Synthetic GZSL benchmarks with a known generative model.
//
// The generator writes ordinary Xlsa17Dataset values, so every tool that
// reads the xlsa17 layout runs on them unchanged. Two uses:
//
// - MakeSyntheticDataset: everything is drawn, class vectors included. Small
//   and fast, for unit tests and smoke runs.
// - MakeSyntheticFromSplits: the class vectors, class names and split sizes
//   come from a real att_splits.mat (e.g. CUB: 200 classes, p = 312) and
//   only the features are drawn, for runs at real scale where the real
//   feature file (res101.mat) is not at hand.
//
// GENERATIVE MODEL. All arithmetic is in double; features and attributes are
// rounded to float32 when stored.
//
//   Random streams. Stream s (0: model, 1: class vectors, 2: class split,
//   3: samples) is a std::mt19937_64 seeded with
//   SplitMix64(SplitMix64(seed) + s), where SplitMix64 is the standard 64-bit
//   finaliser (add 0x9E3779B97F4A7C15, then xor-shift-multiply by
//   0xBF58476D1CE4E5B9 and 0x94D049BB133111EB with shifts 30, 27, 31). The
//   streams are independent, so changing sample counts leaves the model and
//   the class vectors unchanged.
//   - A uniform draw is u = (engine() >> 11) * 2^-53, in [0, 1).
//   - Normal draws come in pairs by Box-Muller from two uniforms u1, u2:
//     r = sqrt(-2 ln(1 - u1)), z1 = r cos(2 pi u2), z2 = r sin(2 pi u2);
//     z1 is used first, then z2. std::normal_distribution is not used because
//     its algorithm differs between standard libraries.
//   - Choosing m of n items: order = (0, ..., n-1); for i = 0..m-1 draw u,
//     j = i + floor(u * (n - i)), swap order[i] and order[j]; the chosen
//     items are order[0..m-1], sorted.
//
//   Model (stream 0, drawn in this order, row-major):
//     V  [hidden_dim, p]           V_ij ~ N(0, 1)
//     W  [feature_dim, hidden_dim] W_ij ~ N(0, 1 / hidden_dim)
//     b  [feature_dim]             b_j  ~ N(0, bias_std^2)
//   For class c with attribute vector att_c (the stored float32 values),
//   a_c = att_c / ||att_c||_2 (a_c = 0 when att_c = 0) and the class mean is
//     mu_c = W tanh(signal_scale * V a_c) + b.
//   V has unit-variance entries (not 1/p) because a_c has unit norm. Each
//   entry of V a_c is then N(0, 1) over draws of V, whatever p is, and
//   signal_scale sets how far tanh saturates (small: nearly linear, large:
//   nearly binary).
//   Classes with similar attributes get similar means, which is what makes
//   zero-shot transfer possible.
//
//   Samples (stream 3): x = max(0, mu_c + noise_std * eps), eps ~ N(0, I),
//   so features are nonnegative like pooled CNN activations. Samples are
//   drawn class by class in ascending class index. A seen class draws its
//   trainval samples and then its test_seen samples, and an unseen class
//   draws its test_unseen samples. Each sample draws its feature_dim normals
//   in order. Sample indices follow this order, and every split lists its
//   samples in ascending order.
//
//   Class split (stream 2): the unseen classes are num_unseen_classes of the
//   K classes, chosen as above; the others are seen. With emit_train_val,
//   round(val_class_fraction * S) of the S seen classes (clamped to
//   1..S-1) are then chosen from the ascending seen list as validation
//   classes: `val` holds all trainval samples of those classes and `train`
//   the trainval samples of the other seen classes. Validation classes thus
//   act as pseudo-unseen classes for model selection, as in the SNU-B36-EX
//   files (there train_loc and val_loc split trainval by class).
//
//   Fully synthetic class vectors (stream 1, class by class): the raw vector
//   has entries |z|, z ~ N(0, 1); it is stored as original_attributes and its
//   L2-normalised copy as attributes, as xlsa17 stores `original_att` and
//   `att`.
//
// NOTE: the engine, the uniforms and the subset choice are bit-exact on
// every conforming C++ implementation. The normals also call std::log,
// std::cos and std::sin, which IEEE 754 does not require to be correctly
// rounded, so another math library may change a draw in its last bit and,
// rarely, a stored float32 value in its last bit.
//
// Example:
//
//   SyntheticOptions options;
//   options.feature_dim = 128;
//   options.seed = 7;
//   absl::StatusOr<Xlsa17Dataset> dataset = MakeSyntheticDataset(options);

#ifndef FE_CORE_DATA_SYNTHETIC_H_
#define FE_CORE_DATA_SYNTHETIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/data/xlsa17.h"

namespace fe {

// Options shared by both generators: the feature model, the seed and the
// train/val split.
struct SyntheticGeneratorOptions {
  // d: length of each feature vector. 2048 is the size of the ResNet-101
  // pooled features of the xlsa17 image benchmarks.
  int64_t feature_dim = 2048;
  // h: rows of V and columns of W, the rank of the map from class vectors
  // to class means.
  int64_t hidden_dim = 64;
  // Gain inside tanh (dimensionless).
  double signal_scale = 1.0;
  // Standard deviation of the bias b (feature units).
  double bias_std = 0.5;
  // Standard deviation of the per-sample noise before the ReLU (feature
  // units). Larger values make classes overlap more. With 3.0, seed 1 and
  // d = 2048, the nearest true class mean (SyntheticClassMeans, all classes
  // as candidates) labels this share of test_unseen correctly: 0.99 on the
  // default fully synthetic set, and from the xlsa17 splits AWA2 0.91,
  // APY 0.89, CUB 0.82, SUN 0.67, FLO 0.46.
  double noise_std = 3.0;
  // Seed of all random streams.
  uint64_t seed = 1;
  // Whether to fill `train` and `val` (xlsa17 train_loc and val_loc).
  bool emit_train_val = true;
  // Share of the seen classes held out as validation classes, in (0, 1).
  double val_class_fraction = 0.25;
};

// Options of a fully synthetic benchmark. The defaults give a small
// AWA2-sized set: 50 classes, 4500 samples.
struct SyntheticOptions : SyntheticGeneratorOptions {
  // p: length of each class vector.
  int64_t attribute_dim = 85;
  int64_t num_seen_classes = 40;
  int64_t num_unseen_classes = 10;
  // Samples per seen class in trainval and in test_seen, and per unseen
  // class in test_unseen.
  int64_t trainval_per_class = 80;
  int64_t test_seen_per_class = 20;
  int64_t test_unseen_per_class = 50;
};

// Options for drawing features for the class vectors of a real
// att_splits.mat.
struct SyntheticFromSplitsOptions : SyntheticGeneratorOptions {
  // Number of classes chosen as unseen. 0 takes the standard count of the
  // benchmark named by the file's directory (see StandardUnseenClassCount).
  int64_t num_unseen_classes = 0;
};

// Draws a fully synthetic benchmark. INVALID_ARGUMENT names the option that
// is out of range. The dataset's name is "synthetic".
absl::StatusOr<Xlsa17Dataset> MakeSyntheticDataset(
    const SyntheticOptions& options);

// Draws features for the classes of the attribute and split file at
// `att_splits_path`. The result keeps the file's att, original_att and
// class names, and has as many trainval, test_seen and test_unseen samples
// as the file's trainval_loc, test_seen_loc and test_unseen_loc. Those
// counts are spread evenly over the classes: with n samples and C classes
// of a group (seen or unseen, in ascending class index), class i gets
// floor(n / C) samples plus one if i < n mod C. Which classes are unseen is
// drawn with the seed; the file's own class split cannot be recovered
// without its labels. The dataset's name is "<directory>-synthetic".
// Errors: those of LoadXlsa17Splits, NOT_FOUND when num_unseen_classes is 0
// and the directory name is no known benchmark, INVALID_ARGUMENT for
// options out of range.
absl::StatusOr<Xlsa17Dataset> MakeSyntheticFromSplits(
    const std::string& att_splits_path,
    const SyntheticFromSplitsOptions& options);

// Returns E[x | c] for every class of a dataset drawn with `options`:
// [num_classes, feature_dim] float32, row-major. Per dimension, with
// m = mu_c,j and s = noise_std, E[max(0, m + s z)] = m Phi(m / s) +
// s phi(m / s), where Phi and phi are the standard normal CDF and density
// (max(0, m) when s = 0). The means depend only on the model options, the
// seed and dataset.attributes, so they are the oracle class centres of a
// dataset made by either generator with the same options.
absl::StatusOr<std::vector<float>> SyntheticClassMeans(
    const Xlsa17Dataset& dataset, const SyntheticGeneratorOptions& options);

// Returns the number of unseen classes of a standard GZSL benchmark in the
// proposed splits of the xlsa17 release, matched case-insensitively:
//
//   name        classes  unseen
//   APY              32      12
//   AWA1, AWA2       50      10
//   CUB             200      50
//   FLO             102      20
//   SUN             717      72
//
// NOT_FOUND for any other name, listing the known names.
absl::StatusOr<int64_t> StandardUnseenClassCount(absl::string_view name);

}  // namespace fe

#endif  // FE_CORE_DATA_SYNTHETIC_H_
