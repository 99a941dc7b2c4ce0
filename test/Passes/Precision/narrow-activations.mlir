// RUN: fmc-opt %s -split-input-file --fmc-narrow-activations='type=f16' | FileCheck %s
// RUN: fmc-opt %s -split-input-file --fmc-narrow-activations='type=bf16' | FileCheck %s --check-prefix=BF16
// RUN: not fmc-opt %s -split-input-file --fmc-narrow-activations='type=f8' 2>&1 | FileCheck %s --check-prefix=BAD

// An elementwise result that a reshape, a transpose and a matmul read is
// stored in f16: the producer rounds what it yields into an f16
// destination, the transpose moves f16, and the matmul extends lhs at the
// top of its body. The matmul's own result (it accumulates into its
// destination) and the function's result stay f32.
// CHECK-LABEL: func.func @chain(
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x6xf16>
// CHECK: %[[G:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<4x6xf32>) outs(%[[E]] : tensor<4x6xf16>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f16):
// CHECK-NEXT:   %[[M:.+]] = arith.mulf %[[IN]], %[[IN]] : f32
// CHECK-NEXT:   %[[R:.+]] = arith.truncf %[[M]] : f32 to f16
// CHECK-NEXT:   linalg.yield %[[R]] : f16
// CHECK: tensor.expand_shape %[[G]] {{.*}} : tensor<4x6xf16> into tensor<4x2x3xf16>
// CHECK: %[[TE:.+]] = tensor.empty() : tensor<2x4x3xf16>
// CHECK: %[[T:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x2x3xf16>) outs(%[[TE]] : tensor<2x4x3xf16>)
// CHECK: tensor.collapse_shape %[[T]] {{.*}} : tensor<2x4x3xf16> into tensor<8x3xf16>
// CHECK: %[[MM:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<8x3xf16>, tensor<3x5xf32>) outs(%{{.+}} : tensor<8x5xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f16, %[[B:.+]]: f32, %[[O:.+]]: f32):
// CHECK-NEXT:   %[[AW:.+]] = arith.extf %[[A]] : f16 to f32
// CHECK-NEXT:   arith.mulf %[[AW]], %[[B]] : f32
// CHECK: return %[[MM]] : tensor<8x5xf32>
// BF16-LABEL: func.func @chain(
// BF16: linalg.generic {{.*}} outs(%{{.+}} : tensor<4x6xbf16>)
// BF16: arith.truncf %{{.+}} : f32 to bf16
// BF16: arith.extf %{{.+}} : bf16 to f32
// BAD: error: fmc-narrow-activations: type must be f16 or bf16, not 'f8'
#id = affine_map<(i, j) -> (i, j)>
#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>
func.func @chain(%x: tensor<4x6xf32>, %w: tensor<3x5xf32>) -> tensor<8x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x6xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%in: f32, %o: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4x6xf32>
  %r = tensor.expand_shape %sq [[0], [1, 2]] output_shape [4, 2, 3] : tensor<4x6xf32> into tensor<4x2x3xf32>
  %te = tensor.empty() : tensor<2x4x3xf32>
  %t = linalg.transpose ins(%r : tensor<4x2x3xf32>) outs(%te : tensor<2x4x3xf32>) permutation = [1, 0, 2]
  %c = tensor.collapse_shape %t [[0, 1], [2]] : tensor<2x4x3xf32> into tensor<8x3xf32>
  %me = tensor.empty() : tensor<8x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%me : tensor<8x5xf32>) -> tensor<8x5xf32>
  %mm = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]} ins(%c, %w : tensor<8x3xf32>, tensor<3x5xf32>) outs(%f : tensor<8x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x5xf32>
  return %mm : tensor<8x5xf32>
}

// -----

// Stays f32: a result the function returns (here also read by another
// op), one read by a gather (tensor.extract in a body), and one whose
// producer reads its destination.
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: f16
// CHECK: return
#id1 = affine_map<(i) -> (i)>
func.func @kept(%x: tensor<4xf32>, %idx: tensor<4xindex>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.addf %in, %in : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  %g = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%idx : tensor<4xindex>) outs(%e : tensor<4xf32>) {
  ^bb0(%i: index, %o: f32):
    %v = tensor.extract %b[%i] : tensor<4xf32>
    linalg.yield %v : f32
  } -> tensor<4xf32>
  %acc = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%g : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.addf %in, %o : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  %h = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%acc : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.mulf %in, %in : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  return %a, %g, %h : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// A row loop (fmc-fuse-row-reductions) whose result the attention kernel
