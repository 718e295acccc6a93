// Tests of the xlsa17 reader and writer. Small MAT files are written with
// matio directly, so every numeric class and every broken layout can be
// produced without MATLAB. Real-data cases read FE_DATA_DIR and skip when it
// is not set.

#include "core/data/xlsa17.h"

#include <matio.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace fe {
namespace {

using ::testing::HasSubstr;

using ScratchDir = testing::ScratchDir;

// One variable to write with matio. Numeric data is given as doubles and
// converted to `class_name` on write.
struct MatField {
  std::string class_name = "double";  // MATLAB class, or "struct", "cell",
                                      // "char", "complex", "names"
  std::vector<size_t> dims;
  std::vector<double> values;
  std::vector<std::string> strings;  // for "names": one cell per string
};

using MatContents = std::map<std::string, MatField>;

MatField Numeric(size_t rows, size_t cols, std::vector<double> values,
                 const std::string& class_name = "double") {
  MatField field;
  field.class_name = class_name;
  field.dims = {rows, cols};
  field.values = std::move(values);
  return field;
}

MatField Names(std::vector<std::string> names) {
  MatField field;
  field.class_name = "names";
  field.dims = {names.size(), 1};
  field.strings = std::move(names);
  return field;
}

template <typename T>
matvar_t* CreateTyped(const std::string& name, matio_classes class_type,
                      matio_types data_type, const MatField& field,
                      int flags = 0) {
  std::vector<T> data(field.values.begin(), field.values.end());
  std::vector<size_t> dims = field.dims;
  return Mat_VarCreate(name.c_str(), class_type, data_type,
                       static_cast<int>(dims.size()), dims.data(), data.data(),
                       flags);
}

matvar_t* CreateNamesCell(const std::string& name, const MatField& field) {
  std::vector<size_t> dims = field.dims;
  matvar_t* cell = Mat_VarCreate(name.c_str(), MAT_C_CELL, MAT_T_CELL, 2,
                                 dims.data(), nullptr, 0);
  for (size_t i = 0; i < field.strings.size(); ++i) {
    size_t text_dims[2] = {1, field.strings[i].size()};
    Mat_VarSetCell(
        cell, static_cast<int>(i),
        Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, text_dims,
                      const_cast<char*>(field.strings[i].data()), 0));
  }
  return cell;
}

// Creates a variable of a numeric or logical class, or returns nullptr when
// field.class_name is no such class.
matvar_t* CreateNumeric(const std::string& name, const MatField& field) {
  const std::string& c = field.class_name;
  if (c == "double") {
    return CreateTyped<double>(name, MAT_C_DOUBLE, MAT_T_DOUBLE, field);
  }
  if (c == "single") {
    return CreateTyped<float>(name, MAT_C_SINGLE, MAT_T_SINGLE, field);
  }
  if (c == "int8") {
    return CreateTyped<int8_t>(name, MAT_C_INT8, MAT_T_INT8, field);
  }
  if (c == "uint8") {
    return CreateTyped<uint8_t>(name, MAT_C_UINT8, MAT_T_UINT8, field);
  }
  if (c == "int16") {
    return CreateTyped<int16_t>(name, MAT_C_INT16, MAT_T_INT16, field);
  }
  if (c == "uint16") {
    return CreateTyped<uint16_t>(name, MAT_C_UINT16, MAT_T_UINT16, field);
  }
  if (c == "int32") {
    return CreateTyped<int32_t>(name, MAT_C_INT32, MAT_T_INT32, field);
  }
  if (c == "uint32") {
    return CreateTyped<uint32_t>(name, MAT_C_UINT32, MAT_T_UINT32, field);
  }
  if (c == "int64") {
    return CreateTyped<int64_t>(name, MAT_C_INT64, MAT_T_INT64, field);
  }
  if (c == "uint64") {
    return CreateTyped<uint64_t>(name, MAT_C_UINT64, MAT_T_UINT64, field);
  }
  if (c == "logical") {
    return CreateTyped<uint8_t>(name, MAT_C_UINT8, MAT_T_UINT8, field,
                                MAT_F_LOGICAL);
  }
  return nullptr;
}

// Creates the variable that `field` describes.
matvar_t* CreateVariable(const std::string& name, const MatField& field) {
  const std::string& c = field.class_name;
  if (c == "names") return CreateNamesCell(name, field);

  if (c == "char") {
    std::string text = "abc";
    size_t dims[2] = {1, text.size()};
    return Mat_VarCreate(name.c_str(), MAT_C_CHAR, MAT_T_UTF8, 2, dims,
                         text.data(), 0);
  }

  if (c == "struct") {
    size_t dims[2] = {1, 1};
    const char* fields[] = {"value"};
    return Mat_VarCreateStruct(name.c_str(), 2, dims, fields, 1);
  }

  if (c == "complex") {
    std::vector<double> real = field.values;
    std::vector<double> imaginary(real.size(), 1.0);
    mat_complex_split_t split{real.data(), imaginary.data()};
    std::vector<size_t> dims = field.dims;
    return Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2,
                         dims.data(), &split, MAT_F_COMPLEX);
  }

  return CreateNumeric(name, field);
}

