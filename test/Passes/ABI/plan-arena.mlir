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
