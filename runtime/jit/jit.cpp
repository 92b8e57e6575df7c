// The LLVM JIT for the streaming pass (see jit.h).
//
// Code generation: a program's stack bytecode is translated instruction by instruction
// with every stack slot and local in an alloca (the stack depth at each instruction is
// known statically), and LLVM's mem2reg/SROA turn them into SSA values; the VM's
// semantics of each instruction (absent values, Kleene logic, overflow checks) are
// reproduced exactly, with decimal multiplication, division and rounding calling the same
// Decimal code the VM uses. A failing instruction branches to the function's failure exit.
//
// A kernel has three parts: (1) each attribute parsed from its raw field (integers, yes/no
// and enum values inline, the rest through a runtime helper; anything not valid makes the
// kernel give the row back to the interpreter, which reports it); (2) every action's
// condition or filter and, when it holds, its values, all before anything is changed, so a
// failure can still give the row back; (3) the updates, in the interpreter's order:
// additions into dense slots inline (overflow-checked, and noted in the reader's
// DeltaBound), other aggregate updates through a runtime helper.
#include "runtime/jit/jit.h"

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

#include "runtime/data/csv.h"
#include "runtime/eval/state.h"

namespace kaoping::jit {

namespace {

using plan::Code;

static_assert(sizeof(Value) == 32 && offsetof(Value, bits) == 0 && offsetof(Value, absent) == 16);
static_assert(sizeof(data::CsvField) == 16 && offsetof(data::CsvField, size) == 8);
static_assert(offsetof(eval::DeltaBound, largest) == 0 && offsetof(eval::DeltaBound, adds) == 16);

// ---------------------------------------------------------------------------- runtime helpers
// Called from generated code by address; 1 = done, 0 = failed (the VM reports it).

int decimalMul(const __int128* a, const __int128* b, __int128* out) noexcept {
  try {
    *out = (Decimal::fromRaw(*a) * Decimal::fromRaw(*b)).raw();
    return 1;
  } catch (...) {
    return 0;
  }
}

int decimalDiv(const __int128* a, const __int128* b, __int128* out) noexcept {
  try {
    *out = (Decimal::fromRaw(*a) / Decimal::fromRaw(*b)).raw();
    return 1;
  } catch (...) {
    return 0;
  }
}

int decimalRound(const __int128* a, int32_t places, int32_t mode, __int128* out) noexcept {
  try {
    *out = Decimal::fromRaw(*a).round(places, static_cast<RoundingMode>(mode)).raw();
    return 1;
  } catch (...) {
    return 0;
  }
}

// which: 0 FloorToInt, 1 CeilToInt, 2 FloorDec, 3 CeilDec
int decimalFloorCeil(const __int128* a, int32_t which, __int128* out) noexcept {
  try {
    Decimal d = (which == 0 || which == 2) ? Decimal::fromRaw(*a).floor() : Decimal::fromRaw(*a).ceil();
    if (which >= 2) {
      *out = d.raw();
      return 1;
    }
    auto i = d.toInt64();
    if (!i) return 0;
    *out = *i;
    return 1;
  } catch (...) {
    return 0;
  }
}

// ---------------------------------------------------------------------------- code generation

struct V {
  llvm::Value* bits;    // i128
  llvm::Value* absent;  // i1
};

class Codegen {
 public:
  Codegen(llvm::LLVMContext& c, llvm::Module& m, const plan::Plan& p, const eval::KernelHelpers& h)
      : c_(c), m_(m), b_(c), p_(p), h_(h) {
    i1_ = llvm::Type::getInt1Ty(c);
    i8_ = llvm::Type::getInt8Ty(c);
    i32_ = llvm::Type::getInt32Ty(c);
    i64_ = llvm::Type::getInt64Ty(c);
    i128_ = llvm::Type::getInt128Ty(c);
    ptr_ = llvm::PointerType::getUnqual(c);
  }

  // Whether every instruction of the program can be compiled (row programs only).
  bool supported(const plan::Program& prog) const {
    if (!prog.valid()) return true;
    for (uint32_t pc = prog.begin; pc < prog.end; ++pc) {
      const plan::Instr& in = p_.code[pc];
      switch (in.code) {
        case Code::Const: case Code::PushAbsent: case Code::RowAttr: case Code::SubjectAttr: case Code::CurrentSubject:
        case Code::Param: case Code::LoadLocal: case Code::StoreLocal: case Code::Pop: case Code::IAdd: case Code::ISub:
        case Code::IMul: case Code::INeg: case Code::IAbs: case Code::DAdd: case Code::DSub: case Code::DMul:
        case Code::DDiv: case Code::DNeg: case Code::DAbs: case Code::DDivOrAbsent: case Code::ToDecimal:
        case Code::Round: case Code::FloorToInt: case Code::CeilToInt: case Code::FloorDec: case Code::CeilDec:
        case Code::IMax: case Code::IMin: case Code::DMax: case Code::DMin: case Code::CmpInt: case Code::CmpDec:
        case Code::CmpIndex: case Code::CmpOrdinal: case Code::In: case Code::Not: case Code::And: case Code::Or:
        case Code::NoArm: case Code::Return:
          break;
        case Code::Jump: case Code::JumpIfFalse: case Code::JumpIfPresent: case Code::JumpIfAbsent:
          if (in.c <= pc || in.c >= prog.end) return false;  // forward, inside the program
          break;
        default: return false;
      }
      if (in.code == Code::SubjectAttr && in.c >= p_.subjectColumns.size()) return false;
      if (in.code == Code::Param && in.c >= p_.params.size()) return false;
    }
    return true;
  }

  // int p(const Value* row, const Value* const* attributes, const Value* params, uint32_t subject, Value* out)
  llvm::Function* standalone(const plan::Program& prog, const std::string& name) {
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_, ptr_, i32_, ptr_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, m_);
    llvm::Value* row = fn_->getArg(0);
    llvm::Value* attrs = fn_->getArg(1);
    params_ = fn_->getArg(2);
    llvm::Value* subject = fn_->getArg(3);
    llvm::Value* out = fn_->getArg(4);
    auto* entry = llvm::BasicBlock::Create(c_, "entry", fn_);
    auto* fail = llvm::BasicBlock::Create(c_, "fail", fn_);
    b_.SetInsertPoint(entry);
    auto rowAttr = [&](uint32_t a) { return loadValue(b_.CreateConstInBoundsGEP1_64(i8_, row, 32ull * a)); };
    V v = program(prog, rowAttr, attrs, subject, fail);
    storeValue(out, v);
    b_.CreateRet(llvm::ConstantInt::get(i32_, 1));
    b_.SetInsertPoint(fail);
    b_.CreateRet(llvm::ConstantInt::get(i32_, 0));
    return fn_;
  }

