#include "core/data/mat_io.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/data/status_macros.h"

namespace fe::mat_io {
namespace {

// Header text of the files this library writes. matio stamps the creation
// time into the header when it is given none, which would make two runs with
// the same contents differ in bytes.
constexpr char kHeaderText[] =
    "MATLAB 5.0 MAT-file, Platform: any, Created by: fe_data (matio)";

// Returns true when the first 128 bytes of `path` carry the MATLAB v7.3
// marker: version 0x0200 at byte 124 (either byte order) or the "MATLAB 7.3"
// header text.
bool LooksLikeMat73(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  char header[128] = {};
  stream.read(header, sizeof(header));
  if (stream.gcount() < static_cast<std::streamsize>(sizeof(header))) {
    return false;
  }
  const bool version_le = header[124] == 0x00 && header[125] == 0x02;
  const bool version_be = header[124] == 0x02 && header[125] == 0x00;
  return version_le || version_be ||
         std::strncmp(header, "MATLAB 7.3", 10) == 0;
}

absl::Status Mat73Unreadable(const std::string& path) {
  int major = 0, minor = 0, release = 0;
  Mat_GetLibraryVersion(&major, &minor, &release);
  return absl::UnimplementedError(absl::StrCat(
      path, ": is a MATLAB v7.3 (HDF5) file that matio ", major, ".", minor,
      ".", release,
      " could not read (matio reads v7.3 only when built with HDF5, and only "
      "intact files with at least one variable); re-save it in MATLAB with "
      "save(..., '-v7')"));
}

template <typename Source, typename Out>
void CopyConverted(const void* data, size_t count, Out* out) {
  const Source* source = static_cast<const Source*>(data);
  for (size_t i = 0; i < count; ++i) out[i] = static_cast<Out>(source[i]);
}

template <typename Out>
void ConvertAll(const matvar_t& variable, Out* out) {
  const size_t count = ElementCount(variable);
  if (count == 0) return;
  const void* data = variable.data;
  switch (variable.class_type) {
    case MAT_C_DOUBLE:
      return CopyConverted<double>(data, count, out);
    case MAT_C_SINGLE:
      return CopyConverted<float>(data, count, out);
    case MAT_C_INT8:
      return CopyConverted<int8_t>(data, count, out);
    case MAT_C_UINT8:
      return CopyConverted<uint8_t>(data, count, out);
    case MAT_C_INT16:
      return CopyConverted<int16_t>(data, count, out);
    case MAT_C_UINT16:
      return CopyConverted<uint16_t>(data, count, out);
    case MAT_C_INT32:
      return CopyConverted<int32_t>(data, count, out);
    case MAT_C_UINT32:
      return CopyConverted<uint32_t>(data, count, out);
    case MAT_C_INT64:
      return CopyConverted<int64_t>(data, count, out);
    case MAT_C_UINT64:
      return CopyConverted<uint64_t>(data, count, out);
    default:
      return;  // CheckNumericMatrix rejects every other class.
  }
}

bool IsNumericClass(matio_classes class_type) {
  switch (class_type) {
    case MAT_C_DOUBLE:
    case MAT_C_SINGLE:
    case MAT_C_INT8:
    case MAT_C_UINT8:
    case MAT_C_INT16:
    case MAT_C_UINT16:
    case MAT_C_INT32:
    case MAT_C_UINT32:
    case MAT_C_INT64:
    case MAT_C_UINT64:
      return true;
    default:
      return false;
  }
}

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// Returns character `index` (column-major) of a char array. matio stores
// char data with 1 byte per character (UTF-8 or ASCII) or 2 bytes (UTF-16
// code units), depending on how the file was written.
uint32_t CharAt(const matvar_t& variable, size_t index) {
  if (variable.data_size == 2) {
    return static_cast<const uint16_t*>(variable.data)[index];
  }
  return static_cast<const uint8_t*>(variable.data)[index];
}

// Converts the characters at `indices` to UTF-8. Two-byte data is UTF-16,
// so surrogate pairs are joined.
std::string DecodeChars(const matvar_t& variable,
                        const std::vector<size_t>& indices) {
  std::string text;
  if (variable.data_size != 2) {
    for (size_t index : indices)
      text += static_cast<char>(CharAt(variable, index));
    return text;
  }
  for (size_t i = 0; i < indices.size(); ++i) {
    uint32_t unit = CharAt(variable, indices[i]);
    const bool high_surrogate = unit >= 0xD800 && unit < 0xDC00;
    if (high_surrogate && i + 1 < indices.size()) {
      const uint32_t low = CharAt(variable, indices[i + 1]);
      if (low >= 0xDC00 && low < 0xE000) {
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        ++i;
      }
    }
    AppendUtf8(unit, text);
  }
  return text;
}

absl::StatusOr<std::string> ReadCharRow(const matvar_t& cell,
                                        const std::string& label,
                                        size_t cell_index) {
  if (cell.class_type != MAT_C_CHAR) {
    return absl::InvalidArgumentError(absl::StrCat(
        label, " has a ", MatlabClassName(cell), " in cell ", cell_index + 1,
        ", expected a char row vector (a class name)"));
  }
  const size_t count = ElementCount(cell);
  if (count > 0 && cell.rank == 2 && cell.dims[0] != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        label, " has a char array of shape ", ShapeString(cell), " in cell ",
        cell_index + 1, ", expected a 1xL row vector"));
  }
  std::vector<size_t> indices(count);
  for (size_t i = 0; i < count; ++i) indices[i] = i;
  return DecodeChars(cell, indices);
}

