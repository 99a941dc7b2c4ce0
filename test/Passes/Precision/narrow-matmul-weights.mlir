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

// -----

// A convolution's filter [2, 3, 1, 1] read as the matrix [2, 3] (through a
// collapse_shape) on the lhs of its product: the filter becomes f16, the
// reshape reshapes f16 and the product extends it. A weight that only
// reaches an elementwise op through a reshape stays f32.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[F:[^:]+]]: tensor<2x3x1x1xf16> {{{.*}}fmc.weight = dense_resource<f.f16> : tensor<2x3x1x1xf16>}
// CHECK-SAME: %[[S:[^:]+]]: tensor<2x1xf32> {fmc.weight = dense_resource<s> : tensor<2x1xf32>}
// CHECK: %[[M:.+]] = tensor.collapse_shape %[[F]] {{\[}}[0], [1, 2, 3]] : tensor<2x3x1x1xf16> into tensor<2x3xf16>
// CHECK: %[[SC:.+]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1]] : tensor<2x1xf32> into tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%[[M]], %{{.+}} : tensor<2x3xf16>, tensor<1x3x5xf32>)
// CHECK-NEXT: ^bb0(%[[H:.+]]: f16, %[[A:.+]]: f32, %[[O:.+]]: f32):
// CHECK-NEXT:   %[[E:.+]] = arith.extf %[[H]] : f16 to f32
// CHECK-NEXT:   arith.mulf %[[E]], %[[A]] : f32
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[SC]] : tensor<1x2x5xf32>, tensor<2xf32>)
// CHECK-NOT: arith.extf
// CHECK: f.f16: "0x40000000003C0040003800BC0042662E"
#w = affine_map<(n, f, k, o) -> (f, k)>
#c = affine_map<(n, f, k, o) -> (n, k, o)>
#p = affine_map<(n, f, k, o) -> (n, f, o)>
#id3 = affine_map<(n, f, o) -> (n, f, o)>
#ch = affine_map<(n, f, o) -> (f)>
func.func @main(%x: tensor<1x3x5xf32>, %f: tensor<2x3x1x1xf32> {fmc.weight = dense_resource<f> : tensor<2x3x1x1xf32>}, %s: tensor<2x1xf32> {fmc.weight = dense_resource<s> : tensor<2x1xf32>}) -> tensor<1x2x5xf32> {
  %zero = arith.constant 0.0 : f32
  %m = tensor.collapse_shape %f [[0], [1, 2, 3]] : tensor<2x3x1x1xf32> into tensor<2x3xf32>
  %sc = tensor.collapse_shape %s [[0, 1]] : tensor<2x1xf32> into tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x5xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %prod = linalg.generic {indexing_maps = [#w, #c, #p], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%m, %x : tensor<2x3xf32>, tensor<1x3x5xf32>) outs(%acc : tensor<1x2x5xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %mul = arith.mulf %l, %r : f32
    %sum = arith.addf %o, %mul : f32
    linalg.yield %sum : f32
  } -> tensor<1x2x5xf32>
  %y = linalg.generic {indexing_maps = [#id3, #ch, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%prod, %sc : tensor<1x2x5xf32>, tensor<2xf32>) outs(%e : tensor<1x2x5xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  return %y : tensor<1x2x5xf32>
}

{-#
  dialect_resources: {
    builtin: {
      f: "0x040000000000803F000000400000003F000080BF00004040CDCCCC3D",
      s: "0x040000000000803F00000040"
    }
  }
#-}
