#include "core/data/xlsa17.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/data/mat_io.h"
#include "core/data/status_macros.h"
#include "core/data/xlsa17_check.h"

namespace fe {
namespace {

using mat_io::MatVar;
using xlsa17_internal::CheckContext;
using xlsa17_internal::CheckDataset;
using xlsa17_internal::Field;
using xlsa17_internal::FileFieldName;
using xlsa17_internal::kSplitFields;
using xlsa17_internal::SplitOf;

// Largest sample index accepted while reading a split file, before the
// feature file gives the sample count: doubles represent every integer up to
// 2^53 exactly.
constexpr int64_t kMaxExactIndex = int64_t{1} << 53;

std::vector<int64_t>& SplitOf(Xlsa17Splits& splits, Field field) {
  switch (field) {
    case Field::kTestSeen:
      return splits.test_seen;
    case Field::kTestUnseen:
      return splits.test_unseen;
    case Field::kTrain:
      return splits.train;
    case Field::kVal:
      return splits.val;
    default:
      return splits.trainval;
  }
}

// ---------------------------------------------------------------------------
// Reading.

// Returns the dimensions of a numeric vector: N x 1, 1 x N or empty.
absl::StatusOr<size_t> VectorLength(const matvar_t& variable,
                                    const std::string& path) {
  FE_RETURN_IF_ERROR(mat_io::CheckNumericMatrix(variable, path));
  const size_t count = mat_io::ElementCount(variable);
  if (count > 0 && variable.dims[0] != 1 && variable.dims[1] != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        mat_io::FieldLabel(path, variable.name), " has shape ",
        mat_io::ShapeString(variable), ", expected a vector (Nx1 or 1xN)"));
  }
  return count;
}

// Reads a vector of 1-based MATLAB indices and returns them 0-based.
// Rejects values that are not integers, smaller than 1 or larger than
// `max_index`. The message explains that bound with `max_meaning`.
absl::StatusOr<std::vector<int64_t>> ReadOneBasedIndices(
    const matvar_t& variable, const std::string& path, int64_t max_index,
    const std::string& max_meaning) {
  FE_ASSIGN_OR_RETURN(count, VectorLength(variable, path));
  std::vector<int64_t> indices(count);
  for (size_t i = 0; i < count; ++i) {
    const double value = mat_io::ElementAsDouble(variable, i);
    const std::string where =
        absl::StrCat(mat_io::FieldLabel(path, variable.name), " has value ",
                     value, " at element ", i + 1);
    if (!std::isfinite(value) || value != std::floor(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ", expected an integer index (1-based)"));
    }
    if (value < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ", expected an index >= 1 (MATLAB indices start at 1)"));
    }
    if (value > static_cast<double>(max_index)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ", expected 1..", max_index, " (", max_meaning,
                       "; MATLAB indices start at 1)"));
    }
    indices[i] = static_cast<int64_t>(value) - 1;
  }
  return indices;
}

// Reads a p x K numeric matrix into row-major [K, p] floats. MATLAB stores
// column k (class k) contiguously, so the element order is unchanged.
absl::Status ReadClassMatrix(const matvar_t& variable, const std::string& path,
                             std::vector<float>& out) {
  FE_RETURN_IF_ERROR(mat_io::CheckNumericMatrix(variable, path));
  out.resize(mat_io::ElementCount(variable));
  mat_io::ConvertElements(variable, out.data());
  return absl::OkStatus();
}

absl::Status ReadAttributes(mat_t* file, const std::string& path,
                            Xlsa17Splits& splits) {
  FE_ASSIGN_OR_RETURN(att, mat_io::ReadRequiredVariable(file, path, "att"));
  FE_RETURN_IF_ERROR(ReadClassMatrix(*att, path, splits.attributes));
  if (att->dims[0] < 1 || att->dims[1] < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        mat_io::FieldLabel(path, "att"), " has shape ",
        mat_io::ShapeString(*att),
        ", expected p x K with at least one attribute and one class"));
  }
  splits.attribute_dim = static_cast<int64_t>(att->dims[0]);
  splits.num_classes = static_cast<int64_t>(att->dims[1]);

  FE_ASSIGN_OR_RETURN(original,
                      mat_io::ReadVariable(file, path, "original_att"));
  if (original == nullptr) return absl::OkStatus();
  std::vector<float> values;
  FE_RETURN_IF_ERROR(ReadClassMatrix(*original, path, values));
  if (original->dims[0] != att->dims[0] || original->dims[1] != att->dims[1]) {
    return absl::InvalidArgumentError(
        absl::StrCat(mat_io::FieldLabel(path, "original_att"), " has shape ",
                     mat_io::ShapeString(*original), ", expected ",
                     mat_io::ShapeString(*att), " (the shape of 'att')"));
  }
  splits.original_attributes = std::move(values);
  return absl::OkStatus();
}

