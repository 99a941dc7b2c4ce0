//===- RuntimeTest.cpp - The C API with real compiled code ----------------===//
//
// Builds artifacts whose CODE section is testdata/add_kernel.c compiled into
// a shared object (y = x + w, float32 [2x3]) and runs them through the C API.
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"

#include "fmc/runtime.h"
#include "runtime/src/artifact/ArtifactWriter.h"
#include "runtime/src/artifact/ByteIO.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstddef>
#include <cstdio>
#include <elf.h>
#include <memory>

using fmc::test::readBytes;
using fmc::test::tempPath;
using fmc::test::writeBytes;
using ::testing::HasSubstr;

namespace {

struct StatusDeleter {
  void operator()(fmc_status_t *status) const { fmc_status_free(status); }
};
using Status = std::unique_ptr<fmc_status_t, StatusDeleter>;

struct ModelDeleter {
  void operator()(fmc_model_t *model) const { fmc_model_release(model); }
};
using Model = std::unique_ptr<fmc_model_t, ModelDeleter>;

struct SessionDeleter {
  void operator()(fmc_session_t *session) const {
    fmc_session_release(session);
  }
};
using Session = std::unique_ptr<fmc_session_t, SessionDeleter>;

/// Asserts that `call` succeeded.
#define EXPECT_OK(call)                                                        \
  do {                                                                         \
    Status status_(call);                                                      \
    EXPECT_EQ(status_, nullptr) << fmc_status_message(status_.get());          \
  } while (false)

const std::vector<int64_t> kShape = {2, 3};

class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    kernel = readBytes(FMC_TEST_ADD_KERNEL_PATH);
    ASSERT_FALSE(kernel.empty()) << "cannot read " FMC_TEST_ADD_KERNEL_PATH;
    weight = {0.5f, -1.0f, 2.0f, 100.0f, -0.25f, 3.0f};
    contents.targetTriple = "x86_64-unknown-linux-gnu";
    contents.targetCpu = "generic";
    contents.sourceName = "add.onnx";
    contents.inputs = {{"x", FMC_DTYPE_FLOAT32, kShape}};
    contents.outputs = {{"y", FMC_DTYPE_FLOAT32, kShape}};
    contents.weights = {{{"w", FMC_DTYPE_FLOAT32, kShape},
                         weight.data(),
                         weight.size() * sizeof(float)}};
    contents.code = kernel.data();
    contents.codeSize = kernel.size();
  }

  void TearDown() override {
    for (const std::string &path : written)
      std::remove(path.c_str());
  }

  /// Writes `contents` to a new file and returns its path.
  std::string writeModel() {
    std::string path = tempPath("-" + std::to_string(written.size()) + ".fmc");
    std::string error;
    EXPECT_TRUE(fmc::artifact::writeArtifact(path, contents, error)) << error;
    written.push_back(path);
    return path;
  }

  Model openModel(const std::string &path) {
    fmc_model_t *model = nullptr;
    EXPECT_OK(fmc_model_open(path.c_str(), &model));
    return Model(model);
  }

  /// Opens `path` expecting failure; returns the status.
  Status openError(const std::string &path) {
    fmc_model_t *model = nullptr;
    Status status(fmc_model_open(path.c_str(), &model));
    EXPECT_NE(status, nullptr);
    EXPECT_EQ(model, nullptr);
    fmc_model_release(model);
    return status;
  }

  Session createSession(fmc_model_t *model) {
    fmc_session_t *session = nullptr;
    EXPECT_OK(fmc_session_create(model, &session));
    return Session(session);
  }

  /// Sets x, runs, and checks y against a naive loop: y = x + sign * w. Every
  /// element is one float addition, so the comparison is exact.
  void runAndCheck(fmc_session_t *session, const std::vector<float> &w,
                   float scale, float sign = 1.0f) {
    std::vector<float> x(6);
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = scale * float(i) - 1.5f;
    EXPECT_OK(fmc_session_set_input(session, "x", FMC_DTYPE_FLOAT32,
                                    kShape.data(), kShape.size(), x.data(),
                                    x.size() * sizeof(float)));
    EXPECT_OK(fmc_session_run(session));
    const void *data = nullptr;
    size_t nbytes = 0;
    EXPECT_OK(fmc_session_get_output(session, 0, &data, &nbytes));
    ASSERT_EQ(nbytes, 6 * sizeof(float));
    ASSERT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
    const float *y = static_cast<const float *>(data);
    for (size_t i = 0; i < 6; ++i)
      EXPECT_EQ(y[i], x[i] + sign * w[i]) << "element " << i;
  }

  std::vector<uint8_t> kernel;
  std::vector<float> weight;
  fmc::artifact::ArtifactContents contents;
  std::vector<std::string> written;
};

