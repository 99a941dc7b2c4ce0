//===- TileMatmul.cpp - contractions to a register-tiled microkernel ------===//
//
// The loop nest for one contraction (sizes M, N, K; other parallel dims are
// plain outer loops):
//
//   for mc in [0, M) step MC:
//     for nc in [0, N) step NC:               out[mc.., nc..] stays in L2
//       for kc in [0, K) step KC:
//         pack lhs[mc.., kc..] as tiles of MR rows, k-major   (in L2)
//         for n0 in [nc, nc + NC) step NR:    rhs panel kc x nr (L1/L2)
//           panel = packed weight, or rhs packed into a kc x nr buffer
//           for m0 in block step MR:          MR x NR accumulators in registers
//             acc = 0
//             for k in [0, kc): acc += broadcast(lhsTile[k, i]) * panel[k, :]
//             out[m0.., n0..] += acc       (first kc block after a zero
//                                           fill: = acc; last kc block with
//                                           an epilogue: result = f(out + acc))
//
// Without the NC blocks, every kc block would stream all of out through
// memory once more (a language model's 128 x 50257 logits: 25 MiB, read and
// written K / KC times). Packing lhs makes the kernel's MR row reads one
// contiguous line per k instead of MR rows K floats apart (which map to the
// same L1 set when K is a power of two). The panel and the lhs tile stream
// from L2 at a few bytes per FMA, so kc can exceed what L1 holds. The m tail (M
// mod MR rows) runs once per panel in the last row block; the n tail panel
// loads and stores with masks, its packed columns are zeros.
//
//===----------------------------------------------------------------------===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Contraction.h"
#include "passes/Codegen/Epilogue.h"
#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_TILEMATMULPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct Tiles {
  int64_t mr, nr, lanes, kc, mc, outBlockBytes;
  bool fma;
};

/// Emits the loop nest for one matched contraction in place of `op`.
class KernelEmitter {
public:
  /// Emits for `op` and what `fusion` fuses around it, reading and writing
  /// `lhs`, `rhs`, `out` and the fusion's extra operands (the op's operands,
  /// or the arguments of the task function it is outlined to).
  KernelEmitter(linalg::GenericOp op, const Contraction &c, const Tiles &t,
                const Fusion &fusion, ValueRange operands, Value panelBuffer,
                Value lhsBuffer)
      : c(c), t(t), fusion(fusion), panelBuffer(panelBuffer),
        lhsBuffer(lhsBuffer), loc(op.getLoc()), lhs(operands[0]),
        rhs(operands[1]), out(operands[2]), extra(operands.drop_front(3)),
        maps(op.getIndexingMapsArray()),
        vectorType(
            VectorType::get({t.lanes}, Float32Type::get(op.getContext()))) {}

  /// The number of nr-column panels: the range `emit` splits.
  static int64_t panels(const Contraction &c, const Tiles &t) {
    return llvm::divideCeil(c.sizes[c.n], t.nr);
  }

  /// Panels per output block: as many as keep a block of out (the rows of
  /// one mc block) within `outBlockBytes`, so that it stays in cache while
  /// all kc blocks accumulate into it; at least 256 columns, so that packing
  /// lhs again for each block costs under 1/256 of the block's multiply-adds.
  static int64_t outBlockPanels(const Contraction &c, const Tiles &t) {
    int64_t rows = std::min(c.sizes[c.m], rowBlock(t));
    int64_t panels = t.outBlockBytes / (rows * t.nr * 4);
    return std::max<int64_t>(panels, llvm::divideCeil(256, t.nr));
  }

  /// Rows per mc block: mc rounded down to a multiple of mr.
  static int64_t rowBlock(const Tiles &t) {
    return std::max<int64_t>(t.mr, t.mc / t.mr * t.mr);
  }

