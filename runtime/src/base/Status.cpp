//===- Status.cpp - Status objects of the C API ---------------------------===//

#include "runtime/src/base/Status.h"

#include <cstdlib>
#include <cstring>

namespace {
fmc_status_t kOutOfMemory = {FMC_STATUS_OUT_OF_MEMORY, "out of memory"};
} // namespace

fmc_status_t *fmc::makeStatus(fmc_status_code_t code,
                              const std::string &message) noexcept {
  void *memory = std::malloc(sizeof(fmc_status_t) + message.size() + 1);
  if (!memory)
    return outOfMemoryStatus();
  auto *status = static_cast<fmc_status_t *>(memory);
  char *text = static_cast<char *>(memory) + sizeof(fmc_status_t);
  std::memcpy(text, message.c_str(), message.size() + 1);
  status->code = code;
  status->message = text;
  return status;
}

fmc_status_t *fmc::outOfMemoryStatus() noexcept { return &kOutOfMemory; }

extern "C" {

fmc_status_code_t fmc_status_code(const fmc_status_t *status) {
  return status ? status->code : FMC_STATUS_OK;
}

const char *fmc_status_message(const fmc_status_t *status) {
  return status ? status->message : "";
}

void fmc_status_free(fmc_status_t *status) {
  if (status != &kOutOfMemory)
    std::free(status);
}

const char *fmc_status_code_name(fmc_status_code_t code) {
  switch (code) {
  case FMC_STATUS_OK:
    return "OK";
  case FMC_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case FMC_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case FMC_STATUS_IO_ERROR:
    return "IO_ERROR";
  case FMC_STATUS_INVALID_ARTIFACT:
    return "INVALID_ARTIFACT";
  case FMC_STATUS_UNSUPPORTED:
    return "UNSUPPORTED";
  case FMC_STATUS_OUT_OF_MEMORY:
    return "OUT_OF_MEMORY";
  case FMC_STATUS_FAILED_PRECONDITION:
    return "FAILED_PRECONDITION";
  case FMC_STATUS_INTERNAL:
    return "INTERNAL";
  case FMC_STATUS_DEVICE_ERROR:
    return "DEVICE_ERROR";
  default:
    break;
  }
  return "UNKNOWN";
}

} // extern "C"
