//===- TestFiles.h - File helpers for the runtime unit tests ----*- C++ -*-===//

#ifndef FMC_TEST_UNIT_RUNTIME_TESTFILES_H
#define FMC_TEST_UNIT_RUNTIME_TESTFILES_H

#include "gtest/gtest.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace fmc::test {

/// A path in the test temporary directory, unique to the running test.
inline std::string tempPath(const std::string &suffix) {
  const ::testing::TestInfo *info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "fmc-" + info->test_suite_name() + "-" +
         info->name() + "-" + std::to_string(getpid()) + suffix;
}

inline std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                              std::istreambuf_iterator<char>());
}

inline void writeBytes(const std::string &path,
                       const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

} // namespace fmc::test

#endif // FMC_TEST_UNIT_RUNTIME_TESTFILES_H