  /// The whole contraction restricted to the panels [begin, end).
  void emit(OpBuilder &b, Value begin, Value end) {
    panelBegin = begin;
    panelEnd = end;
    SmallVector<Value> lbs, ubs, steps;
    for (unsigned d : c.outer) {
      lbs.push_back(index(b, 0));
      ubs.push_back(index(b, c.sizes[d]));
      steps.push_back(index(b, 1));
    }
    ivs.assign(c.sizes.size(), index(b, 0));
    scf::buildLoopNest(b, loc, lbs, ubs, steps,
                       [&](OpBuilder &nb, Location, ValueRange outerIvs) {
                         for (auto [d, iv] : llvm::zip(c.outer, outerIvs))
                           ivs[d] = iv;
                         emitBlocks(nb);
                       });
  }

private:
  Value index(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// The indices `map` gives for the loop ivs, with m, n and k replaced.
  SmallVector<Value> indices(OpBuilder &b, AffineMap map, Value m, Value n,
                             Value k) {
    SmallVector<OpFoldResult> operands = getAsOpFoldResult(ivs);
    operands[c.m] = m;
    operands[c.n] = n;
    operands[c.k] = k;
    return applyIndexingMap(b, loc, map, operands);
  }

  void emitBlocks(OpBuilder &b) {
    int64_t m = c.sizes[c.m];
    int64_t mc = rowBlock(t);
    int64_t fullPanels = c.sizes[c.n] / t.nr;
    int64_t blockPanels = outBlockPanels(c, t);
    scf::ForOp::create(
        b, loc, index(b, 0), index(b, m), index(b, mc), ValueRange{},
        [&](OpBuilder &b, Location, Value mBlock, ValueRange) {
          scf::ForOp::create(
              b, loc, panelBegin, panelEnd, index(b, blockPanels), ValueRange{},
              [&](OpBuilder &b, Location, Value nBlock, ValueRange) {
                Value nBlockEnd = arith::MinSIOp::create(
                    b, loc, panelEnd,
                    arith::AddIOp::create(b, loc, nBlock,
                                          index(b, blockPanels)));
                emitKBlocks(b, mBlock, nBlock, nBlockEnd, mc, fullPanels);
                scf::YieldOp::create(b, loc);
              });
          scf::YieldOp::create(b, loc);
        });
  }

  /// The kc blocks of rows [mBlock, mBlock + mc) and panels
  /// [nBlock, nBlockEnd): that block of out stays in cache across them.
  void emitKBlocks(OpBuilder &b, Value mBlock, Value nBlock, Value nBlockEnd,
                   int64_t mc, int64_t fullPanels) {
    int64_t m = c.sizes[c.m], n = c.sizes[c.n], k = c.sizes[c.k];
    int64_t mMain = m - m % t.mr;
    scf::ForOp::create(
        b, loc, index(b, 0), index(b, k), index(b, t.kc), ValueRange{},
        [&](OpBuilder &b, Location, Value kBlock, ValueRange) {
          Value kLen = arith::MinSIOp::create(
              b, loc, index(b, t.kc),
              arith::SubIOp::create(b, loc, index(b, k), kBlock));
          Value blockEnd = arith::AddIOp::create(b, loc, mBlock, index(b, mc));
          Value rowsEnd =
              arith::MinSIOp::create(b, loc, blockEnd, index(b, mMain));
          Value lastBlock = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::sge, blockEnd, index(b, m));
          Bounds bounds{mBlock, rowsEnd, lastBlock, kBlock, kLen};
          emitPackLhs(b, bounds, mc);
          if (fullPanels > 0)
            scf::ForOp::create(
                b, loc, nBlock,
                arith::MinSIOp::create(b, loc, nBlockEnd, index(b, fullPanels)),
                index(b, 1), ValueRange{},
                [&](OpBuilder &b, Location, Value panel, ValueRange) {
                  Value n0 =
                      arith::MulIOp::create(b, loc, panel, index(b, t.nr));
                  emitPanel(b, bounds, n0, t.nr);
                  scf::YieldOp::create(b, loc);
                });
          if (n % t.nr) {
            Value hasTail =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                      nBlockEnd, index(b, fullPanels));
            scf::IfOp::create(b, loc, hasTail, [&](OpBuilder &b, Location) {
              emitPanel(b, bounds, index(b, n - n % t.nr), n % t.nr);
              scf::YieldOp::create(b, loc);
            });
          }
          scf::YieldOp::create(b, loc);
        });
  }

  struct Bounds {
    Value mBlock, rowsEnd, lastBlock, kBlock, kLen;
  };

  /// One panel of `cols` valid columns starting at n0: pack it (unless the
  /// weight is packed), then run the kernel over the block's rows.
  void emitPanel(OpBuilder &b, const Bounds &blk, Value n0, int64_t cols) {
    if (!c.packedWidth)
      emitPack(b, blk, n0, cols);
    scf::ForOp::create(b, loc, blk.mBlock, blk.rowsEnd, index(b, t.mr),
                       ValueRange{},
                       [&](OpBuilder &b, Location, Value m0, ValueRange) {
                         emitKernel(b, blk, m0, n0, t.mr, cols);
                         scf::YieldOp::create(b, loc);
                       });
    int64_t m = c.sizes[c.m];
    if (m % t.mr) {
      scf::IfOp::create(b, loc, blk.lastBlock, [&](OpBuilder &b, Location) {
        emitKernel(b, blk, index(b, m - m % t.mr), n0, m % t.mr, cols);
        scf::YieldOp::create(b, loc);
      });
    }
  }

  /// lhsTiles[r / mr, k, r % mr] = lhs[mBlock + r, kBlock + k] for the
  /// block's rows r. Each k step copies one whole tile row, unrolled here: a
  /// partial last tile repeats row M - 1, which its kernel never reads.
  /// (Left as loops, LLVM vectorizes this copy into scatters with run-time
  /// alias checks, dozens of times larger and slower to compile.)
  void emitPackLhs(OpBuilder &b, const Bounds &blk, int64_t mc) {
    int64_t m = c.sizes[c.m];
    Value rows = arith::MinSIOp::create(
        b, loc, index(b, mc),
        arith::SubIOp::create(b, loc, index(b, m), blk.mBlock));
    Value tiles = arith::CeilDivUIOp::create(b, loc, rows, index(b, t.mr));
    scf::ForOp::create(
        b, loc, index(b, 0), tiles, index(b, 1), ValueRange{},
        [&](OpBuilder &b, Location, Value tile, ValueRange) {
          Value first = arith::AddIOp::create(
              b, loc, blk.mBlock,
              arith::MulIOp::create(b, loc, tile, index(b, t.mr)));
          SmallVector<Value> rowOf;
          for (int64_t i = 0; i < t.mr; ++i)
            rowOf.push_back(arith::MinSIOp::create(
                b, loc, arith::AddIOp::create(b, loc, first, index(b, i)),
                index(b, m - 1)));
          scf::ForOp::create(
              b, loc, index(b, 0), blk.kLen, index(b, 1), ValueRange{},
              [&](OpBuilder &b, Location, Value kk, ValueRange) {
                Value k = arith::AddIOp::create(b, loc, blk.kBlock, kk);
                for (int64_t i = 0; i < t.mr; ++i) {
                  Value v = memref::LoadOp::create(
                      b, loc, lhs,
                      indices(b, maps[0], rowOf[i], index(b, 0), k));
                  memref::StoreOp::create(b, loc, v, lhsBuffer,
                                          ValueRange{tile, kk, index(b, i)});
                }
                scf::YieldOp::create(b, loc);
              });
          scf::YieldOp::create(b, loc);
        });
  }

  /// panel[k, j] = rhs[kBlock + k, n0 + j] for j < cols, zero beyond; each
  /// panel row unrolled, as for lhs.
  void emitPack(OpBuilder &b, const Bounds &blk, Value n0, int64_t cols) {
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    scf::ForOp::create(
        b, loc, index(b, 0), blk.kLen, index(b, 1), ValueRange{},
        [&](OpBuilder &b, Location, Value kk, ValueRange) {
          Value k = arith::AddIOp::create(b, loc, blk.kBlock, kk);
          for (int64_t j = 0; j < t.nr; ++j) {
            Value v = zero;
            if (j < cols) {
              Value n = arith::AddIOp::create(b, loc, n0, index(b, j));
              v = memref::LoadOp::create(
                  b, loc, rhs, indices(b, maps[1], index(b, 0), n, k));
            }
            memref::StoreOp::create(b, loc, v, panelBuffer,
                                    ValueRange{kk, index(b, j)});
          }
          scf::YieldOp::create(b, loc);
        });
  }

  /// Vector `v` of the panel row kk.
  Value loadPanel(OpBuilder &b, const Bounds &blk, Value n0, Value kk,
                  int64_t v) {
    if (!c.packedWidth)
      return vector::LoadOp::create(b, loc, vectorType, panelBuffer,
                                    ValueRange{kk, index(b, v * t.lanes)});
    Value k = arith::AddIOp::create(b, loc, blk.kBlock, kk);
    Value panel = arith::DivUIOp::create(b, loc, n0, index(b, c.packedWidth));
    return vector::LoadOp::create(b, loc, vectorType, rhs,
                                  ValueRange{panel, k, index(b, v * t.lanes)});
  }

  /// rows x cols of out at (m0, n0) += lhs[m0.., kBlock..] * panel.
  void emitKernel(OpBuilder &b, const Bounds &blk, Value m0, Value n0,
                  int64_t rows, int64_t cols) {
    int64_t vectors = llvm::divideCeil(cols, t.lanes);
    Value zero = index(b, 0);
    auto mask = [&](OpBuilder &b, int64_t v) -> Value {
      int64_t valid = cols - v * t.lanes;
      if (valid >= t.lanes)
        return {};
      return vector::ConstantMaskOp::create(
          b, loc, VectorType::get({t.lanes}, b.getI1Type()),
          ArrayRef<int64_t>{valid});
    };
    Value zeroVector = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
    Value tile = arith::DivUIOp::create(
        b, loc, arith::SubIOp::create(b, loc, m0, blk.mBlock), index(b, t.mr));

    // One k step of the rows x vectors register tile into `sums`.
    int64_t accumulators = rows * vectors;
    auto step = [&](OpBuilder &b, Value kk, MutableArrayRef<Value> sums) {
      SmallVector<Value> panel;
      for (int64_t v = 0; v < vectors; ++v)
        panel.push_back(loadPanel(b, blk, n0, kk, v));
      for (int64_t i = 0; i < rows; ++i) {
        Value a = memref::LoadOp::create(b, loc, lhsBuffer,
                                         ValueRange{tile, kk, index(b, i)});
        Value splat = vector::BroadcastOp::create(b, loc, vectorType, a);
        for (int64_t v = 0; v < vectors; ++v) {
          Value &sum = sums[i * vectors + v];
          if (t.fma) {
            sum = vector::FMAOp::create(b, loc, splat, panel[v], sum);
          } else {
            Value product = arith::MulFOp::create(b, loc, splat, panel[v]);
            sum = arith::AddFOp::create(b, loc, sum, product);
          }
        }
      }
    };
    // A tile of few accumulators (the m tail; one row in a decode step's
    // matrix-vector product) would wait on each FMA's latency: it sums
    // consecutive k in up to 4 independent chains, added in a fixed order
    // at the end (the same for every thread count).
    int64_t chains =
        accumulators >= 8
            ? 1
            : std::min<int64_t>(4, llvm::divideCeil(8, accumulators));

    // Each kc block is summed from zero and then added to out: blocked
    // summation, more accurate than one running sum over all of K.
    Value kMain = blk.kLen;
    if (chains > 1)
      kMain = arith::SubIOp::create(
          b, loc, blk.kLen,
          arith::RemUIOp::create(b, loc, blk.kLen, index(b, chains)));
    SmallVector<Value> init(accumulators * chains, zeroVector);
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), kMain, index(b, chains), init,
        [&](OpBuilder &b, Location, Value kk, ValueRange acc) {
          SmallVector<Value> next(acc);
          for (int64_t chain = 0; chain < chains; ++chain)
            step(b,
                 chain ? arith::AddIOp::create(b, loc, kk, index(b, chain))
                       : kk,
                 MutableArrayRef<Value>(next).slice(chain * accumulators,
                                                    accumulators));
          scf::YieldOp::create(b, loc, next);
        });
    SmallVector<Value> sums(loop.getResults().take_front(accumulators));
    if (chains > 1) {
      // The k left over, then the other chains.
      auto rest = scf::ForOp::create(
          b, loc, kMain, blk.kLen, index(b, 1), sums,
          [&](OpBuilder &b, Location, Value kk, ValueRange acc) {
            SmallVector<Value> next(acc);
            step(b, kk, next);
            scf::YieldOp::create(b, loc, next);
          });
      sums.assign(rest.getResults().begin(), rest.getResults().end());
      for (int64_t chain = 1; chain < chains; ++chain)
        for (int64_t j = 0; j < accumulators; ++j)
          sums[j] = arith::AddFOp::create(
              b, loc, sums[j], loop.getResult(chain * accumulators + j));
    }
    // The first kc block stores into a zero-filled out without reading it;
    // the last applies the epilogue.
    bool zeroInit = bool(fusion.zeroFill), epilogue = bool(fusion.epilogue);
    auto stores = [&](OpBuilder &b, bool first, bool last) {
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t v = 0; v < vectors; ++v)
          emitStore(b, sums[i * vectors + v], m0, n0, i, v, mask(b, v),
                    /*addPrior=*/!(first && zeroInit), last && epilogue);
    };
    auto branch = [&](Value cond, function_ref<void(OpBuilder &)> then,
                      function_ref<void(OpBuilder &)> otherwise) {
      scf::IfOp::create(
          b, loc, cond,
          [&](OpBuilder &b, Location) {
            then(b);
            scf::YieldOp::create(b, loc);
          },
          [&](OpBuilder &b, Location) {
            otherwise(b);
            scf::YieldOp::create(b, loc);
          });
    };
    int64_t k = c.sizes[c.k];
    if (k <= t.kc || (!zeroInit && !epilogue)) {
      stores(b, /*first=*/true, /*last=*/true);
      return;
    }
    Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          blk.kBlock, zero);
    Value isLast = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::sge,
        arith::AddIOp::create(b, loc, blk.kBlock, index(b, t.kc)), index(b, k));
    auto middle = [&](OpBuilder &b) { stores(b, false, false); };
    auto lastOrMiddle = [&](OpBuilder &b) {
      if (epilogue)
        branch(isLast, [&](OpBuilder &b) { stores(b, false, true); }, middle);
      else
        middle(b);
    };
    if (zeroInit)
      branch(
          isFirst, [&](OpBuilder &b) { stores(b, true, false); }, lastOrMiddle);
    else
      lastOrMiddle(b);
  }

  /// Stores the sum of row i, vector v of the tile at (m0, n0): added to
  /// out's prior value or not, through the epilogue into its output or
  /// into out.
  void emitStore(OpBuilder &b, Value sum, Value m0, Value n0, int64_t i,
                 int64_t v, Value mask, bool addPrior, bool applyEpilogue) {
    Value zero = index(b, 0);
    Value m = arith::AddIOp::create(b, loc, m0, index(b, i));
    Value n = arith::AddIOp::create(b, loc, n0, index(b, v * t.lanes));
    SmallVector<Value> idx = indices(b, maps[2], m, n, zero);
    auto load = [&](Value memref, ValueRange at) -> Value {
      if (mask)
        return vector::MaskedLoadOp::create(
            b, loc, vectorType, memref, at, mask,
            arith::ConstantOp::create(
                b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f)));
      return vector::LoadOp::create(b, loc, vectorType, memref, at);
    };
    if (addPrior)
      sum = arith::AddFOp::create(b, loc, load(out, idx), sum);
    Value dest = out;
    if (applyEpilogue) {
      sum = emitEpilogue(b, sum, m, n, load);
      dest = extra.back();
    }
    if (mask)
      vector::MaskedStoreOp::create(b, loc, dest, idx, mask, sum);
    else
      vector::StoreOp::create(b, loc, sum, dest, idx);
  }

  /// The epilogue's body on vectors: its inputs loaded at (..., m, n..),
  /// out's value `sum`.
  Value emitEpilogue(OpBuilder &b, Value sum, Value m, Value n,
                     function_ref<Value(Value, ValueRange)> load) {
    return emitEpilogueBody(
        b, loc, fusion, extra, sum, t.lanes, [&](unsigned i, Value memref) {
          const EpilogueInput &input = fusion.inputs[i];
          SmallVector<Value> at = indices(b, input.map, m, n, index(b, 0));
          if (input.kind == EpilogueInput::Vector)
            return load(memref, at);
          return Value(vector::BroadcastOp::create(
              b, loc, vectorType, memref::LoadOp::create(b, loc, memref, at)));
        });
  }

  const Contraction &c;
  const Tiles &t;
  const Fusion &fusion;
  Value panelBuffer, lhsBuffer;
  Location loc;
  Value lhs, rhs, out;
  ValueRange extra;
  SmallVector<AffineMap> maps;
  VectorType vectorType;
  SmallVector<Value> ivs;
  Value panelBegin, panelEnd;
};

