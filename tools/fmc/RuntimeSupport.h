//===- RuntimeSupport.h - fmc runtime helpers for the tool ------*- C++ -*-===//
//
// What `fmc run` and `fmc bench` share: owning wrappers for the C API's
// handles, statuses as llvm::Errors, seeded random inputs, and element
// formatting.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_TOOLS_FMC_RUNTIMESUPPORT_H
#define FMC_TOOLS_FMC_RUNTIMESUPPORT_H

#include "fmc/runtime.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace llvm {
struct fltSemantics;
} // namespace llvm

namespace fmc::tool {

struct ModelDeleter {
  void operator()(fmc_model_t *model) const { fmc_model_release(model); }
};
using ModelPtr = std::unique_ptr<fmc_model_t, ModelDeleter>;

struct SessionDeleter {
  void operator()(fmc_session_t *session) const {
    fmc_session_release(session);
  }
};
using SessionPtr = std::unique_ptr<fmc_session_t, SessionDeleter>;

/// Takes ownership of `status`: success for NULL, else an error carrying its
/// message.
llvm::Error toError(fmc_status_t *status);

/// A model and a session on it.
struct LoadedModel {
  ModelPtr model;
  SessionPtr session;
};

/// Opens the artifact at `path` and creates a session (with `cudaGraph`,
/// one whose runs go through a CUDA graph: GPU artifacts only).
llvm::Expected<LoadedModel>
loadModel(llvm::StringRef path, unsigned threads = 0, bool cudaGraph = false);

/// The info of every input (or output) of `model`, in model order.
std::vector<fmc_tensor_info_t> inputInfos(const fmc_model_t *model);
std::vector<fmc_tensor_info_t> outputInfos(const fmc_model_t *model);

/// Fills `nbytes` of `dtype` elements with random values from `rng`: floats
/// uniform in [-1, 1], integers in [0, 2), booleans 0 or 1. The sequence is a
/// function of the seed only (std::mt19937_64 is fully specified).
void fillRandom(fmc_dtype_t dtype, void *data, size_t nbytes,
                std::mt19937_64 &rng);

/// Sets every input of `session` that `given` does not name to random data,
/// in model order.
llvm::Error setRandomInputs(const LoadedModel &loaded,
                            const std::vector<bool> &given, uint64_t seed);

/// Formats element `index` of a dense `dtype` buffer ("1.5", "-3", "true").
std::string formatElement(fmc_dtype_t dtype, const void *data, size_t index);

/// Milliseconds for humans: "12.345 ms", "0.0123 ms".
std::string formatMs(double ms);

float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBfloat16(float value);

/// The format of an 8- or 4-bit float dtype; null for other dtypes.
const llvm::fltSemantics *smallFloatSemantics(fmc_dtype_t dtype);
/// One 8- or 4-bit float (in the low bits of `bits`) as float (exact).
float smallFloatToFloat(uint8_t bits, const llvm::fltSemantics &semantics);
/// 4 or 2 for the sub-byte integer dtypes, 0 for others.
unsigned subByteIntBits(fmc_dtype_t dtype);

} // namespace fmc::tool

#endif // FMC_TOOLS_FMC_RUNTIMESUPPORT_H
