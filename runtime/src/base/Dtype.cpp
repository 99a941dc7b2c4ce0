//===- Dtype.cpp - Element types and tensor sizes -------------------------===//

#include "runtime/src/base/Dtype.h"

#include "fmc/runtime.h"

namespace fmc {

namespace {
struct DtypeEntry {
  uint32_t dtype;
  size_t size;
  const char *name;
};

constexpr DtypeEntry kDtypes[] = {
    {FMC_DTYPE_FLOAT32, 4, "float32"},
    {FMC_DTYPE_UINT8, 1, "uint8"},
    {FMC_DTYPE_INT8, 1, "int8"},
    {FMC_DTYPE_UINT16, 2, "uint16"},
    {FMC_DTYPE_INT16, 2, "int16"},
    {FMC_DTYPE_INT32, 4, "int32"},
    {FMC_DTYPE_INT64, 8, "int64"},
    {FMC_DTYPE_BOOL, 1, "bool"},
    {FMC_DTYPE_FLOAT16, 2, "float16"},
    {FMC_DTYPE_FLOAT64, 8, "float64"},
    {FMC_DTYPE_UINT32, 4, "uint32"},
    {FMC_DTYPE_UINT64, 8, "uint64"},
    {FMC_DTYPE_BFLOAT16, 2, "bfloat16"},
    {FMC_DTYPE_FLOAT8E4M3FN, 1, "float8e4m3fn"},
    {FMC_DTYPE_FLOAT8E4M3FNUZ, 1, "float8e4m3fnuz"},
    {FMC_DTYPE_FLOAT8E5M2, 1, "float8e5m2"},
    {FMC_DTYPE_FLOAT8E5M2FNUZ, 1, "float8e5m2fnuz"},
    {FMC_DTYPE_UINT4, 1, "uint4"},
    {FMC_DTYPE_INT4, 1, "int4"},
    {FMC_DTYPE_FLOAT4E2M1, 1, "float4e2m1"},
    {FMC_DTYPE_UINT2, 1, "uint2"},
    {FMC_DTYPE_INT2, 1, "int2"},
};

const DtypeEntry *lookup(uint32_t dtype) {
  for (const DtypeEntry &entry : kDtypes)
    if (entry.dtype == dtype)
      return &entry;
  return nullptr;
}
} // namespace

size_t dtypeSize(uint32_t dtype) {
  const DtypeEntry *entry = lookup(dtype);
  return entry ? entry->size : 0;
}

const char *dtypeName(uint32_t dtype) {
  const DtypeEntry *entry = lookup(dtype);
  return entry ? entry->name : nullptr;
}

unsigned dtypeBits(uint32_t dtype) {
  switch (dtype) {
  case FMC_DTYPE_UINT4:
  case FMC_DTYPE_INT4:
  case FMC_DTYPE_FLOAT4E2M1:
    return 4;
  case FMC_DTYPE_UINT2:
  case FMC_DTYPE_INT2:
    return 2;
  default:
    return 8 * dtypeSize(dtype);
  }
}

void normalizeSubByte(uint32_t dtype, uint8_t *data, size_t count) {
  unsigned bits = dtypeBits(dtype);
  if (bits >= 8)
    return;
  bool isSigned = dtype == FMC_DTYPE_INT4 || dtype == FMC_DTYPE_INT2;
  uint8_t mask = uint8_t((1u << bits) - 1), signBit = uint8_t(1u << (bits - 1));
  for (size_t i = 0; i < count; ++i) {
    uint8_t value = data[i] & mask;
    if (isSigned && (value & signBit))
      value |= uint8_t(~mask);
    data[i] = value;
  }
}

std::string dtypeToString(uint32_t dtype) {
  if (const char *name = dtypeName(dtype))
    return name;
  return "dtype " + std::to_string(dtype);
}

bool tensorByteSize(uint32_t dtype, const std::vector<int64_t> &shape,
                    uint64_t &outBytes, std::string &error) {
  size_t elementSize = dtypeSize(dtype);
  if (elementSize == 0) {
    error = "unknown dtype " + std::to_string(dtype);
    return false;
  }
  constexpr uint64_t kMaxBytes = uint64_t(INT64_MAX);
  uint64_t bytes = elementSize;
  for (int64_t dim : shape) {
    if (dim < 0) {
      error = "negative dim in shape " + formatShape(shape);
      return false;
    }
    if (dim != 0 && bytes > kMaxBytes / uint64_t(dim)) {
      error = "shape " + formatShape(shape) + " is too large";
      return false;
    }
    bytes *= uint64_t(dim);
  }
  outBytes = bytes;
  return true;
}

std::string formatShape(const int64_t *dims, size_t rank) {
  std::string result = "[";
  for (size_t i = 0; i < rank; ++i) {
    if (i != 0)
      result += 'x';
    result += std::to_string(dims[i]);
  }
  result += ']';
  return result;
}

} // namespace fmc
