//===- AttentionBuilder.h - shared parts of the attention kernels -*- C++
//-*-===//
//
// fmc-gpu-launch-attention builds one of three FlashAttention kernels for
// an fmc.attention_kernel: the f32 one of CUDA cores (LaunchAttention.cpp),
// the tensor-core one (TensorCoreAttention.cpp) or the decoding one
// (DecodeAttention.cpp). They read the operands, the mask and the causal
// frontier the same way and combine split keys with the same second
// kernel; this is that common part.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_PASSES_GPU_ATTENTIONBUILDER_H
#define FMC_PASSES_GPU_ATTENTIONBUILDER_H

#include "passes/GPU/Passes.h"

#include "dialects/Graph/IR/GraphOps.h"

namespace mlir::fmc {

/// The sizes of one fmc.attention_kernel on buffers: query [B, H, S, D],
/// key [B, H / group, T, D], value [B, H / group, T, Dv], output [B, H, S,
/// Dv]; what the kernels' choices and builders read.
struct AttentionSizes {
  explicit AttentionSizes(AttentionKernelOp op);
  /// The blocks of a grid with `queries` queries of one head per block.
  int64_t grid(int64_t queries) const {
    return llvm::divideCeil(S, queries) * heads * batch;
  }
  int64_t batch, heads, S, D, T, Dv, group;
};

/// The shapes and operands of one fmc.attention_kernel on buffers and the
/// helpers the kernels build with.
class AttentionBuilder : protected AttentionSizes {
public:
  explicit AttentionBuilder(AttentionKernelOp op);

  /// The alignment of a vector of `count` elements of `buffer` at a multiple
  /// of `count` elements of a row: its size in bytes where vectorsAligned
  /// holds (buffers themselves are 16-byte aligned: the arena, weights,
  /// cudaMalloc), else unknown.
  static llvm::MaybeAlign alignment(Value buffer, int64_t count);

protected:
  Value index(OpBuilder &b, int64_t v);
  Value constant(OpBuilder &b, double v);
  Value add(OpBuilder &b, Value x, int64_t c);
  Value mul(OpBuilder &b, Value x, int64_t c);
  Value ult(OpBuilder &b, Value x, int64_t bound);
  /// `x` clamped to [0, bound): a load that stays in bounds.
  Value clamp(OpBuilder &b, Value x, int64_t bound);
  Value load(OpBuilder &b, Value memref, ValueRange at);
  /// maximumf(x, y) or x + y: the softmax's row maxima and sums.
  Value combine(OpBuilder &b, Value x, Value y, bool max);
  /// Combines each of `values` (max or add) across the lanes of a warp
  /// that differ in the bits of `offsets`: XOR shuffles, every value's
  /// shuffle of a step together.
  void butterfly(OpBuilder &b, MutableArrayRef<Value> values,
                 ArrayRef<int64_t> offsets, bool max);
  /// An scf.if (no results) on `x` == 0: what one thread (of a row, a
  /// warp or the block) does.
  scf::IfOp ifZero(OpBuilder &b, Value x);
  /// Ends `launch`'s body with its terminator and sets `b` at its start.
  void enterLaunch(OpBuilder &b, gpu::LaunchOp launch);
  /// Stores `value` (f32, a scalar or a vector) into `memref` at `at`,
  /// rounded to its element type (f16/bf16 outputs: activations stored
  /// narrow).
  void store(OpBuilder &b, Value value, Value memref, ValueRange at,
             llvm::MaybeAlign alignment = {});

  /// The score of query `row` and key `key` (both in the whole sequence)
  /// from their dot product, in the units of `logUnit`: the mask applied
  /// (broadcast dims read index 0; a boolean mask selects -inf) and, with
  /// `bounds`, -inf for a key past T when `keyBlock` does not divide T,
  /// and past the causal frontier key <= row + T - S. Reads `batchId` and
  /// `head`.
  Value score(OpBuilder &b, Value dot, Value row, Value key, int64_t keyBlock,
              bool bounds = true);

  /// One online-softmax update of a row's running max `m` by the max
  /// `rowMax` of a new block of scores: m' = max(m, rowMax), the factor
  /// a = exp(m - m') for the old sums (0 while m is -inf), and the base
  /// the new scores are exponentiated against (m', read as 0 while m' is
  /// -inf so that exp(S - base) is 0 there; `offset` = -base logUnit
  /// where the scores are raw dot products).
  struct Rescale {
    Value max, factor, base, offset;
  };
  Rescale rescale(OpBuilder &b, Value m, Value rowMax);

  /// exp(s - base) of a score `s` (in the natural units: the
  /// probability before normalization) as a power of two: without a mask,
  /// 2^(s logUnit - base logUnit), one fma and one ex2; with one,
  /// 2^((s - base) logUnit), whose difference stays finite beside masks of
  /// the most negative float.
  Value probability(OpBuilder &b, Value s, const Rescale &r);

  /// The end of the keys that queries row0 .. row0 + `rows` - 1 see under
  /// the causal mask: row0 + rows + T - S (key blocks from there on are
  /// not visited).
  Value causalEnd(OpBuilder &b, Value row0, int64_t rows);

  /// Whether the key block at j0 is an even one (j0 / keyBlock): which of
  /// two alternating buffers it uses.
  Value evenBlock(OpBuilder &b, Value j0, int64_t keyBlock);