absl::Status ReadClassNames(mat_t* file, const std::string& path,
                            Xlsa17Splits& splits) {
  FE_ASSIGN_OR_RETURN(names,
                      mat_io::ReadVariable(file, path, "allclasses_names"));
  if (names == nullptr) {
    splits.class_names.clear();
    for (int64_t k = 0; k < splits.num_classes; ++k) {
      splits.class_names.push_back(absl::StrCat("class_", k + 1));
    }
    return absl::OkStatus();
  }
  FE_ASSIGN_OR_RETURN(list,
                      mat_io::ReadStringList(*names, path, splits.num_classes));
  splits.class_names = std::move(list);
  return absl::OkStatus();
}

absl::Status ReadSplitIndices(mat_t* file, const std::string& path,
                              Xlsa17Splits& splits) {
  for (Field field : kSplitFields) {
    const bool required = field == Field::kTrainval ||
                          field == Field::kTestSeen ||
                          field == Field::kTestUnseen;
    const std::string name = FileFieldName(field);
    FE_ASSIGN_OR_RETURN(
        variable, required ? mat_io::ReadRequiredVariable(file, path, name)
                           : mat_io::ReadVariable(file, path, name));
    if (variable == nullptr) continue;
    FE_ASSIGN_OR_RETURN(
        indices,
        ReadOneBasedIndices(*variable, path, kMaxExactIndex,
                            "the largest index a double holds exactly"));
    SplitOf(splits, field) = std::move(indices);
  }
  return absl::OkStatus();
}

// Reads `features` (d x N) and `labels` (N entries) of the feature file.
absl::Status ReadFeatureFile(const std::string& path, int64_t num_classes,
                             Xlsa17Dataset& dataset) {
  FE_ASSIGN_OR_RETURN(file, mat_io::OpenForRead(path));
  FE_ASSIGN_OR_RETURN(
      features, mat_io::ReadRequiredVariable(file.get(), path, "features"));
  FE_RETURN_IF_ERROR(ReadClassMatrix(*features, path, dataset.features));
  dataset.feature_dim = static_cast<int64_t>(features->dims[0]);
  dataset.num_samples = static_cast<int64_t>(features->dims[1]);
  if (dataset.feature_dim < 1 || dataset.num_samples < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        mat_io::FieldLabel(path, "features"), " has shape ",
        mat_io::ShapeString(*features),
        ", expected d x N with at least one dimension and one sample"));
  }

  FE_ASSIGN_OR_RETURN(labels,
                      mat_io::ReadRequiredVariable(file.get(), path, "labels"));
  FE_ASSIGN_OR_RETURN(indices,
                      ReadOneBasedIndices(*labels, path, num_classes,
                                          "the number of columns of 'att'"));
  if (static_cast<int64_t>(indices.size()) != dataset.num_samples) {
    return absl::InvalidArgumentError(
        absl::StrCat(mat_io::FieldLabel(path, "labels"), " has shape ",
                     mat_io::ShapeString(*labels), ", expected ",
                     dataset.num_samples, "x1 or 1x", dataset.num_samples,
                     " (one label per column of 'features')"));
  }
  dataset.labels.assign(indices.begin(), indices.end());
  return absl::OkStatus();
}

std::string DirectoryName(const std::string& directory) {
  std::filesystem::path path(directory);
  if (!path.has_filename()) path = path.parent_path();
  return path.filename().string();
}

// ---------------------------------------------------------------------------
// Writing.

std::vector<double> ToDouble(const std::vector<float>& values) {
  return std::vector<double>(values.begin(), values.end());
}

std::vector<double> ToOneBased(const std::vector<int64_t>& indices) {
  std::vector<double> values(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) values[i] = indices[i] + 1.0;
  return values;
}

// Writes a column vector of 1-based indices.
absl::Status WriteIndexVector(mat_t* file, const std::string& path,
                              const std::string& name,
                              const std::vector<int64_t>& indices) {
  const std::vector<double> values = ToOneBased(indices);
  return mat_io::WriteDoubleMatrix(file, path, name, values.size(), 1,
                                   values.data());
}

absl::Status WriteFeatureFile(const Xlsa17Dataset& dataset,
                              const std::string& path) {
  FE_ASSIGN_OR_RETURN(file, mat_io::CreateMat5(path));
  // Row-major [N, d] is the column-major order of the d x N file matrix.
  const std::vector<double> features = ToDouble(dataset.features);
  FE_RETURN_IF_ERROR(mat_io::WriteDoubleMatrix(
      file.get(), path, "features", dataset.feature_dim, dataset.num_samples,
      features.data()));
  std::vector<int64_t> labels(dataset.labels.begin(), dataset.labels.end());
  FE_RETURN_IF_ERROR(WriteIndexVector(file.get(), path, "labels", labels));
  return mat_io::CloseWritten(std::move(file), path);
}

