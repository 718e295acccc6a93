#include "core/torch_status.h"

#include <c10/util/Exception.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace fe {

absl::Status StatusFromCurrentException(absl::string_view context) {
  try {
    throw;
  } catch (const c10::Error& e) {
    // what_without_backtrace() keeps the message readable, because the C++
    // backtrace that what() appends is noise in a log line or RPC status.
    return absl::InternalError(
        absl::StrCat(context, ": ", e.what_without_backtrace()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(context, ": ", e.what()));
  } catch (...) {
    return absl::InternalError(
        absl::StrCat(context, ": unknown exception"));
  }
}

}  // namespace fe
