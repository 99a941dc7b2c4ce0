// RUN: fmc-opt %s --pass-pipeline="builtin.module(fmc-tile-matmul{mr=2 nr=8 lanes=4 kc=4 mc=4})" | FileCheck %s

#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>
#row = affine_map<(m, n) -> (m)>

// A zero fill before the contraction and an elementwise generic after it
// (bias along n, a scale along m, a constant) are both absorbed: K = 8 is two
// kc blocks; the first stores its sums without reading out, the second adds
// out and applies the epilogue's body on vectors into %d.
// CHECK-LABEL: func.func @fill_and_epilogue(
// CHECK-SAME: %[[A:[^:]+]]: memref<4x8xf32>, %[[B:[^:]+]]: memref<8x8xf32>, %[[BIAS:[^:]+]]: memref<8xf32>, %[[SCALE:[^:]+]]: memref<4xf32>, %[[D:[^:]+]]: memref<4x8xf32>
// CHECK: %[[C:.+]] = memref.alloc()
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.generic
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[KB:.+]], %{{.+}} : index
// CHECK: %[[END:.+]] = arith.addi %[[KB]], %{{.+}} : index
// CHECK: %[[LAST:.+]] = arith.cmpi sge, %[[END]], %{{.+}} : index
// CHECK: scf.if %[[FIRST]] {
// CHECK-NOT: vector.load %[[C]]
// CHECK: vector.store %{{.+}}, %[[C]]
// CHECK: } else {
// CHECK: scf.if %[[LAST]] {
// CHECK: %[[PRIOR:.+]] = vector.load %[[C]]
// CHECK: %[[SUM:.+]] = arith.addf %[[PRIOR]], %{{.+}} : vector<4xf32>
// CHECK: %[[BV:.+]] = vector.load %[[BIAS]][%{{.+}}] : memref<8xf32>, vector<4xf32>
// CHECK: %[[S:.+]] = memref.load %[[SCALE]][%{{.+}}] : memref<4xf32>
// CHECK: %[[SV:.+]] = vector.broadcast %[[S]] : f32 to vector<4xf32>
// CHECK: %[[X:.+]] = arith.addf %[[SUM]], %[[BV]] : vector<4xf32>
// CHECK: %[[Y:.+]] = arith.mulf %[[X]], %[[SV]] : vector<4xf32>
// CHECK: %[[HALF:.+]] = arith.constant dense<5.000000e-01> : vector<4xf32>
// CHECK: %[[Z:.+]] = arith.mulf %[[Y]], %[[HALF]] : vector<4xf32>
// CHECK: vector.store %[[Z]], %[[D]]
// CHECK: } else {
// CHECK: vector.load %[[C]]
// CHECK: vector.store %{{.+}}, %[[C]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @fill_and_epilogue(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %bias: memref<8xf32>, %scale: memref<4xf32>, %d: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %c = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias, %scale : memref<4x8xf32>, memref<8xf32>, memref<4xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %sv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    %1 = arith.mulf %0, %sv : f32
    %2 = arith.mulf %1, %half : f32
    linalg.yield %2 : f32
  }
  memref.dealloc %c : memref<4x8xf32>
  return
}

// Out is read again after the elementwise generic: its final sums must be
// stored, so only the fill is absorbed.
// CHECK-LABEL: func.func @out_read_later(
// CHECK-NOT: linalg.fill
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: linalg.copy
func.func @out_read_later(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %bias: memref<8xf32>, %d: memref<4x8xf32>, %e: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  linalg.copy ins(%c : memref<4x8xf32>) outs(%e : memref<4x8xf32>)
  return
}

// Views of one arena: the epilogue's output overlaps lhs (bytes 64..192
// against 0..128), which the kernel still reads while it would store, so the
// generic stays; with disjoint bytes it is absorbed. A fill of a value other
// than zero stays too.
// CHECK-LABEL: func.func @arena(
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[OUT1:.+]] : memref<4x8xf32>)
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[OVERLAP:.+]] : memref<4x8xf32>)
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @arena(%arena: memref<1024xi8>, %b: memref<8x8xf32>, %bias: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %c768 = arith.constant 768 : index
  %a = memref.view %arena[%c0][] : memref<1024xi8> to memref<4x8xf32>
  %c = memref.view %arena[%c256][] : memref<1024xi8> to memref<4x8xf32>
  %overlap = memref.view %arena[%c64][] : memref<1024xi8> to memref<4x8xf32>
  linalg.fill ins(%one : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%overlap : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  %c2 = memref.view %arena[%c512][] : memref<1024xi8> to memref<4x8xf32>
  %disjoint = memref.view %arena[%c768][] : memref<1024xi8> to memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%c2 : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c2 : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c2, %bias : memref<4x8xf32>, memref<8xf32>) outs(%disjoint : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  return
}

// Out is a buffer the caller sees (a model output): its sums must land
// there, so the generic after it stays.
// CHECK-LABEL: func.func @out_is_argument(
// CHECK: vector.fma
// CHECK: linalg.generic
func.func @out_is_argument(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %bias: memref<8xf32>, %c: memref<4x8xf32>, %d: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  return
}

// The epilogue's output view is made between the two: it moves up, and the
// kernel stores into it.
// CHECK-LABEL: func.func @view_in_between(
// CHECK: %[[D:.+]] = memref.collapse_shape
// CHECK: vector.fma
// CHECK: vector.store %{{.+}}, %[[D]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @view_in_between(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %bias: memref<8xf32>, %d3: memref<1x4x8xf32>) {
  %c = memref.alloc() : memref<4x8xf32>
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  %d = memref.collapse_shape %d3 [[0, 1], [2]] : memref<1x4x8xf32> into memref<4x8xf32>
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  return
}