// reads as query, key and value: the loop's shared output becomes f16 and
// the generic that computes its slice rounds into it; the attention kernel
// reads f16 and writes an f16 destination, which the final op extends.
// CHECK-LABEL: func.func @rows_and_attention(
// CHECK: %[[RE:.+]] = tensor.empty() : tensor<1x2x8x4xf16>
// CHECK: %[[ROWS:.+]] = scf.forall (%{{.+}}) in (8) shared_outs(%[[ACC:.+]] = %[[RE]]) -> (tensor<1x2x8x4xf16>)
// CHECK: %[[IN:.+]] = tensor.extract_slice %{{.+}} : tensor<1x2x8x4xf32> to tensor<1x2x1x4xf32>
// CHECK: %[[OUT:.+]] = tensor.extract_slice %[[ACC]]{{.*}} : tensor<1x2x8x4xf16> to tensor<1x2x1x4xf16>
// CHECK: %[[ROW:.+]] = linalg.generic {{.*}} outs(%[[OUT]] : tensor<1x2x1x4xf16>)
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: tensor.parallel_insert_slice %[[ROW]] into %[[ACC]]{{.*}} : tensor<1x2x1x4xf16> into tensor<1x2x8x4xf16>
// CHECK: %[[AE:.+]] = tensor.empty() : tensor<1x2x8x4xf16>
// CHECK: %[[ATT:.+]] = fmc.attention_kernel %[[ROWS]], %[[ROWS]], %[[ROWS]] into %[[AE]] {{.*}} : (tensor<1x2x8x4xf16>, tensor<1x2x8x4xf16>, tensor<1x2x8x4xf16>, tensor<1x2x8x4xf16>) -> tensor<1x2x8x4xf16>
// CHECK: linalg.generic {{.*}} ins(%[[ATT]] : tensor<1x2x8x4xf16>) outs(%{{.+}} : tensor<1x2x8x4xf32>)
// CHECK-NEXT: ^bb0(%[[H:.+]]: f16, %{{.+}}: f32):
// CHECK-NEXT: arith.extf %[[H]] : f16 to f32
#id4 = affine_map<(a, b, c, d) -> (a, b, c, d)>
func.func @rows_and_attention(%x: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %e = tensor.empty() : tensor<1x2x8x4xf32>
  %rows = scf.forall (%r) in (8) shared_outs(%acc = %e) -> (tensor<1x2x8x4xf32>) {
    %in = tensor.extract_slice %x[0, 0, %r, 0] [1, 2, 1, 4] [1, 1, 1, 1] : tensor<1x2x8x4xf32> to tensor<1x2x1x4xf32>
    %out = tensor.extract_slice %acc[0, 0, %r, 0] [1, 2, 1, 4] [1, 1, 1, 1] : tensor<1x2x8x4xf32> to tensor<1x2x1x4xf32>
    %row = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%in : tensor<1x2x1x4xf32>) outs(%out : tensor<1x2x1x4xf32>) {
    ^bb0(%v: f32, %o: f32):
      %n = arith.mulf %v, %v : f32
      linalg.yield %n : f32
    } -> tensor<1x2x1x4xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %acc[0, 0, %r, 0] [1, 2, 1, 4] [1, 1, 1, 1] : tensor<1x2x1x4xf32> into tensor<1x2x8x4xf32>
    }
  }
  %att = fmc.attention_kernel %rows, %rows, %rows into %e {causal = true, scale = 5.000000e-01 : f64} : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%att : tensor<1x2x8x4xf32>) outs(%e : tensor<1x2x8x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  } -> tensor<1x2x8x4xf32>
  return %y : tensor<1x2x8x4xf32>
}

// -----