  bool kernelPossible(const plan::EventKind& kind) const {
    for (const plan::Action& action : kind.actions) {
      if (action.type == plan::Action::Type::Aggregate) {
        const plan::Aggregate& a = p_.aggregates[action.aggregate];
        if (!supported(a.filter) || !supported(a.value) || !supported(a.weight)) return false;
      } else {
        if (!supported(action.condition)) return false;
        for (const plan::Effect& e : action.effects)
          if (!supported(e.amount)) return false;
        for (const plan::Effect& e : action.effects)
          if (e.relation >= static_cast<int32_t>(p_.relations.size())) return false;
      }
    }
    return true;
  }

  // int k(KernelContext* ctx, const CsvField* fields, uint32_t trimmed, const int32_t* columns, uint32_t subject)
  llvm::Function* kernel(uint32_t kind, const std::string& name) {
    const plan::EventKind& ek = p_.kinds[kind];
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_, i32_, ptr_, i32_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, m_);
    llvm::Value* ctx = fn_->getArg(0);
    llvm::Value* fields = fn_->getArg(1);
    llvm::Value* trimmed = fn_->getArg(2);
    llvm::Value* columns = fn_->getArg(3);
    llvm::Value* subject = fn_->getArg(4);
    auto* entry = llvm::BasicBlock::Create(c_, "entry", fn_);
    auto* fallback = llvm::BasicBlock::Create(c_, "fallback", fn_);
    auto* overflow = llvm::BasicBlock::Create(c_, "overflow", fn_);
    b_.SetInsertPoint(entry);
    llvm::Value* reader = load(ptr_, field(ctx, offsetof(eval::KernelContext, reader)));
    llvm::Value* attrsPtr = load(ptr_, field(ctx, offsetof(eval::KernelContext, subjectAttributes)));
    params_ = load(ptr_, field(ctx, offsetof(eval::KernelContext, params)));
    ctx_ = ctx;

    // (1) attributes
    std::vector<V> row;
    for (uint32_t a = 0; a < ek.attributes.size(); ++a)
      row.push_back(attribute(kind, a, eval::attributeReader(p_, ek.attributes[a]), fields, trimmed, columns, reader, fallback));
    auto rowAttr = [&](uint32_t a) { return row.at(a); };

    // (2) conditions and values, nothing changed yet
    struct Evaluated {
      llvm::AllocaInst* flag;
      std::vector<std::pair<llvm::AllocaInst*, llvm::AllocaInst*>> values;  // bits, absent
    };
    std::vector<Evaluated> done;
    for (const plan::Action& action : ek.actions) {
      const plan::Aggregate* aggregate =
          action.type == plan::Action::Type::Aggregate ? &p_.aggregates[action.aggregate] : nullptr;
      Evaluated ev;
      ev.flag = entryAlloca(i1_, "flag");
      const plan::Program& test = aggregate ? aggregate->filter : action.condition;
      llvm::Value* holds = llvm::ConstantInt::getTrue(c_);
      if (test.valid()) {
        V t = program(test, rowAttr, attrsPtr, subject, fallback);
        holds = b_.CreateAnd(b_.CreateNot(t.absent), b_.CreateICmpNE(t.bits, i128(0)));
      }
      b_.CreateStore(holds, ev.flag);
      std::vector<const plan::Program*> programs;
      if (aggregate) {
        programs = {&aggregate->value, &aggregate->weight};
      } else {
        for (const plan::Effect& e : action.effects) programs.push_back(&e.amount);
      }
      auto* then = llvm::BasicBlock::Create(c_, "values", fn_);
      auto* next = llvm::BasicBlock::Create(c_, "next", fn_);
      for (size_t i = 0; i < programs.size(); ++i) ev.values.emplace_back(entryAlloca(i128_, "vb"), entryAlloca(i1_, "va"));
      b_.CreateCondBr(holds, then, next);
      b_.SetInsertPoint(then);
      for (size_t i = 0; i < programs.size(); ++i) {
        // No program: a present zero (as the interpreter's Value{}).
        V v{i128(0), llvm::ConstantInt::getFalse(c_)};
        if (programs[i]->valid()) v = program(*programs[i], rowAttr, attrsPtr, subject, fallback);
        b_.CreateStore(v.bits, ev.values[i].first);
        b_.CreateStore(v.absent, ev.values[i].second);
      }
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
      done.push_back(std::move(ev));
    }

    // (3) the updates, in order
    llvm::Value* boundPtr = load(ptr_, field(ctx, offsetof(eval::KernelContext, bound)));
    llvm::Value* slots = load(ptr_, field(ctx, offsetof(eval::KernelContext, slots)));
    largest_ = entryAlloca(i128_, "largest");
    adds_ = entryAlloca(i64_, "adds");
    b_.CreateStore(load(i128_, boundPtr), largest_);
    b_.CreateStore(load(i64_, field(boundPtr, 16)), adds_);
    overflow_ = overflow;
    for (size_t i = 0; i < ek.actions.size(); ++i) {
      const plan::Action& action = ek.actions[i];
      const Evaluated& ev = done[i];
      auto* apply = llvm::BasicBlock::Create(c_, "apply", fn_);
      auto* next = llvm::BasicBlock::Create(c_, "after", fn_);
      b_.CreateCondBr(b_.CreateLoad(i1_, ev.flag), apply, next);
      b_.SetInsertPoint(apply);
      auto valueOf = [&](size_t k) {
        return V{b_.CreateLoad(i128_, ev.values[k].first), b_.CreateLoad(i1_, ev.values[k].second)};
      };
      if (action.type == plan::Action::Type::Aggregate) {
        aggregate(p_.aggregates[action.aggregate], action.aggregate, valueOf(0), valueOf(1), row, slots, subject, reader,
                  next);
      } else {
        for (size_t k = 0; k < action.effects.size(); ++k) {
          const plan::Effect& e = action.effects[k];
          V amount = valueOf(k);
          llvm::Value* delta = e.deduct ? b_.CreateSub(i128(0), amount.bits) : amount.bits;
          effect(e, delta, slots, subject);
        }
      }
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
    }
    storeBound(boundPtr);
    b_.CreateRet(llvm::ConstantInt::get(i32_, 0));

    b_.SetInsertPoint(overflow);
    storeBound(load(ptr_, field(ctx, offsetof(eval::KernelContext, bound))));
    b_.CreateRet(llvm::ConstantInt::get(i32_, 2));
    b_.SetInsertPoint(fallback);
    b_.CreateRet(llvm::ConstantInt::get(i32_, 1));
    return fn_;
  }

