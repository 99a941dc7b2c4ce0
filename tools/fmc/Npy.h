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
};

/// Parses the bytes of a .npy file. 2-byte void elements (<V2), as NumPy
/// saves ml_dtypes.bfloat16 arrays, are read as bfloat16.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes);

/// Reads a .npy file; error messages start with the path.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Writes a .npy file (version 1.0). bfloat16, which NumPy lacks, is widened
/// to float32.
llvm::Error writeNpy(llvm::StringRef path, fmc_dtype_t dtype,
                     llvm::ArrayRef<int64_t> shape, const void *data,
                     size_t nbytes);

} // namespace fmc::tool

#endif // FMC_TOOLS_FMC_NPY_H
