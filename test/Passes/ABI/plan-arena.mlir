// RUN: fmc-opt %s --fmc-plan-arena --split-input-file | FileCheck %s

// Three 4 KiB buffers in a chain: %a dies when %c is written, so %c reuses
// %a's bytes; %b overlaps both. The arena is 8 KiB, the last argument.
// CHECK-LABEL: module attributes {fmc.arena_bytes = 8192 : i64}
// CHECK: func.func @main(%[[IN:.+]]: memref<1024xf32> {fmc.input = "x"}, %[[OUT:.+]]: memref<1024xf32> {fmc.output = "y"}, %[[ARENA:.+]]: memref<8192xi8> {fmc.arena})
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[C0]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: linalg.copy ins(%[[IN]] : memref<1024xf32>) outs(%[[A]] : memref<1024xf32>)
// CHECK: %[[C4096:.+]] = arith.constant 4096 : index
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[C4096]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: linalg.copy ins(%[[A]] : memref<1024xf32>) outs(%[[B]] : memref<1024xf32>)
// CHECK: %[[REUSED:.+]] = arith.constant 0 : index
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[REUSED]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: linalg.copy ins(%[[B]] : memref<1024xf32>) outs(%[[C]] : memref<1024xf32>)
// CHECK-NOT: memref.alloc
module {
  func.func @main(%in: memref<1024xf32> {fmc.input = "x"}, %out: memref<1024xf32> {fmc.output = "y"}) {
    %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
    linalg.copy ins(%in : memref<1024xf32>) outs(%a : memref<1024xf32>)
    %b = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
    linalg.copy ins(%a : memref<1024xf32>) outs(%b : memref<1024xf32>)
    %c = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
    linalg.copy ins(%b : memref<1024xf32>) outs(%c : memref<1024xf32>)
    linalg.copy ins(%c : memref<1024xf32>) outs(%out : memref<1024xf32>)
    return
  }
}

// -----

// A use through a view inside a loop keeps the buffer live for the whole
// loop: %t (read through a subview in the loop) and %u (written in it) do
// not share. The dynamically shaped buffer stays an allocation.
// CHECK-LABEL: module attributes {fmc.arena_bytes = 128 : i64}
// CHECK: %[[T:.+]] = memref.view %{{.+}}[%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[U:.+]] = memref.view %{{.+}}[%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK: scf.for
// CHECK: memref.subview %[[T]]
// CHECK: memref.store %{{.+}}, %[[U]]
// CHECK: memref.alloc(%{{.+}}) : memref<?xf32>
module {
  func.func @main(%in: memref<16xf32> {fmc.input = "x"}, %n: index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %t = memref.alloc() : memref<16xf32>
    linalg.copy ins(%in : memref<16xf32>) outs(%t : memref<16xf32>)
    %u = memref.alloc() : memref<16xf32>
    scf.for %i = %c0 to %c4 step %c1 {
      %s = memref.subview %t[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
      %v = memref.load %s[%i] : memref<8xf32, strided<[1]>>
      memref.store %v, %u[%i] : memref<16xf32>
    }
    linalg.copy ins(%u : memref<16xf32>) outs(%in : memref<16xf32>)
    %d = memref.alloc(%n) : memref<?xf32>
    return
  }
}

// -----

// A contraction's input stays live through the next op, which the matmul
// kernels may fuse into the contraction as its epilogue (LLaMA's SwiGLU:
// up = x W_up, then silu(gate) * up): the kernel writes the epilogue's
// result %h while it still reads %x, so %h must not take %x's bytes,
// although %x's last use is the contraction. (Without the epilogue,
// %h would reuse offset 0.)
// CHECK-LABEL: module attributes {fmc.arena_bytes = 1536 : i64}
// CHECK: %[[X:.+]] = memref.view %{{.+}}[%[[C0:.+]]][] : memref<1536xi8> to memref<8x16xf32>
// CHECK: linalg.copy ins(%{{.+}} : memref<8x16xf32>) outs(%[[X]]
// CHECK: %[[UP:.+]] = memref.view %{{.+}}[%{{.+}}][] : memref<1536xi8> to memref<8x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.+}} : memref<8x16xf32>, memref<16x16xf32>) outs(%[[UP]]
// CHECK: %[[C1024:.+]] = arith.constant 1024 : index
// CHECK: %[[H:.+]] = memref.view %{{.+}}[%[[C1024]]][] : memref<1536xi8> to memref<8x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[UP]], %{{.+}} : memref<8x16xf32>, memref<8x16xf32>) outs(%[[H]]
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
module {
  func.func @main(%in: memref<8x16xf32> {fmc.input = "x"}, %w: memref<16x16xf32> {fmc.input = "w"}, %gate: memref<8x16xf32> {fmc.input = "g"}, %out: memref<8x16xf32> {fmc.output = "y"}) {
    %x = memref.alloc() {alignment = 64 : i64} : memref<8x16xf32>
    linalg.copy ins(%in : memref<8x16xf32>) outs(%x : memref<8x16xf32>)
    %up = memref.alloc() {alignment = 64 : i64} : memref<8x16xf32>
    linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : memref<8x16xf32>, memref<16x16xf32>) outs(%up : memref<8x16xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    %h = memref.alloc() {alignment = 64 : i64} : memref<8x16xf32>
    linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%up, %gate : memref<8x16xf32>, memref<8x16xf32>) outs(%h : memref<8x16xf32>) {
    ^bb0(%u: f32, %g: f32, %o: f32):
      %m = arith.mulf %u, %g : f32
      linalg.yield %m : f32
    }
    linalg.copy ins(%h : memref<8x16xf32>) outs(%out : memref<8x16xf32>)
    return
  }
}