absl::StatusOr<std::vector<std::string>> ReadCellOfStrings(
    const matvar_t& variable, const std::string& label, size_t count) {
  std::vector<std::string> strings;
  strings.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const matvar_t* cell =
        Mat_VarGetCell(const_cast<matvar_t*>(&variable), static_cast<int>(i));
    if (cell == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(label, " has no readable cell ", i + 1));
    }
    FE_ASSIGN_OR_RETURN(text, ReadCharRow(*cell, label, i));
    strings.push_back(std::move(text));
  }
  return strings;
}

std::vector<std::string> ReadCharMatrixRows(const matvar_t& variable) {
  const size_t rows = variable.dims[0];
  const size_t cols = variable.dims[1];
  std::vector<std::string> strings;
  strings.reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    std::vector<size_t> indices(cols);
    for (size_t col = 0; col < cols; ++col) indices[col] = row + col * rows;
    std::string text = DecodeChars(variable, indices);
    text.erase(text.find_last_not_of(' ') + 1);
    strings.push_back(std::move(text));
  }
  return strings;
}

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Decodes UTF-8 into UTF-16 code units. Invalid bytes become U+FFFD.
std::vector<uint16_t> Utf8ToUtf16(const std::string& text) {
  std::vector<uint16_t> units;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    int length = lead < 0x80           ? 1
                 : (lead >> 5) == 0x6  ? 2
                 : (lead >> 4) == 0xE  ? 3
                 : (lead >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) {
      units.push_back(0xFFFD);
      ++i;
      continue;
    }
    uint32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
      code_point =
          (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += length;
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      units.push_back(static_cast<uint16_t>(0xD800 + (code_point >> 10)));
      units.push_back(static_cast<uint16_t>(0xDC00 + (code_point & 0x3FF)));
    } else {
      units.push_back(static_cast<uint16_t>(code_point));
    }
  }
  return units;
}

// Creates a 1xL char variable for a cell. matio copies `text` or `units`.
matvar_t* CreateCharCell(const std::string& text) {
  if (text.empty()) {
    size_t dims[2] = {0, 0};
    return Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, dims, nullptr, 0);
  }
  if (IsAscii(text)) {
    size_t dims[2] = {1, text.size()};
    return Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, dims,
                         const_cast<char*>(text.data()), 0);
  }
  std::vector<uint16_t> units = Utf8ToUtf16(text);
  size_t dims[2] = {1, units.size()};
  return Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UINT16, 2, dims, units.data(),
                       0);
}

}  // namespace

void MatFileCloser::operator()(mat_t* file) const {
  if (file != nullptr) Mat_Close(file);
}

void MatVarFreer::operator()(matvar_t* variable) const {
  Mat_VarFree(variable);
}

absl::StatusOr<MatFile> OpenForRead(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return absl::NotFoundError(absl::StrCat(path, ": file not found"));
  }
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is a directory, expected a MAT file"));
  }
  MatFile file(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  // matio 1.5.23 returns a handle for a v7.3 file whose HDF5 part is
  // unreadable and then finds no variables in it. Listing the variables once
  // separates such a file from one that merely lacks a field.
  if (file != nullptr && Mat_GetVersion(file.get()) == MAT_FT_MAT73) {
    size_t count = 0;
    char** names = Mat_GetDir(file.get(), &count);
    if (names == nullptr) return Mat73Unreadable(path);
  }
  if (file != nullptr) return file;

  if (LooksLikeMat73(path)) return Mat73Unreadable(path);
  std::ifstream probe(path, std::ios::binary);
  if (!probe.good()) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot be opened for reading"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": is not a MATLAB MAT file (v5, v7 or v7.3) that matio can read"));
}

