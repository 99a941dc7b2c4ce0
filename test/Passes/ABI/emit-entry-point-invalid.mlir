// RUN: fmc-opt %s -split-input-file -verify-diagnostics --fmc-emit-entry-point

// expected-error @+1 {{no lowered model function named 'main'}}
module {
  llvm.func @model(%a: !llvm.ptr) {
    llvm.return
  }
}

// -----

// A declaration is not a lowered model.
// expected-error @+1 {{no lowered model function named 'main'}}
module {
  llvm.func @main(!llvm.ptr)
}

// -----

module {
  // expected-error @+1 {{model function parameter of type 'i64' is not a bare pointer; lower memrefs with use-bare-ptr-memref-call-conv and static shapes}}
  llvm.func @main(%a: !llvm.ptr, %n: i64) {
    llvm.return
  }
}

// -----

module {
  // expected-error @+1 {{model function still returns '!llvm.ptr'; results must be out-parameters (buffer-results-to-out-params)}}
  llvm.func @main(%a: !llvm.ptr) -> !llvm.ptr {
    llvm.return %a : !llvm.ptr
  }
}

// -----

// expected-error @+1 {{symbol 'fmc_entry' already exists}}
module {
  llvm.func @main(%a: !llvm.ptr) {
    llvm.return
  }
  llvm.func @fmc_entry(%a: !llvm.ptr) {
    llvm.return
  }
}
