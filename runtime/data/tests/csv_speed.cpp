// csv_speed: times the CSV layer alone on one file.
//
//   csv_speed FILE [REPEATS=3] [THREADS=1]
//
// Opens FILE with MappedFile, reads every record with CsvReader (THREADS > 1: one reader
// per chunk from splitIntoChunks, on that many threads), counts records and fields and sums
// the field lengths (so no work can be optimised away), and prints MB/s for the first pass
// (which includes opening and mapping the file and faulting its pages in) and for the best
// of REPEATS passes over the already mapped bytes.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"

namespace {

using namespace kaoping::data;
using Clock = std::chrono::steady_clock;

struct Totals {
  size_t records = 0, fields = 0, bytes = 0, errors = 0;
  void add(const Totals& o) {
    records += o.records;
    fields += o.fields;
    bytes += o.bytes;
    errors += o.errors;
  }
};

Totals readRange(std::string_view bytes, size_t begin, size_t end) {
  Totals t;
  CsvReader reader(bytes, begin, end);
  CsvRecord rec;
  while (reader.next(rec)) {
    ++t.records;
    t.fields += rec.fields.size();
    for (std::string_view f : rec.fields) t.bytes += f.size();
    t.errors += rec.error != nullptr;
  }
  return t;
}

Totals readAll(std::string_view bytes, unsigned threads) {
  if (threads <= 1) return readRange(bytes, 0, bytes.size());
  // The header on its own, then the data rows in chunks.
  CsvReader header(bytes);
  CsvRecord rec;
  Totals t;
  if (!header.next(rec)) return t;
  t.records = 1;
  t.fields = rec.fields.size();
  for (std::string_view f : rec.fields) t.bytes += f.size();
  auto chunks = splitIntoChunks(bytes, header.position(), threads);
  std::vector<Totals> parts(chunks.size());
  std::vector<std::thread> pool;
  for (size_t i = 1; i < chunks.size(); ++i)
    pool.emplace_back([&, i] { parts[i] = readRange(bytes, chunks[i].first, chunks[i].second); });
  parts[0] = readRange(bytes, chunks[0].first, chunks[0].second);
  for (auto& th : pool) th.join();
  for (const Totals& p : parts) t.add(p);
  return t;
}

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the process (all threads), less disturbed than wall time by other jobs.
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [REPEATS=3] [THREADS=1]\n", argv[0]);
    return 2;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const unsigned threads = argc > 3 ? static_cast<unsigned>(std::max(1, std::atoi(argv[3]))) : 1;

  auto t0 = Clock::now();
  const double c0 = cpuSeconds();
  std::string error;
  auto file = MappedFile::open(argv[1], error);
  if (!file) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const std::string_view bytes = file->bytes();
  Totals first = readAll(bytes, threads);
  const double c1 = cpuSeconds();
  auto t1 = Clock::now();
  const double mb = static_cast<double>(bytes.size()) / 1e6;
  std::printf("%s: %.1f MB, %zu records, %zu fields, %zu field bytes, %zu bad records, %u thread(s)\n", argv[1], mb,
              first.records, first.fields, first.bytes, first.errors, threads);
  std::printf("first pass (open + map + read): %.3f s  %.0f MB/s  (CPU %.3f s  %.0f MB/s)\n", seconds(t0, t1),
              mb / seconds(t0, t1), c1 - c0, mb / (c1 - c0));

  double best = 1e30, bestCpu = 1e30;
  for (int i = 0; i < repeats; ++i) {
    auto a = Clock::now();
    double ca = cpuSeconds();
    Totals t = readAll(bytes, threads);
    double cb = cpuSeconds();
    auto b = Clock::now();
    bestCpu = std::min(bestCpu, cb - ca);
    if (t.records != first.records || t.bytes != first.bytes) {
      std::fprintf(stderr, "passes disagree\n");
      return 1;
    }
    best = std::min(best, seconds(a, b));
  }
  std::printf("best of %d passes (mapped):      %.3f s  %.0f MB/s  (%.1f M records/s)\n", repeats, best, mb / best,
              static_cast<double>(first.records) / best / 1e6);
  std::printf("best CPU time of a pass:         %.4f s  %.0f MB/s\n", bestCpu, mb / bestCpu);
  return 0;
}