 private:
  // ---- small things
  llvm::Value* i128(__int128 v) {
    uint64_t words[2] = {static_cast<uint64_t>(v), static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64)};
    return llvm::ConstantInt::get(c_, llvm::APInt(128, words));
  }
  llvm::Value* i64c(uint64_t v) { return llvm::ConstantInt::get(i64_, v); }
  llvm::Value* i32c(uint32_t v) { return llvm::ConstantInt::get(i32_, v); }
  llvm::Value* bool1(bool v) { return v ? llvm::ConstantInt::getTrue(c_) : llvm::ConstantInt::getFalse(c_); }
  llvm::Value* constPtr(const void* p) {
    return llvm::ConstantExpr::getIntToPtr(llvm::ConstantInt::get(i64_, reinterpret_cast<uint64_t>(p)), ptr_);
  }
  llvm::Value* field(llvm::Value* base, size_t offset) { return b_.CreateConstInBoundsGEP1_64(i8_, base, offset); }
  llvm::Value* load(llvm::Type* t, llvm::Value* at) { return b_.CreateLoad(t, at); }
  V constant(const Value& v) { return V{i128(v.bits), bool1(v.absent)}; }
  V none() { return V{i128(0), bool1(true)}; }
  V ofBool(llvm::Value* b) { return V{b_.CreateZExt(b, i128_), bool1(false)}; }

  V loadValue(llvm::Value* at) {
    auto* bits = b_.CreateAlignedLoad(i128_, at, llvm::MaybeAlign(16));
    auto* absent = b_.CreateICmpNE(b_.CreateLoad(i8_, field(at, 16)), llvm::ConstantInt::get(i8_, 0));
    return V{bits, absent};
  }
  void storeValue(llvm::Value* at, V v) {
    b_.CreateAlignedStore(v.bits, at, llvm::MaybeAlign(16));
    b_.CreateStore(b_.CreateZExt(v.absent, i8_), field(at, 16));
  }
  llvm::AllocaInst* entryAlloca(llvm::Type* t, const char* name, unsigned align = 16) {
    llvm::IRBuilder<> e(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    auto* a = e.CreateAlloca(t, nullptr, name);
    a->setAlignment(llvm::Align(align));
    return a;
  }
  // A Value in memory (for helpers).
  llvm::Value* valueInMemory(V v) {
    auto* a = entryAlloca(llvm::ArrayType::get(i8_, 32), "value");
    storeValue(a, v);
    return a;
  }
  llvm::Value* callHelper(const void* fn, llvm::FunctionType* type, llvm::ArrayRef<llvm::Value*> args) {
    return b_.CreateCall(type, constPtr(fn), args);
  }
  // Continues in a new block when `ok` holds, else goes to `fail`.
  void check(llvm::Value* ok, llvm::BasicBlock* fail) {
    auto* cont = llvm::BasicBlock::Create(c_, "ok", fn_);
    b_.CreateCondBr(ok, cont, fail);
    b_.SetInsertPoint(cont);
  }
  // `absent` ? none : v (absent values keep zero bits, as Value::none()).
  V orNone(llvm::Value* absent, llvm::Value* bits) { return V{b_.CreateSelect(absent, i128(0), bits), absent}; }

  // ---- programs

  V program(const plan::Program& prog, const std::function<V(uint32_t)>& rowAttr, llvm::Value* attrs,
            llvm::Value* subject, llvm::BasicBlock* fail) {
    std::map<uint32_t, llvm::BasicBlock*> blocks;
    for (uint32_t pc = prog.begin; pc < prog.end; ++pc) {
      const plan::Instr& in = p_.code[pc];
      if (in.code == Code::Jump || in.code == Code::JumpIfFalse || in.code == Code::JumpIfPresent ||
          in.code == Code::JumpIfAbsent)
        if (!blocks.count(in.c)) blocks[in.c] = llvm::BasicBlock::Create(c_, "L", fn_);
    }
    auto* exit = llvm::BasicBlock::Create(c_, "exit", fn_);
    auto* resultBits = entryAlloca(i128_, "rb");
    auto* resultAbsent = entryAlloca(i1_, "ra");
    std::vector<std::pair<llvm::AllocaInst*, llvm::AllocaInst*>> stack, locals;
    auto slot = [&](std::vector<std::pair<llvm::AllocaInst*, llvm::AllocaInst*>>& v, size_t i) {
      while (v.size() <= i) v.emplace_back(entryAlloca(i128_, "sb"), entryAlloca(i1_, "sa"));
      return v[i];
    };
    size_t depth = 0;
    auto push = [&](V v) {
      auto s = slot(stack, depth++);
      b_.CreateStore(v.bits, s.first);
      b_.CreateStore(v.absent, s.second);
    };
    auto at = [&](size_t i) {
      auto s = slot(stack, i);
      return V{b_.CreateLoad(i128_, s.first), b_.CreateLoad(i1_, s.second)};
    };
    auto pop = [&]() { return at(--depth); };
    std::map<uint32_t, size_t> depthAt;
    bool live = true;
    auto jumpTo = [&](uint32_t target) { depthAt.emplace(target, depth); };

    for (uint32_t pc = prog.begin; pc < prog.end; ++pc) {
      if (auto it = blocks.find(pc); it != blocks.end()) {
        if (live) {
          jumpTo(pc);
          b_.CreateBr(it->second);
        }
        b_.SetInsertPoint(it->second);
        auto d = depthAt.find(pc);
        depth = d == depthAt.end() ? depth : d->second;
        live = true;
      }
      if (!live) continue;
      const plan::Instr& in = p_.code[pc];
      switch (in.code) {
        case Code::Const: push(constant(p_.constants[in.c])); break;
        case Code::PushAbsent: push(none()); break;
        case Code::Param: push(loadValue(b_.CreateConstInBoundsGEP1_64(i8_, params_, 32ull * in.c))); break;
        case Code::RowAttr: push(rowAttr(in.c)); break;
        case Code::SubjectAttr: {
          llvm::Value* base = load(ptr_, b_.CreateConstInBoundsGEP1_64(ptr_, attrs, in.c));
          llvm::Value* offset = b_.CreateMul(b_.CreateZExt(subject, i64_), i64c(32));
          push(loadValue(b_.CreateInBoundsGEP(i8_, base, offset)));
          break;
        }
        case Code::CurrentSubject: push(V{b_.CreateZExt(subject, i128_), bool1(false)}); break;
        case Code::LoadLocal: {
          auto s = slot(locals, in.c);
          push(V{b_.CreateLoad(i128_, s.first), b_.CreateLoad(i1_, s.second)});
          break;
        }
        case Code::StoreLocal: {
          V v = pop();
          auto s = slot(locals, in.c);
          b_.CreateStore(v.bits, s.first);
          b_.CreateStore(v.absent, s.second);
          break;
        }
        case Code::Pop: --depth; break;
        case Code::IAdd:
        case Code::ISub:
        case Code::IMul: {
          V y = pop(), x = pop();
          llvm::Value* anyAbsent = b_.CreateOr(x.absent, y.absent);
          llvm::Intrinsic::ID id = in.code == Code::IAdd   ? llvm::Intrinsic::sadd_with_overflow
                                   : in.code == Code::ISub ? llvm::Intrinsic::ssub_with_overflow
                                                           : llvm::Intrinsic::smul_with_overflow;
          llvm::Value* r = b_.CreateBinaryIntrinsic(id, b_.CreateTrunc(x.bits, i64_), b_.CreateTrunc(y.bits, i64_));
          llvm::Value* ovf = b_.CreateExtractValue(r, 1);
          check(b_.CreateNot(b_.CreateAnd(b_.CreateNot(anyAbsent), ovf)), fail);
          push(orNone(anyAbsent, b_.CreateSExt(b_.CreateExtractValue(r, 0), i128_)));
          break;
        }
        case Code::DAdd:
        case Code::DSub: {
          V y = pop(), x = pop();
          llvm::Value* anyAbsent = b_.CreateOr(x.absent, y.absent);
          llvm::Intrinsic::ID id = in.code == Code::DAdd ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::ssub_with_overflow;
          llvm::Value* r = b_.CreateBinaryIntrinsic(id, x.bits, y.bits);
          check(b_.CreateNot(b_.CreateAnd(b_.CreateNot(anyAbsent), b_.CreateExtractValue(r, 1))), fail);
          push(orNone(anyAbsent, b_.CreateExtractValue(r, 0)));
          break;
        }
        case Code::DMul:
        case Code::DDiv:
        case Code::DDivOrAbsent: {
          V y = pop(), x = pop();
          llvm::Value* anyAbsent = b_.CreateOr(x.absent, y.absent);
          auto* compute = llvm::BasicBlock::Create(c_, "dec", fn_);
          auto* join = llvm::BasicBlock::Create(c_, "decj", fn_);
          auto* rb = entryAlloca(i128_, "db");
          auto* ra = entryAlloca(i1_, "da");
          b_.CreateStore(i128(0), rb);
          b_.CreateStore(bool1(true), ra);
          b_.CreateCondBr(anyAbsent, join, compute);
          b_.SetInsertPoint(compute);
          if (in.code != Code::DMul) {
            llvm::Value* zero = b_.CreateICmpEQ(y.bits, i128(0));
            if (in.code == Code::DDiv) {
              check(b_.CreateNot(zero), fail);
            } else {
              auto* divide = llvm::BasicBlock::Create(c_, "div", fn_);
              b_.CreateCondBr(zero, join, divide);  // no value
              b_.SetInsertPoint(divide);
            }
          }
          auto* xa = entryAlloca(i128_, "x");
          auto* ya = entryAlloca(i128_, "y");
          auto* out = entryAlloca(i128_, "o");
          b_.CreateStore(x.bits, xa);
          b_.CreateStore(y.bits, ya);
          auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_, ptr_}, false);
          llvm::Value* ok = callHelper(reinterpret_cast<const void*>(in.code == Code::DMul ? &decimalMul : &decimalDiv),
                                       type, {xa, ya, out});
          check(b_.CreateICmpNE(ok, i32c(0)), fail);
          b_.CreateStore(b_.CreateLoad(i128_, out), rb);
          b_.CreateStore(bool1(false), ra);
          b_.CreateBr(join);
          b_.SetInsertPoint(join);
          push(V{b_.CreateLoad(i128_, rb), b_.CreateLoad(i1_, ra)});
          break;
        }
        case Code::INeg:
        case Code::IAbs: {
          V x = pop();
          llvm::Value* v = b_.CreateTrunc(x.bits, i64_);
          llvm::Value* keep = x.absent;
          if (in.code == Code::IAbs) keep = b_.CreateOr(keep, b_.CreateICmpSGE(v, i64c(0)));
          llvm::Value* isMin = b_.CreateICmpEQ(v, i64c(static_cast<uint64_t>(INT64_MIN)));
          check(b_.CreateNot(b_.CreateAnd(b_.CreateNot(keep), isMin)), fail);
          llvm::Value* neg = b_.CreateSExt(b_.CreateSub(i64c(0), v), i128_);
          push(V{b_.CreateSelect(keep, x.bits, neg), x.absent});
          break;
        }
        case Code::DNeg:
        case Code::DAbs: {
          V x = pop();
          llvm::Value* keep = x.absent;
          if (in.code == Code::DAbs) keep = b_.CreateOr(keep, b_.CreateICmpSGE(x.bits, i128(0)));
          const __int128 kMin = -static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1) - 1;
          llvm::Value* isMin = b_.CreateICmpEQ(x.bits, i128(kMin));
          check(b_.CreateNot(b_.CreateAnd(b_.CreateNot(keep), isMin)), fail);
          push(V{b_.CreateSelect(keep, x.bits, b_.CreateSub(i128(0), x.bits)), x.absent});
          break;
        }
        case Code::ToDecimal: {
          V x = pop();
          llvm::Value* d = b_.CreateMul(b_.CreateSExt(b_.CreateTrunc(x.bits, i64_), i128_), i128(Decimal::kOne));
          push(orNone(x.absent, d));
          break;
        }
        case Code::Round:
        case Code::FloorToInt:
        case Code::CeilToInt:
        case Code::FloorDec:
        case Code::CeilDec: {
          V x = pop();
          auto* compute = llvm::BasicBlock::Create(c_, "rnd", fn_);
          auto* join = llvm::BasicBlock::Create(c_, "rndj", fn_);
          auto* rb = entryAlloca(i128_, "rb");
          b_.CreateStore(i128(0), rb);
          b_.CreateCondBr(x.absent, join, compute);
          b_.SetInsertPoint(compute);
          auto* xa = entryAlloca(i128_, "x");
          auto* out = entryAlloca(i128_, "o");
          b_.CreateStore(x.bits, xa);
          llvm::Value* ok;
          if (in.code == Code::Round) {
            auto* type = llvm::FunctionType::get(i32_, {ptr_, i32_, i32_, ptr_}, false);
            ok = callHelper(reinterpret_cast<const void*>(&decimalRound), type, {xa, i32c(in.a), i32c(in.c), out});
          } else {
            int32_t which = in.code == Code::FloorToInt ? 0 : in.code == Code::CeilToInt ? 1 : in.code == Code::FloorDec ? 2 : 3;
            auto* type = llvm::FunctionType::get(i32_, {ptr_, i32_, ptr_}, false);
            ok = callHelper(reinterpret_cast<const void*>(&decimalFloorCeil), type, {xa, i32c(which), out});
          }
          check(b_.CreateICmpNE(ok, i32c(0)), fail);
          b_.CreateStore(b_.CreateLoad(i128_, out), rb);
          b_.CreateBr(join);
          b_.SetInsertPoint(join);
          push(V{b_.CreateLoad(i128_, rb), x.absent});
          break;
        }
        case Code::IMax:
        case Code::IMin:
        case Code::DMax:
        case Code::DMin: {
          const bool isMax = in.code == Code::IMax || in.code == Code::DMax;
          std::vector<V> args(in.a);
          for (size_t i = in.a; i-- > 0;) args[i] = pop();
          llvm::Value* anyAbsent = args[0].absent;
          llvm::Value* r = args[0].bits;
          for (size_t i = 1; i < args.size(); ++i) {
            anyAbsent = b_.CreateOr(anyAbsent, args[i].absent);
            llvm::Value* better = isMax ? b_.CreateICmpSGT(args[i].bits, r) : b_.CreateICmpSLT(args[i].bits, r);
            r = b_.CreateSelect(better, args[i].bits, r);
          }
          push(orNone(anyAbsent, r));
          break;
        }
        case Code::CmpInt:
        case Code::CmpDec:
        case Code::CmpIndex:
        case Code::CmpOrdinal: {
          V y = pop(), x = pop();
          auto op = static_cast<ir::CompareOp>(in.a);
          llvm::Value* a = x.bits;
          llvm::Value* b = y.bits;
          if (in.code == Code::CmpOrdinal) {
            // ordinal(i) = i, or size - 1 - i for a descending enum: compare the indexes, reversed then
            a = b_.CreateZExt(b_.CreateTrunc(x.bits, i32_), i128_);
            b = b_.CreateZExt(b_.CreateTrunc(y.bits, i32_), i128_);
            if (p_.enums[in.c].descending) std::swap(a, b);
          }
          llvm::Value* r = nullptr;
          switch (op) {
            case ir::CompareOp::Eq: r = b_.CreateICmpEQ(a, b); break;
            case ir::CompareOp::Ne: r = b_.CreateICmpNE(a, b); break;
            case ir::CompareOp::Lt: r = b_.CreateICmpSLT(a, b); break;
            case ir::CompareOp::Le: r = b_.CreateICmpSLE(a, b); break;
            case ir::CompareOp::Gt: r = b_.CreateICmpSGT(a, b); break;
            case ir::CompareOp::Ge: r = b_.CreateICmpSGE(a, b); break;
          }
          llvm::Value* anyAbsent = b_.CreateOr(x.absent, y.absent);
          if (op == ir::CompareOp::Eq || op == ir::CompareOp::Ne) {
            // "no value" equals nothing
            llvm::Value* v = b_.CreateSelect(anyAbsent, bool1(op == ir::CompareOp::Ne), r);
            push(ofBool(v));
          } else {
            push(orNone(anyAbsent, b_.CreateZExt(r, i128_)));
          }
          break;
        }
        case Code::In: {
          std::vector<V> candidates(in.a);
          for (size_t i = in.a; i-- > 0;) candidates[i] = pop();
          V x = pop();
          llvm::Value* found = bool1(false);
          for (const V& c : candidates)
            found = b_.CreateOr(found, b_.CreateAnd(b_.CreateNot(c.absent), b_.CreateICmpEQ(c.bits, x.bits)));
          push(ofBool(b_.CreateAnd(b_.CreateNot(x.absent), found)));
          break;
        }
        case Code::Not: {
          V x = pop();
          llvm::Value* negated = b_.CreateZExt(b_.CreateICmpEQ(x.bits, i128(0)), i128_);
          push(V{b_.CreateSelect(x.absent, x.bits, negated), x.absent});
          break;
        }
        case Code::And:
        case Code::Or: {
          V y = pop(), x = pop();
          const bool isAnd = in.code == Code::And;
          llvm::Value* xt = b_.CreateICmpNE(x.bits, i128(0));
          llvm::Value* yt = b_.CreateICmpNE(y.bits, i128(0));
          llvm::Value* xp = b_.CreateNot(x.absent);
          llvm::Value* yp = b_.CreateNot(y.absent);
          llvm::Value* both = b_.CreateAnd(xp, yp);
          llvm::Value* value = isAnd ? b_.CreateAnd(xt, yt) : b_.CreateOr(xt, yt);
          // Kleene: false and absent = false; true or absent = true
          llvm::Value* decided = isAnd ? b_.CreateOr(b_.CreateAnd(xp, b_.CreateNot(xt)), b_.CreateAnd(yp, b_.CreateNot(yt)))
                                       : b_.CreateOr(b_.CreateAnd(xp, xt), b_.CreateAnd(yp, yt));
          llvm::Value* present = b_.CreateOr(both, decided);
          llvm::Value* result = b_.CreateSelect(both, value, bool1(!isAnd));
          push(orNone(b_.CreateNot(present), b_.CreateZExt(result, i128_)));
          break;
        }
        case Code::Jump:
          jumpTo(in.c);
          b_.CreateBr(blocks.at(in.c));
          live = false;
          break;
        case Code::JumpIfFalse: {
          V x = pop();
          llvm::Value* no = b_.CreateOr(x.absent, b_.CreateICmpEQ(x.bits, i128(0)));
          jumpTo(in.c);
          auto* cont = llvm::BasicBlock::Create(c_, "c", fn_);
          b_.CreateCondBr(no, blocks.at(in.c), cont);
          b_.SetInsertPoint(cont);
          break;
        }
        case Code::JumpIfPresent:
        case Code::JumpIfAbsent: {
          V x = at(depth - 1);
          llvm::Value* cond = in.code == Code::JumpIfAbsent ? x.absent : b_.CreateNot(x.absent);
          jumpTo(in.c);
          auto* cont = llvm::BasicBlock::Create(c_, "c", fn_);
          b_.CreateCondBr(cond, blocks.at(in.c), cont);
          b_.SetInsertPoint(cont);
          break;
        }
        case Code::NoArm:
          b_.CreateBr(fail);
          live = false;
          break;
        case Code::Return: {
          V r = depth > 0 ? at(depth - 1) : none();
          b_.CreateStore(r.bits, resultBits);
          b_.CreateStore(r.absent, resultAbsent);
          b_.CreateBr(exit);
          live = false;
          break;
        }
        default:  // not supported(): never here
          b_.CreateBr(fail);
          live = false;
          break;
      }
    }
    if (live) {  // no Return (cannot happen): no value
      b_.CreateStore(i128(0), resultBits);
      b_.CreateStore(bool1(true), resultAbsent);
      b_.CreateBr(exit);
    }
    b_.SetInsertPoint(exit);
    return V{b_.CreateLoad(i128_, resultBits), b_.CreateLoad(i1_, resultAbsent)};
  }

  // ---- kernels: attributes

  V attribute(uint32_t kind, uint32_t index, const eval::AttributeReader& r, llvm::Value* fields, llvm::Value* trimmed,
              llvm::Value* columns, llvm::Value* reader, llvm::BasicBlock* fallback) {
    auto* bits = entryAlloca(i128_, "ab");
    auto* absent = entryAlloca(i1_, "aa");
    auto* done = llvm::BasicBlock::Create(c_, "attr", fn_);
    auto set = [&](V v) {
      b_.CreateStore(v.bits, bits);
      b_.CreateStore(v.absent, absent);
      b_.CreateBr(done);
    };
    // an empty cell or no column: the default, no value, or the interpreter (it is an error)
    auto empty = [&]() {
      if (r.hasDefault) set(constant(r.defaultValue));
      else if (r.optional) set(none());
      else b_.CreateBr(fallback);
    };
    llvm::Value* column = load(i32_, b_.CreateConstInBoundsGEP1_64(i32_, columns, index));
    auto* missing = llvm::BasicBlock::Create(c_, "nocol", fn_);
    auto* present = llvm::BasicBlock::Create(c_, "col", fn_);
    b_.CreateCondBr(b_.CreateICmpSLT(column, i32c(0)), missing, present);
    b_.SetInsertPoint(missing);
    empty();
    b_.SetInsertPoint(present);
    llvm::Value* f = b_.CreateInBoundsGEP(i8_, fields, b_.CreateMul(b_.CreateSExt(column, i64_), i64c(16)));
    auto* text = entryAlloca(ptr_, "t", 8);
    auto* size = entryAlloca(i32_, "n", 4);
    b_.CreateStore(load(ptr_, f), text);
    b_.CreateStore(load(i32_, field(f, 8)), size);
    {
      // untrimmed fields: spaces, tabs or a '\r' at either end are trimmed by the helper
      llvm::Value* p = b_.CreateLoad(ptr_, text);
      llvm::Value* n = b_.CreateLoad(i32_, size);
      auto* check = llvm::BasicBlock::Create(c_, "trimchk", fn_);
      auto* trim = llvm::BasicBlock::Create(c_, "trim", fn_);
      auto* after = llvm::BasicBlock::Create(c_, "trimmed", fn_);
      b_.CreateCondBr(b_.CreateAnd(b_.CreateICmpEQ(trimmed, i32c(0)), b_.CreateICmpNE(n, i32c(0))), check, after);
      b_.SetInsertPoint(check);
      llvm::Value* first = load(i8_, p);
      llvm::Value* last = load(i8_, b_.CreateInBoundsGEP(i8_, p, b_.CreateSub(b_.CreateZExt(n, i64_), i64c(1))));
      auto blank = [&](llvm::Value* ch, bool cr) {
        llvm::Value* v = b_.CreateOr(b_.CreateICmpEQ(ch, llvm::ConstantInt::get(i8_, ' ')),
                                     b_.CreateICmpEQ(ch, llvm::ConstantInt::get(i8_, '\t')));
        return cr ? b_.CreateOr(v, b_.CreateICmpEQ(ch, llvm::ConstantInt::get(i8_, '\r'))) : v;
      };
      b_.CreateCondBr(b_.CreateOr(blank(first, false), blank(last, true)), trim, after);
      b_.SetInsertPoint(trim);
      auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(c_), {ptr_, ptr_}, false);
      callHelper(reinterpret_cast<const void*>(h_.trim), type, {text, size});
      b_.CreateBr(after);
      b_.SetInsertPoint(after);
    }
    llvm::Value* p = b_.CreateLoad(ptr_, text);
    llvm::Value* n = b_.CreateLoad(i32_, size);
    auto* isEmpty = llvm::BasicBlock::Create(c_, "empty", fn_);
    auto* parse = llvm::BasicBlock::Create(c_, "parse", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(n, i32c(0)), isEmpty, parse);
    b_.SetInsertPoint(isEmpty);
    empty();
    b_.SetInsertPoint(parse);
    // The general path: the runtime's reader (a sign, a decimal, a date, a string, ...).
    auto* general = llvm::BasicBlock::Create(c_, "general", fn_);
    switch (r.kind) {
      case plan::Kind::Int: {
        // 1 to 18 digits, no sign
        auto* loop = llvm::BasicBlock::Create(c_, "digits", fn_);
        auto* end = llvm::BasicBlock::Create(c_, "digitsend", fn_);
        auto* i = entryAlloca(i64_, "i", 8);
        auto* v = entryAlloca(i64_, "v", 8);
        b_.CreateStore(i64c(0), i);
        b_.CreateStore(i64c(0), v);
        b_.CreateCondBr(b_.CreateICmpULE(n, i32c(18)), loop, general);
        b_.SetInsertPoint(loop);
        llvm::Value* iv = b_.CreateLoad(i64_, i);
        llvm::Value* d = b_.CreateSub(b_.CreateZExt(load(i8_, b_.CreateInBoundsGEP(i8_, p, iv)), i64_), i64c('0'));
        auto* digit = llvm::BasicBlock::Create(c_, "digit", fn_);
        b_.CreateCondBr(b_.CreateICmpULE(d, i64c(9)), digit, general);
        b_.SetInsertPoint(digit);
        b_.CreateStore(b_.CreateAdd(b_.CreateMul(b_.CreateLoad(i64_, v), i64c(10)), d), v);
        llvm::Value* next = b_.CreateAdd(iv, i64c(1));
        b_.CreateStore(next, i);
        b_.CreateCondBr(b_.CreateICmpULT(next, b_.CreateZExt(n, i64_)), loop, end);
        b_.SetInsertPoint(end);
        llvm::Value* value = b_.CreateLoad(i64_, v);
        llvm::Value* inRange = b_.CreateAnd(b_.CreateICmpSGE(value, i64c(static_cast<uint64_t>(r.intMin))),
                                            b_.CreateICmpSLE(value, i64c(static_cast<uint64_t>(r.intMax))));
        auto* ok = llvm::BasicBlock::Create(c_, "inrange", fn_);
        b_.CreateCondBr(inRange, ok, fallback);
        b_.SetInsertPoint(ok);
        set(V{b_.CreateSExt(value, i128_), bool1(false)});
        break;
      }
      case plan::Kind::Bool: {
        // 是 E6 98 AF, 否 E5 90 A6
        auto* three = llvm::BasicBlock::Create(c_, "three", fn_);
        b_.CreateCondBr(b_.CreateICmpEQ(n, i32c(3)), three, fallback);
        b_.SetInsertPoint(three);
        llvm::Value* w = b_.CreateZExt(load(llvm::Type::getInt16Ty(c_), p), i32_);
        w = b_.CreateOr(w, b_.CreateShl(b_.CreateZExt(load(i8_, field(p, 2)), i32_), 16));
        llvm::Value* yes = b_.CreateICmpEQ(w, i32c(0xAF98E6u));
        llvm::Value* no = b_.CreateICmpEQ(w, i32c(0xA690E5u));
        auto* ok = llvm::BasicBlock::Create(c_, "yesno", fn_);
        b_.CreateCondBr(b_.CreateOr(yes, no), ok, fallback);
        b_.SetInsertPoint(ok);
        set(ofBool(yes));
        break;
      }
      case plan::Kind::Enum: {
        llvm::FunctionCallee memcmp = m_.getOrInsertFunction("memcmp", i32_, ptr_, ptr_, i64_);
        for (uint32_t k = 0; k < r.enumValues.size(); ++k) {
          std::string_view value = r.enumValues[k];
          auto* sameSize = llvm::BasicBlock::Create(c_, "len", fn_);
          auto* hit = llvm::BasicBlock::Create(c_, "hit", fn_);
          auto* miss = llvm::BasicBlock::Create(c_, "miss", fn_);
          b_.CreateCondBr(b_.CreateICmpEQ(n, i32c(static_cast<uint32_t>(value.size()))), sameSize, miss);
          b_.SetInsertPoint(sameSize);
          llvm::Value* str = b_.CreateGlobalStringPtr(llvm::StringRef(value.data(), value.size()));
          llvm::Value* cmp = b_.CreateCall(memcmp, {p, str, i64c(value.size())});
          b_.CreateCondBr(b_.CreateICmpEQ(cmp, i32c(0)), hit, miss);
          b_.SetInsertPoint(hit);
          set(V{i128(k), bool1(false)});
          b_.SetInsertPoint(miss);
        }
        b_.CreateBr(fallback);  // not a value of the enum: the interpreter reports it
        break;
      }
      default: b_.CreateBr(general); break;
    }
    b_.SetInsertPoint(general);
    {
      auto* out = entryAlloca(llvm::ArrayType::get(i8_, 32), "read");
      auto* type = llvm::FunctionType::get(i32_, {ptr_, i32_, i32_, ptr_, i64_, ptr_}, false);
      llvm::Value* ok = callHelper(reinterpret_cast<const void*>(h_.readAttribute), type,
                                   {reader, i32c(kind), i32c(index), p, b_.CreateZExt(n, i64_), out});
      auto* good = llvm::BasicBlock::Create(c_, "read", fn_);
      b_.CreateCondBr(b_.CreateICmpNE(ok, i32c(0)), good, fallback);
      b_.SetInsertPoint(good);
      set(loadValue(out));
    }
    b_.SetInsertPoint(done);
    return V{b_.CreateLoad(i128_, bits), b_.CreateLoad(i1_, absent)};
  }

  // ---- kernels: updates

  void noteBound(llvm::Value* delta) {
    llvm::Value* magnitude = b_.CreateSelect(b_.CreateICmpSLT(delta, i128(0)), b_.CreateSub(i128(0), delta), delta);
    llvm::Value* largest = b_.CreateLoad(i128_, largest_);
    b_.CreateStore(b_.CreateSelect(b_.CreateICmpUGT(magnitude, largest), magnitude, largest), largest_);
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, adds_), i64c(1)), adds_);
  }
  void storeBound(llvm::Value* boundPtr) {
    b_.CreateStore(b_.CreateLoad(i128_, largest_), boundPtr);
    b_.CreateStore(b_.CreateLoad(i64_, adds_), field(boundPtr, 16));
  }
  llvm::Value* cell(llvm::Value* slots, llvm::Value* subject, uint64_t slot) {
    llvm::Value* index = b_.CreateAdd(b_.CreateMul(b_.CreateZExt(subject, i64_), i64c(p_.slotsPerSubject)), i64c(slot));
    return b_.CreateInBoundsGEP(i128_, slots, index);
  }
  void addTo(llvm::Value* at, llvm::Value* delta) {
    noteBound(delta);
    llvm::Value* r = b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, b_.CreateAlignedLoad(i128_, at, llvm::MaybeAlign(16)), delta);
    check(b_.CreateNot(b_.CreateExtractValue(r, 1)), overflow_);
    b_.CreateAlignedStore(b_.CreateExtractValue(r, 0), at, llvm::MaybeAlign(16));
  }

  void effect(const plan::Effect& e, llvm::Value* delta, llvm::Value* slots, llvm::Value* subject) {
    if (e.relation < 0) {
      addTo(cell(slots, subject, e.slot), delta);
      return;
    }
    // a loop over the targets: every subject, or the relation's members for the subject
    llvm::Value* from;
    llvm::Value* to;
    llvm::Value* members = nullptr;
    if (e.relation == 0) {
      from = i64c(0);
      to = load(i64_, field(ctx_, offsetof(eval::KernelContext, subjects)));
    } else {
      llvm::Value* offsetsTable = load(ptr_, field(ctx_, offsetof(eval::KernelContext, relationOffsets)));
      llvm::Value* membersTable = load(ptr_, field(ctx_, offsetof(eval::KernelContext, relationMembers)));
      llvm::Value* offsets = load(ptr_, b_.CreateConstInBoundsGEP1_64(ptr_, offsetsTable, e.relation));
      members = load(ptr_, b_.CreateConstInBoundsGEP1_64(ptr_, membersTable, e.relation));
      llvm::Value* s = b_.CreateZExt(subject, i64_);
      from = b_.CreateZExt(load(i32_, b_.CreateInBoundsGEP(i32_, offsets, s)), i64_);
      to = b_.CreateZExt(load(i32_, b_.CreateInBoundsGEP(i32_, offsets, b_.CreateAdd(s, i64c(1)))), i64_);
    }
    auto* i = entryAlloca(i64_, "m", 8);
    b_.CreateStore(from, i);
    auto* head = llvm::BasicBlock::Create(c_, "each", fn_);
    auto* body = llvm::BasicBlock::Create(c_, "credit", fn_);
    auto* end = llvm::BasicBlock::Create(c_, "credited", fn_);
    b_.CreateBr(head);
    b_.SetInsertPoint(head);
    llvm::Value* iv = b_.CreateLoad(i64_, i);
    b_.CreateCondBr(b_.CreateICmpULT(iv, to), body, end);
    b_.SetInsertPoint(body);
    llvm::Value* target = members ? load(i32_, b_.CreateInBoundsGEP(i32_, members, iv)) : b_.CreateTrunc(iv, i32_);
    addTo(cell(slots, target, e.slot), delta);
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, i), i64c(1)), i);
    b_.CreateBr(head);
    b_.SetInsertPoint(end);
  }

  void aggregate(const plan::Aggregate& agg, uint32_t index, V value, V weight, const std::vector<V>& row,
                 llvm::Value* slots, llvm::Value* subject, llvm::Value* reader, llvm::BasicBlock* next) {
    const bool inline_ = !agg.sparse && !agg.trackRows && (agg.groupedBy < 0 || agg.groupsAreEnum) &&
                         (agg.op == ir::AggOp::Count || agg.op == ir::AggOp::Sum || agg.op == ir::AggOp::Mean ||
                          agg.op == ir::AggOp::Exists);
    if (!inline_) {
      V key = agg.groupedBy >= 0 ? row.at(agg.groupedBy) : none();
      auto* type = llvm::FunctionType::get(i32_, {ptr_, i32_, i32_, ptr_, ptr_, ptr_}, false);
      llvm::Value* keyPtr = agg.groupedBy >= 0 ? valueInMemory(key) : llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(c_));
      llvm::Value* r = callHelper(reinterpret_cast<const void*>(h_.aggregate), type,
                                  {reader, i32c(index), subject, valueInMemory(value), valueInMemory(weight), keyPtr});
      check(b_.CreateICmpEQ(r, i32c(0)), overflow_);
      return;
    }
    llvm::Value* at = cell(slots, subject, agg.slot);
    if (agg.groupedBy >= 0) {
      V key = row.at(agg.groupedBy);
      auto* keyed = llvm::BasicBlock::Create(c_, "keyed", fn_);
      b_.CreateCondBr(key.absent, next, keyed);
      b_.SetInsertPoint(keyed);
      llvm::Value* offset = b_.CreateMul(b_.CreateZExt(b_.CreateTrunc(key.bits, i32_), i64_), i64c(agg.slotsPerGroup));
      at = b_.CreateInBoundsGEP(i128_, at, offset);
    }
    switch (agg.op) {
      case ir::AggOp::Count: addTo(at, i128(1)); break;
      case ir::AggOp::Exists: b_.CreateAlignedStore(i128(1), at, llvm::MaybeAlign(16)); break;
      case ir::AggOp::Sum:
      case ir::AggOp::Mean: {
        auto* add = llvm::BasicBlock::Create(c_, "sum", fn_);
        auto* skip = llvm::BasicBlock::Create(c_, "nosum", fn_);
        b_.CreateCondBr(value.absent, skip, add);
        b_.SetInsertPoint(add);
        addTo(at, value.bits);
        if (agg.op == ir::AggOp::Mean) addTo(b_.CreateConstInBoundsGEP1_64(i128_, at, 1), i128(1));
        b_.CreateBr(skip);
        b_.SetInsertPoint(skip);
        break;
      }
      default: break;
    }
  }

  llvm::LLVMContext& c_;
  llvm::Module& m_;
  llvm::IRBuilder<> b_;
  const plan::Plan& p_;
  const eval::KernelHelpers& h_;
  llvm::Value* params_ = nullptr;  // const Value* of the function being made
  llvm::Value* ctx_ = nullptr;     // KernelContext* of the kernel being made
  llvm::Type *i1_, *i8_, *i32_, *i64_, *i128_;
  llvm::PointerType* ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::AllocaInst* largest_ = nullptr;
  llvm::AllocaInst* adds_ = nullptr;
  llvm::BasicBlock* overflow_ = nullptr;
};

