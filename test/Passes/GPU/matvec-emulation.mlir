// The matrix-vector kernel of fmc-gpu-tile-matmul (products of fewer than
// min-size rows), run on the host by fmc-gpu-launches-to-host-loops and
// checked element by element against plain loops: 3 x 300 x 168, rhs
// stored [n][k] (read along k, f16) and [k][n] (read along n, bf16); k
// is not a multiple of a loop step (the last step's loads past k are
// dropped) and n not of the block's columns (the last block's stores are
// masked). With sms=132 the blocks are narrower (more of them, k split
// more ways). The operands are small multiples of 1/4 and 1/8, so every
// product and sum is exact in f32 and the kernel must match the loops
// exactly.
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul,fmc-gpu-launches-to-host-loops),lower-affine,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{sms=132},fmc-gpu-launches-to-host-loops),lower-affine,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s
// The kernels are matrix-vector ones (not the loops the count runs).
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul))' | FileCheck %s --check-prefix=KERNEL
// KERNEL-LABEL: func.func @k_major
// KERNEL: fmc.kernel = "matrix-vector: 3 row(s), 16 columns per block, k split 16 ways, rhs read 8 at a time along k"
// KERNEL-LABEL: func.func @n_major
// KERNEL: fmc.kernel = "matrix-vector: 3 row(s), 128 columns per block, k split 8 ways, rhs read 4 at a time along n"
// CHECK: K-major B, elements that differ: 0
// CHECK: N-major B, elements that differ: 0

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs_nk = affine_map<(m, n, k) -> (n, k)>
#rhs_kn = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

func.func @k_major(%a: memref<3x168xf16>, %w: memref<300x168xf16>, %c: memref<3x300xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<3x300xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs_nk, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<3x168xf16>, memref<300x168xf16>) outs(%c : memref<3x300xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %xw = arith.extf %x : f16 to f32
    %hw = arith.extf %h : f16 to f32
    %p = arith.mulf %xw, %hw : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @n_major(%a: memref<3x168xbf16>, %w: memref<168x300xbf16>, %c: memref<3x300xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<3x300xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs_kn, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<3x168xbf16>, memref<168x300xbf16>) outs(%c : memref<3x300xf32>) {
  ^bb0(%x: bf16, %h: bf16, %acc: f32):
    %xw = arith.extf %x : bf16 to f32
    %hw = arith.extf %h : bf16 to f32
    %p = arith.mulf %xw, %hw : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// ((i * p + j * q) mod r - r / 2) / s: small values, exact in f16 and bf16.
func.func @value(%i: index, %j: index, %p: index, %q: index, %r: index, %s: f32) -> f32 {
  %ip = arith.muli %i, %p : index
  %jq = arith.muli %j, %q : index
  %sum = arith.addi %ip, %jq : index
  %mod = arith.remui %sum, %r : index
  %c2 = arith.constant 2 : index
  %half = arith.divui %r, %c2 : index
  %centered = arith.subi %mod, %half : index
  %int = arith.index_cast %centered : index to i32
  %f = arith.sitofp %int : i32 to f32
  %v = arith.divf %f, %s : f32
  return %v : f32
}

// Counts the elements of `got` that differ from sum_k a(m, k) b(k, n).
func.func @count(%a: memref<3x168xf32>, %b: memref<168x300xf32>, %got: memref<3x300xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cm = arith.constant 3 : index
  %cn = arith.constant 300 : index
  %ck = arith.constant 168 : index
  %zero = arith.constant 0.0 : f32
  %bad = scf.for %i = %c0 to %cm step %c1 iter_args(%b0 = %c0) -> index {
    %bi = scf.for %j = %c0 to %cn step %c1 iter_args(%b1 = %b0) -> index {
      %sum = scf.for %k = %c0 to %ck step %c1 iter_args(%acc = %zero) -> f32 {
        %x = memref.load %a[%i, %k] : memref<3x168xf32>
        %y = memref.load %b[%k, %j] : memref<168x300xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      %g = memref.load %got[%i, %j] : memref<3x300xf32>
      %same = arith.cmpf oeq, %g, %sum : f32
      %next = arith.addi %b1, %c1 : index
      %r = arith.select %same, %b1, %next : index
      scf.yield %r : index
    }
    scf.yield %bi : index
  }
  return %bad : index
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c11 = arith.constant 11 : index
  %c13 = arith.constant 13 : index
  %cm = arith.constant 3 : index
  %cn = arith.constant 300 : index
  %ck = arith.constant 168 : index
  %four = arith.constant 4.0 : f32
  %eight = arith.constant 8.0 : f32
  %a = memref.alloc() : memref<3x168xf32>
  %b = memref.alloc() : memref<168x300xf32>
  %a16 = memref.alloc() : memref<3x168xf16>
  %abf = memref.alloc() : memref<3x168xbf16>
  %bnk = memref.alloc() : memref<300x168xf16>
  %bkn = memref.alloc() : memref<168x300xbf16>
  %c = memref.alloc() : memref<3x300xf32>
  scf.for %i = %c0 to %cm step %c1 {
    scf.for %k = %c0 to %ck step %c1 {
      %v = func.call @value(%i, %k, %c7, %c3, %c11, %four) : (index, index, index, index, index, f32) -> f32
      memref.store %v, %a[%i, %k] : memref<3x168xf32>
      %h = arith.truncf %v : f32 to f16
      memref.store %h, %a16[%i, %k] : memref<3x168xf16>
      %bh = arith.truncf %v : f32 to bf16
      memref.store %bh, %abf[%i, %k] : memref<3x168xbf16>
    }
  }
  scf.for %k = %c0 to %ck step %c1 {
    scf.for %j = %c0 to %cn step %c1 {
      %v = func.call @value(%j, %k, %c5, %c2, %c13, %eight) : (index, index, index, index, index, f32) -> f32
      memref.store %v, %b[%k, %j] : memref<168x300xf32>
      %h = arith.truncf %v : f32 to f16
      memref.store %h, %bnk[%j, %k] : memref<300x168xf16>
      %bh = arith.truncf %v : f32 to bf16
      memref.store %bh, %bkn[%k, %j] : memref<168x300xbf16>
    }
  }
  func.call @k_major(%a16, %bnk, %c) : (memref<3x168xf16>, memref<300x168xf16>, memref<3x300xf32>) -> ()
  %bad0 = func.call @count(%a, %b, %c) : (memref<3x168xf32>, memref<168x300xf32>, memref<3x300xf32>) -> index
  %n0 = arith.index_cast %bad0 : index to i64
  vector.print str "K-major B, elements that differ: "
  vector.print %n0 : i64
  func.call @n_major(%abf, %bkn, %c) : (memref<3x168xbf16>, memref<168x300xbf16>, memref<3x300xf32>) -> ()
  %bad1 = func.call @count(%a, %b, %c) : (memref<3x168xf32>, memref<168x300xf32>, memref<3x300xf32>) -> index
  %n1 = arith.index_cast %bad1 : index to i64
  vector.print str "N-major B, elements that differ: "
  vector.print %n1 : i64
  return
}