  /// The online softmax's loops over blocks of `keyBlock` keys for queries
  /// i0 .. i0 + `queries` - 1 (the warp-level kernels'), from `init`:
  /// blocks below T and below the causal frontier of query i0 (i0 + T - S)
  /// need no bounds, `step`(b, j0, state, /*bounds=*/false), in a loop of
  /// their own; the rest up to T (or the last query's frontier) check
  /// them. The loops start at key `firstKey` (a multiple of keyBlock: the
  /// blocks before it done by the caller). Returns the final state.
  using KeyStep = llvm::function_ref<SmallVector<Value>(OpBuilder &, Value,
                                                        ValueRange, bool)>;
  ValueRange keyLoops(OpBuilder &b, Value i0, int64_t queries, int64_t keyBlock,
                      ValueRange init, KeyStep step, int64_t firstKey = 0);

  /// Stores the thread's rows `rows` of the output, O (1 / l) (zero where
  /// l, `sums`, is 0; rows past S not at all), as pairs of columns:
  /// `pairOf`(b, p, r) is pair p of row r (f32 x 2), at column
  /// `columnOf`(b, p).
  void storeNormalized(
      OpBuilder &b, ArrayRef<Value> rows, ArrayRef<Value> sums, int64_t pairs,
      llvm::function_ref<Value(OpBuilder &, int64_t, int64_t)> pairOf,
      llvm::function_ref<Value(OpBuilder &, int64_t)> columnOf);

  /// The scratch buffers of a kernel whose keys are split among `splits`
  /// blocks: each split's unnormalized output [B, H, splits, S, Dv], and
  /// its rows' running max and sum [B, H, splits, S].
  struct SplitBuffers {
    Value out, max, sum;
  };
  SplitBuffers allocateSplits(OpBuilder &b, int64_t splits);

  /// After the kernel that wrote `partial`: the second kernel, which combines
  /// the splits into the output,
  ///   M = max_s m_s,  w_s = exp(m_s - M) (0 for a split that saw no key),
  ///   out = sum_s w_s O_s / sum_s w_s l_s   (0 where that sum is 0),
  /// and the scratch buffers' deallocations.
  void combineSplits(OpBuilder &b, int64_t splits, const SplitBuffers &partial);

  AttentionKernelOp op;
  Location loc;
  Value query, key, value, mask, out;
  Value batchId, head, kvHead;
  /// Scores are kept as s with the logit (the softmax's argument) equal
  /// to s logUnit / log2(e), so that exp(logit) = 2^(s logUnit): raw dot
  /// products (logUnit = scale log2(e)) where there is no mask and the
  /// scale is positive (a row's largest dot product is then its largest
  /// logit), else logits (logUnit = log2(e)).
  bool rawScores;
  double logUnit;
};

/// The number of blocks among which an attention's `keyBlocks` blocks of
/// keys are split when its grid has only `grid` blocks: none (1) where the
/// grid has `splitBlocks` blocks (or `splitBlocks` is 0), else enough for
/// about that many blocks in all, each split at least `minPerSplit` key
/// blocks and all splits the same number of them.
int64_t keySplits(int64_t grid, int64_t keyBlocks, int64_t splitBlocks,
                  int64_t minPerSplit);

/// Whether the decoding kernel takes `op`: at most 16 queries per key/value
/// head (a query or a few per head, times the heads that share it), fewer
/// than 16 per head, Dv <= 256 and its buffers within `sharedBytes`.
bool fitsDecodeAttention(AttentionKernelOp op, int64_t sharedBytes);

/// Builds the decoding kernel of `op` at `b`'s insertion point (the caller
/// erases `op`): one block per key/value head (and split of the keys, where
/// fewer than `splitBlocks` blocks would run), a key per thread.
void buildDecodeAttention(OpBuilder &b, AttentionKernelOp op,
                          int64_t splitBlocks, FlatSymbolRefAttr module);

/// Whether the tensor-core kernel takes `op` (head sizes multiples of 16
/// and 8, at least one full warp tile of queries, its buffers within
/// `sharedBytes`).
bool fitsTensorCoreAttention(AttentionKernelOp op, int64_t sharedBytes);

/// Builds the tensor-core kernel of `op` at `b`'s insertion point (the
/// caller erases `op`), its products in `half` (f16 or bf16) with f32
/// accumulators, its buffers within `sharedBytes`, blocks of 128 queries
/// where the grid still has `minBlocks` (else 64), its launch in GPU
/// module `module`. With `asyncCopies`, 16-bit keys and values of the
/// products' type are copied into shared memory by cp.async (the values
/// while the scores are computed), and the next key block is prefetched
/// into a second buffer when the buffers then fit `prefetchBytes` (the
/// target's opt-in limit: dynamic shared memory).
void buildTensorCoreAttention(OpBuilder &b, AttentionKernelOp op, Type half,
                              int64_t sharedBytes, int64_t prefetchBytes,
                              int64_t minBlocks, bool asyncCopies,
                              FlatSymbolRefAttr module);

/// Whether the warpgroup kernel (sm_90a) takes `op`: Q, K and V in `half`
/// (f16 or bf16), contiguous 16-byte-aligned rows, 64+ queries, D and Dv
/// multiples of 16 up to 256, its buffers (one warpgroup) within
/// `sharedBytes`.
bool fitsWarpgroupAttention(AttentionKernelOp op, Type half,
                            int64_t sharedBytes);

/// Builds the warpgroup kernel of `op` at `b`'s insertion point (the caller
/// erases `op`): both products on wgmma.mma_async, blocks of two
/// warpgroups (128 queries) where the grid still has `minBlocks` and they
/// fit `sharedBytes`, else one.
void buildWarpgroupAttention(OpBuilder &b, AttentionKernelOp op, Type half,
                             int64_t sharedBytes, int64_t minBlocks,
                             FlatSymbolRefAttr module);

} // namespace mlir::fmc

#endif // FMC_PASSES_GPU_ATTENTIONBUILDER_H