bool WriteMat(const std::string& path, const MatContents& contents,
              mat_ft version = MAT_FT_MAT5) {
  mat_t* file = Mat_CreateVer(path.c_str(), nullptr, version);
  if (file == nullptr) return false;
  bool ok = true;
  for (const auto& [name, field] : contents) {
    matvar_t* variable = CreateVariable(name, field);
    ok = ok && variable != nullptr &&
         Mat_VarWrite(file, variable, MAT_COMPRESSION_NONE) == 0;
    Mat_VarFree(variable);
  }
  Mat_Close(file);
  return ok;
}

// A tiny valid benchmark in file form: N = 8 samples, d = 3, K = 4 classes
// with p = 2, where class 4 ('empty') has no samples. Classes 1 and 2 are
// seen, class 3 is unseen. All values are 1-based as in the files.
struct TinyFiles {
  MatContents features;
  MatContents splits;
};

TinyFiles MakeTinyFiles() {
  TinyFiles files;
  std::vector<double> features;
  for (int n = 0; n < 8; ++n) {
    for (int j = 0; j < 3; ++j) features.push_back(n + 0.25 * j);
  }
  files.features["features"] = Numeric(3, 8, features);
  files.features["labels"] = Numeric(8, 1, {1, 1, 1, 2, 2, 2, 3, 3});
  files.splits["att"] = Numeric(2, 4, {1, 0, 0, 1, 1, 1, 0.5, 0.25});
  files.splits["original_att"] = Numeric(2, 4, {10, 0, 0, 10, 10, 10, 5, 2});
  files.splits["allclasses_names"] = Names({"cat", "dog", "zebra", "empty"});
  files.splits["trainval_loc"] = Numeric(4, 1, {1, 2, 4, 5});
  files.splits["test_seen_loc"] = Numeric(2, 1, {3, 6});
  files.splits["test_unseen_loc"] = Numeric(2, 1, {7, 8});
  files.splits["train_loc"] = Numeric(2, 1, {1, 2});
  files.splits["val_loc"] = Numeric(2, 1, {4, 5});
  return files;
}

// Writes `files` into `directory` as res101.mat and att_splits.mat.
::testing::AssertionResult WriteTiny(const std::string& directory,
                                     const TinyFiles& files,
                                     mat_ft version = MAT_FT_MAT5) {
  std::filesystem::create_directories(directory);
  const std::filesystem::path root(directory);
  if (!WriteMat((root / "res101.mat").string(), files.features, version) ||
      !WriteMat((root / "att_splits.mat").string(), files.splits, version)) {
    return ::testing::AssertionFailure()
           << "matio failed to write in " << directory;
  }
  return ::testing::AssertionSuccess();
}

// The in-memory dataset that MakeTinyFiles describes.
Xlsa17Dataset MakeTinyDataset() {
  Xlsa17Dataset dataset;
  dataset.name = "tiny";
  dataset.num_samples = 8;
  dataset.feature_dim = 3;
  dataset.num_classes = 4;
  dataset.attribute_dim = 2;
  for (int n = 0; n < 8; ++n) {
    for (int j = 0; j < 3; ++j) dataset.features.push_back(n + 0.25f * j);
  }
  dataset.labels = {0, 0, 0, 1, 1, 1, 2, 2};
  dataset.attributes = {1, 0, 0, 1, 1, 1, 0.5f, 0.25f};
  dataset.original_attributes = std::vector<float>{10, 0, 0, 10, 10, 10, 5, 2};
  dataset.class_names = {"cat", "dog", "zebra", "empty"};
  dataset.trainval = {0, 1, 3, 4};
  dataset.test_seen = {2, 5};
  dataset.test_unseen = {6, 7};
  dataset.train = {0, 1};
  dataset.val = {3, 4};
  dataset.seen_classes = {0, 1};
  dataset.unseen_classes = {2};
  return dataset;
}

void ExpectSameContents(const Xlsa17Dataset& actual,
                        const Xlsa17Dataset& expected) {
  EXPECT_EQ(actual.num_samples, expected.num_samples);
  EXPECT_EQ(actual.feature_dim, expected.feature_dim);
  EXPECT_EQ(actual.num_classes, expected.num_classes);
  EXPECT_EQ(actual.attribute_dim, expected.attribute_dim);
  EXPECT_EQ(actual.features, expected.features);
  EXPECT_EQ(actual.labels, expected.labels);
  EXPECT_EQ(actual.attributes, expected.attributes);
  EXPECT_EQ(actual.original_attributes, expected.original_attributes);
  EXPECT_EQ(actual.class_names, expected.class_names);
  EXPECT_EQ(actual.trainval, expected.trainval);
  EXPECT_EQ(actual.test_seen, expected.test_seen);
  EXPECT_EQ(actual.test_unseen, expected.test_unseen);
  EXPECT_EQ(actual.train, expected.train);
  EXPECT_EQ(actual.val, expected.val);
  EXPECT_EQ(actual.seen_classes, expected.seen_classes);
  EXPECT_EQ(actual.unseen_classes, expected.unseen_classes);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}

