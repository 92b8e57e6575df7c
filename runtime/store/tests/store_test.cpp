// Tests for runtime/store: SHA-256 against FIPS 180-4 vectors, period labels, the latest
// event date of a data directory, and runs stored in SQLite: read back as a history table,
// the latest run of a period winning, and a run that is not committed leaving nothing.
#include "runtime/store/store.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>
#include <sqlite3.h>

#include "runtime/eval/tests/run_fixture.h"
#include "runtime/store/period.h"
#include "runtime/store/sha256.h"

namespace kaoping::testing {
namespace {

using plan::PeriodKind;
using ::testing::ElementsAre;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(store::sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(store::sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(store::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // A million 'a's fed in uneven pieces.
  store::Sha256 h;
  std::string piece(997, 'a');
  size_t left = 1000000;
  while (left) {
    size_t n = std::min(left, piece.size());
    h.update(std::string_view(piece).substr(0, n));
    left -= n;
  }
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Period, Normalize) {
  EXPECT_EQ(store::normalizePeriod("2024", PeriodKind::Year), "2024");
  EXPECT_EQ(store::normalizePeriod(" 2024年 ", PeriodKind::Year), "2024");
  EXPECT_EQ(store::normalizePeriod("2024H1", PeriodKind::Year), std::nullopt);
  EXPECT_EQ(store::normalizePeriod("2024h2", PeriodKind::HalfYear), "2024H2");
  EXPECT_EQ(store::normalizePeriod("2024-H1", PeriodKind::HalfYear), "2024H1");
  EXPECT_EQ(store::normalizePeriod("2024上半年", PeriodKind::HalfYear), "2024H1");
  EXPECT_EQ(store::normalizePeriod("2024年下半年", PeriodKind::HalfYear), "2024H2");
  EXPECT_EQ(store::normalizePeriod("2024", PeriodKind::HalfYear), std::nullopt);
  EXPECT_EQ(store::normalizePeriod("2024Q3", PeriodKind::Quarter), "2024Q3");
  EXPECT_EQ(store::normalizePeriod("2024年第四季度", PeriodKind::Quarter), "2024Q4");
  EXPECT_EQ(store::normalizePeriod("2024Q5", PeriodKind::Quarter), std::nullopt);
  EXPECT_EQ(store::normalizePeriod("2024-3", PeriodKind::Month), "2024-03");
  EXPECT_EQ(store::normalizePeriod("2024年11月", PeriodKind::Month), "2024-11");
  EXPECT_EQ(store::normalizePeriod("2024-13", PeriodKind::Month), std::nullopt);
  EXPECT_EQ(store::normalizePeriod("24", PeriodKind::Year), std::nullopt);
}

TEST(Period, OfDateAndPrevious) {
  EXPECT_EQ(store::periodOfDate("2024-06-30", PeriodKind::HalfYear), "2024H1");
  EXPECT_EQ(store::periodOfDate("2024-07-01", PeriodKind::HalfYear), "2024H2");
  EXPECT_EQ(store::periodOfDate("2024-12-31", PeriodKind::Quarter), "2024Q4");
  EXPECT_EQ(store::periodOfDate("2024-02-01", PeriodKind::Month), "2024-02");
  EXPECT_EQ(store::periodOfDate("2024-02-01", PeriodKind::Year), "2024");
  EXPECT_EQ(store::periodOfDate("2024/02/01", PeriodKind::Year), std::nullopt);
  EXPECT_EQ(store::previousPeriod("2024", PeriodKind::Year), "2023");
  EXPECT_EQ(store::previousPeriod("2024H1", PeriodKind::HalfYear), "2023H2");
  EXPECT_EQ(store::previousPeriod("2024H2", PeriodKind::HalfYear), "2024H1");
  EXPECT_EQ(store::previousPeriod("2024Q1", PeriodKind::Quarter), "2023Q4");
  EXPECT_EQ(store::previousPeriod("2024Q3", PeriodKind::Quarter), "2024Q2");
  EXPECT_EQ(store::previousPeriod("2024-01", PeriodKind::Month), "2023-12");
  EXPECT_EQ(store::previousPeriod("2024-10", PeriodKind::Month), "2024-09");
}

class Store : public RunFixture {
 protected:
  std::unique_ptr<store::Store> open() {
    std::string error;
    auto db = store::Store::open(path("store.db"), error);
    EXPECT_TRUE(db) << error;
    return db;
  }
  store::RunRecord record(const RunResult& r, const std::string& period) {
    std::string error;
    store::RunRecord rec{r.plan->name, r.plan->version, store::schemeHash(r.sources),
                         store::dataHash(r.results->files, error), period, "", "", store::nowUtc()};
    EXPECT_EQ(error, "");
    return rec;
  }
  // SELECT count(*) with a fresh connection (what another process sees).
  int64_t count(const std::string& table) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path("store.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    std::string sql = "SELECT count(*) FROM " + table;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(q), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
  }
};

const char* kScheme = R"KP(scheme "存储" version "1" {
  period half_year
  subjects persons
  places 2
  event 扣分 { 分值: decimal }
  score 得分 base 100 floor 0 { each 扣分: deduct 分值 }
  tier 等次 on 得分 { 优秀: >= 99; 合格: otherwise }
  let 两次优秀 = 等次 == 优秀 and previous(等次) == 优秀
  let 备注 = if 得分 < 90 then "低" else "高"
  output 得分, 等次, 两次优秀, 备注
})KP";

TEST_F(Store, RoundTripAsHistory) {
  write("data/roster.csv", "id,name,unit,dept,role\nb,x,局,一处,科员\na,y,局,一处,科员\nc,z,局,二处,科员\n");
  write("data/events.csv", "date,kind,subject,分值\n2024-03-01,扣分,b,2\n2024-05-01,扣分,c,0.5\n");
  auto first = run(kScheme);
  ASSERT_TRUE(first->results) << first->gnu();
  auto db = open();
  std::string error;
  int64_t id = db->begin(record(*first, "2024H1"), *first->results, &first->sources, error);
  ASSERT_GT(id, 0) << error;
  ASSERT_TRUE(db->commit(error)) << error;
  EXPECT_EQ(count("runs"), 1);
  EXPECT_EQ(count("results"), 12);

  auto stored = db->load("存储", "2024H1", error);
  ASSERT_TRUE(stored) << error;
  EXPECT_EQ(stored->run.id, id);
  EXPECT_EQ(stored->run.status, "ok");
  EXPECT_EQ(stored->run.subjects, 3);
  EXPECT_EQ(stored->run.schemeHash.size(), 64u);
  EXPECT_FALSE(stored->run.finished.empty());
  EXPECT_THAT(stored->table, ElementsAre(ElementsAre("id", "得分", "等次", "两次优秀", "备注"),
                                         ElementsAre("a", "100.00", "优秀", "否", "高"),
                                         ElementsAre("b", "98.00", "合格", "否", "高"),
                                         ElementsAre("c", "99.50", "优秀", "否", "高")));
  EXPECT_FALSE(db->load("存储", "2023H2", error));
  EXPECT_EQ(error, "");
  EXPECT_FALSE(db->load("别的", "2024H1", error));

  // The next half-year reads it as history.
  eval::Inputs in;
  in.historyTable = stored->table;
  auto second = run(kScheme, in);
  ASSERT_TRUE(second->results) << second->gnu();
  EXPECT_EQ(second->table({"两次优秀"}), "a: 是\nb: 否\nc: 是\n");
}

TEST_F(Store, UncommittedRunLeavesNothing) {
  write("data/roster.csv", "id,name,unit,dept,role\na,y,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,分值\n2024-03-01,扣分,a,2\n");
  auto r = run(kScheme);
  ASSERT_TRUE(r->results) << r->gnu();
  std::string error;
  {
    auto db = open();
    ASSERT_GT(db->begin(record(*r, "2024H1"), *r->results, &r->sources, error), 0) << error;
    ASSERT_TRUE(db->commit(error)) << error;
  }
  {
    auto db = open();
    ASSERT_GT(db->begin(record(*r, "2024H2"), *r->results, &r->sources, error), 0) << error;
    EXPECT_EQ(count("runs"), 1);  // another connection does not see it
    db->rollback();
  }
  EXPECT_EQ(count("runs"), 1);
  {
    auto db = open();
    ASSERT_GT(db->begin(record(*r, "2024H2"), *r->results, &r->sources, error), 0) << error;
  }  // destroyed without commit
  EXPECT_EQ(count("runs"), 1);
  EXPECT_EQ(count("results"), 4);
  auto db = open();
  EXPECT_FALSE(db->load("存储", "2024H2", error));
  EXPECT_EQ(db->runs(error).size(), 1u);
}

TEST_F(Store, LatestRunOfAPeriodWins) {
  write("data/roster.csv", "id,name,unit,dept,role\na,y,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,分值\n2024-03-01,扣分,a,2\n");
  write("data2/roster.csv", "id,name,unit,dept,role\na,y,局,一处,科员\n");
  write("data2/events.csv", "date,kind,subject,分值\n2024-03-01,扣分,a,20\n");
  auto r1 = run(kScheme);
  auto r2 = run(kScheme, {}, {"data2"});
  ASSERT_TRUE(r1->results && r2->results);
  auto db = open();
  std::string error;
  for (auto* r : {r1.get(), r2.get()}) {
    ASSERT_GT(db->begin(record(*r, "2024H1"), *r->results, &r->sources, error), 0) << error;
    ASSERT_TRUE(db->commit(error)) << error;
  }
  auto stored = db->load("存储", "2024H1", error);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->table[1][1], "80.00");
  auto runs = db->runs(error);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_NE(runs[0].dataHash, runs[1].dataHash);
  EXPECT_EQ(runs[0].schemeHash, runs[1].schemeHash);
}

TEST_F(Store, LedgerSummary) {
  write("data/roster.csv", "id,name,unit,dept,role\na,y,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,分值\n2024-03-01,扣分,a,2\n2024-03-02,扣分,a,1.5\n");
  eval::Inputs in;
  in.traceLedger = true;
  auto r = run(kScheme, in);
  ASSERT_TRUE(r->results) << r->gnu();
  auto db = open();
  std::string error;
  ASSERT_GT(db->begin(record(*r, "2024H1"), *r->results, &r->sources, error), 0) << error;
  ASSERT_TRUE(db->commit(error)) << error;
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path("store.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT amount, rows FROM ledger WHERE step = 'rule'", -1, &q, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "-3.50");
  EXPECT_EQ(sqlite3_column_int(q, 1), 2);
  sqlite3_finalize(q);
  sqlite3_close(raw);
}

TEST_F(Store, LatestEventDate) {
  write("d1/events.csv", "kind,date,subject\n扣分,2024-03-01,a\n扣分, 2024-11-30 ,b\n扣分,bad,c\n");
  write("d1/events_more.csv", "date,kind,subject\n2024-07-01,扣分,a\n");
  write("d1/notes.csv", "date\n2030-01-01\n");  // not an events file
  write("d2/x.jsonl", "{\"date\": \"2024-12-02\", \"kind\": \"扣分\", \"subject\": \"a\"}\n{\"kind\": 1}\n");
  std::string error;
  EXPECT_EQ(store::latestEventDate({path("d1")}, error), "2024-11-30");
  EXPECT_EQ(store::latestEventDate({path("d1"), path("d2")}, error), "2024-12-02");
  EXPECT_EQ(error, "");
  write("d3/roster.csv", "id\n");
  EXPECT_EQ(store::latestEventDate({path("d3")}, error), "");
}

}  // namespace
}  // namespace kaoping::testing
