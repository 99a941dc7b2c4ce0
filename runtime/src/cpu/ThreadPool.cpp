//===- ThreadPool.cpp - the runtime's worker threads ----------------------===//

#include "runtime/src/cpu/ThreadPool.h"

#include <chrono>
#include <unistd.h>

using namespace fmc::cpu;

namespace {
thread_local ThreadPool *currentPool = nullptr;

/// Bounds of chunk `index` of `chunks` over [begin, end).
std::pair<int64_t, int64_t> chunkOf(int64_t begin, int64_t end, unsigned chunks,
                                    unsigned index) {
  int64_t n = end - begin;
  return {begin + n * index / chunks, begin + n * (index + 1) / chunks};
}

void cpuRelax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Spins until `ready()` or ~100 us have passed; the caller then blocks.
/// Consecutive loops of a model are usually closer together than that.
template <typename Ready> bool spinUntil(Ready ready) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(100);
  for (unsigned i = 0;; ++i) {
    if (ready())
      return true;
    cpuRelax();
    if (i % 64 == 63 && std::chrono::steady_clock::now() > deadline)
      return false;
  }
}
} // namespace

ThreadPool::ThreadPool(unsigned threads) {
  for (unsigned i = 1; i < threads; ++i)
    workers.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void ThreadPool::runChunks(uint64_t job, ParallelTask fn, void *ctx,
                           int64_t first, int64_t last, unsigned count) {
  uint64_t tag = (job & 0xffffffffu) << 32;
  uint64_t state = next.load();
  for (;;) {
    if ((state & ~uint64_t(0xffffffffu)) != tag ||
        (state & 0xffffffffu) >= count)
      return;
    if (!next.compare_exchange_weak(state, state + 1))
      continue;
    auto [from, to] = chunkOf(first, last, count, unsigned(state));
    fn(ctx, from, to);
    if (pending.fetch_sub(1) == 1) {
      // Under the mutex, so that a caller that just found pending != 0
      // is already waiting when this notifies.
      std::lock_guard<std::mutex> lock(mutex);
      done.notify_one();
    }
    state = next.load();
  }
}

void ThreadPool::run(ParallelTask fn, void *ctx, int64_t from, int64_t to) {
  int64_t n = to - from;
  unsigned count = unsigned(std::min<int64_t>(n, size()));
  if (count <= 1) {
    if (n > 0)
      fn(ctx, from, to);
    return;
  }
  uint64_t job;
  {
    std::lock_guard<std::mutex> lock(mutex);
    task = fn;
    context = ctx;
    begin = from;
    end = to;
    chunks = count;
    pending.store(count);
    job = generation.load() + 1;
    next.store((job & 0xffffffffu) << 32);
    generation.store(job);
  }
  wake.notify_all();
  runChunks(job, fn, ctx, from, to, count);
  if (spinUntil([this] { return pending.load() == 0; }))
    return;
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [this] { return pending.load() == 0; });
}

void ThreadPool::work() {
  uint64_t seen = 0;
  for (;;) {
    ParallelTask fn;
    void *ctx;
    int64_t first, last;
    unsigned count;
    spinUntil([&] { return generation.load() != seen; });
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stopping || generation.load() != seen; });
      if (stopping)
        return;
      seen = generation.load();
      fn = task;
      ctx = context;
      first = begin;
      last = end;
      count = chunks;
    }
    runChunks(seen, fn, ctx, first, last, count);
  }
}

ScopedPool::ScopedPool(ThreadPool *pool) : previous(currentPool) {
  currentPool = pool;
}

ScopedPool::~ScopedPool() { currentPool = previous; }

void fmc::cpu::parallelFor(ParallelTask task, void *context, int64_t begin,
                           int64_t end) {
  // A nested loop (a worker, or no session on this thread) runs inline.
  ThreadPool *pool = currentPool;
  if (!pool) {
    if (end > begin)
      task(context, begin, end);
    return;
  }
  ScopedPool nested(nullptr);
  pool->run(task, context, begin, end);
}

unsigned fmc::cpu::hardwareThreads() {
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? unsigned(online) : 1;
}
