// Running a function on a thread with a large stack.
//
// The compiler's passes walk trees recursively: the parser (ANTLR) and the AST builder,
// and the checker, which resolves a definition inside the expression that first uses it
// (so definitions that use one another nest as deep as their chain). Their depths are
// bounded (compiler/syntax/parse.h Limits, sema's check depth), but at the bounds the
// recursion needs more than the 8 MiB of a main thread, the more so under AddressSanitizer;
// so these passes run here. An exception thrown by `fn` is rethrown in the caller.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <exception>
#include <functional>

namespace kaoping {

inline constexpr size_t kLargeStackBytes = size_t{512} << 20;  // reserved, touched only as used

inline void runWithLargeStack(const std::function<void()>& fn, size_t bytes = kLargeStackBytes) {
  struct Job {
    const std::function<void()>* fn;
    std::exception_ptr error;
  } job{&fn, nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t thread;
  auto entry = [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    try {
      (*j->fn)();
    } catch (...) {
      j->error = std::current_exception();
    }
    return nullptr;
  };
  if (pthread_create(&thread, &attr, entry, &job) != 0) {
    pthread_attr_destroy(&attr);
    fn();  // no thread available: run here
    return;
  }
  pthread_attr_destroy(&attr);
  pthread_join(thread, nullptr);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace kaoping
