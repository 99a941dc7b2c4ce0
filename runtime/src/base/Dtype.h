//===- Dtype.h - Element types and tensor sizes -----------------*- C++ -*-===//
//
// Helpers over the dtype numbers of the artifact format (ONNX's
// TensorProto.DataType, see fmc_dtype_t in fmc/runtime.h), shared by the
// artifact reader, the writer and the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_BASE_DTYPE_H
#define FMC_RUNTIME_BASE_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fmc {

/// Bytes per element of `dtype`, or 0 if fmc does not know the dtype.
size_t dtypeSize(uint32_t dtype);

/// "float32", "int64", ...; nullptr if fmc does not know the dtype.
const char *dtypeName(uint32_t dtype);

/// Bits of one element's value: 4 or 2 for the sub-byte types (stored one
/// per byte), otherwise 8 * dtypeSize.
unsigned dtypeBits(uint32_t dtype);

/// Clears or sign-fills the unused high bits of `count` sub-byte elements
/// (see fmc_dtype_t); a no-op for other dtypes.
void normalizeSubByte(uint32_t dtype, uint8_t *data, size_t count);

/// The dtype's name, or "dtype N" for an unknown one (for messages).
std::string dtypeToString(uint32_t dtype);

/// Computes the dense size in bytes of a tensor. Returns false, with a reason
/// in `error`, for an unknown dtype, a negative dim or a size that does not
/// fit in 63 bits.
bool tensorByteSize(uint32_t dtype, const std::vector<int64_t> &shape,
                    uint64_t &outBytes, std::string &error);

/// Formats a shape as "[1x16]" ("[]" for a scalar).
std::string formatShape(const int64_t *dims, size_t rank);
inline std::string formatShape(const std::vector<int64_t> &shape) {
  return formatShape(shape.data(), shape.size());
}

} // namespace fmc

#endif // FMC_RUNTIME_BASE_DTYPE_H
