#include "core/data/xlsa17_check.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/data/mat_io.h"
#include "core/data/status_macros.h"

namespace fe::xlsa17_internal {
namespace {

const char* MemberName(Field field) {
  switch (field) {
    case Field::kFeatures:
      return "features";
    case Field::kLabels:
      return "labels";
    case Field::kAttributes:
      return "attributes";
    case Field::kOriginalAttributes:
      return "original_attributes";
    case Field::kClassNames:
      return "class_names";
    case Field::kTrainval:
      return "trainval";
    case Field::kTestSeen:
      return "test_seen";
    case Field::kTestUnseen:
      return "test_unseen";
    case Field::kTrain:
      return "train";
    case Field::kVal:
      return "val";
  }
  return "";
}

std::string ClassLabel(const Xlsa17Dataset& dataset,
                       const CheckContext& context, int32_t class_index) {
  std::string label = absl::StrCat("class ", context.Shown(class_index));
  if (static_cast<size_t>(class_index) < dataset.class_names.size()) {
    absl::StrAppend(&label, " ('", dataset.class_names[class_index], "')");
  }
  return label;
}

absl::Status CheckSizes(const Xlsa17Dataset& dataset,
                        const CheckContext& context) {
  const std::string where = context.from_files()
                                ? context.splits_path
                                : absl::StrCat("dataset '", dataset.name, "'");
  if (dataset.num_samples < 1 || dataset.feature_dim < 1 ||
      dataset.num_classes < 1 || dataset.attribute_dim < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": num_samples=", dataset.num_samples, " feature_dim=",
        dataset.feature_dim, " num_classes=", dataset.num_classes,
        " attribute_dim=", dataset.attribute_dim, ", expected all >= 1"));
  }
  const struct {
    Field field;
    size_t size;
    int64_t expected;
  } sizes[] = {
      {Field::kFeatures, dataset.features.size(),
       dataset.num_samples * dataset.feature_dim},
      {Field::kLabels, dataset.labels.size(), dataset.num_samples},
      {Field::kAttributes, dataset.attributes.size(),
       dataset.num_classes * dataset.attribute_dim},
  };
  for (const auto& entry : sizes) {
    if (static_cast<int64_t>(entry.size) != entry.expected) {
      return absl::InvalidArgumentError(
          absl::StrCat(context.Where(entry.field), " has ", entry.size,
                       " values, expected ", entry.expected));
    }
  }
  if (dataset.original_attributes.has_value() &&
      dataset.original_attributes->size() != dataset.attributes.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        context.Where(Field::kOriginalAttributes), " has ",
        dataset.original_attributes->size(), " values, expected ",
        dataset.attributes.size(), " (the size of the attributes)"));
  }
  if (!dataset.class_names.empty() &&
      static_cast<int64_t>(dataset.class_names.size()) != dataset.num_classes) {
    return absl::InvalidArgumentError(absl::StrCat(
        context.Where(Field::kClassNames), " has ", dataset.class_names.size(),
        " names, expected ", dataset.num_classes, " (one per class)"));
  }
  return absl::OkStatus();
}

// Checks that a [rows, row_length] row-major matrix is finite. Files store
// it transposed (row_length x rows), so positions are given in that order.
absl::Status CheckFinite(const std::vector<float>& values, int64_t row_length,
                         Field field, const CheckContext& context) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) continue;
    const int64_t row = static_cast<int64_t>(i) / row_length;
    const int64_t column = static_cast<int64_t>(i) % row_length;
    const bool is_nan = std::isnan(values[i]);
    std::string position =
        context.from_files()
            ? absl::StrCat("row ", column + 1, ", column ", row + 1)
            : absl::StrCat("[", row, ", ", column, "]");
    // A finite double beyond the float32 range turns infinite on reading.
    const char* overflow_note = !is_nan && context.from_files()
                                    ? " (or a value beyond the float32 range)"
                                    : "";
    return absl::InvalidArgumentError(absl::StrCat(
        context.Where(field), " has ", is_nan ? "a NaN" : "an infinite value",
        overflow_note, " at ", position, "; replace or remove it"));
  }
  return absl::OkStatus();
}

