// RUN: fmc-opt %s -split-input-file --fmc-emit-entry-point | FileCheck %s
// RUN: fmc-opt %s -split-input-file --fmc-emit-entry-point="function=model entry=run" | FileCheck %s --check-prefix=NAMED

// fmc_entry(buffers) loads buffer i from buffers[i] and calls the model; every
// other defined function becomes internal, declarations stay external.

// CHECK-LABEL: llvm.func internal @helper(
// CHECK-LABEL: llvm.func internal @main(
// CHECK-SAME:    %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr)
// CHECK-NOT:     fmc.
// CHECK:         llvm.call @helper
// CHECK:       llvm.func internal @model(
// CHECK:       llvm.func @external(!llvm.ptr)
// CHECK-NOT:   @run
// CHECK-LABEL: llvm.func @fmc_entry(
// CHECK-SAME:    %[[BUFS:[^:]*]]: !llvm.ptr) {
// CHECK-NEXT:    %[[P0:.*]] = llvm.getelementptr %[[BUFS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[B0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:    %[[P1:.*]] = llvm.getelementptr %[[BUFS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[B1:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:    %[[P2:.*]] = llvm.getelementptr %[[BUFS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[B2:.*]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:    llvm.call @main(%[[B0]], %[[B1]], %[[B2]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }

// The names come from the options: @main is then just another function.
// NAMED-LABEL: llvm.func internal @main(
// NAMED-SAME:    fmc.input = "x"
// NAMED-LABEL: llvm.func internal @model(
// NAMED-SAME:    %{{[^:]*}}: !llvm.ptr)
// NAMED-NOT:   @fmc_entry
// NAMED-LABEL: llvm.func @run(
// NAMED-SAME:    %[[BUFS:[^:]*]]: !llvm.ptr) {
// NAMED-NEXT:    %[[P0:.*]] = llvm.getelementptr %[[BUFS]][0]
// NAMED-NEXT:    %[[B0:.*]] = llvm.load %[[P0]]
// NAMED-NEXT:    llvm.call @model(%[[B0]]) : (!llvm.ptr) -> ()
// NAMED-NEXT:    llvm.return
llvm.func @helper(%a: !llvm.ptr) {
  llvm.return
}
llvm.func @main(%in: !llvm.ptr {fmc.input = "x", fmc.element_type = ui8}, %w: !llvm.ptr {fmc.weight = 0 : i32}, %out: !llvm.ptr {fmc.output = "y"}) {
  llvm.call @helper(%in) : (!llvm.ptr) -> ()
  llvm.return
}
llvm.func @model(%a: !llvm.ptr) {
  llvm.return
}
llvm.func @external(!llvm.ptr)

// -----

// A model without buffers still gets an entry point.
// CHECK-LABEL: llvm.func internal @main()
// CHECK-LABEL: llvm.func @fmc_entry(
// CHECK-SAME:    %{{[^:]*}}: !llvm.ptr) {
// CHECK-NEXT:    llvm.call @main() : () -> ()
// CHECK-NEXT:    llvm.return

// NAMED-LABEL: llvm.func @run(
// NAMED-NEXT:    llvm.call @model() : () -> ()
llvm.func @main() {
  llvm.return
}
llvm.func @model() {
  llvm.return
}
