//===- Status.h - Status objects of the C API -------------------*- C++ -*-===//

#ifndef FMC_RUNTIME_BASE_STATUS_H
#define FMC_RUNTIME_BASE_STATUS_H

#include "fmc/runtime.h"

#include <string>

/// A heap-allocated status; the message is stored after the struct.
struct fmc_status {
  fmc_status_code_t code;
  const char *message;
};

namespace fmc {

/// Creates a status with `code` and `message`. Never fails: without memory
/// for the message it returns a shared out-of-memory status.
fmc_status_t *makeStatus(fmc_status_code_t code,
                         const std::string &message) noexcept;

/// The shared out-of-memory status (fmc_status_free ignores it).
fmc_status_t *outOfMemoryStatus() noexcept;

} // namespace fmc

/// Returns the status of `expr` from the enclosing function if it is an error.
#define FMC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    if (fmc_status_t *fmcStatus_ = (expr))                                     \
      return fmcStatus_;                                                       \
  } while (false)

#endif // FMC_RUNTIME_BASE_STATUS_H