absl::Status CheckLabels(const Xlsa17Dataset& dataset,
                         const CheckContext& context) {
  for (size_t i = 0; i < dataset.labels.size(); ++i) {
    const int32_t label = dataset.labels[i];
    if (label >= 0 && label < dataset.num_classes) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        context.Where(Field::kLabels), " has class ", context.Shown(label),
        " at element ", context.Shown(static_cast<int64_t>(i)), ", expected ",
        context.Shown(0), "..", context.Shown(dataset.num_classes - 1),
        " (one per column of the attribute matrix)"));
  }
  return absl::OkStatus();
}

// Bit of each split in the per-sample membership mask.
uint8_t SplitBit(Field field) {
  switch (field) {
    case Field::kTestSeen:
      return 2;
    case Field::kTestUnseen:
      return 4;
    case Field::kTrain:
      return 8;
    case Field::kVal:
      return 16;
    default:
      return 1;
  }
}

absl::Status MarkSplit(const Xlsa17Dataset& dataset, Field field,
                       const CheckContext& context,
                       std::vector<uint8_t>& membership) {
  const std::vector<int64_t>& split = SplitOf(dataset, field);
  const uint8_t bit = SplitBit(field);
  for (size_t i = 0; i < split.size(); ++i) {
    const int64_t sample = split[i];
    const std::string where = absl::StrCat(
        context.Where(field), " has sample ", context.Shown(sample),
        " at element ", context.Shown(static_cast<int64_t>(i)));
    if (sample < 0 || sample >= dataset.num_samples) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ", expected ", context.Shown(0), "..",
          context.Shown(dataset.num_samples - 1), " (the feature matrix has ",
          dataset.num_samples, " samples)"));
    }
    if (membership[sample] & bit) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " a second time; remove the duplicate"));
    }
    membership[sample] |= bit;
  }
  return absl::OkStatus();
}

absl::Status CheckSplitMembership(const Xlsa17Dataset& dataset,
                                  const CheckContext& context,
                                  const std::vector<uint8_t>& membership) {
  const uint8_t seen_bits =
      SplitBit(Field::kTrainval) | SplitBit(Field::kTestSeen);
  const struct {
    Field first;
    Field second;
  } disjoint_pairs[] = {{Field::kTrainval, Field::kTestSeen},
                        {Field::kTrainval, Field::kTestUnseen},
                        {Field::kTestSeen, Field::kTestUnseen},
                        {Field::kTrain, Field::kVal}};
  for (int64_t sample = 0; sample < dataset.num_samples; ++sample) {
    const uint8_t mask = membership[sample];
    for (const auto& pair : disjoint_pairs) {
      if ((mask & SplitBit(pair.first)) && (mask & SplitBit(pair.second))) {
        return absl::InvalidArgumentError(absl::StrCat(
            context.Where(pair.second), ": sample ", context.Shown(sample),
            " is also in ", FileFieldName(pair.first),
            "; the two splits must be disjoint"));
      }
    }
    // xlsa17 draws train_loc and val_loc from all samples of the seen
    // classes, so they may contain test_seen samples but never others.
    for (Field field : {Field::kTrain, Field::kVal}) {
      if ((mask & SplitBit(field)) && !(mask & seen_bits)) {
        return absl::InvalidArgumentError(absl::StrCat(
            context.Where(field), ": sample ", context.Shown(sample),
            " is in neither trainval_loc nor test_seen_loc; train and val "
            "samples must come from the seen-class samples"));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<int32_t> ClassesOf(const Xlsa17Dataset& dataset,
                               const std::vector<int64_t>& split) {
  std::vector<int32_t> classes;
  classes.reserve(split.size());
  for (int64_t sample : split) classes.push_back(dataset.labels[sample]);
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  return classes;
}

absl::Status CheckClassSplit(const Xlsa17Dataset& dataset,
                             const CheckContext& context,
                             std::vector<int32_t>& seen,
                             std::vector<int32_t>& unseen) {
  seen = ClassesOf(dataset, dataset.trainval);
  unseen = ClassesOf(dataset, dataset.test_unseen);
  for (int32_t class_index : unseen) {
    if (!std::binary_search(seen.begin(), seen.end(), class_index)) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        context.Where(Field::kTestUnseen), ": ",
        ClassLabel(dataset, context, class_index),
        " has samples in trainval_loc (seen) and in test_unseen_loc "
        "(unseen); each class must be either seen or unseen"));
  }
  for (size_t i = 0; i < dataset.test_seen.size(); ++i) {
    const int32_t class_index = dataset.labels[dataset.test_seen[i]];
    if (std::binary_search(seen.begin(), seen.end(), class_index)) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        context.Where(Field::kTestSeen), ": sample ",
        context.Shown(dataset.test_seen[i]), " has ",
        ClassLabel(dataset, context, class_index),
        ", which has no samples in trainval_loc; test_seen_loc may hold seen "
        "classes only"));
  }
  return absl::OkStatus();
}

