// Thin helpers over the matio C API for the xlsa17 reader and writer.
//
// Reading keeps the matio variable and converts its elements straight into
// the destination type, so a 2048 x 37322 feature matrix is never held as an
// extra double copy. Every error message starts with the file path and names
// the variable.
//
// Internal to fe_data: callers outside core/data use xlsa17.h.

#ifndef FE_CORE_DATA_MAT_IO_H_
#define FE_CORE_DATA_MAT_IO_H_

#include <matio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fe::mat_io {

struct MatFileCloser {
  void operator()(mat_t* file) const;
};
using MatFile = std::unique_ptr<mat_t, MatFileCloser>;

struct MatVarFreer {
  void operator()(matvar_t* variable) const;
};
using MatVar = std::unique_ptr<matvar_t, MatVarFreer>;

// Opens `path` for reading. NOT_FOUND when the file does not exist,
// UNIMPLEMENTED for a MATLAB v7.3 (HDF5) file that matio cannot open, and
// INVALID_ARGUMENT for anything else that is not a MAT file.
absl::StatusOr<MatFile> OpenForRead(const std::string& path);

// Reads variable `name` with its data. Returns nullptr when the file has no
// such variable.
absl::StatusOr<MatVar> ReadVariable(mat_t* file, const std::string& path,
                                    const std::string& name);

// Reads variable `name` and fails with INVALID_ARGUMENT
// "<path>: field '<name>' is missing" when it is absent.
absl::StatusOr<MatVar> ReadRequiredVariable(mat_t* file,
                                            const std::string& path,
                                            const std::string& name);

// Returns "<path>: field '<name>'", the prefix of every message about a
// variable.
std::string FieldLabel(const std::string& path, const std::string& name);

// Returns the MATLAB class name of `variable` ("double", "uint8", "cell").
std::string MatlabClassName(const matvar_t& variable);

// Returns the shape as MATLAB prints it, e.g. "312x200".
std::string ShapeString(const matvar_t& variable);

// Returns the number of elements.
size_t ElementCount(const matvar_t& variable);

// Checks that `variable` is a dense, real, 2-D array of a numeric or logical
// class: double, single, int8..int64 or uint8..uint64.
absl::Status CheckNumericMatrix(const matvar_t& variable,
                                const std::string& path);

// Returns element `index` (column-major) of a variable that passed
// CheckNumericMatrix, converted to double. int64 and uint64 values above
// 2^53 are rounded.
double ElementAsDouble(const matvar_t& variable, size_t index);

// Converts all elements of a variable that passed CheckNumericMatrix, in
// column-major order, into `out` (ElementCount values). Values outside the
// float range become infinite.
void ConvertElements(const matvar_t& variable, float* out);
void ConvertElements(const matvar_t& variable, double* out);

// Reads a list of strings: a cell array of char row vectors with `count`
// cells (either orientation), or a char matrix with `count` rows whose
// trailing blanks are dropped. Characters stored as UTF-16 are converted to
// UTF-8.
absl::StatusOr<std::vector<std::string>> ReadStringList(
    const matvar_t& variable, const std::string& path, size_t count);

// Creates `path` as a MATLAB v5 file with a fixed header text, so that equal
// contents give identical bytes.
absl::StatusOr<MatFile> CreateMat5(const std::string& path);

// Writes a rows x cols double matrix whose elements `column_major` holds.
absl::Status WriteDoubleMatrix(mat_t* file, const std::string& path,
                               const std::string& name, size_t rows,
                               size_t cols, const double* column_major);

// Writes `strings` as a count x 1 cell array of char row vectors. ASCII
// strings are stored as UTF-8, others as UTF-16 code units as MATLAB does.
absl::Status WriteStringCell(mat_t* file, const std::string& path,
                             const std::string& name,
                             const std::vector<std::string>& strings);

// Closes a file opened for writing and reports a failure to flush it.
absl::Status CloseWritten(MatFile file, const std::string& path);

}  // namespace fe::mat_io

#endif  // FE_CORE_DATA_MAT_IO_H_
