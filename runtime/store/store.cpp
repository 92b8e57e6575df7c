#include "runtime/store/store.h"

#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "runtime/data/mapped_file.h"
#include "runtime/store/sha256.h"

namespace kaoping::store {

namespace fs = std::filesystem;

std::string schemeHash(const SourceManager& sources) {
  Sha256 h;
  for (FileId i = 0; i < sources.size(); ++i) {
    const std::string& text = sources.file(i).text();
    h.update(fmt::format("{}\n", text.size()));
    h.update(text);
  }
  return h.hex();
}

std::string dataHash(const std::vector<std::string>& files, std::string& error) {
  Sha256 h;
  for (const std::string& f : files) {
    auto mapped = data::MappedFile::open(f, error);
    if (!mapped) return "";
    std::string_view bytes = mapped->bytes();
    h.update(fmt::format("{}\n{}\n", fs::path(f).filename().string(), bytes.size()));
    h.update(bytes);
  }
  return h.hex();
}

std::string nowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  scheme TEXT NOT NULL,
  version TEXT NOT NULL,
  scheme_hash TEXT NOT NULL,
  data_hash TEXT NOT NULL,
  period TEXT NOT NULL,
  params TEXT NOT NULL,
  history TEXT NOT NULL,
  started TEXT NOT NULL,
  finished TEXT,
  status TEXT NOT NULL,
  subjects INTEGER NOT NULL,
  events INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_period ON runs(scheme, period);
CREATE TABLE IF NOT EXISTS columns (
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  figure TEXT NOT NULL,
  PRIMARY KEY (run, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  figure TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (run, subject, figure)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (run, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ledger (
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  figure TEXT NOT NULL,
  step TEXT NOT NULL,
  rule TEXT NOT NULL,
  amount TEXT,
  rows INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_by_subject ON ledger(run, subject);
PRAGMA user_version = 1;
)SQL";

// A prepared statement, finalized when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, std::string& error) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      error = sqlite3_errmsg(db);
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  explicit operator bool() const { return stmt_ != nullptr; }
  Statement& text(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Statement& integer(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // Runs a statement that returns no rows, ready to be bound again.
  bool done(sqlite3* db, std::string& error) {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (rc != SQLITE_DONE) {
      error = sqlite3_errmsg(db);
      return false;
    }
    return true;
  }
  // Steps a query: true while there is a row.
  bool row() { return sqlite3_step(stmt_) == SQLITE_ROW; }
  std::string column(int i) const {
    const unsigned char* t = sqlite3_column_text(stmt_, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : "";
  }
  bool isNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

const char* kRunColumns =
    "id, scheme, version, scheme_hash, data_hash, period, params, history, started, finished, status, subjects, events";

RunInfo runInfo(const Statement& q) {
  RunInfo r;
  r.id = q.integer(0);
  r.scheme = q.column(1), r.version = q.column(2), r.schemeHash = q.column(3), r.dataHash = q.column(4);
  r.period = q.column(5), r.params = q.column(6), r.history = q.column(7), r.started = q.column(8);
  r.finished = q.column(9), r.status = q.column(10);
  r.subjects = q.integer(11), r.events = q.integer(12);
  return r;
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path, std::string& error) {
  sqlite3* db = nullptr;
  // Like --out, the store's folder is made when missing.
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    error = path + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<Store> store(new Store(db, path));
  sqlite3_busy_timeout(db, 10000);
  std::string e;
  // WAL: readers see the last committed state while a run writes; a run killed before
  // its commit leaves frames that are never part of the database.
  if (!store->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", e)) {
    error = path + ": " + e;
    return nullptr;
  }
  // The tables, the first time (a store that has them is not written to until a run).
  int64_t version = 0;
  {
    Statement q(db, "PRAGMA user_version", e);
    if (q && q.row()) version = q.integer(0);
  }
  if (version >= 1) return store;
  if (!store->exec("BEGIN IMMEDIATE", e)) {
    error = path + ": " + e;
    return nullptr;
  }
  if (!store->exec(kSchema, e) || !store->exec("COMMIT", e)) {
    std::string ignored;
    store->exec("ROLLBACK", ignored);
    error = path + ": " + e;
    return nullptr;
  }
  return store;
}

Store::~Store() {
  if (pending_) rollback();
  sqlite3_close(db_);
}

bool Store::exec(const char* sql, std::string& error) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    error = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return false;
  }
  return true;
}

std::optional<StoredResults> Store::load(const std::string& scheme, const std::string& period, std::string& error) {
  error.clear();
  std::string sql = fmt::format("SELECT {} FROM runs WHERE scheme = ?1 AND period = ?2 ORDER BY id DESC LIMIT 1", kRunColumns);
  Statement q(db_, sql.c_str(), error);
  if (!q) return std::nullopt;
  q.text(1, scheme).text(2, period);
  if (!q.row()) return std::nullopt;
  StoredResults out;
  out.run = runInfo(q);
  Statement cols(db_, "SELECT figure FROM columns WHERE run = ?1 ORDER BY position", error);
  if (!cols) return std::nullopt;
  cols.integer(1, out.run.id);
  std::vector<std::string> header = {"id"};
  std::map<std::string, size_t> position;
  while (cols.row()) {
    position[cols.column(0)] = header.size();
    header.push_back(cols.column(0));
  }
  out.table.push_back(header);
  Statement rows(db_, "SELECT subject, figure, value FROM results WHERE run = ?1 ORDER BY subject", error);
  if (!rows) return std::nullopt;
  rows.integer(1, out.run.id);
  std::string current;
  bool any = false;
  while (rows.row()) {
    std::string subject = rows.column(0);
    if (!any || subject != current) {
      out.table.emplace_back(header.size());
      out.table.back()[0] = subject;
      current = subject;
      any = true;
    }
    auto it = position.find(rows.column(1));
    if (it != position.end() && !rows.isNull(2)) out.table.back()[it->second] = rows.column(2);
  }
  return out;
}

std::vector<RunInfo> Store::runs(std::string& error) {
  std::vector<RunInfo> out;
  std::string sql = fmt::format("SELECT {} FROM runs ORDER BY id", kRunColumns);
  Statement q(db_, sql.c_str(), error);
  if (!q) return out;
  while (q.row()) out.push_back(runInfo(q));
  return out;
}

int64_t Store::begin(const RunRecord& record, const eval::Results& r, const SourceManager* sources,
                     std::string& error) {
  if (pending_) rollback();
  if (!exec("BEGIN IMMEDIATE", error)) return 0;
  pending_ = -1;
  auto fail = [&]() -> int64_t {
    rollback();
    return 0;
  };
  {
    Statement q(db_,
                "INSERT INTO runs (scheme, version, scheme_hash, data_hash, period, params, history, started, "
                "finished, status, subjects, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11)",
                error);
    if (!q) return fail();
    q.text(1, record.scheme).text(2, record.version).text(3, record.schemeHash).text(4, record.dataHash);
    q.text(5, record.period).text(6, record.params).text(7, record.history).text(8, record.started);
    q.text(9, r.alerts.empty() ? "ok" : "alert");
    q.integer(10, static_cast<int64_t>(r.ids.size())).integer(11, static_cast<int64_t>(r.events));
    if (!q.done(db_, error)) return fail();
  }
  const int64_t run = sqlite3_last_insert_rowid(db_);
  pending_ = run;
  const plan::Plan& p = r.plan;
  {
    Statement q(db_, "INSERT INTO columns (run, position, figure) VALUES (?1, ?2, ?3)", error);
    if (!q) return fail();
    for (size_t i = 0; i < p.outputs.size(); ++i)
      if (!q.integer(1, run).integer(2, static_cast<int64_t>(i)).text(3, p.figures[p.outputs[i]].name).done(db_, error))
        return fail();
  }
  {
    Statement q(db_, "INSERT INTO results (run, subject, figure, value) VALUES (?1, ?2, ?3, ?4)", error);
    if (!q) return fail();
    for (uint32_t s : r.byId)
      for (uint32_t f : p.outputs) {
        q.integer(1, run).text(2, r.ids[s]).text(3, p.figures[f].name);
        if (r.figures[f][s].absent) q.null(4);
        else q.text(4, r.text(f, s));
        if (!q.done(db_, error)) return fail();
      }
  }
  {
    Statement q(db_, "INSERT INTO alerts (run, position, message) VALUES (?1, ?2, ?3)", error);
    if (!q) return fail();
    for (size_t i = 0; i < r.alerts.size(); ++i)
      if (!q.integer(1, run).integer(2, static_cast<int64_t>(i)).text(3, r.alerts[i].message).done(db_, error))
        return fail();
  }
  if (!r.ledger.empty()) {
    Statement q(db_, "INSERT INTO ledger (run, subject, figure, step, rule, amount, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                error);
    if (!q) return fail();
    static const char* what[] = {"base", "rule", "floor", "cap", "value", "adjustment", "rank", "tier", "unrounded", "condition"};
    for (uint32_t s : r.byId) {
      // Per (figure, step, rule location): the amounts added up (rules), or the last one.
      struct Sum {
        uint32_t figure;
        eval::LedgerEntry::What what;
        Value amount;
        int64_t rows = 0;
      };
      std::map<std::tuple<uint32_t, int, std::string>, Sum> sums;
      std::vector<std::tuple<uint32_t, int, std::string>> order;
      for (const eval::LedgerEntry& e : r.ledger[s]) {
        if (e.what == eval::LedgerEntry::What::Unrounded) continue;
        std::string rule = sources && e.rule.valid() ? sources->describe(e.rule) : "";
        auto key = std::make_tuple(e.figure, static_cast<int>(e.what), rule);
        auto [it, inserted] = sums.try_emplace(key, Sum{e.figure, e.what, e.amount});
        if (inserted) order.push_back(key);
        else if (e.what == eval::LedgerEntry::What::Rule) it->second.amount.bits += e.amount.bits;
        else it->second.amount = e.amount;
        it->second.rows += e.hasRow;
      }
      for (const auto& key : order) {
        const Sum& sum = sums[key];
        const plan::Figure& fig = p.figures[sum.figure];
        q.integer(1, run).text(2, r.ids[s]).text(3, fig.name).text(4, what[static_cast<int>(sum.what)]);
        q.text(5, std::get<2>(key));
        if (sum.amount.absent) q.null(6);
        else q.text(6, r.valueText(fig.kind, fig.enumId, std::max(fig.places, 2), sum.amount));
        q.integer(7, sum.rows);
        if (!q.done(db_, error)) return fail();
      }
    }
  }
  return run;
}

bool Store::commit(std::string& error) {
  if (!pending_) {
    error = "no run to commit";
    return false;
  }
  Statement q(db_, "UPDATE runs SET finished = ?1 WHERE id = ?2", error);
  if (!q || !q.text(1, nowUtc()).integer(2, pending_).done(db_, error) || !exec("COMMIT", error)) {
    rollback();
    return false;
  }
  pending_ = 0;
  return true;
}

void Store::rollback() {
  if (!pending_) return;
  std::string ignored;
  exec("ROLLBACK", ignored);
  pending_ = 0;
}

}  // namespace kaoping::store