//===----------------------------------------------------------------------===//
// Running real code
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, RunsTheEntryPoint) {
  Model model = openModel(writeModel());
  ASSERT_TRUE(model);
  Session session = createSession(model.get());
  ASSERT_TRUE(session);
  runAndCheck(session.get(), weight, 1.0f);
  // A second run with other inputs overwrites the outputs.
  runAndCheck(session.get(), weight, -3.0f);
}

TEST_F(RuntimeTest, CudaGraphsNeedAGpuArtifact) {
  Model model = openModel(writeModel());
  ASSERT_TRUE(model);
  Session session = createSession(model.get());
  ASSERT_TRUE(session);
  Status status(fmc_session_set_cuda_graph(session.get(), 1));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_UNSUPPORTED);
  EXPECT_THAT(fmc_status_message(status.get()), HasSubstr("GPU artifact"));
  status.reset(fmc_session_set_cuda_graph(nullptr, 1));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  // The session still runs as before.
  runAndCheck(session.get(), weight, 1.0f);
}

TEST_F(RuntimeTest, ReportsTheComputeTimeOfTheLastRun) {
  Model model = openModel(writeModel());
  ASSERT_TRUE(model);
  Session session = createSession(model.get());
  ASSERT_TRUE(session);
  double ms = -1;
  Status before(fmc_session_compute_ms(session.get(), &ms));
  EXPECT_EQ(fmc_status_code(before.get()), FMC_STATUS_FAILED_PRECONDITION);
  EXPECT_EQ(ms, -1);
  runAndCheck(session.get(), weight, 1.0f);
  EXPECT_OK(fmc_session_compute_ms(session.get(), &ms));
  EXPECT_GE(ms, 0.0);
  Status null(fmc_session_compute_ms(session.get(), nullptr));
  EXPECT_EQ(fmc_status_code(null.get()), FMC_STATUS_INVALID_ARGUMENT);
}

TEST_F(RuntimeTest, DescribesTheModel) {
  Model model = openModel(writeModel());
  ASSERT_TRUE(model);
  fmc_model_description_t d;
  fmc_model_describe(model.get(), &d);
  EXPECT_EQ(d.format_version, 1u);
  EXPECT_STREQ(d.entry_symbol, "fmc_entry");
  EXPECT_STREQ(d.target_triple, "x86_64-unknown-linux-gnu");
  EXPECT_STREQ(d.target_cpu, "generic");
  EXPECT_STREQ(d.source_name, "add.onnx");
  EXPECT_EQ(d.weight_count, 1u);
  EXPECT_EQ(d.weight_bytes, 24u);

  ASSERT_EQ(fmc_model_input_count(model.get()), 1u);
  ASSERT_EQ(fmc_model_output_count(model.get()), 1u);
  fmc_tensor_info_t info;
  EXPECT_OK(fmc_model_input_info(model.get(), 0, &info));
  EXPECT_STREQ(info.name, "x");
  EXPECT_EQ(info.dtype, FMC_DTYPE_FLOAT32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.shape[0], 2);
  EXPECT_EQ(info.shape[1], 3);
  EXPECT_EQ(info.nbytes, 24u);
  EXPECT_OK(fmc_model_output_info(model.get(), 0, &info));
  EXPECT_STREQ(info.name, "y");

  size_t index = 99;
  EXPECT_OK(fmc_model_find_input(model.get(), "x", &index));
  EXPECT_EQ(index, 0u);
  EXPECT_OK(fmc_model_find_output(model.get(), "y", &index));
  EXPECT_EQ(index, 0u);

  Status status(fmc_model_input_info(model.get(), 1, &info));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(fmc_status_message(status.get()),
              HasSubstr("input index 1 is out of range"));
  status.reset(fmc_model_find_output(model.get(), "x", &index));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_NOT_FOUND);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "unknown output 'x'; the model's outputs are: 'y'");
}

