// Conversion of exceptions thrown by LibTorch into absl::Status.
//
// LibTorch reports errors by throwing c10::Error (and occasionally
// std::exception). Code outside torch calls returns absl::Status, so every
// entry point that calls into torch wraps the call in RunTorch, and no
// exception reaches a caller, a worker thread or an RPC handler.
//
// Example:
//
//   absl::StatusOr<torch::Tensor> logits = RunTorch("classify", [&] {
//     return model->forward(features);
//   });

#ifndef FE_CORE_TORCH_STATUS_H_
#define FE_CORE_TORCH_STATUS_H_

#include <exception>
#include "absl/strings/string_view.h"
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fe {

namespace internal {
template <typename T>
struct AsStatusOr {
  using type = absl::StatusOr<T>;
};
template <typename T>
struct AsStatusOr<absl::StatusOr<T>> {
  using type = absl::StatusOr<T>;
};
}  // namespace internal

// Returns an INTERNAL status for the exception currently being handled,
// prefixed with `context`. Must be called from inside a catch block.
absl::Status StatusFromCurrentException(absl::string_view context);

// Calls `fn` and converts a thrown exception into a status. `fn` returns
// void, a value T (wrapped in StatusOr<T>), an absl::Status or an
// absl::StatusOr<T> (both passed through).
template <typename Fn>
auto RunTorch(absl::string_view context, Fn&& fn) {
  using Result = std::invoke_result_t<Fn>;
  if constexpr (std::is_void_v<Result>) {
    try {
      std::forward<Fn>(fn)();
      return absl::OkStatus();
    } catch (...) {
      return StatusFromCurrentException(context);
    }
  } else if constexpr (std::is_same_v<Result, absl::Status>) {
    try {
      return std::forward<Fn>(fn)();
    } catch (...) {
      return StatusFromCurrentException(context);
    }
  } else {
    using Value = typename internal::AsStatusOr<Result>::type;
    try {
      return Value(std::forward<Fn>(fn)());
    } catch (...) {
      return Value(StatusFromCurrentException(context));
    }
  }
}

}  // namespace fe

#endif  // FE_CORE_TORCH_STATUS_H_
