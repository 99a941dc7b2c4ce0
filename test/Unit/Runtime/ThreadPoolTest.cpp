//===- ThreadPoolTest.cpp - the runtime's worker threads ------------------===//

#include "runtime/src/cpu/ThreadPool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace fmc::cpu;

namespace {

/// Records every call: its range and thread.
struct Recorder {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::set<std::thread::id> threads;
  std::vector<std::atomic<int>> hits;
  explicit Recorder(size_t n) : hits(n) {}

  static void task(void *context, int64_t begin, int64_t end) {
    auto *self = static_cast<Recorder *>(context);
    for (int64_t i = begin; i < end; ++i)
      ++self->hits[i];
    std::lock_guard<std::mutex> lock(self->mutex);
    self->ranges.emplace_back(begin, end);
    self->threads.insert(std::this_thread::get_id());
  }
};

TEST(ThreadPoolTest, ChunksCoverTheRangeOnceInTheSamePartition) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  std::set<std::thread::id> used;
  for (int repeat = 0; repeat < 50; ++repeat) {
    Recorder recorder(100);
    pool.run(&Recorder::task, &recorder, 10, 100);
    for (int64_t i = 0; i < 100; ++i)
      EXPECT_EQ(recorder.hits[i].load(), i < 10 ? 0 : 1) << "index " << i;
    // Whichever threads take them, the chunks are the same three.
    ASSERT_EQ(recorder.ranges.size(), 3u);
    std::sort(recorder.ranges.begin(), recorder.ranges.end());
    EXPECT_EQ(recorder.ranges[0], std::make_pair(int64_t(10), int64_t(40)));
    EXPECT_EQ(recorder.ranges[1], std::make_pair(int64_t(40), int64_t(70)));
    EXPECT_EQ(recorder.ranges[2], std::make_pair(int64_t(70), int64_t(100)));
    used.insert(recorder.threads.begin(), recorder.threads.end());
  }
  // No more threads than the pool has (which of them take chunks depends
  // on who is free first).
  EXPECT_LE(used.size(), 3u);
}

// Back-to-back jobs (a model's loops): a worker still busy with, or waking
// up for, an older job never takes a chunk of a newer one.
TEST(ThreadPoolTest, ManyShortJobsInARow) {
  ThreadPool pool(3);
  for (int repeat = 0; repeat < 20000; ++repeat) {
    Recorder recorder(7);
    pool.run(&Recorder::task, &recorder, 0, 7);
    for (int64_t i = 0; i < 7; ++i)
      ASSERT_EQ(recorder.hits[i].load(), 1)
          << "job " << repeat << " index " << i;
    ASSERT_EQ(recorder.ranges.size(), 3u);
  }
}

TEST(ThreadPoolTest, FewerIterationsThanThreads) {
  ThreadPool pool(4);
  Recorder recorder(2);
  pool.run(&Recorder::task, &recorder, 0, 2);
  EXPECT_EQ(recorder.ranges.size(), 2u);
  EXPECT_EQ(recorder.hits[0].load() + recorder.hits[1].load(), 2);
  Recorder empty(1);
  pool.run(&Recorder::task, &empty, 5, 5);
  EXPECT_TRUE(empty.ranges.empty());
}

TEST(ThreadPoolTest, ParallelForUsesTheScopedPoolAndRunsNestedLoopsInline) {
  Recorder outside(8);
  parallelFor(&Recorder::task, &outside, 0, 8);
  EXPECT_EQ(outside.ranges.size(), 1u) << "no pool: one inline call";

  ThreadPool pool(2);
  ScopedPool scoped(&pool);
  Recorder inside(8);
  parallelFor(&Recorder::task, &inside, 0, 8);
  EXPECT_EQ(inside.ranges.size(), 2u);

  // A task that itself calls parallelFor gets no pool: its loop is serial.
  struct Nested {
    Recorder inner{64};
    static void task(void *context, int64_t begin, int64_t end) {
      auto *self = static_cast<Nested *>(context);
      parallelFor(&Recorder::task, &self->inner, begin * 8, end * 8);
    }
  } nested;
  parallelFor(&Nested::task, &nested, 0, 8);
  EXPECT_EQ(nested.inner.ranges.size(), 2u);
  for (int64_t i = 0; i < 64; ++i)
    EXPECT_EQ(nested.inner.hits[i].load(), 1);
}

} // namespace