TEST_F(RuntimeTest, ModelsLoadedTogetherKeepTheirOwnCode) {
  // Two artifacts with the same code but different weights, open at once,
  // then open/close cycles that reuse descriptor numbers.
  std::string first = writeModel();
  std::vector<float> other = {1, 2, 3, 4, 5, 6};
  contents.weights[0].data = other.data();
  std::string second = writeModel();
  Model a = openModel(first);
  Model b = openModel(second);
  ASSERT_TRUE(a && b);
  Session sa = createSession(a.get());
  Session sb = createSession(b.get());
  runAndCheck(sa.get(), weight, 1.0f);
  runAndCheck(sb.get(), other, 1.0f);
  for (int i = 0; i < 3; ++i) {
    Model m = openModel(i % 2 ? first : second);
    ASSERT_TRUE(m);
    Session s = createSession(m.get());
    runAndCheck(s.get(), i % 2 ? weight : other, 2.0f);
  }
}

TEST_F(RuntimeTest, CodeLeftLoadedIsNotReusedForAnotherModel) {
  // sub_kernel.so (y = x - w) is linked with -z nodelete, so releasing its
  // model leaves it loaded under its /proc/self/fd path, the path that the
  // next model's memory file is likely to get as well. That model must still
  // run its own code.
  std::string addPath = writeModel();
  std::vector<uint8_t> sub = readBytes(FMC_TEST_SUB_KERNEL_PATH);
  ASSERT_FALSE(sub.empty()) << "cannot read " FMC_TEST_SUB_KERNEL_PATH;
  contents.code = sub.data();
  contents.codeSize = sub.size();
  std::string subPath = writeModel();
  for (int i = 0; i < 3; ++i) {
    Model subModel = openModel(subPath);
    ASSERT_TRUE(subModel);
    runAndCheck(createSession(subModel.get()).get(), weight, 1.0f, -1.0f);
    subModel.reset();
    Model addModel = openModel(addPath);
    ASSERT_TRUE(addModel);
    runAndCheck(createSession(addModel.get()).get(), weight, 1.0f, 1.0f);
  }
}

TEST_F(RuntimeTest, SessionKeepsTheModelAlive) {
  Model model = openModel(writeModel());
  ASSERT_TRUE(model);
  Session session = createSession(model.get());
  model.reset();
  runAndCheck(session.get(), weight, 1.0f);
}

//===----------------------------------------------------------------------===//
// Input and session errors
//===----------------------------------------------------------------------===//

class RuntimeErrorTest : public RuntimeTest {
protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    // No weights, so that the kernel's buffers {x, w, y} are {x, input_ids,
    // y} here: running reads input_ids as w and writes only y.
    contents.inputs = {{"x", FMC_DTYPE_FLOAT32, kShape},
                       {"input_ids", FMC_DTYPE_INT64, {1, 16}}};
    contents.weights.clear();
    model = openModel(writeModel());
    ASSERT_TRUE(model);
    session = createSession(model.get());
    ASSERT_TRUE(session);
  }

  Status setIds(fmc_dtype_t dtype, std::vector<int64_t> shape, size_t nbytes) {
    std::vector<uint8_t> data(nbytes);
    return Status(fmc_session_set_input(session.get(), "input_ids", dtype,
                                        shape.data(), shape.size(), data.data(),
                                        nbytes));
  }

  Model model;
  Session session;
};

TEST_F(RuntimeErrorTest, WrongDtype) {
  Status status = setIds(FMC_DTYPE_INT32, {1, 16}, 64);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "input 'input_ids': expected dtype int64, got int32");
  status = setIds(fmc_dtype_t(77), {1, 16}, 128);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "input 'input_ids': expected dtype int64, got dtype 77");
}

