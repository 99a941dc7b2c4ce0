// RUN: fmc-opt %s -split-input-file --fmc-narrow-matmul-weights='type=f16' | FileCheck %s
// RUN: fmc-opt %s -split-input-file --fmc-narrow-matmul-weights='type=bf16' | FileCheck %s --check-prefix=BF16
// RUN: not fmc-opt %s -split-input-file --fmc-narrow-matmul-weights='type=f8' 2>&1 | FileCheck %s --check-prefix=BAD

// A matmul weight [3, 2] (1, 2, 0.5, -1, 3, 0.1) read directly becomes f16
// data in place (0.1 rounds to 0x2E66); one read through a 2-D transpose
// (Gemm's transB) gets a transposed f16 copy, one however many transposes
// read it, and the transposes go. The
// matmul extends the element to f32 before it multiplies; the bias, read by
// an elementwise op only, stays f32.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x3xf32>
// CHECK-SAME: %[[W:[^:]+]]: tensor<3x2xf16> {{{.*}}fmc.weight = dense_resource<w.f16> : tensor<3x2xf16>}
// CHECK-SAME: %[[B:[^:]+]]: tensor<2xf32> {fmc.weight = dense_resource<b> : tensor<2xf32>}
// CHECK-SAME: %[[T:[^:]+]]: tensor<3x2xf16> {{{.*}}fmc.weight = dense_resource<wt.t.f16> : tensor<3x2xf16>}
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<4x3xf32>, tensor<3x2xf16>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[H:.+]]: f16, %[[O:.+]]: f32):
// CHECK-NEXT:   %[[E:.+]] = arith.extf %[[H]] : f16 to f32
// CHECK-NEXT:   arith.mulf %[[A]], %[[E]] : f32
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[B]] : tensor<4x2xf32>, tensor<2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[T]] : tensor<4x3xf32>, tensor<3x2xf16>)
// CHECK: arith.extf
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[T]] : tensor<4x3xf32>, tensor<3x2xf16>)
// CHECK: arith.extf
// CHECK: w.f16: "0x40000000003C0040003800BC0042662E"
// CHECK: wt.t.f16: "0x40000000003C0040003800BC0042662E"
// CHECK-NOT: wt.t.f16_
// BF16: tensor<3x2xbf16> {{{.*}}fmc.weight = dense_resource<w.bf16> : tensor<3x2xbf16>}
// BF16: arith.extf %{{.+}} : bf16 to f32
// BF16: w.bf16: "0x40000000803F0040003F80BF4040CD3D"
// BAD: error: fmc-narrow-matmul-weights: type must be f16 or bf16, not 'f8'
#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>
func.func @main(%x: tensor<4x3xf32>, %w: tensor<3x2xf32> {fmc.weight = dense_resource<w> : tensor<3x2xf32>}, %b: tensor<2xf32> {fmc.weight = dense_resource<b> : tensor<2xf32>}, %wt: tensor<2x3xf32> {fmc.weight = dense_resource<wt> : tensor<2x3xf32>}) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %p = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p, %b : tensor<4x2xf32>, tensor<2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%v: f32, %c: f32, %o: f32):
    %s = arith.addf %v, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %te = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%wt : tensor<2x3xf32>) outs(%te : tensor<3x2xf32>) permutation = [1, 0]
  %q = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %t : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %te2 = tensor.empty() : tensor<3x2xf32>
  %t2 = linalg.transpose ins(%wt : tensor<2x3xf32>) outs(%te2 : tensor<3x2xf32>) permutation = [1, 0]
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %t2 : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %y, %q, %r : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000003F000080BF00004040CDCCCC3D",
      b: "0x040000000000803F00000040",
      wt: "0x040000000000803F0000003F0000404000000040000080BFCDCCCC3D"
    }
  }
#-}
