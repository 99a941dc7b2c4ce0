//===- ThreadPool.h - the runtime's worker threads ---------------*- C++
//-*-===//
//
// Compiled code splits a loop over [begin, end) through the symbol
// `fmc_parallel_for` it exports (docs/ARTIFACT.md): after loading, the
// runtime points it at `parallelFor`, which runs contiguous chunks of the
// range on the pool of the session whose run is in progress on this thread.
// The partition never changes what one iteration computes, so results are
// identical for any thread count.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_CPU_THREADPOOL_H
#define FMC_RUNTIME_CPU_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace fmc::cpu {

/// One iteration range of a compiled parallel loop.
using ParallelTask = void (*)(void *context, int64_t begin, int64_t end);

/// `threads - 1` workers and the calling thread share the chunks of a run:
/// each takes the next chunk not yet taken, so a worker that is slow to wake
/// (a futex wake-up can take milliseconds on a virtual machine) delays
/// nothing; the caller runs the chunks it would have run.
class ThreadPool {
public:
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return unsigned(workers.size()) + 1; }

  /// Runs task over [begin, end) in at most size() contiguous chunks (the
  /// same chunks whichever threads run them) and returns when all are done.
  void run(ParallelTask task, void *context, int64_t begin, int64_t end);

private:
  void work();
  /// Takes and runs chunks of the job of `job` (a generation) while any is
  /// left; false once none is (or the pool moved on to another job).
  void runChunks(uint64_t job, ParallelTask fn, void *ctx, int64_t first,
                 int64_t last, unsigned count);

  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake, done;
  // The job in progress: generation counts jobs so a worker runs each once.
  // Both atomics are also read without the mutex while spinning: a model
  // dispatches hundreds of loops per run, and waking a sleeping thread costs
  // far more on a virtual machine than a short spin.
  std::atomic<uint64_t> generation{0};
  ParallelTask task = nullptr;
  void *context = nullptr;
  int64_t begin = 0, end = 0;
  unsigned chunks = 0;
  /// The next chunk to take, tagged with its job's generation in the high
  /// 32 bits, so that a worker that read an older job takes nothing of a
  /// newer one.
  std::atomic<uint64_t> next{0};
  /// Chunks of the current job not finished yet.
  std::atomic<unsigned> pending{0};
  bool stopping = false;
};

/// Makes `pool` the one parallelFor uses on this thread while in scope.
class ScopedPool {
public:
  explicit ScopedPool(ThreadPool *pool);
  ~ScopedPool();

private:
  ThreadPool *previous;
};

/// What `fmc_parallel_for` points to: runs on the current pool, or inline.
void parallelFor(ParallelTask task, void *context, int64_t begin, int64_t end);

/// The number of online CPUs (at least 1).
unsigned hardwareThreads();

} // namespace fmc::cpu

#endif // FMC_RUNTIME_CPU_THREADPOOL_H