std::string FieldLabel(const std::string& path, const std::string& name) {
  return absl::StrCat(path, ": field '", name, "'");
}

absl::StatusOr<MatVar> ReadVariable(mat_t* file, const std::string& path,
                                    const std::string& name) {
  MatVar info(Mat_VarReadInfo(file, name.c_str()));
  if (info == nullptr) return MatVar();
  MatVar variable(Mat_VarRead(file, name.c_str()));
  if (variable == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        FieldLabel(path, name), " of class ", MatlabClassName(*info),
        " and shape ", ShapeString(*info),
        " could not be read; the file may be truncated or damaged"));
  }
  return variable;
}

absl::StatusOr<MatVar> ReadRequiredVariable(mat_t* file,
                                            const std::string& path,
                                            const std::string& name) {
  FE_ASSIGN_OR_RETURN(variable, ReadVariable(file, path, name));
  if (variable == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(FieldLabel(path, name), " is missing"));
  }
  return variable;
}

std::string MatlabClassName(const matvar_t& variable) {
  if (variable.isLogical) return "logical";
  switch (variable.class_type) {
    case MAT_C_EMPTY:
      return "empty";
    case MAT_C_CELL:
      return "cell";
    case MAT_C_STRUCT:
      return "struct";
    case MAT_C_OBJECT:
      return "object";
    case MAT_C_CHAR:
      return "char";
    case MAT_C_SPARSE:
      return "sparse";
    case MAT_C_DOUBLE:
      return "double";
    case MAT_C_SINGLE:
      return "single";
    case MAT_C_INT8:
      return "int8";
    case MAT_C_UINT8:
      return "uint8";
    case MAT_C_INT16:
      return "int16";
    case MAT_C_UINT16:
      return "uint16";
    case MAT_C_INT32:
      return "int32";
    case MAT_C_UINT32:
      return "uint32";
    case MAT_C_INT64:
      return "int64";
    case MAT_C_UINT64:
      return "uint64";
    case MAT_C_FUNCTION:
      return "function_handle";
    case MAT_C_OPAQUE:
      return "opaque";
  }
  return absl::StrCat("unknown class ", static_cast<int>(variable.class_type));
}

std::string ShapeString(const matvar_t& variable) {
  std::vector<size_t> dims(variable.dims, variable.dims + variable.rank);
  return absl::StrJoin(dims, "x");
}

size_t ElementCount(const matvar_t& variable) {
  size_t count = 1;
  for (int i = 0; i < variable.rank; ++i) count *= variable.dims[i];
  return count;
}

absl::Status CheckNumericMatrix(const matvar_t& variable,
                                const std::string& path) {
  const std::string label =
      FieldLabel(path, variable.name ? variable.name : "");
  if (variable.class_type == MAT_C_SPARSE) {
    return absl::InvalidArgumentError(
        absl::StrCat(label,
                     " is a sparse matrix, expected a full numeric matrix; "
                     "convert it with full() before saving"));
  }
  if (!IsNumericClass(variable.class_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        label, " is a ", MatlabClassName(variable),
        " array, expected a numeric matrix (double, single, integer or "
        "logical)"));
  }
  if (variable.isComplex) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, " has complex values, expected a real matrix"));
  }
  if (variable.rank != 2) {
    return absl::InvalidArgumentError(absl::StrCat(label, " has shape ",
                                                   ShapeString(variable),
                                                   ", expected a 2-D matrix"));
  }
  const size_t element_size = Mat_SizeOfClass(variable.class_type);
  if (ElementCount(variable) > 0 &&
      (variable.data == nullptr ||
       static_cast<size_t>(variable.data_size) != element_size)) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, " has ", variable.data_size,
                     "-byte elements for class ", MatlabClassName(variable),
                     ", expected ", element_size, "; the file may be damaged"));
  }
  return absl::OkStatus();
}

