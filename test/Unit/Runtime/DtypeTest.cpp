//===- DtypeTest.cpp - dtype table and sub-byte normalization -------------===//

#include "runtime/src/base/Dtype.h"

#include "fmc/runtime.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

TEST(DtypeTest, SmallTypesTakeOneBytePerElement) {
  for (fmc_dtype_t dtype :
       {FMC_DTYPE_FLOAT8E4M3FN, FMC_DTYPE_FLOAT8E4M3FNUZ, FMC_DTYPE_FLOAT8E5M2,
        FMC_DTYPE_FLOAT8E5M2FNUZ, FMC_DTYPE_UINT4, FMC_DTYPE_INT4,
        FMC_DTYPE_FLOAT4E2M1, FMC_DTYPE_UINT2, FMC_DTYPE_INT2})
    EXPECT_EQ(fmc::dtypeSize(dtype), 1u) << fmc::dtypeToString(dtype);
  EXPECT_EQ(fmc::dtypeBits(FMC_DTYPE_INT4), 4u);
  EXPECT_EQ(fmc::dtypeBits(FMC_DTYPE_UINT2), 2u);
  EXPECT_EQ(fmc::dtypeBits(FMC_DTYPE_FLOAT8E5M2), 8u);
  EXPECT_STREQ(fmc::dtypeName(FMC_DTYPE_FLOAT4E2M1), "float4e2m1");
  // FLOAT8E8M0 (24) is not supported.
  EXPECT_EQ(fmc::dtypeSize(24), 0u);
}

TEST(DtypeTest, NormalizeSignExtendsSignedSubByteTypes) {
  // Low nibbles 0xF (-1), 0x7 (7), 0x8 (-8), 0x0 with garbage above them.
  std::vector<uint8_t> int4 = {0x3F, 0xA7, 0x08, 0xF0};
  fmc::normalizeSubByte(FMC_DTYPE_INT4, int4.data(), int4.size());
  EXPECT_EQ(int4, (std::vector<uint8_t>{0xFF, 0x07, 0xF8, 0x00}));
  // 2 bits: 0b11 is -1, 0b10 is -2, 0b01 is 1.
  std::vector<uint8_t> int2 = {0x07, 0xFA, 0x01};
  fmc::normalizeSubByte(FMC_DTYPE_INT2, int2.data(), int2.size());
  EXPECT_EQ(int2, (std::vector<uint8_t>{0xFF, 0xFE, 0x01}));
}

TEST(DtypeTest, NormalizeZeroExtendsUnsignedAndFloat4) {
  std::vector<uint8_t> uint4 = {0x3F, 0xA7};
  fmc::normalizeSubByte(FMC_DTYPE_UINT4, uint4.data(), uint4.size());
  EXPECT_EQ(uint4, (std::vector<uint8_t>{0x0F, 0x07}));
  std::vector<uint8_t> f4 = {0xF9};
  fmc::normalizeSubByte(FMC_DTYPE_FLOAT4E2M1, f4.data(), f4.size());
  EXPECT_EQ(f4, (std::vector<uint8_t>{0x09}));
  // Whole-byte types are left alone.
  std::vector<uint8_t> f8 = {0xFF};
  fmc::normalizeSubByte(FMC_DTYPE_FLOAT8E4M3FN, f8.data(), f8.size());
  EXPECT_EQ(f8, (std::vector<uint8_t>{0xFF}));
}

} // namespace