TEST(Xlsa17, LoadsTinyFiles) {
  ScratchDir scratch("xlsa17_test");
  ASSERT_TRUE(WriteTiny(scratch.path(), MakeTinyFiles()));

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();

  Xlsa17Dataset expected = MakeTinyDataset();
  ExpectSameContents(*dataset, expected);
  EXPECT_EQ(dataset->name, std::filesystem::path(scratch.path()).filename());
  // Row-major [N, d]: sample 5 (0-based) is column 6 of the d x N matrix.
  EXPECT_EQ(dataset->feature_row(5)[0], 5.0f);
  EXPECT_EQ(dataset->feature_row(5)[2], 5.5f);
  // Row-major [K, p]: class 3 is column 4 of the p x K matrix.
  EXPECT_EQ(dataset->attribute_row(3)[0], 0.5f);
  EXPECT_EQ(dataset->attribute_row(3)[1], 0.25f);
}

TEST(Xlsa17, RoundTripIsExact) {
  ScratchDir scratch("xlsa17_test");
  Xlsa17Dataset dataset = MakeTinyDataset();
  // Values that need all 24 bits of a float mantissa.
  dataset.features[4] = 0.1f;
  dataset.features[5] = 1.0f / 3.0f;
  dataset.attributes[7] = 1e-30f;
  ASSERT_TRUE(ValidateXlsa17(dataset).ok());

  absl::Status status = WriteXlsa17(dataset, scratch.File("out"));
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<Xlsa17Dataset> loaded = LoadXlsa17(scratch.File("out"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();

  ExpectSameContents(*loaded, dataset);
  EXPECT_EQ(loaded->name, "out");
}

TEST(Xlsa17, RoundTripWithoutOptionalFields) {
  ScratchDir scratch("xlsa17_test");
  Xlsa17Dataset dataset = MakeTinyDataset();
  dataset.original_attributes.reset();
  dataset.class_names.clear();
  dataset.train.clear();
  dataset.val.clear();
  Xlsa17Options options;
  options.feature_file = "CNN_fea.mat";

  absl::Status status = WriteXlsa17(dataset, scratch.File("plain"), options);
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<Xlsa17Dataset> loaded =
      LoadXlsa17(scratch.File("plain"), options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();

  dataset.class_names = {"class_1", "class_2", "class_3", "class_4"};
  ExpectSameContents(*loaded, dataset);
}

TEST(Xlsa17, WriterUsesXlsa17Layout) {
  ScratchDir scratch("xlsa17_test");
  ASSERT_TRUE(WriteXlsa17(MakeTinyDataset(), scratch.path()).ok());

  mat_t* file =
      Mat_Open(scratch.File("att_splits.mat").c_str(), MAT_ACC_RDONLY);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(Mat_GetVersion(file), MAT_FT_MAT5);
  const struct {
    const char* name;
    size_t rows;
    size_t cols;
  } expected[] = {{"att", 2, 4},
                  {"original_att", 2, 4},
                  {"trainval_loc", 4, 1},
                  {"test_seen_loc", 2, 1},
                  {"test_unseen_loc", 2, 1},
                  {"train_loc", 2, 1},
                  {"val_loc", 2, 1}};
  for (const auto& field : expected) {
    SCOPED_TRACE(field.name);
    matvar_t* variable = Mat_VarRead(file, field.name);
    ASSERT_NE(variable, nullptr);
    EXPECT_EQ(variable->class_type, MAT_C_DOUBLE);
    EXPECT_EQ(variable->dims[0], field.rows);
    EXPECT_EQ(variable->dims[1], field.cols);
    Mat_VarFree(variable);
  }
  matvar_t* locs = Mat_VarRead(file, "test_unseen_loc");
  ASSERT_NE(locs, nullptr);
  EXPECT_EQ(static_cast<double*>(locs->data)[0], 7.0);  // 1-based
  Mat_VarFree(locs);
  matvar_t* names = Mat_VarRead(file, "allclasses_names");
  ASSERT_NE(names, nullptr);
  EXPECT_EQ(names->class_type, MAT_C_CELL);
  EXPECT_EQ(names->dims[0], 4u);
  Mat_VarFree(names);
  Mat_Close(file);

  file = Mat_Open(scratch.File("res101.mat").c_str(), MAT_ACC_RDONLY);
  ASSERT_NE(file, nullptr);
  matvar_t* features = Mat_VarRead(file, "features");
  ASSERT_NE(features, nullptr);
  EXPECT_EQ(features->class_type, MAT_C_DOUBLE);
  EXPECT_EQ(features->dims[0], 3u);
  EXPECT_EQ(features->dims[1], 8u);
  Mat_VarFree(features);
  matvar_t* labels = Mat_VarRead(file, "labels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(labels->dims[0], 8u);
  EXPECT_EQ(labels->dims[1], 1u);
  EXPECT_EQ(static_cast<double*>(labels->data)[7], 3.0);  // 1-based
  Mat_VarFree(labels);
  Mat_Close(file);
}

TEST(Xlsa17, WriterOutputIsByteIdentical) {
  ScratchDir scratch("xlsa17_test");
  ASSERT_TRUE(WriteXlsa17(MakeTinyDataset(), scratch.File("a")).ok());
  ASSERT_TRUE(WriteXlsa17(MakeTinyDataset(), scratch.File("b")).ok());
  for (const char* name : {"res101.mat", "att_splits.mat"}) {
    SCOPED_TRACE(name);
    const std::string a = ReadBytes(scratch.File(std::string("a/") + name));
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, ReadBytes(scratch.File(std::string("b/") + name)));
  }
}

TEST(Xlsa17, ReadsEveryNumericClass) {
  const char* classes[] = {"double", "single", "int8",   "uint8", "int16",
                           "uint16", "int32",  "uint32", "int64", "uint64"};
  for (const char* class_name : classes) {
    SCOPED_TRACE(class_name);
    ScratchDir scratch("xlsa17_test");
    TinyFiles files = MakeTinyFiles();
    // Integer classes need integer values: features become n + j.
    std::vector<double> features;
    for (int n = 0; n < 8; ++n) {
      for (int j = 0; j < 3; ++j) features.push_back(n + j);
    }
    files.features["features"] = Numeric(3, 8, features, class_name);
    files.features["labels"].class_name = class_name;
    files.splits["att"] = Numeric(2, 4, {1, 0, 0, 1, 1, 1, 2, 3}, class_name);
    files.splits["original_att"].class_name = class_name;
    for (const char* loc : {"trainval_loc", "test_seen_loc", "test_unseen_loc",
                            "train_loc", "val_loc"}) {
      files.splits[loc].class_name = class_name;
    }
    ASSERT_TRUE(WriteTiny(scratch.path(), files));

    absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
    ASSERT_TRUE(dataset.ok()) << dataset.status();
    EXPECT_EQ(dataset->features,
              std::vector<float>(features.begin(), features.end()));
    EXPECT_EQ(dataset->labels, (std::vector<int32_t>{0, 0, 0, 1, 1, 1, 2, 2}));
    EXPECT_EQ(dataset->attributes,
              (std::vector<float>{1, 0, 0, 1, 1, 1, 2, 3}));
    EXPECT_EQ(dataset->trainval, (std::vector<int64_t>{0, 1, 3, 4}));
    EXPECT_EQ(dataset->val, (std::vector<int64_t>{3, 4}));
  }
}

TEST(Xlsa17, ReadsLogicalAttributes) {
  ScratchDir scratch("xlsa17_test");
  TinyFiles files = MakeTinyFiles();
  files.splits["att"] = Numeric(2, 4, {1, 0, 0, 1, 1, 1, 0, 0}, "logical");
  ASSERT_TRUE(WriteTiny(scratch.path(), files));

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->attributes, (std::vector<float>{1, 0, 0, 1, 1, 1, 0, 0}));
}

TEST(Xlsa17, AcceptsRowVectorLabelsAndIndices) {
  ScratchDir scratch("xlsa17_test");
  TinyFiles files = MakeTinyFiles();
  files.features["labels"] = Numeric(1, 8, {1, 1, 1, 2, 2, 2, 3, 3}, "uint8");
  files.splits["trainval_loc"] = Numeric(1, 4, {1, 2, 4, 5}, "uint16");
  files.splits["test_unseen_loc"] = Numeric(1, 2, {7, 8});
  ASSERT_TRUE(WriteTiny(scratch.path(), files));

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  ExpectSameContents(*dataset, MakeTinyDataset());
}

TEST(Xlsa17, ConvertsOneBasedIndices) {
  ScratchDir scratch("xlsa17_test");
  TinyFiles files = MakeTinyFiles();
  // Unsorted indices keep their order; sample 8 (1-based) is the last one.
  files.splits["test_unseen_loc"] = Numeric(2, 1, {8, 7});
  ASSERT_TRUE(WriteTiny(scratch.path(), files));

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->test_unseen, (std::vector<int64_t>{7, 6}));
  EXPECT_EQ(dataset->labels.front(), 0);
  EXPECT_EQ(dataset->labels.back(), 2);
}

TEST(Xlsa17, KeepsAttributesOfClassesWithoutSamples) {
  ScratchDir scratch("xlsa17_test");
  ASSERT_TRUE(WriteTiny(scratch.path(), MakeTinyFiles()));

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->num_classes, 4);
  EXPECT_EQ(dataset->class_names[3], "empty");
  EXPECT_EQ(dataset->seen_classes, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(dataset->unseen_classes, (std::vector<int32_t>{2}));
}

TEST(Xlsa17, DefaultClassNames) {
  ScratchDir scratch("xlsa17_test");
  TinyFiles files = MakeTinyFiles();
  files.splits.erase("allclasses_names");
  files.splits.erase("original_att");
  ASSERT_TRUE(WriteTiny(scratch.path(), files));

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(
      dataset->class_names,
      (std::vector<std::string>{"class_1", "class_2", "class_3", "class_4"}));
  EXPECT_FALSE(dataset->original_attributes.has_value());
}

TEST(Xlsa17, RoundTripsNonAsciiNames) {
  ScratchDir scratch("xlsa17_test");
  Xlsa17Dataset dataset = MakeTinyDataset();
  dataset.class_names = {"Größe", "東京", "a\xF0\x9F\x90\xA6", ""};
  ASSERT_TRUE(WriteXlsa17(dataset, scratch.path()).ok());

  absl::StatusOr<Xlsa17Dataset> loaded = LoadXlsa17(scratch.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->class_names, dataset.class_names);
}

TEST(Xlsa17, ReadsMat73File) {
  ScratchDir scratch("xlsa17_test");
  if (!WriteTiny(scratch.path(), MakeTinyFiles(), MAT_FT_MAT73)) {
    GTEST_SKIP() << "the installed matio cannot write MATLAB v7.3 files";
  }
  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  ExpectSameContents(*dataset, MakeTinyDataset());
}

// One broken input: a change to the tiny files and the expected error.
struct BrokenCase {
  const char* name;
  std::function<void(TinyFiles&)> change;
  absl::StatusCode code;
  const char* file;  // "att_splits.mat" or "res101.mat"
  std::vector<std::string> message_parts;
};

std::vector<BrokenCase> BrokenCases() {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  return {
      {"missing att",
       [](TinyFiles& f) { f.splits.erase("att"); },
       invalid,
       "att_splits.mat",
       {"att_splits.mat: field 'att' is missing"}},
      {"missing trainval_loc",
       [](TinyFiles& f) { f.splits.erase("trainval_loc"); },
       invalid,
       "att_splits.mat",
       {"field 'trainval_loc' is missing"}},
      {"missing test_unseen_loc",
       [](TinyFiles& f) { f.splits.erase("test_unseen_loc"); },
       invalid,
       "att_splits.mat",
       {"field 'test_unseen_loc' is missing"}},
      {"missing features",
       [](TinyFiles& f) { f.features.erase("features"); },
       invalid,
       "res101.mat",
       {"res101.mat: field 'features' is missing"}},
      {"missing labels",
       [](TinyFiles& f) { f.features.erase("labels"); },
       invalid,
       "res101.mat",
       {"field 'labels' is missing"}},
      {"3-D features",
       [](TinyFiles& f) {
         f.features["features"].dims = {3, 4, 2};
       },
       invalid,
       "res101.mat",
       {"'features'", "3x4x2", "2-D matrix"}},
      {"labels count",
       [](TinyFiles& f) {
         f.features["labels"] = Numeric(7, 1, {1, 1, 1, 2, 2, 2, 3});
       },
       invalid,
       "res101.mat",
       {"'labels'", "7x1", "expected 8x1 or 1x8"}},
      {"labels matrix",
       [](TinyFiles& f) {
         f.features["labels"] = Numeric(2, 4, {1, 1, 1, 2, 2, 2, 3, 3});
       },
       invalid,
       "res101.mat",
       {"'labels'", "2x4", "vector"}},
      {"label zero",
       [](TinyFiles& f) { f.features["labels"].values[2] = 0; },
       invalid,
       "res101.mat",
       {"'labels'", "value 0 at element 3", "expected an index >= 1"}},
      {"label negative",
       [](TinyFiles& f) {
         f.features["labels"].class_name = "int8";
         f.features["labels"].values[0] = -2;
       },
       invalid,
       "res101.mat",
       {"'labels'", "value -2 at element 1", ">= 1"}},
      {"label not integer",
       [](TinyFiles& f) { f.features["labels"].values[1] = 1.5; },
       invalid,
       "res101.mat",
       {"'labels'", "value 1.5", "integer"}},
      {"label above class count",
       [](TinyFiles& f) { f.features["labels"].values[7] = 5; },
       invalid,
       "res101.mat",
       {"'labels'", "value 5 at element 8", "expected 1..4"}},
      {"index above sample count",
       [](TinyFiles& f) { f.splits["test_seen_loc"].values[1] = 9; },
       invalid,
       "att_splits.mat",
       {"'test_seen_loc'", "sample 9 at element 2", "expected 1..8"}},
      {"index zero",
       [](TinyFiles& f) { f.splits["trainval_loc"].values[0] = 0; },
       invalid,
       "att_splits.mat",
       {"'trainval_loc'", "value 0 at element 1", "MATLAB indices start at 1"}},
      {"index not integer",
       [](TinyFiles& f) { f.splits["val_loc"].values[0] = 4.5; },
       invalid,
       "att_splits.mat",
       {"'val_loc'", "4.5", "integer"}},
      {"class both seen and unseen",
       [](TinyFiles& f) {
         f.splits["test_seen_loc"] = Numeric(1, 1, {6});
         f.splits["test_unseen_loc"].values[0] = 3;
       },
       invalid,
       "att_splits.mat",
       {"'test_unseen_loc'", "class 1 ('cat')", "either seen or unseen"}},
      {"test_seen sample of unseen class",
       [](TinyFiles& f) {
         f.splits["test_seen_loc"] = Numeric(1, 1, {6});
         f.splits["test_unseen_loc"] = Numeric(1, 1, {7});
         f.features["labels"].values[5] = 4;
       },
       invalid,
       "att_splits.mat",
       {"'test_seen_loc'", "class 4 ('empty')", "seen classes only"}},
      {"NaN in features",
       [](TinyFiles& f) {
         f.features["features"].values[1 + 3 * 4] = std::nan("");
       },
       invalid,
       "res101.mat",
       {"'features'", "NaN at row 2, column 5"}},
      {"infinity in att",
       [](TinyFiles& f) {
         f.splits["att"].values[5] = std::numeric_limits<double>::infinity();
       },
       invalid,
       "att_splits.mat",
       {"'att'", "infinite value", "at row 2, column 3"}},
      {"NaN in original_att",
       [](TinyFiles& f) { f.splits["original_att"].values[0] = std::nan(""); },
       invalid,
       "att_splits.mat",
       {"'original_att'", "NaN at row 1, column 1"}},
      {"float overflow in features",
       [](TinyFiles& f) { f.features["features"].values[0] = 1e300; },
       invalid,
       "res101.mat",
       {"'features'",
        "infinite value (or a value beyond the float32 range) "
        "at row 1, column 1"}},
      {"att is a struct",
       [](TinyFiles& f) { f.splits["att"].class_name = "struct"; },
       invalid,
       "att_splits.mat",
       {"'att'", "struct", "numeric matrix"}},
      {"features is a cell",
       [](TinyFiles& f) {
         f.features["features"] = Names({"a", "b"});
       },
       invalid,
       "res101.mat",
       {"'features'", "is a cell array"}},
      {"labels is char",
       [](TinyFiles& f) { f.features["labels"].class_name = "char"; },
       invalid,
       "res101.mat",
       {"'labels'", "char"}},
      {"complex att",
       [](TinyFiles& f) { f.splits["att"].class_name = "complex"; },
       invalid,
       "att_splits.mat",
       {"'att'", "complex"}},
      {"original_att shape",
       [](TinyFiles& f) {
         f.splits["original_att"] = Numeric(4, 2, {1, 2, 3, 4, 5, 6, 7, 8});
       },
       invalid,
       "att_splits.mat",
       {"'original_att'", "4x2", "expected 2x4"}},
      {"class name count",
       [](TinyFiles& f) {
         f.splits["allclasses_names"] = Names({"a", "b"});
       },
       invalid,
       "att_splits.mat",
       {"'allclasses_names'", "2x1", "expected 4x1"}},
      {"empty att",
       [](TinyFiles& f) { f.splits["att"] = Numeric(0, 0, {}); },
       invalid,
       "att_splits.mat",
       {"'att'", "0x0"}},
      {"empty trainval_loc",
       [](TinyFiles& f) { f.splits["trainval_loc"] = Numeric(0, 0, {}); },
       invalid,
       "att_splits.mat",
       {"'trainval_loc'", "is empty"}},
      {"duplicate index",
       [](TinyFiles& f) { f.splits["trainval_loc"].values[1] = 1; },
       invalid,
       "att_splits.mat",
       {"'trainval_loc'", "sample 1", "duplicate"}},
      {"trainval and test_seen overlap",
       [](TinyFiles& f) { f.splits["test_seen_loc"].values[0] = 2; },
       invalid,
       "att_splits.mat",
       {"'test_seen_loc'", "sample 2", "trainval_loc", "disjoint"}},
      {"train and val overlap",
       [](TinyFiles& f) { f.splits["val_loc"].values[0] = 1; },
       invalid,
       "att_splits.mat",
       {"'val_loc'", "sample 1", "train_loc"}},
      {"val holds an unseen sample",
       [](TinyFiles& f) { f.splits["val_loc"].values[1] = 8; },
       invalid,
       "att_splits.mat",
       {"'val_loc'", "sample 8", "neither trainval_loc nor test_seen_loc"}},
  };
}

TEST(Xlsa17, RejectsBrokenFiles) {
  for (const BrokenCase& broken : BrokenCases()) {
    SCOPED_TRACE(broken.name);
    ScratchDir scratch("xlsa17_test");
    TinyFiles files = MakeTinyFiles();
    broken.change(files);
    ASSERT_TRUE(WriteTiny(scratch.path(), files));

    absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
    ASSERT_FALSE(dataset.ok());
    EXPECT_EQ(dataset.status().code(), broken.code) << dataset.status();
    const std::string message(dataset.status().message());
    EXPECT_THAT(message, HasSubstr(scratch.File(broken.file)));
    for (const std::string& part : broken.message_parts) {
      EXPECT_THAT(message, HasSubstr(part));
    }
  }
}

TEST(Xlsa17, MissingFileIsNotFound) {
  ScratchDir scratch("xlsa17_test");
  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(dataset.status().message()),
              HasSubstr(scratch.File("att_splits.mat")));

  TinyFiles files = MakeTinyFiles();
  ASSERT_TRUE(WriteMat(scratch.File("att_splits.mat"), files.splits));
  dataset = LoadXlsa17(scratch.path());
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(dataset.status().message()),
              HasSubstr(scratch.File("res101.mat")));
}