absl::Status CheckSplits(const Xlsa17Dataset& dataset,
                         const CheckContext& context,
                         std::vector<int32_t>& seen,
                         std::vector<int32_t>& unseen) {
  for (Field field : {Field::kTrainval, Field::kTestUnseen}) {
    if (SplitOf(dataset, field).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(context.Where(field),
                       " is empty; a GZSL benchmark needs seen "
                       "training samples and unseen test samples"));
    }
  }
  std::vector<uint8_t> membership(dataset.num_samples, 0);
  for (Field field : kSplitFields) {
    FE_RETURN_IF_ERROR(MarkSplit(dataset, field, context, membership));
  }
  FE_RETURN_IF_ERROR(CheckSplitMembership(dataset, context, membership));
  return CheckClassSplit(dataset, context, seen, unseen);
}

}  // namespace

const char* FileFieldName(Field field) {
  switch (field) {
    case Field::kFeatures:
      return "features";
    case Field::kLabels:
      return "labels";
    case Field::kAttributes:
      return "att";
    case Field::kOriginalAttributes:
      return "original_att";
    case Field::kClassNames:
      return "allclasses_names";
    case Field::kTrainval:
      return "trainval_loc";
    case Field::kTestSeen:
      return "test_seen_loc";
    case Field::kTestUnseen:
      return "test_unseen_loc";
    case Field::kTrain:
      return "train_loc";
    case Field::kVal:
      return "val_loc";
  }
  return "";
}

std::string CheckContext::Where(Field field) const {
  if (!from_files()) {
    return absl::StrCat("dataset '", dataset_name, "': ", MemberName(field));
  }
  const bool in_feature_file =
      field == Field::kFeatures || field == Field::kLabels;
  return mat_io::FieldLabel(in_feature_file ? features_path : splits_path,
                            FileFieldName(field));
}

const std::vector<int64_t>& SplitOf(const Xlsa17Dataset& dataset, Field field) {
  switch (field) {
    case Field::kTestSeen:
      return dataset.test_seen;
    case Field::kTestUnseen:
      return dataset.test_unseen;
    case Field::kTrain:
      return dataset.train;
    case Field::kVal:
      return dataset.val;
    default:
      return dataset.trainval;
  }
}

absl::Status CheckDataset(const Xlsa17Dataset& dataset,
                          const CheckContext& context,
                          std::vector<int32_t>& seen,
                          std::vector<int32_t>& unseen) {
  FE_RETURN_IF_ERROR(CheckSizes(dataset, context));
  FE_RETURN_IF_ERROR(CheckLabels(dataset, context));
  FE_RETURN_IF_ERROR(CheckFinite(dataset.features, dataset.feature_dim,
                                 Field::kFeatures, context));
  FE_RETURN_IF_ERROR(CheckFinite(dataset.attributes, dataset.attribute_dim,
                                 Field::kAttributes, context));
  if (dataset.original_attributes.has_value()) {
    FE_RETURN_IF_ERROR(CheckFinite(*dataset.original_attributes,
                                   dataset.attribute_dim,
                                   Field::kOriginalAttributes, context));
  }
  return CheckSplits(dataset, context, seen, unseen);
}

}  // namespace fe::xlsa17_internal
