//===- BenchCommand.cpp - fmc bench ---------------------------------------===//
//
//   fmc bench model.fmc [--warmup N] [--runs N] [--seed N]
//
// Times repeated runs of an artifact on seeded random inputs and prints the
// median and 90th percentile latency and the process's peak resident memory.
//
//===----------------------------------------------------------------------===//

#include "tools/fmc/Commands.h"
#include "tools/fmc/RuntimeSupport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sys/resource.h>

namespace cl = llvm::cl;

namespace fmc::tool {

cl::SubCommand &getBenchSubCommand() {
  static cl::SubCommand sub(
      "bench", "Measure the latency and peak memory of a compiled model "
               "(.fmc) on random inputs: floats uniform in [-1, 1], "
               "integers in [0, 2), booleans 0 or 1");
  return sub;
}

namespace {

cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.fmc>"),
                               cl::sub(getBenchSubCommand()));

cl::opt<unsigned> warmup("warmup", cl::desc("Untimed runs before measuring"),
                         cl::value_desc("N"), cl::init(5),
                         cl::sub(getBenchSubCommand()));

cl::opt<unsigned> runs("runs", cl::desc("Timed runs"), cl::value_desc("N"),
                       cl::init(50), cl::sub(getBenchSubCommand()));

cl::opt<unsigned> threads("threads",
                          cl::desc("Threads the model runs on (0: one per "
                                   "online CPU)"),
                          cl::value_desc("N"), cl::init(0),
                          cl::sub(getBenchSubCommand()));

cl::opt<bool> cudaGraph("cuda-graph",
                        cl::desc("GPU artifacts: capture the first run into "
                                 "a CUDA graph and launch the graph after"),
                        cl::init(false), cl::sub(getBenchSubCommand()));

cl::opt<uint64_t> seed("seed", cl::desc("Seed of the random inputs"),
                       cl::value_desc("N"), cl::init(1),
                       cl::sub(getBenchSubCommand()));

int fail(llvm::Error error) {
  llvm::errs() << "fmc bench: error: " << llvm::toString(std::move(error))
               << "\n";
  return 1;
}

/// The nearest-rank percentile `p` (0 < p <= 100) of sorted `values`.
double percentile(const std::vector<double> &sorted, double p) {
  size_t rank = size_t(std::ceil(p / 100.0 * double(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

} // namespace

int runBenchCommand() {
  if (runs == 0)
    return fail(llvm::createStringError("--runs must be at least 1"));
  llvm::Expected<LoadedModel> loaded = loadModel(modelPath, threads, cudaGraph);
  if (!loaded)
    return fail(loaded.takeError());
  if (llvm::Error err = setRandomInputs(*loaded, {}, seed))
    return fail(std::move(err));

  fmc_session_t *session = loaded->session.get();
  for (unsigned i = 0; i < warmup; ++i)
    if (llvm::Error err = toError(fmc_session_run(session)))
      return fail(std::move(err));
  using Clock = std::chrono::steady_clock;
  std::vector<double> ms, compute;
  ms.reserve(runs);
  for (unsigned i = 0; i < runs; ++i) {
    Clock::time_point start = Clock::now();
    if (llvm::Error err = toError(fmc_session_run(session)))
      return fail(std::move(err));
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                     .count());
    double computeMs = 0;
    if (fmc_status_t *status = fmc_session_compute_ms(session, &computeMs))
      fmc_status_free(status);
    else
      compute.push_back(computeMs);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(compute.begin(), compute.end());

  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  fmc_model_description_t description;
  fmc_model_describe(loaded->model.get(), &description);
  llvm::raw_ostream &os = llvm::outs();
  os << modelPath << " (" << description.target_triple << ", "
     << description.target_cpu << "): " << runs << " runs after " << warmup
     << " warmup, " << fmc_session_threads(session) << " threads\n";
  os << "latency: median " << formatMs(percentile(ms, 50)) << ", p90 "
     << formatMs(percentile(ms, 90)) << ", min " << formatMs(ms.front())
     << "\n";
  // The compiled code's share (on a GPU: its kernels, without the copies).
  if (compute.size() == ms.size())
    os << "compute: median " << formatMs(percentile(compute, 50)) << ", min "
       << formatMs(compute.front()) << "\n";
  // ru_maxrss is in KiB on Linux.
  os << llvm::format("peak RSS: %.1f MiB\n", double(usage.ru_maxrss) / 1024);
  return 0;
}

} // namespace fmc::tool
