// Early-return helpers for absl::Status and absl::StatusOr.

#ifndef FE_CORE_DATA_STATUS_MACROS_H_
#define FE_CORE_DATA_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FE_STATUS_MACROS_CONCAT_INNER(a, b) a##b
#define FE_STATUS_MACROS_CONCAT(a, b) FE_STATUS_MACROS_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define FE_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    absl::Status fe_status_ = (expr);             \
    if (!fe_status_.ok()) return fe_status_;      \
  } while (false)

// Declares `lhs` from the value of `expr` (an absl::StatusOr<T>), or
// returns its status from the enclosing function.
#define FE_ASSIGN_OR_RETURN(lhs, expr)                                    \
  auto FE_STATUS_MACROS_CONCAT(fe_statusor_, __LINE__) = (expr);          \
  if (!FE_STATUS_MACROS_CONCAT(fe_statusor_, __LINE__).ok())              \
    return FE_STATUS_MACROS_CONCAT(fe_statusor_, __LINE__).status();      \
  auto lhs = *std::move(FE_STATUS_MACROS_CONCAT(fe_statusor_, __LINE__))

#endif  // FE_CORE_DATA_STATUS_MACROS_H_
