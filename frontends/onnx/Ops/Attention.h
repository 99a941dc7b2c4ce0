//===- Attention.h - helpers shared by the attention importers --*- C++ -*-===//
//
// Used by the ONNX (Attention.cpp) and com.microsoft (Contrib.cpp) importers
// of attention and rotary embeddings.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_FRONTENDS_ONNX_OPS_ATTENTION_H
#define FMC_FRONTENDS_ONNX_OPS_ATTENTION_H

#include "frontends/onnx/NodeContext.h"

namespace mlir::fmc::onnx {

/// [B, S, H * D] -> [B, H, S, D].
Value splitHeads(NodeContext &n, Value x, int64_t heads);

/// fmc.attention of query [B, H, S, D] over key/value [B, Hkv, T, *] (after
/// the optional cache past_key/past_value [B, Hkv, P, *], which adds the
/// present results), with an optional additive or boolean `mask`
/// broadcasting to [B, H, S, P + T]. Null if the inputs do not fit
/// (diagnosed).
AttentionOp attention(NodeContext &n, Value query, Value key, Value value,
                      Value mask, Value pastKey, Value pastValue, double scale,
                      bool causal);

/// [B, H, S, Dv] -> [B, S, H * Dv].
Value mergeHeads(NodeContext &n, Value x);

/// Rows of a [max_position, W] cache picked by `positions` (any shape P):
/// a [P..., W] tensor. Null if a build failed (diagnosed).
Value gatherPositions(NodeContext &n, Value cache, Value positions);

/// A half-width cos or sin table [..., R/2] widened to the full rotary width
/// [..., R] that fmc.rotary takes: repeated as halves (cat(t, t)) or, when
/// `interleaved`, element by element (t0 t0 t1 t1 ...).
Value fullWidthRotaryTable(NodeContext &n, Value half, bool interleaved);

} // namespace mlir::fmc::onnx

#endif // FMC_FRONTENDS_ONNX_OPS_ATTENTION_H