double ElementAsDouble(const matvar_t& variable, size_t index) {
  const void* data = variable.data;
  switch (variable.class_type) {
    case MAT_C_DOUBLE:
      return static_cast<const double*>(data)[index];
    case MAT_C_SINGLE:
      return static_cast<const float*>(data)[index];
    case MAT_C_INT8:
      return static_cast<const int8_t*>(data)[index];
    case MAT_C_UINT8:
      return static_cast<const uint8_t*>(data)[index];
    case MAT_C_INT16:
      return static_cast<const int16_t*>(data)[index];
    case MAT_C_UINT16:
      return static_cast<const uint16_t*>(data)[index];
    case MAT_C_INT32:
      return static_cast<const int32_t*>(data)[index];
    case MAT_C_UINT32:
      return static_cast<const uint32_t*>(data)[index];
    case MAT_C_INT64:
      return static_cast<double>(static_cast<const int64_t*>(data)[index]);
    case MAT_C_UINT64:
      return static_cast<double>(static_cast<const uint64_t*>(data)[index]);
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

void ConvertElements(const matvar_t& variable, float* out) {
  ConvertAll(variable, out);
}

void ConvertElements(const matvar_t& variable, double* out) {
  ConvertAll(variable, out);
}

absl::StatusOr<std::vector<std::string>> ReadStringList(
    const matvar_t& variable, const std::string& path, size_t count) {
  const std::string label =
      FieldLabel(path, variable.name ? variable.name : "");
  const bool is_vector =
      variable.rank == 2 &&
      ((variable.dims[0] == count && variable.dims[1] == 1) ||
       (variable.dims[0] == 1 && variable.dims[1] == count));
  if (variable.class_type == MAT_C_CELL) {
    if (!is_vector) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, " is a cell array of shape ", ShapeString(variable),
          ", expected ", count, "x1 (one name per column of 'att')"));
    }
    return ReadCellOfStrings(variable, label, count);
  }
  if (variable.class_type == MAT_C_CHAR) {
    if (variable.rank != 2 || variable.dims[0] != count) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, " is a char matrix of shape ", ShapeString(variable),
          ", expected ", count, " rows (one name per column of 'att')"));
    }
    return ReadCharMatrixRows(variable);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(label, " is a ", MatlabClassName(variable),
                   " array, expected a cell array of char row vectors"));
}

absl::StatusOr<MatFile> CreateMat5(const std::string& path) {
  MatFile file(Mat_CreateVer(path.c_str(), kHeaderText, MAT_FT_MAT5));
  if (file == nullptr) {
    return absl::InternalError(absl::StrCat(
        path,
        ": cannot create the MAT file; check that the directory is "
        "writable"));
  }
  return file;
}

absl::Status WriteDoubleMatrix(mat_t* file, const std::string& path,
                               const std::string& name, size_t rows,
                               size_t cols, const double* column_major) {
  size_t dims[2] = {rows, cols};
  // MAT_F_DONT_COPY_DATA: matio writes straight from the caller's buffer and
  // Mat_VarFree leaves it alone.
  MatVar variable(Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2,
                                dims, const_cast<double*>(column_major),
                                MAT_F_DONT_COPY_DATA));
  if (variable == nullptr ||
      Mat_VarWrite(file, variable.get(), MAT_COMPRESSION_NONE) != 0) {
    return absl::InternalError(
        absl::StrCat(FieldLabel(path, name), " of shape ", rows, "x", cols,
                     " could not be written; check free disk space"));
  }
  return absl::OkStatus();
}

absl::Status WriteStringCell(mat_t* file, const std::string& path,
                             const std::string& name,
                             const std::vector<std::string>& strings) {
  size_t dims[2] = {strings.size(), 1};
  MatVar cell(
      Mat_VarCreate(name.c_str(), MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0));
  if (cell == nullptr) {
    return absl::InternalError(
        absl::StrCat(FieldLabel(path, name), " could not be created"));
  }
  for (size_t i = 0; i < strings.size(); ++i) {
    matvar_t* text = CreateCharCell(strings[i]);
    if (text == nullptr) {
      return absl::InternalError(absl::StrCat(FieldLabel(path, name), ": cell ",
                                              i + 1, " could not be created"));
    }
    // The cell array takes ownership of `text`.
    Mat_VarSetCell(cell.get(), static_cast<int>(i), text);
  }
  if (Mat_VarWrite(file, cell.get(), MAT_COMPRESSION_NONE) != 0) {
    return absl::InternalError(
        absl::StrCat(FieldLabel(path, name),
                     " could not be written; check free disk space"));
  }
  return absl::OkStatus();
}

absl::Status CloseWritten(MatFile file, const std::string& path) {
  if (Mat_Close(file.release()) != 0) {
    return absl::InternalError(absl::StrCat(
        path, ": closing the MAT file failed; check free disk space"));
  }
  return absl::OkStatus();
}

}  // namespace fe::mat_io
