// The optional LLVM JIT (-DKAOPING_JIT=ON, LLVM 15): native code for the streaming pass.
//
// - Every row program the row plan could not put in a quick form (rowplan.h) is compiled to
//   a NativeProgram; it returns false when it fails (division by zero, overflow, a value
//   matching no arm), and the VM then evaluates it again to report the error.
// - Every kind whose programs can all be compiled gets a kernel (KindKernel): the kind's
//   attributes parsed from the record's raw fields, its conditions, filters, values and
//   amounts evaluated, then its accumulator updates and rule effects applied, in one
//   function specialised to the scheme (constants, slots, relations, ranges folded in).
//
// The generated code does what the interpreter does, bit for bit (the differential test
// runtime/eval/tests/differential.sh checks this on every golden case and on W1).
#pragma once

#include <memory>
#include <string>

#include "runtime/eval/rowplan.h"

namespace kaoping::jit {

// Compiles what it can of the plan's row programs and kinds into `out`. Depends on the
// plan alone (parameters, subject attributes, relations are read through the kernel's
// context at run time), so it may run on its own thread. Returns false with `error` set
// when LLVM could not be set up or failed (the interpreter then runs everything).
bool compile(const plan::Plan& plan, const eval::KernelHelpers& helpers, eval::NativeCode& out, std::string& error);

}  // namespace kaoping::jit