// A key cache with the new keys appended (the GPU lowering of an attention
// with past keys): two extending generics inserted into one empty tensor
// (shared with another concatenation), read by the attention kernel and by
// the generic that rounds the present keys. The concatenation becomes f16
// in an empty tensor of its own, each piece rounded as it is stored; the
// kernel reads f16 and the present's generic extends. A concatenation the
// function returns stays f32.
// CHECK-LABEL: func.func @key_cache(
// CHECK: %[[OLD:.+]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x2x4x4xf16>) outs(%{{.+}} : tensor<1x2x4x4xf16>)
// CHECK: %[[E1:.+]] = arith.extf
// CHECK-NEXT: %[[R1:.+]] = arith.truncf %[[E1]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[R1]] : f16
// CHECK: %[[NEW:.+]] = linalg.generic {{.*}} ins(%arg1 : tensor<1x2x4x4xf16>) outs(%{{.+}} : tensor<1x2x4x4xf16>)
// CHECK: arith.truncf
// CHECK: %[[OTHER:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1x2x4x4xf32>)
// CHECK: %[[SHARED:.+]] = tensor.empty() : tensor<1x2x8x4xf32>
// CHECK-NEXT: %[[KE:.+]] = tensor.empty() : tensor<1x2x8x4xf16>
// CHECK-NEXT: %[[K1:.+]] = tensor.insert_slice %[[OLD]] into %[[KE]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf16> into tensor<1x2x8x4xf16>
// CHECK-NEXT: %[[K2:.+]] = tensor.insert_slice %[[NEW]] into %[[K1]][0, 0, 4, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf16> into tensor<1x2x8x4xf16>
// CHECK-NEXT: tensor.insert_slice %[[OTHER]] into %[[SHARED]]{{.*}} : tensor<1x2x4x4xf32> into tensor<1x2x8x4xf32>
// CHECK-NEXT: fmc.attention_kernel %{{.+}}, %[[K2]], %{{.+}} into %{{.+}} {{.*}} : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf16>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[K2]] : tensor<1x2x8x4xf16>) outs(%{{.+}} : tensor<1x2x8x4xf16>)
// CHECK-NEXT: ^bb0(%[[H:.+]]: f16, %{{.+}}: f16):
// CHECK-NEXT: %[[X:.+]] = arith.extf %[[H]] : f16 to f32
// CHECK-NEXT: arith.truncf %[[X]] : f32 to f16
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>
func.func @key_cache(%past: tensor<1x2x4x4xf16>, %now: tensor<1x2x4x4xf16>, %q: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf16>, tensor<1x2x8x4xf32>) {
  %e4 = tensor.empty() : tensor<1x2x4x4xf32>
  %old = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%past : tensor<1x2x4x4xf16>) outs(%e4 : tensor<1x2x4x4xf32>) {
  ^bb0(%h: f16, %o: f32):
    %x = arith.extf %h : f16 to f32
    linalg.yield %x : f32
  } -> tensor<1x2x4x4xf32>
  %new = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%now : tensor<1x2x4x4xf16>) outs(%e4 : tensor<1x2x4x4xf32>) {
  ^bb0(%h: f16, %o: f32):
    %x = arith.extf %h : f16 to f32
    linalg.yield %x : f32
  } -> tensor<1x2x4x4xf32>
  %other = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%now : tensor<1x2x4x4xf16>) outs(%e4 : tensor<1x2x4x4xf32>) {
  ^bb0(%h: f16, %o: f32):
    %x = arith.extf %h : f16 to f32
    linalg.yield %x : f32
  } -> tensor<1x2x4x4xf32>
  %e8 = tensor.empty() : tensor<1x2x8x4xf32>
  %k1 = tensor.insert_slice %old into %e8[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x2x8x4xf32>
  %k2 = tensor.insert_slice %new into %k1[0, 0, 4, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x2x8x4xf32>
  %returned = tensor.insert_slice %other into %e8[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x2x8x4xf32>
  %att = fmc.attention_kernel %q, %k2, %v into %q {causal = true, scale = 5.000000e-01 : f64} : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  %e8h = tensor.empty() : tensor<1x2x8x4xf16>
  %present = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%k2 : tensor<1x2x8x4xf32>) outs(%e8h : tensor<1x2x8x4xf16>) {
  ^bb0(%x: f32, %o: f16):
    %h = arith.truncf %x : f32 to f16
    linalg.yield %h : f16
  } -> tensor<1x2x8x4xf16>
  return %att, %present, %returned : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf16>, tensor<1x2x8x4xf32>
}