void optimize(llvm::Module& m) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  const char* level = std::getenv("KAOPING_JIT_OPT");
  llvm::OptimizationLevel o = llvm::OptimizationLevel::O2;
  if (level && level[0] == '1') o = llvm::OptimizationLevel::O1;
  if (level && level[0] == '3') o = llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(o);
  mpm.run(m, mam);
}

}  // namespace

bool compile(const plan::Plan& plan, const eval::KernelHelpers& helpers, eval::NativeCode& out, std::string& error) {
  const bool timing = std::getenv("KAOPING_TIMING") != nullptr;
  auto last = std::chrono::steady_clock::now();
  auto lap = [&](const char* what) {
    if (!timing) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "kaoping:   jit %-9s %6.1f ms\n", what, std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  };
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] {
    ready = !llvm::InitializeNativeTarget() && !llvm::InitializeNativeTargetAsmPrinter();
  });
  if (!ready) {
    error = "LLVM has no native target";
    return false;
  }
  auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine) {
    error = llvm::toString(machine.takeError());
    return false;
  }
  const char* cgLevel = std::getenv("KAOPING_JIT_CG");
  machine->setCodeGenOptLevel(cgLevel && cgLevel[0] == '0'   ? llvm::CodeGenOpt::None
                              : cgLevel && cgLevel[0] == '1' ? llvm::CodeGenOpt::Less
                              : cgLevel && cgLevel[0] == '3' ? llvm::CodeGenOpt::Aggressive
                                                             : llvm::CodeGenOpt::Default);
  auto jitOrError = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*machine)).create();
  if (!jitOrError) {
    error = llvm::toString(jitOrError.takeError());
    return false;
  }
  std::unique_ptr<llvm::orc::LLJIT> jit = std::move(*jitOrError);
  auto search = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(jit->getDataLayout().getGlobalPrefix());
  if (!search) {
    error = llvm::toString(search.takeError());
    return false;
  }
  jit->getMainJITDylib().addGenerator(std::move(*search));
  lap("setup");

  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("kaoping", *context);
  module->setDataLayout(jit->getDataLayout());
  module->setTargetTriple(jit->getTargetTriple().str());
  Codegen cg(*context, *module, plan, helpers);

  // Row programs the quick forms (rowplan.h) may not cover get a function of their own:
  // those with an instruction outside the quick forms' (arithmetic, jumps, locals).
  auto quickOnly = [&](const plan::Program& p) {
    for (uint32_t pc = p.begin; pc < p.end; ++pc) switch (plan.code[pc].code) {
        case Code::Const: case Code::PushAbsent: case Code::Param: case Code::RowAttr: case Code::SubjectAttr:
        case Code::CmpInt: case Code::CmpDec: case Code::CmpIndex: case Code::In: case Code::Not: case Code::And:
        case Code::Or: case Code::ToDecimal: case Code::Return:
          break;
        default: return false;
      }
    return true;
  };
  std::vector<std::pair<std::string, uint64_t>> programs;
  auto consider = [&](const plan::Program& p) {
    if (!p.valid() || quickOnly(p) || !cg.supported(p)) return;
    uint64_t key = static_cast<uint64_t>(p.begin) << 32 | p.end;
    for (const auto& [name, k] : programs)
      if (k == key) return;
    std::string name = "p" + std::to_string(programs.size());
    cg.standalone(p, name);
    programs.emplace_back(name, key);
  };
  std::vector<std::string> kernels(plan.kinds.size());
  for (uint32_t k = 0; k < plan.kinds.size(); ++k) {
    const plan::EventKind& kind = plan.kinds[k];
    for (const plan::Action& action : kind.actions) {
      if (action.type == plan::Action::Type::Aggregate) {
        const plan::Aggregate& a = plan.aggregates[action.aggregate];
        consider(a.filter);
        consider(a.value);
        consider(a.weight);
      } else {
        consider(action.condition);
        for (const plan::Effect& e : action.effects) consider(e.amount);
      }
    }
    if (cg.kernelPossible(kind)) {
      kernels[k] = "k" + std::to_string(k);
      cg.kernel(k, kernels[k]);
    }
  }
  lap("codegen");
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(*module, &os)) {
    error = "invalid code generated: " + os.str();
    return false;
  }
  if (std::getenv("KAOPING_JIT_DUMP")) module->print(llvm::errs(), nullptr);
  optimize(*module);
  lap("optimize");
  if (std::getenv("KAOPING_JIT_DUMP")) module->print(llvm::errs(), nullptr);
  if (auto e = jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)))) {
    error = llvm::toString(std::move(e));
    return false;
  }
  eval::NativeCode code;
  code.kernels.assign(plan.kinds.size(), nullptr);
  for (auto& [name, key] : programs) {
    auto address = jit->lookup(name);
    if (!address) {
      error = llvm::toString(address.takeError());
      return false;
    }
    code.programs.emplace_back(key, address->toPtr<eval::NativeProgram>());
  }
  for (uint32_t k = 0; k < plan.kinds.size(); ++k) {
    if (kernels[k].empty()) continue;
    auto address = jit->lookup(kernels[k]);
    if (!address) {
      error = llvm::toString(address.takeError());
      return false;
    }
    code.kernels[k] = address->toPtr<eval::KindKernel>();
  }
  lap("machine");
  code.owner = std::shared_ptr<llvm::orc::LLJIT>(std::move(jit));
  out = std::move(code);
  return true;
}

}  // namespace kaoping::jit