TEST(Xlsa17, RejectsFileThatIsNoMatFile) {
  ScratchDir scratch("xlsa17_test");
  ASSERT_TRUE(WriteMat(scratch.File("res101.mat"), MakeTinyFiles().features));
  std::ofstream(scratch.File("att_splits.mat")) << "name,att\ncat,1\n";

  absl::StatusOr<Xlsa17Dataset> dataset = LoadXlsa17(scratch.path());
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dataset.status().message()),
              HasSubstr(scratch.File("att_splits.mat")));
  EXPECT_THAT(std::string(dataset.status().message()),
              HasSubstr("not a MATLAB MAT file"));
}

TEST(Xlsa17, UnreadableMat73FileIsUnimplemented) {
  ScratchDir scratch("xlsa17_test");
  // A v7.3 header (version 0x0200 at byte 124) followed by no HDF5 data, as
  // a matio without HDF5 support would see any v7.3 file.
  std::string header(128, ' ');
  header.replace(0, 19, "MATLAB 7.3 MAT-file");
  header[124] = 0x00;
  header[125] = 0x02;
  header[126] = 'I';
  header[127] = 'M';
  std::ofstream(scratch.File("att_splits.mat"), std::ios::binary)
      << header << std::string(512, '\0');

  absl::StatusOr<Xlsa17Splits> splits =
      LoadXlsa17Splits(scratch.File("att_splits.mat"));
  ASSERT_FALSE(splits.ok());
  EXPECT_EQ(splits.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(splits.status().message()), HasSubstr("v7.3"));
  EXPECT_THAT(std::string(splits.status().message()),
              HasSubstr("save(..., '-v7')"));
}

