// RUN: fmc-opt %s --fmc-fold-constant-generics --split-input-file | FileCheck %s
// Values over max-elements are left to run time: the scale (2 elements)
// stays a generic that reads the weights.
// RUN: fmc-opt %s --fmc-fold-constant-generics=max-elements=1 --split-input-file | FileCheck %s --check-prefix=LIMIT
// LIMIT-LABEL: func.func @main(
// LIMIT-SAME: dense_resource<var>
// LIMIT-SAME: dense_resource<gamma>
// LIMIT: math.sqrt

// A batch norm's scale 1 / sqrt(var + eps) * gamma reads only weights: it
// is evaluated here (var = [3, -0.2], eps 1, gamma = [2, 1]: 1 / sqrt(4) *
// 2 = 1 and 1 / sqrt(0.8) = 1.1180340, in f32 step by step), the value
// becomes the weight folded.0 and the weights it read go. The product of
// the input by it stays.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x2xf32> {fmc.input = "x"}
// CHECK-SAME: %[[S:[^:]+]]: tensor<2xf32> {{{.*}}fmc.weight = dense_resource<folded.0> : tensor<2xf32>}
// CHECK-NOT: dense_resource<var>
// CHECK-NOT: dense_resource<gamma>
// CHECK-NOT: math.sqrt
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[S]] : tensor<3x2xf32>, tensor<2xf32>)
// CHECK: arith.mulf
// CHECK: folded.0: "0x400000000000803F{{[0-9A-F][0-9A-F]}}1B8F3F"
#id1 = affine_map<(c) -> (c)>
#id2 = affine_map<(n, c) -> (n, c)>
#ch = affine_map<(n, c) -> (c)>
func.func @main(%x: tensor<3x2xf32> {fmc.input = "x"}, %var: tensor<2xf32> {fmc.weight = dense_resource<var> : tensor<2xf32>}, %gamma: tensor<2xf32> {fmc.weight = dense_resource<gamma> : tensor<2xf32>}) -> tensor<3x2xf32> {
  %eps = arith.constant 1.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<2xf32>
  %scale = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%var, %gamma : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>) {
  ^bb0(%v: f32, %g: f32, %o: f32):
    %a = arith.addf %v, %eps : f32
    %r = math.sqrt %a : f32
    %i = arith.divf %one, %r : f32
    %s = arith.mulf %i, %g : f32
    linalg.yield %s : f32
  } -> tensor<2xf32>
  %ey = tensor.empty() : tensor<3x2xf32>
  %y = linalg.generic {indexing_maps = [#id2, #ch, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %scale : tensor<3x2xf32>, tensor<2xf32>) outs(%ey : tensor<3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      var: "0x0400000000004040CDCC4CBE",
      gamma: "0x04000000000000400000803F"
    }
  }
#-}

// -----

// Rotary tables of known positions (a pinned decode step): the angles
// (inv_freq * 8), concatenated with themselves through two insert_slices
// into an empty tensor, and their cosines are evaluated; the table the
// rotation reads is a weight (cos(0) = 1, cos(8 * 0.25) = cos(2) =
// -0.41614684). An insert_slice into a tensor that an op computes at run
// time stays, and so does what reads an input.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[Q:[^:]+]]: tensor<4xf32> {fmc.input = "q"}
// CHECK-SAME: %[[T:[^:]+]]: tensor<4xf32> {{{.*}}fmc.weight = dense_resource<folded.0> : tensor<4xf32>}
// CHECK-NOT: math.cos
// CHECK: %[[R:.+]] = linalg.generic {{.*}} ins(%[[Q]], %[[T]] : tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[I:.+]] = tensor.insert_slice %{{.+}} into %[[R]][0] [2] [1] : tensor<2xf32> into tensor<4xf32>
// CHECK: return %[[I]]
// CHECK: folded.0: "0x400000000000803F{{[0-9A-F][0-9A-F]}}11D5BE0000803F{{[0-9A-F][0-9A-F]}}11D5BE"
#v = affine_map<(i) -> (i)>
func.func @main(%q: tensor<4xf32> {fmc.input = "q"}) -> tensor<4xf32> {
  %inv = arith.constant dense<[0.0, 0.25]> : tensor<2xf32>
  %pos = arith.constant 8.0 : f32
  %e2 = tensor.empty() : tensor<2xf32>
  %angles = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]}
      ins(%inv : tensor<2xf32>) outs(%e2 : tensor<2xf32>) {
  ^bb0(%f: f32, %o: f32):
    %a = arith.mulf %f, %pos : f32
    linalg.yield %a : f32
  } -> tensor<2xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %lo = tensor.insert_slice %angles into %e4[0] [2] [1] : tensor<2xf32> into tensor<4xf32>
  %both = tensor.insert_slice %angles into %lo[2] [2] [1] : tensor<2xf32> into tensor<4xf32>
  %cos = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]}
      ins(%both : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = math.cos %a : f32
    linalg.yield %c : f32
  } -> tensor<4xf32>
  %rot = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]}
      ins(%q, %cos : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%x: f32, %c: f32, %o: f32):
    %m = arith.mulf %x, %c : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %out = tensor.insert_slice %angles into %rot[0] [2] [1] : tensor<2xf32> into tensor<4xf32>
  return %out : tensor<4xf32>
}
