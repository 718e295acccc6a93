// Consistency checks of an Xlsa17Dataset, shared by the reader, the writer
// and ValidateXlsa17. Internal to fe_data.

#ifndef FE_CORE_DATA_XLSA17_CHECK_H_
#define FE_CORE_DATA_XLSA17_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/data/xlsa17.h"

namespace fe::xlsa17_internal {

// The fields of a dataset, named as in the files (FileFieldName) and as in
// Xlsa17Dataset.
enum class Field {
  kFeatures,
  kLabels,
  kAttributes,
  kOriginalAttributes,
  kClassNames,
  kTrainval,
  kTestSeen,
  kTestUnseen,
  kTrain,
  kVal,
};

// The split fields in the order they are checked and written.
inline constexpr Field kSplitFields[] = {Field::kTrainval, Field::kTestSeen,
                                         Field::kTestUnseen, Field::kTrain,
                                         Field::kVal};

// Returns the MAT variable name of `field`, e.g. "trainval_loc".
const char* FileFieldName(Field field);

// Returns the sample list of a split field of `dataset`.
const std::vector<int64_t>& SplitOf(const Xlsa17Dataset& dataset, Field field);

// Source of a dataset under check, so that messages point at the file and
// field (read from disk, 1-based as in MATLAB) or at the struct member
// (built in memory, 0-based).
struct CheckContext {
  std::string dataset_name;
  std::string features_path;  // empty for a dataset built in memory
  std::string splits_path;

  bool from_files() const { return !splits_path.empty(); }

  // Returns "<file>: field '<name>'" or "dataset '<name>': <member>", the
  // start of every message about `field`.
  std::string Where(Field field) const;

  // Sample and class indices and element positions as the reader counts
  // them: 1-based for files, 0-based in memory.
  int64_t Shown(int64_t index) const {
    return from_files() ? index + 1 : index;
  }
};

// Checks everything ValidateXlsa17 documents and fills `seen` and `unseen`
// with the sorted classes of trainval and test_unseen.
absl::Status CheckDataset(const Xlsa17Dataset& dataset,
                          const CheckContext& context,
                          std::vector<int32_t>& seen,
                          std::vector<int32_t>& unseen);

}  // namespace fe::xlsa17_internal

#endif  // FE_CORE_DATA_XLSA17_CHECK_H_