/// Whether the kernel can address `op`'s operands: memrefs, the output (and
/// a packed rhs) unit-stride along their last dim.
bool isAddressable(linalg::GenericOp op, const Contraction &c, const Tiles &t) {
  // The microkernel's panels and vectors are f32.
  if (!op.hasPureBufferSemantics() || c.narrowRhs || c.narrowLhs)
    return false;
  auto out = cast<MemRefType>(op.getDpsInits()[0].getType());
  if (!out.isLastDimUnitStride())
    return false;
  if (c.packedWidth) {
    auto rhs = cast<MemRefType>(op.getDpsInputs()[1].getType());
    if (c.packedWidth != t.nr || !rhs.isLastDimUnitStride())
      return false;
  }
  return true;
}

struct TileMatmulPass : fmc::impl::TileMatmulPassBase<TileMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    if (mr <= 0 || lanes <= 0 || nr <= 0 || nr % lanes || kc <= 0 || mc <= 0 ||
        outBlockBytes <= 0) {
      getOperation()->emitError("fmc-tile-matmul: mr, kc, mc and "
                                "out-block-bytes must be "
                                "positive and nr a positive multiple of lanes");
      return signalPassFailure();
    }
    Tiles tiles{mr, nr, lanes, kc, mc, outBlockBytes, useFMA};
    struct Work {
      linalg::GenericOp op;
      Contraction c;
      Fusion fusion;
    };
    SmallVector<Work> work;
    getOperation()->walk([&](linalg::GenericOp op) {
      FailureOr<Contraction> c = matchContraction(op);
      if (succeeded(c) && isAddressable(op, *c, tiles))
        work.push_back({op, *c, {}});
    });
    // Matched before anything is rewritten: a fill or an epilogue belongs to
    // the contraction next to it.
    for (Work &w : work)
      w.fusion = matchFusion(w.op, w.c);
    // Which contractions are split across threads; the others run in place
    // and share, per function, one set of scratch buffers (allocated on
    // entry, sized for the largest), so a function with many of them does
    // not need a stack frame per contraction.
    struct Scratch {
      int64_t lhsTiles = 0;
      bool panel = false;
      Value panelBuffer, lhsBuffer;
    };
    llvm::MapVector<Operation *, Scratch> scratch;
    SmallVector<bool> parallel;
    for (auto &[op, c, fusion] : work) {
      int64_t macs = c.sizes[c.m] * c.sizes[c.n] * c.sizes[c.k];
      for (unsigned d : c.outer)
        macs *= c.sizes[d];
      parallel.push_back(
          macs >= parallelMinWork && KernelEmitter::panels(c, tiles) > 1 &&
          llvm::all_of(
              llvm::concat<Value>(op->getOperands(), fusion.extraOperands()),
              [](Value v) { return isBarePointerCompatible(v.getType()); }));
      if (parallel.back())
        continue;
      Scratch &s = scratch[op->getParentOfType<FunctionOpInterface>()];
      s.lhsTiles = std::max(s.lhsTiles, lhsTiles(c, tiles));
      s.panel |= !c.packedWidth;
    }
    for (auto &[func, s] : scratch) {
      Block &entry = cast<FunctionOpInterface>(func).getFunctionBody().front();
      OpBuilder b(&entry, entry.begin());
      std::tie(s.panelBuffer, s.lhsBuffer) =
          createBuffers(b, func->getLoc(), s.lhsTiles, s.panel);
    }
    unsigned taskCount = 0;
    for (auto [item, isParallel] : llvm::zip(work, parallel)) {
      auto &[op, c, fusion] = item;
      SmallVector<Value> operands(op->getOperands());
      llvm::append_range(operands, fusion.extraOperands());
      if (isParallel) {
        outline(op, c, fusion, operands, tiles, taskCount++);
      } else {
        Scratch &s = scratch[op->getParentOfType<FunctionOpInterface>()];
        OpBuilder b(op);
        KernelEmitter emitter(op, c, tiles, fusion, operands, s.panelBuffer,
                              s.lhsBuffer);
        emitter.emit(b, arith::ConstantIndexOp::create(b, op.getLoc(), 0),
                     arith::ConstantIndexOp::create(
                         b, op.getLoc(), KernelEmitter::panels(c, tiles)));
      }
      op->erase();
      if (fusion.epilogue)
        fusion.epilogue->erase();
      if (fusion.zeroFill)
        fusion.zeroFill->erase();
    }
  }

  /// Row tiles of one lhs block of `c`.
  static int64_t lhsTiles(const Contraction &c, const Tiles &t) {
    return llvm::divideCeil(std::min(KernelEmitter::rowBlock(t), c.sizes[c.m]),
                            t.mr);
  }

  /// Scratch buffers: an rhs panel (if one is packed at run time) and
  /// `tiles` lhs row tiles.
  std::pair<Value, Value> createBuffers(OpBuilder &b, Location loc,
                                        int64_t tiles, bool panel) {
    Type f32 = b.getF32Type();
    Value panelBuffer;
    if (panel)
      panelBuffer = memref::AllocaOp::create(
          b, loc, MemRefType::get({kc, nr}, f32), b.getI64IntegerAttr(64));
    Value lhsBuffer = memref::AllocaOp::create(
        b, loc, MemRefType::get({tiles, kc, mr}, f32), b.getI64IntegerAttr(64));
    return {panelBuffer, lhsBuffer};
  }

  /// The kernel in a task function over a panel range, called for all
  /// panels; fmc-dispatch-parallel-tasks splits the range across threads.
  void outline(linalg::GenericOp op, const Contraction &c, const Fusion &fusion,
               ValueRange operands, const Tiles &tiles, unsigned number) {
    Location loc = op.getLoc();
    auto parent = op->getParentOfType<func::FuncOp>();
    OpBuilder b(parent);
    SmallVector<Type> types = {b.getIndexType(), b.getIndexType()};
    llvm::append_range(types, operands.getTypes());
    auto task = func::FuncOp::create(
        b, loc, (parent.getName() + "_matmul" + std::to_string(number)).str(),
        b.getFunctionType(types, {}));
    task.setPrivate();
    task->setAttr(kParallelTaskAttr, b.getUnitAttr());
    Block *body = task.addEntryBlock();
    b.setInsertionPointToStart(body);
    auto [panel, lhs] =
        createBuffers(b, loc, lhsTiles(c, tiles), !c.packedWidth);
    KernelEmitter emitter(op, c, tiles, fusion,
                          body->getArguments().drop_front(2), panel, lhs);
    emitter.emit(b, body->getArgument(0), body->getArgument(1));
    func::ReturnOp::create(b, loc);

    OpBuilder site(op);
    SmallVector<Value> args = {arith::ConstantIndexOp::create(site, loc, 0),
                               arith::ConstantIndexOp::create(
                                   site, loc, KernelEmitter::panels(c, tiles))};
    llvm::append_range(args, operands);
    func::CallOp::create(site, loc, task, args);
  }
};

} // namespace
