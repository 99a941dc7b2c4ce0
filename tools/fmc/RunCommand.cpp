//===- RunCommand.cpp - fmc run -------------------------------------------===//
//
//   fmc run model.fmc [--input name=file.npy ...] [--output-dir DIR]
//                     [--seed N] [--iterations N]
//
// Runs an artifact and prints its outputs and the time per run.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/base/Dtype.h"
#include "tools/fmc/Commands.h"
#include "tools/fmc/Npy.h"
#include "tools/fmc/RuntimeSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

namespace cl = llvm::cl;

namespace fmc::tool {

cl::SubCommand &getRunSubCommand() {
  static cl::SubCommand sub(
      "run", "Run a compiled model (.fmc) and print its outputs and time");
  return sub;
}

namespace {

cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.fmc>"),
                               cl::sub(getRunSubCommand()));

cl::list<std::string>
    inputSpecs("input",
               cl::desc("Read an input from a .npy file (repeatable). Inputs "
                        "not given get random data: floats uniform in [-1, "
                        "1], integers in [0, 2), booleans 0 or 1"),
               cl::value_desc("name=file.npy"), cl::sub(getRunSubCommand()));

cl::opt<std::string> outputDir("output-dir",
                               cl::desc("Write each output to DIR/<name>.npy"),
                               cl::value_desc("DIR"),
                               cl::sub(getRunSubCommand()));

cl::opt<unsigned> threads("threads",
                          cl::desc("Threads the model runs on (0: one per "
                                   "online CPU)"),
                          cl::value_desc("N"), cl::init(0),
                          cl::sub(getRunSubCommand()));

cl::opt<bool> cudaGraph("cuda-graph",
                        cl::desc("GPU artifacts: capture the first run into "
                                 "a CUDA graph and launch the graph after"),
                        cl::init(false), cl::sub(getRunSubCommand()));

cl::opt<uint64_t> seed("seed", cl::desc("Seed of the random inputs"),
                       cl::value_desc("N"), cl::init(1),
                       cl::sub(getRunSubCommand()));

cl::opt<unsigned> iterations("iterations",
                             cl::desc("Run the model N times (the outputs "
                                      "printed are the last run's)"),
                             cl::value_desc("N"), cl::init(1),
                             cl::sub(getRunSubCommand()));

constexpr size_t kValuesShown = 8;

int fail(llvm::Error error) {
  llvm::errs() << "fmc run: error: " << llvm::toString(std::move(error))
               << "\n";
  return 1;
}

/// Sets the inputs named by --input; marks them in `given`.
llvm::Error setFileInputs(const LoadedModel &loaded, std::vector<bool> &given) {
  given.assign(fmc_model_input_count(loaded.model.get()), false);
  for (const std::string &spec : inputSpecs) {
    auto [name, path] = llvm::StringRef(spec).split('=');
    if (name.empty() || path.empty())
      return llvm::createStringError("--input '" + spec +
                                     "': expected name=file.npy");
    std::string nameStr = name.str();
    size_t index;
    if (llvm::Error err = toError(
            fmc_model_find_input(loaded.model.get(), nameStr.c_str(), &index)))
      return llvm::createStringError("--input " + spec + ": " +
                                     llvm::toString(std::move(err)));
    if (given[index])
      return llvm::createStringError("--input '" + nameStr +
                                     "' is given twice");
    llvm::Expected<NpyArray> array = readNpy(path);
    if (!array)
      return array.takeError();
    if (array->untypedBytes) {
      // ml_dtypes' 8-bit and smaller types: take the model's type if it is
      // one of those.
      fmc_dtype_t expected = inputInfos(loaded.model.get())[index].dtype;
      if (fmc_dtype_size(expected) == 1 && expected != FMC_DTYPE_INT8 &&
          expected != FMC_DTYPE_UINT8 && expected != FMC_DTYPE_BOOL)
        array->dtype = expected;
    }
    if (llvm::Error err = toError(fmc_session_set_input(
            loaded.session.get(), nameStr.c_str(), array->dtype,
            array->shape.data(), array->shape.size(), array->data.data(),
            array->data.size())))
      return llvm::createStringError(path + ": " +
                                     llvm::toString(std::move(err)));
    given[index] = true;
  }
  return llvm::Error::success();
}

/// A file name for an output: characters other than letters, digits, '-',
/// '_' and '.' become '_'; clashes get the output index appended.
std::string outputFileName(llvm::StringRef name, size_t index,
                           llvm::StringSet<> &used) {
  std::string base;
  for (char c : name)
    base += llvm::isAlnum(c) || c == '-' || c == '_' || c == '.' ? c : '_';
  if (base.empty() || base.find_first_not_of('.') == std::string::npos)
    base = "output";
  if (!used.insert(base).second) {
    base += "_" + std::to_string(index);
    used.insert(base);
  }
  return base + ".npy";
}

llvm::Error printAndWriteOutputs(const LoadedModel &loaded) {
  std::vector<fmc_tensor_info_t> outputs = outputInfos(loaded.model.get());
  if (!outputDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return llvm::createStringError("cannot create '" + outputDir +
                                     "': " + ec.message());
  llvm::StringSet<> used;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const fmc_tensor_info_t &info = outputs[i];
    const void *data;
    size_t nbytes;
    if (llvm::Error err = toError(
            fmc_session_get_output(loaded.session.get(), i, &data, &nbytes)))
      return err;
    llvm::ArrayRef<int64_t> shape(info.shape, info.rank);
    size_t count = nbytes / fmc_dtype_size(info.dtype);
    llvm::outs() << info.name << ": " << fmc_dtype_name(info.dtype) << " "
                 << fmc::formatShape(info.shape, info.rank) << " [";
    for (size_t j = 0; j < count && j < kValuesShown; ++j)
      llvm::outs() << (j ? ", " : "") << formatElement(info.dtype, data, j);
    if (count > kValuesShown)
      llvm::outs() << ", ... (" << count << " values)";
    llvm::outs() << "]\n";
    if (!outputDir.empty()) {
      llvm::SmallString<256> path(outputDir);
      llvm::sys::path::append(path, outputFileName(info.name, i, used));
      if (llvm::Error err = writeNpy(path, info.dtype, shape, data, nbytes))
        return err;
    }
  }
  return llvm::Error::success();
}

} // namespace

int runRunCommand() {
  if (iterations == 0)
    return fail(llvm::createStringError("--iterations must be at least 1"));
  llvm::Expected<LoadedModel> loaded = loadModel(modelPath, threads, cudaGraph);
  if (!loaded)
    return fail(loaded.takeError());
  std::vector<bool> given;
  if (llvm::Error err = setFileInputs(*loaded, given))
    return fail(std::move(err));
  if (llvm::Error err = setRandomInputs(*loaded, given, seed))
    return fail(std::move(err));

  using Clock = std::chrono::steady_clock;
  double totalMs = 0, minMs = 0;
  for (unsigned i = 0; i < iterations; ++i) {
    Clock::time_point start = Clock::now();
    if (llvm::Error err = toError(fmc_session_run(loaded->session.get())))
      return fail(std::move(err));
    double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    totalMs += ms;
    minMs = i == 0 ? ms : std::min(minMs, ms);
  }

  if (llvm::Error err = printAndWriteOutputs(*loaded))
    return fail(std::move(err));
  llvm::outs() << "time: " << formatMs(totalMs / iterations) << " per run";
  if (iterations > 1)
    llvm::outs() << " (mean of " << iterations << " runs, min "
                 << formatMs(minMs) << ")";
  llvm::outs() << "\n";
  return 0;
}

} // namespace fmc::tool