// A quantizing epilogue (QuantizeLinear or QLinearMatMul after the f32
// product: scale, round half to even, add the zero point, clamp, convert to
// int8) runs on the registers and stores int8 vectors into its output.
// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: %[[Q:[^:]+]]: memref<4x8xi8>
// CHECK-NOT: linalg.generic
// CHECK: %[[S:.+]] = arith.mulf %{{.+}}, %{{.+}} : vector<4xf32>
// CHECK: %[[R:.+]] = math.roundeven %[[S]] : vector<4xf32>
// CHECK: %[[Z:.+]] = arith.addf %[[R]], %{{.+}} : vector<4xf32>
// CHECK: %[[LO:.+]] = arith.maximumf %[[Z]], %{{.+}} : vector<4xf32>
// CHECK: %[[HI:.+]] = arith.minimumf %[[LO]], %{{.+}} : vector<4xf32>
// CHECK: %[[I:.+]] = arith.fptosi %[[HI]] : vector<4xf32> to vector<4xi8>
// CHECK: vector.store %[[I]], %[[Q]][%{{.+}}, %{{.+}}] : memref<4x8xi8>, vector<4xi8>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @quantize(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %q: memref<4x8xi8>) {
  %zero = arith.constant 0.0 : f32
  %scale = arith.constant 0.125 : f32
  %zp = arith.constant 3.0 : f32
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  %c = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x8xf32>) outs(%q : memref<4x8xi8>) {
  ^bb0(%x: f32, %o: i8):
    %0 = arith.mulf %x, %scale : f32
    %1 = math.roundeven %0 : f32
    %2 = arith.addf %1, %zp : f32
    %3 = arith.maximumf %2, %lo : f32
    %4 = arith.minimumf %3, %hi : f32
    %5 = arith.fptosi %4 : f32 to i8
    linalg.yield %5 : i8
  }
  memref.dealloc %c : memref<4x8xf32>
  return
}

// Booleans are not fused: a vector of i1 would be stored as packed bits.
// CHECK-LABEL: func.func @bool_result(
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: return
func.func @bool_result(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %q: memref<4x8xi1>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x8xf32>) outs(%q : memref<4x8xi1>) {
  ^bb0(%x: f32, %o: i1):
    %0 = arith.cmpf ogt, %x, %zero : f32
    linalg.yield %0 : i1
  }
  memref.dealloc %c : memref<4x8xf32>
  return
}

// One buffer reused for several products (the arena gives BERT's Q, K and
// V products one): the first product's value dies when the second fill
// overwrites out, so its epilogue is absorbed; the second's is read by the
// copy after its epilogue, so that epilogue stays.
// CHECK-LABEL: func.func @out_reused(
// CHECK-SAME: %{{[^:]+}}: memref<4x8xf32>, %{{[^:]+}}: memref<8x8xf32>, %[[BIAS:[^:]+]]: memref<8xf32>, %[[D:[^:]+]]: memref<4x8xf32>, %[[E:[^:]+]]: memref<4x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: vector.store %{{.+}}, %[[D]]
// CHECK-NOT: linalg.generic
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[E]] : memref<4x8xf32>)
// CHECK: linalg.copy
func.func @out_reused(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %bias: memref<8xf32>, %d: memref<4x8xf32>, %e: memref<4x8xf32>, %f: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%e : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  linalg.copy ins(%c : memref<4x8xf32>) outs(%f : memref<4x8xf32>)
  memref.dealloc %c : memref<4x8xf32>
  return
}

// A view of out made before the product and read after its epilogue reads
// the product's value: the epilogue stays.
// CHECK-LABEL: func.func @view_read_later(
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: linalg.copy
func.func @view_read_later(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %bias: memref<8xf32>, %d: memref<4x8xf32>, %f: memref<2x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x8xf32>
  %top = memref.subview %c[0, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1]>>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<4x8xf32>, memref<8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%x: f32, %bv: f32, %o: f32):
    %0 = arith.addf %x, %bv : f32
    linalg.yield %0 : f32
  }
  linalg.copy ins(%top : memref<2x8xf32, strided<[8, 1]>>) outs(%f : memref<2x8xf32>)
  memref.dealloc %c : memref<4x8xf32>
  return
}