TEST_F(RuntimeErrorTest, WrongShape) {
  Status status = setIds(FMC_DTYPE_INT64, {1, 17}, 17 * 8);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "input 'input_ids': expected shape [1x16], got [1x17]");
  status = setIds(FMC_DTYPE_INT64, {16}, 128);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "input 'input_ids': expected shape [1x16], got [16]");
  status = setIds(FMC_DTYPE_INT64, {}, 8);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "input 'input_ids': expected shape [1x16], got []");
}

TEST_F(RuntimeErrorTest, WrongByteCount) {
  Status status = setIds(FMC_DTYPE_INT64, {1, 16}, 127);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "input 'input_ids': expected 128 bytes of int64 [1x16], got "
               "127");
}

TEST_F(RuntimeErrorTest, UnknownInputListsTheValidNames) {
  float value = 0;
  int64_t dim = 1;
  Status status(fmc_session_set_input(session.get(), "ids", FMC_DTYPE_FLOAT32,
                                      &dim, 1, &value, sizeof(value)));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_NOT_FOUND);
  EXPECT_STREQ(fmc_status_message(status.get()),
               "unknown input 'ids'; the model's inputs are: 'x', "
               "'input_ids'");
}

TEST_F(RuntimeErrorTest, RunNamesTheFirstInputNotSet) {
  Status status(fmc_session_run(session.get()));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_FAILED_PRECONDITION);
  EXPECT_THAT(fmc_status_message(status.get()),
              HasSubstr("input 'x' was not set"));
  std::vector<float> x(6);
  EXPECT_OK(fmc_session_set_input(session.get(), "x", FMC_DTYPE_FLOAT32,
                                  kShape.data(), 2, x.data(), 24));
  status.reset(fmc_session_run(session.get()));
  EXPECT_THAT(fmc_status_message(status.get()),
              HasSubstr("input 'input_ids' was not set"));
  EXPECT_OK(setIds(FMC_DTYPE_INT64, {1, 16}, 128).release());
  EXPECT_OK(fmc_session_run(session.get()));
}

TEST_F(RuntimeErrorTest, OutputsNeedARun) {
  const void *data = nullptr;
  size_t nbytes = 0;
  Status status(fmc_session_get_output(session.get(), 0, &data, &nbytes));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_FAILED_PRECONDITION);
  status.reset(fmc_session_get_output(session.get(), 1, &data, &nbytes));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(fmc_status_message(status.get()),
              HasSubstr("output index 1 is out of range (the model has 1)"));
}

TEST_F(RuntimeErrorTest, NullArguments) {
  Status status(fmc_session_set_input(session.get(), "x", FMC_DTYPE_FLOAT32,
                                      nullptr, 2, nullptr, 0));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  status.reset(fmc_session_run(nullptr));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
  status.reset(fmc_model_open(nullptr, nullptr));
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARGUMENT);
}

//===----------------------------------------------------------------------===//
// Opening bad models
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, OpenMissingFile) {
  std::string path = tempPath("-does-not-exist.fmc");
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_NOT_FOUND);
  EXPECT_EQ(fmc_status_message(status.get()),
            path + ": cannot open: No such file or directory");
}

TEST_F(RuntimeTest, OpenNonArtifact) {
  std::string path = tempPath(".txt");
  written.push_back(path);
  std::string text = "just some text, not a model\n";
  writeBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARTIFACT);
  EXPECT_THAT(fmc_status_message(status.get()), HasSubstr(path + ": not an fmc "
                                                                 "artifact"));
  // A directory is not a regular file.
  status = openError(::testing::TempDir());
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_IO_ERROR);
}

TEST_F(RuntimeTest, OpenOtherVersion) {
  std::string path = writeModel();
  std::vector<uint8_t> bytes = readBytes(path);
  fmc::artifact::writeLE32(bytes.data() + 8, 9);
  writeBytes(path, bytes);
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_UNSUPPORTED);
  EXPECT_EQ(fmc_status_message(status.get()),
            path + ": unsupported artifact format version 9 (this runtime "
                   "reads 1)");
}

TEST_F(RuntimeTest, OpenCorruptedModel) {
  std::string path = writeModel();
  std::vector<uint8_t> bytes = readBytes(path);
  bytes[bytes.size() - 3] ^= 1; // in the weights
  writeBytes(path, bytes);
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARTIFACT);
  EXPECT_THAT(fmc_status_message(status.get()),
              HasSubstr("checksum mismatch in the WEIGHTS section"));
}

