// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-fuse-row-reductions),canonicalize,cse)' | FileCheck %s

// A layer norm: sum, center, sum of squares, normalize. All four run in one
// loop over the rows; nothing of the chain is left outside it.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm
// CHECK-NOT:     linalg.generic
// CHECK:         %[[Y:.*]] = scf.forall (%[[I:.*]]) in (4) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<4x8xf32>)
// CHECK:           %[[X:.*]] = tensor.extract_slice %arg0[%[[I]], 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<1x8xf32>
// CHECK:           %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[X]] : tensor<1x8xf32>)
// CHECK:           %[[C:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[SUM]] : tensor<1x8xf32>, tensor<1xf32>)
// CHECK:           %[[SQ:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[C]] : tensor<1x8xf32>)
// CHECK:           %[[N:.*]] = linalg.generic {{.*}} ins(%[[C]], %[[SQ]], %arg1 : tensor<1x8xf32>, tensor<1xf32>, tensor<8xf32>)
// CHECK:           tensor.parallel_insert_slice %[[N]] into %[[OUT]][%[[I]], 0] [1, 8] [1, 1]
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Y]]
func.func @layer_norm(%x: tensor<4x8xf32>, %scale: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %count = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %full = tensor.empty() : tensor<4x8xf32>
  %c = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %sum : tensor<4x8xf32>, tensor<4xf32>) outs(%full : tensor<4x8xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %m = arith.divf %s, %count : f32
    %r = arith.subf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%c : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %s: f32):
    %p = arith.mulf %a, %a : f32
    %r = arith.addf %s, %p : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %sq, %scale : tensor<4x8xf32>, tensor<4xf32>, tensor<8xf32>) outs(%full : tensor<4x8xf32>) {
  ^bb0(%a: f32, %v: f32, %g: f32, %o: f32):
    %m = arith.divf %v, %count : f32
    %d = arith.addf %m, %eps : f32
    %i = math.rsqrt %d : f32
    %n = arith.mulf %a, %i : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A softmax over the last dim of [2, 3, 16]: rows are the first two dims.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @softmax
// CHECK-NOT:     linalg.generic
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) in (2, 3)
// CHECK-COUNT-4:   linalg.generic
// CHECK:           tensor.parallel_insert_slice {{.*}} : tensor<1x1x16xf32> into tensor<2x3x16xf32>
// CHECK-NOT:     linalg.generic
func.func @softmax(%x: tensor<2x3x16xf32>) -> tensor<2x3x16xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %lo = linalg.fill ins(%ninf : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<2x3x16xf32>) outs(%lo : tensor<2x3xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.maximumf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %full = tensor.empty() : tensor<2x3x16xf32>
  %exp = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %max : tensor<2x3x16xf32>, tensor<2x3xf32>) outs(%full : tensor<2x3x16xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<2x3x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%exp : tensor<2x3x16xf32>) outs(%z : tensor<2x3xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%exp, %sum : tensor<2x3x16xf32>, tensor<2x3xf32>) outs(%full : tensor<2x3x16xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.divf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

// -----

// A residual sum that is also returned stays before the loop (it is
// computed once, for both users); the norm's own steps move into the loop.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @shared_input
// CHECK:         %[[S:.*]] = linalg.generic {{.*}}ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         %[[Y:.*]] = scf.forall
// CHECK:           tensor.extract_slice %[[S]]
// CHECK:         return %[[Y]], %[[S]]
func.func @shared_input(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %full = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%full : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %e = tensor.empty() : tensor<4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%s : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%x: f32, %t: f32):
    %r = arith.addf %t, %x : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s, %sum : tensor<4x8xf32>, tensor<4xf32>) outs(%full : tensor<4x8xf32>) {
  ^bb0(%x: f32, %t: f32, %o: f32):
    %r = arith.subf %x, %t : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %y, %s : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Not fused: the reduction is used outside the chain too (it would be
// computed twice), the reduced dim is dynamic (a row would not have a static
// size), and the reduction is over the leading dim (not a row).
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#first = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @not_fused
// CHECK-NOT:     scf.forall
// CHECK-COUNT-6: linalg.generic
// CHECK-NOT:     scf.forall
func.func @not_fused(%x: tensor<4x8xf32>, %d: tensor<4x?xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4x?xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c1 = arith.constant 1 : index
  %e = tensor.empty() : tensor<4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %full = tensor.empty() : tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %sum : tensor<4x8xf32>, tensor<4xf32>) outs(%full : tensor<4x8xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.subf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %dsum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%d : tensor<4x?xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %n = tensor.dim %d, %c1 : tensor<4x?xf32>
  %dfull = tensor.empty(%n) : tensor<4x?xf32>
  %dy = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d, %dsum : tensor<4x?xf32>, tensor<4xf32>) outs(%dfull : tensor<4x?xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.subf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  %e8 = tensor.empty() : tensor<8xf32>
  %acc8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<8xf32>) -> tensor<8xf32>
  %csum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x8xf32>) outs(%acc8 : tensor<8xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %cy = linalg.generic {indexing_maps = [#id, #first, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %csum : tensor<4x8xf32>, tensor<8xf32>) outs(%full : tensor<4x8xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.subf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %y, %sum, %dy, %cy : tensor<4x8xf32>, tensor<4xf32>, tensor<4x?xf32>, tensor<4x8xf32>
}