absl::Status WriteSplitsFile(const Xlsa17Dataset& dataset,
                             const std::string& path) {
  FE_ASSIGN_OR_RETURN(file, mat_io::CreateMat5(path));
  mat_t* mat = file.get();
  const std::vector<double> att = ToDouble(dataset.attributes);
  FE_RETURN_IF_ERROR(
      mat_io::WriteDoubleMatrix(mat, path, "att", dataset.attribute_dim,
                                dataset.num_classes, att.data()));
  for (Field field : kSplitFields) {
    const std::vector<int64_t>& split = SplitOf(dataset, field);
    const bool optional = field == Field::kTrain || field == Field::kVal;
    if (optional && split.empty()) continue;
    FE_RETURN_IF_ERROR(
        WriteIndexVector(mat, path, FileFieldName(field), split));
  }
  if (dataset.original_attributes.has_value()) {
    const std::vector<double> original = ToDouble(*dataset.original_attributes);
    FE_RETURN_IF_ERROR(mat_io::WriteDoubleMatrix(
        mat, path, "original_att", dataset.attribute_dim, dataset.num_classes,
        original.data()));
  }
  if (!dataset.class_names.empty()) {
    FE_RETURN_IF_ERROR(mat_io::WriteStringCell(mat, path, "allclasses_names",
                                               dataset.class_names));
  }
  return mat_io::CloseWritten(std::move(file), path);
}

// Writes through `write` to a temporary name beside `path` and renames it
// into place, so a failed write never leaves a half-written file under the
// final name.
template <typename WriteFunction>
absl::Status WriteAtomically(const std::string& path, WriteFunction write) {
  const std::string temporary = path + ".partial";
  absl::Status status = write(temporary);
  std::error_code error;
  if (status.ok()) {
    std::filesystem::rename(temporary, path, error);
    if (!error) return absl::OkStatus();
    status = absl::InternalError(
        absl::StrCat(path, ": renaming ", temporary,
                     " into place failed: ", error.message()));
  }
  std::filesystem::remove(temporary, error);
  return status;
}

}  // namespace

absl::StatusOr<Xlsa17Splits> LoadXlsa17Splits(const std::string& path) {
  FE_ASSIGN_OR_RETURN(file, mat_io::OpenForRead(path));
  Xlsa17Splits splits;
  FE_RETURN_IF_ERROR(ReadAttributes(file.get(), path, splits));
  FE_RETURN_IF_ERROR(ReadClassNames(file.get(), path, splits));
  FE_RETURN_IF_ERROR(ReadSplitIndices(file.get(), path, splits));
  return splits;
}

absl::StatusOr<Xlsa17Dataset> LoadXlsa17(const std::string& directory,
                                         const Xlsa17Options& options) {
  const std::filesystem::path root(directory);
  const std::string splits_path = (root / options.splits_file).string();
  const std::string features_path = (root / options.feature_file).string();

  FE_ASSIGN_OR_RETURN(splits, LoadXlsa17Splits(splits_path));

  Xlsa17Dataset dataset;
  dataset.name = DirectoryName(directory);
  FE_RETURN_IF_ERROR(
      ReadFeatureFile(features_path, splits.num_classes, dataset));

  dataset.num_classes = splits.num_classes;
  dataset.attribute_dim = splits.attribute_dim;
  dataset.attributes = std::move(splits.attributes);
  dataset.original_attributes = std::move(splits.original_attributes);
  dataset.class_names = std::move(splits.class_names);
  dataset.trainval = std::move(splits.trainval);
  dataset.test_seen = std::move(splits.test_seen);
  dataset.test_unseen = std::move(splits.test_unseen);
  dataset.train = std::move(splits.train);
  dataset.val = std::move(splits.val);

  const CheckContext context{dataset.name, features_path, splits_path};
  FE_RETURN_IF_ERROR(CheckDataset(dataset, context, dataset.seen_classes,
                                  dataset.unseen_classes));
  return dataset;
}

absl::Status WriteXlsa17(const Xlsa17Dataset& dataset,
                         const std::string& directory,
                         const Xlsa17Options& options) {
  std::vector<int32_t> seen, unseen;
  FE_RETURN_IF_ERROR(
      CheckDataset(dataset, CheckContext{dataset.name, "", ""}, seen, unseen));

  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::InternalError(absl::StrCat(
        directory, ": cannot create the directory: ", error.message()));
  }
  const std::filesystem::path root(directory);
  FE_RETURN_IF_ERROR(WriteAtomically((root / options.feature_file).string(),
                                     [&](const std::string& path) {
                                       return WriteFeatureFile(dataset, path);
                                     }));
  return WriteAtomically(
      (root / options.splits_file).string(),
      [&](const std::string& path) { return WriteSplitsFile(dataset, path); });
}

absl::Status ValidateXlsa17(Xlsa17Dataset& dataset) {
  return CheckDataset(dataset, CheckContext{dataset.name, "", ""},
                      dataset.seen_classes, dataset.unseen_classes);
}

}  // namespace fe