TEST_F(RuntimeTest, CodeThatIsNotAnElfObject) {
  std::string notElf = "this is not machine code";
  contents.code = notElf.data();
  contents.codeSize = notElf.size();
  std::string path = writeModel();
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARTIFACT);
  EXPECT_EQ(fmc_status_message(status.get()),
            path + ": the CODE section is not an ELF file");
}

TEST_F(RuntimeTest, CodeForAnotherArchitecture) {
  std::vector<uint8_t> foreign = kernel;
  uint16_t machine = EM_AARCH64;
#if defined(__aarch64__)
  machine = EM_X86_64;
#endif
  foreign[offsetof(Elf64_Ehdr, e_machine)] = uint8_t(machine);
  foreign[offsetof(Elf64_Ehdr, e_machine) + 1] = uint8_t(machine >> 8);
  contents.code = foreign.data();
  std::string path = writeModel();
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_UNSUPPORTED);
  EXPECT_THAT(fmc_status_message(status.get()),
              HasSubstr("the code was compiled for"));
}

TEST_F(RuntimeTest, MissingEntrySymbol) {
  contents.entrySymbol = "fmc_main";
  std::string path = writeModel();
  Status status = openError(path);
  EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARTIFACT);
  EXPECT_EQ(fmc_status_message(status.get()),
            path + ": the CODE section does not export the entry symbol "
                   "'fmc_main'");
}

TEST_F(RuntimeTest, TruncatedElfObject) {
  // Valid ELF headers, with the object cut off inside its headers and inside
  // its loaded segments. (Cutting only the trailing section headers and
  // symbol table would leave a loadable object.)
  for (size_t size : {size_t(100), size_t(200), kernel.size() / 4}) {
    SCOPED_TRACE("cut at " + std::to_string(size));
    std::vector<uint8_t> cut(kernel.begin(), kernel.begin() + size);
    contents.code = cut.data();
    contents.codeSize = cut.size();
    std::string path = writeModel();
    Status status = openError(path);
    EXPECT_EQ(fmc_status_code(status.get()), FMC_STATUS_INVALID_ARTIFACT);
    EXPECT_THAT(fmc_status_message(status.get()),
                HasSubstr(path + ": the CODE section"));
  }
}

//===----------------------------------------------------------------------===//
// Small API pieces
//===----------------------------------------------------------------------===//

TEST(RuntimeApiTest, StatusOfNull) {
  EXPECT_EQ(fmc_status_code(nullptr), FMC_STATUS_OK);
  EXPECT_STREQ(fmc_status_message(nullptr), "");
  fmc_status_free(nullptr);
  EXPECT_STREQ(fmc_status_code_name(FMC_STATUS_FAILED_PRECONDITION),
               "FAILED_PRECONDITION");
  EXPECT_STREQ(fmc_status_code_name(fmc_status_code_t(1000)), "UNKNOWN");
}

TEST(RuntimeApiTest, Dtypes) {
  EXPECT_EQ(fmc_dtype_size(FMC_DTYPE_FLOAT32), 4u);
  EXPECT_EQ(fmc_dtype_size(FMC_DTYPE_INT64), 8u);
  EXPECT_EQ(fmc_dtype_size(FMC_DTYPE_BOOL), 1u);
  EXPECT_EQ(fmc_dtype_size(FMC_DTYPE_BFLOAT16), 2u);
  EXPECT_EQ(fmc_dtype_size(fmc_dtype_t(8)), 0u); // ONNX string
  EXPECT_STREQ(fmc_dtype_name(FMC_DTYPE_FLOAT16), "float16");
  EXPECT_STREQ(fmc_dtype_name(FMC_DTYPE_UINT64), "uint64");
  EXPECT_STREQ(fmc_dtype_name(fmc_dtype_t(0)), "unknown");
}

TEST(RuntimeApiTest, Version) {
  EXPECT_STRNE(fmc_runtime_version(), "");
  EXPECT_EQ(fmc_runtime_artifact_version(), 1u);
}

} // namespace