TEST(Xlsa17, ValidateFillsClassLists) {
  Xlsa17Dataset dataset = MakeTinyDataset();
  dataset.seen_classes.clear();
  dataset.unseen_classes.clear();
  absl::Status status = ValidateXlsa17(dataset);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(dataset.seen_classes, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(dataset.unseen_classes, (std::vector<int32_t>{2}));
}

TEST(Xlsa17, ValidateRejectsInconsistentDatasets) {
  const struct {
    const char* name;
    std::function<void(Xlsa17Dataset&)> change;
    std::vector<std::string> message_parts;
  } cases[] = {
      {"feature size",
       [](Xlsa17Dataset& d) { d.features.pop_back(); },
       {"dataset 'tiny': features", "23 values, expected 24"}},
      {"label range",
       [](Xlsa17Dataset& d) { d.labels[0] = 4; },
       {"dataset 'tiny': labels", "class 4 at element 0", "expected 0..3"}},
      {"negative index",
       [](Xlsa17Dataset& d) { d.test_seen[0] = -1; },
       {"dataset 'tiny': test_seen", "sample -1", "expected 0..7"}},
      {"NaN attribute",
       [](Xlsa17Dataset& d) { d.attributes[3] = std::nanf(""); },
       {"dataset 'tiny': attributes", "NaN at [1, 1]"}},
      {"seen and unseen",
       [](Xlsa17Dataset& d) {
         d.test_unseen = {2, 6};
         d.test_seen = {5};
       },
       {"test_unseen", "class 0 ('cat')"}},
      {"name count",
       [](Xlsa17Dataset& d) { d.class_names.pop_back(); },
       {"class_names", "3 names, expected 4"}},
      {"zero classes",
       [](Xlsa17Dataset& d) { d.num_classes = 0; },
       {"num_classes=0", "expected all >= 1"}},
  };
  for (const auto& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    Xlsa17Dataset dataset = MakeTinyDataset();
    test_case.change(dataset);
    absl::Status status = ValidateXlsa17(dataset);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    for (const std::string& part : test_case.message_parts) {
      EXPECT_THAT(std::string(status.message()), HasSubstr(part));
    }
  }
}

TEST(Xlsa17, WriteRejectsInvalidDataset) {
  ScratchDir scratch("xlsa17_test");
  Xlsa17Dataset dataset = MakeTinyDataset();
  dataset.labels[7] = 9;
  absl::Status status = WriteXlsa17(dataset, scratch.File("out"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_FALSE(std::filesystem::exists(scratch.File("out/res101.mat")));
}

TEST(Xlsa17, LoadSplitsWithoutFeatures) {
  ScratchDir scratch("xlsa17_test");
  ASSERT_TRUE(WriteMat(scratch.File("att_splits.mat"), MakeTinyFiles().splits));

  absl::StatusOr<Xlsa17Splits> splits =
      LoadXlsa17Splits(scratch.File("att_splits.mat"));
  ASSERT_TRUE(splits.ok()) << splits.status();
  EXPECT_EQ(splits->num_classes, 4);
  EXPECT_EQ(splits->attribute_dim, 2);
  EXPECT_EQ(splits->trainval, (std::vector<int64_t>{0, 1, 3, 4}));
  EXPECT_EQ(splits->class_names[2], "zebra");
}

// Real data: FE_DATA_DIR contains snu-b36-ex/ and xlsa17-splits/.

// Returns FE_DATA_DIR as a path, or nullopt when it is not set.
std::optional<std::filesystem::path> DataDir() {
  const std::string directory = testing::RealDataDir();
  if (directory.empty()) return std::nullopt;
  return std::filesystem::path(directory);
}

TEST(Xlsa17Real, LoadsSnuB36Ex) {
  const std::optional<std::filesystem::path> data = DataDir();
  if (!data) {
    GTEST_SKIP() << "FE_DATA_DIR is not set; point it at the directory with "
                    "snu-b36-ex/ and xlsa17-splits/ to run real-data tests";
  }
  const struct {
    const char* variant;
    int64_t attribute_dim;
  } variants[] = {{"la", 7}, {"oh", 21}};
  for (const auto& variant : variants) {
    SCOPED_TRACE(variant.variant);
    Xlsa17Options options;
    options.feature_file = "CNN_fea.mat";
    absl::StatusOr<Xlsa17Dataset> dataset =
        LoadXlsa17((*data / "snu-b36-ex" / variant.variant).string(), options);
    ASSERT_TRUE(dataset.ok()) << dataset.status();

    EXPECT_EQ(dataset->name, variant.variant);
    EXPECT_EQ(dataset->num_samples, 8450);
    EXPECT_EQ(dataset->feature_dim, 128);
    EXPECT_EQ(dataset->num_classes, 195);
    EXPECT_EQ(dataset->attribute_dim, variant.attribute_dim);
    EXPECT_EQ(dataset->seen_classes.size(), 135u);
    EXPECT_EQ(dataset->unseen_classes.size(), 34u);
    EXPECT_EQ(dataset->trainval.size(), 5400u);
    EXPECT_EQ(dataset->test_seen.size(), 1350u);
    EXPECT_EQ(dataset->test_unseen.size(), 1700u);
    EXPECT_EQ(dataset->train.size(), 4080u);
    EXPECT_EQ(dataset->val.size(), 1320u);
    EXPECT_EQ(dataset->class_names[0], "class_1");
    EXPECT_FALSE(dataset->original_attributes.has_value());
    float max_feature = 0.0f;
    for (float value : dataset->features) {
      max_feature = std::max(max_feature, value);
    }
    EXPECT_LE(max_feature, 255.0f);
    EXPECT_GT(max_feature, 0.0f);
  }
}

TEST(Xlsa17Real, SnuB36ExRoundTrip) {
  const std::optional<std::filesystem::path> data = DataDir();
  if (!data) {
    GTEST_SKIP() << "FE_DATA_DIR is not set; point it at the directory with "
                    "snu-b36-ex/ and xlsa17-splits/ to run real-data tests";
  }
  ScratchDir scratch("xlsa17_test");
  Xlsa17Options options;
  options.feature_file = "CNN_fea.mat";
  absl::StatusOr<Xlsa17Dataset> dataset =
      LoadXlsa17((*data / "snu-b36-ex" / "oh").string(), options);
  ASSERT_TRUE(dataset.ok()) << dataset.status();

  absl::Status status = WriteXlsa17(*dataset, scratch.File("oh"), options);
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<Xlsa17Dataset> loaded =
      LoadXlsa17(scratch.File("oh"), options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSameContents(*loaded, *dataset);
}

TEST(Xlsa17Real, LoadsEveryXlsa17SplitsFile) {
  const std::optional<std::filesystem::path> data = DataDir();
  if (!data) {
    GTEST_SKIP() << "FE_DATA_DIR is not set; point it at the directory with "
                    "snu-b36-ex/ and xlsa17-splits/ to run real-data tests";
  }
  const struct {
    const char* name;
    int64_t classes;
    int64_t attribute_dim;
    size_t trainval;
    size_t test_seen;
    size_t test_unseen;
    bool has_names;
  } sets[] = {{"APY", 32, 64, 5932, 1483, 7924, true},
              {"AWA2", 50, 85, 23527, 5882, 7913, true},
              {"CUB", 200, 312, 7057, 1764, 2967, true},
              {"FLO", 102, 1024, 5631, 1403, 1155, false},
              {"SUN", 717, 102, 10320, 2580, 1440, true}};
  for (const auto& set : sets) {
    SCOPED_TRACE(set.name);
    absl::StatusOr<Xlsa17Splits> splits = LoadXlsa17Splits(
        (*data / "xlsa17-splits" / set.name / "att_splits.mat").string());
    ASSERT_TRUE(splits.ok()) << splits.status();
    EXPECT_EQ(splits->num_classes, set.classes);
    EXPECT_EQ(splits->attribute_dim, set.attribute_dim);
    EXPECT_EQ(splits->trainval.size(), set.trainval);
    EXPECT_EQ(splits->test_seen.size(), set.test_seen);
    EXPECT_EQ(splits->test_unseen.size(), set.test_unseen);
    EXPECT_EQ(splits->original_attributes.has_value(), set.has_names);
    EXPECT_EQ(splits->class_names.size(), static_cast<size_t>(set.classes));
    if (set.has_names) {
      EXPECT_NE(splits->class_names[0], "class_1");
    }
  }
}

}  // namespace
}  // namespace fe
