//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// The .npy format, versions 1.0, 2.0 and 3.0, for dense little-endian C-order
// arrays of the dtypes <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_TOOLS_FMC_NPY_H
#define FMC_TOOLS_FMC_NPY_H

#include "fmc/runtime.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace fmc::tool {

struct NpyArray {
  fmc_dtype_t dtype = FMC_DTYPE_FLOAT32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; ///< Dense, row-major.
  /// 1-byte void elements (<V1; <f1 for float8_e5m2), as NumPy saves ml_dtypes'
  /// 8-bit floats and 4-/2-bit types: the file does not say which (dtype reads
  /// UINT8); the reader of the array picks the one the model expects.
  bool untypedBytes = false;
};

/// Parses the bytes of a .npy file. 2-byte void elements (<V2), as NumPy
/// saves ml_dtypes.bfloat16 arrays, are read as bfloat16.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes);

/// Reads a .npy file; error messages start with the path.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Writes a .npy file (version 1.0). Types NumPy lacks are widened exactly:
/// bfloat16 and the 8- and 4-bit floats to float32, the signed 4- and 2-bit
/// integers to int8 and the unsigned ones to uint8.
llvm::Error writeNpy(llvm::StringRef path, fmc_dtype_t dtype,
                     llvm::ArrayRef<int64_t> shape, const void *data,
                     size_t nbytes);

} // namespace fmc::tool

#endif // FMC_TOOLS_FMC_NPY_H
