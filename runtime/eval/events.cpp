// The streaming pass: every event row is read, checked against its kind's declaration
// and applied to the accumulators (aggregates and rule effects) of its subject and of the
// subjects its rules route to. Rows are not kept.
#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "compiler/support/date.h"
#include "compiler/support/utf8.h"
#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"
#include "runtime/eval/state.h"

namespace kaoping::eval {

namespace fs = std::filesystem;

bool readCell(State& st, const plan::Column& c, std::string_view text, const DataLocation& where, Value& out);

// ---------------------------------------------------------------------------- accumulators

SparseCell& State::sparseCell(uint32_t subject, uint32_t aggregate, int32_t window, uint32_t key) {
  std::vector<SparseCell>& cells = sparse[subject];
  for (SparseCell& c : cells)
    if (c.aggregate == aggregate && c.window == window && c.key == key) return c;
  cells.push_back(SparseCell{aggregate, window, key, {0, 0}});
  return cells.back();
}

const SparseCell* State::findSparse(uint32_t subject, uint32_t aggregate, int32_t window, uint32_t key) const {
  for (const SparseCell& c : sparse[subject])
    if (c.aggregate == aggregate && c.window == window && c.key == key) return &c;
  return nullptr;
}

namespace {

bool isDecimalKind(plan::Kind k) { return k == plan::Kind::Decimal || k == plan::Kind::Money || k == plan::Kind::Percent; }

// Orders two values of the aggregate's value kind: strings by bytes, enum values by
// their declared order, everything else by its raw representation.
int order(const plan::Plan& plan, const StringPool& strings, const plan::Aggregate& agg, __int128 a, __int128 b) {
  if (agg.valueKind == plan::Kind::String)
    return a == b ? 0 : (strings.text(static_cast<uint32_t>(a)) < strings.text(static_cast<uint32_t>(b)) ? -1 : 1);
  if (agg.valueKind == plan::Kind::Enum) {
    const plan::EnumTable& e = plan.enums[agg.valueEnum];
    int x = e.ordinal(static_cast<uint32_t>(a)), y = e.ordinal(static_cast<uint32_t>(b));
    return (x > y) - (x < y);
  }
  return (a > b) - (a < b);
}

void addChecked(__int128& cell, __int128 amount) {
  if (__builtin_add_overflow(cell, amount, &cell)) throw ArithmeticError(ArithmeticError::Kind::Overflow, "accumulator");
}

}  // namespace

void updateCells(const plan::Plan& plan, const StringPool& strings, const plan::Aggregate& agg, __int128* v,
                 const Value& value, const Value& weight, __int128 orderKey) {
  switch (agg.op) {
    case ir::AggOp::Count: addChecked(v[0], 1); return;
    case ir::AggOp::Exists: v[0] = 1; return;
    case ir::AggOp::Sum:
      if (!value.absent) addChecked(v[0], value.bits);
      return;
    case ir::AggOp::Mean:
      if (value.absent) return;
      addChecked(v[0], value.bits);
      addChecked(v[1], 1);
      return;
    case ir::AggOp::WeightedMean: {
      if (value.absent || weight.absent) return;
      Decimal product = value.asDecimal() * weight.asDecimal();
      addChecked(v[0], product.raw());
      addChecked(v[1], weight.bits);
      return;
    }
    case ir::AggOp::Min:
    case ir::AggOp::Max: {
      if (value.absent) return;
      int c = order(plan, strings, agg, value.bits, v[0]);
      if (v[1] == 0 || (agg.op == ir::AggOp::Min ? c < 0 : c > 0)) v[0] = value.bits;
      v[1] += 1;
      return;
    }
    case ir::AggOp::Last:
    case ir::AggOp::First:
      if (value.absent) return;
      if (v[1] == 0 || (agg.op == ir::AggOp::Last ? orderKey >= v[1] : orderKey < v[1])) {
        v[0] = value.bits;
        v[1] = orderKey;
      }
      return;
  }
}

namespace {

// Where each column of the current file is, for the kinds' attributes.
struct FileColumns {
  int32_t date = -1, kind = -1, subject = -1;
  std::vector<std::vector<int32_t>> attributes;  // [kind][attribute] → field index or -1
  size_t fieldCount = 0;
};

class Streamer {
 public:
  Streamer(State& st, Vm& vm) : st_(st), vm_(vm), p_(st.plan) {
    size_t most = 0;
    for (const plan::EventKind& k : p_.kinds) most = std::max(most, k.attributes.size());
    row_.resize(most + 1);
  }

  bool run(const Inputs& inputs) {
    const size_t errorsBefore = st_.diags.errorCount();
    for (const std::string& dir : inputs.dataDirs) {
      std::vector<fs::path> files;
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        bool csv = name.rfind("events", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".csv";
        bool jsonl = name.size() > 6 && name.substr(name.size() - 6) == ".jsonl";
        if ((csv || jsonl) && entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      if (ec) {
        st_.diags.reportData(DiagId::DataCannotRead, DataLocation{dir, 0, ""}, ec.message());
        continue;
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) {
        std::string path = f.string();
        fileIndex_ = static_cast<uint32_t>(st_.results.files.size());
        st_.results.files.push_back(path);
        if (f.extension() == ".jsonl") readJsonLines(path);
        else readCsv(path);
      }
    }
    return st_.diags.errorCount() == errorsBefore;
  }

 private:
  bool setColumns(const std::vector<std::string_view>& header, const std::string& path, FileColumns& cols) {
    std::unordered_map<std::string_view, int32_t> index;
    bool ok = true;
    for (size_t i = 0; i < header.size(); ++i)
      if (!index.emplace(header[i], static_cast<int32_t>(i)).second) {
        st_.diags.reportData(DiagId::DataDuplicateColumn, DataLocation{path, 1, std::string(header[i])}, std::string(header[i]));
        ok = false;
      }
    auto find = [&](std::string_view name) {
      auto it = index.find(name);
      return it == index.end() ? -1 : it->second;
    };
    cols.date = find("date");
    cols.kind = find("kind");
    cols.subject = find("subject");
    for (const char* required : {"date", "kind", "subject"})
      if (find(required) < 0) {
        st_.diags.reportData(DiagId::DataMissingColumn, DataLocation{path, 1, required}, required,
                             bilingual("every events file needs it", "每个事件文件都需要此列"));
        ok = false;
      }
    cols.attributes.assign(p_.kinds.size(), {});
    for (size_t k = 0; k < p_.kinds.size(); ++k)
      for (const plan::Column& c : p_.kinds[k].attributes) cols.attributes[k].push_back(find(c.name));
    cols.fieldCount = header.size();
    missingReported_.assign(p_.kinds.size(), false);
    return ok;
  }

  void readCsv(const std::string& path) {
    std::string error;
    auto file = data::MappedFile::open(path, error);
    if (!file) {
      st_.diags.reportData(DiagId::DataCannotRead, DataLocation{path, 0, ""}, error);
      return;
    }
    std::string_view bytes = file->bytes();
    data::CsvReader reader(bytes);
    data::LineIndex lines(bytes);
    data::CsvRecord rec;
    if (!reader.next(rec)) {
      st_.diags.reportData(DiagId::DataEmptyFile, DataLocation{path, 1, ""});
      return;
    }
    if (rec.error) {
      st_.diags.reportData(DiagId::DataQuote, DataLocation{path, 1, ""}, rec.error);
      return;
    }
    FileColumns cols;
    if (!setColumns(rec.fields, path, cols)) return;
    path_ = &path;
    lines_ = &lines;
    while (reader.next(rec)) {
      if (rec.error) {
        st_.diags.reportData(DiagId::DataQuote, where(rec.offset), rec.error);
        continue;
      }
      if (rec.fields.size() != cols.fieldCount) {
        st_.diags.reportData(DiagId::DataFieldCount, where(rec.offset), rec.fields.size(), cols.fieldCount);
        continue;
      }
      row(rec.fields, cols, rec.offset);
    }
  }

  void readJsonLines(const std::string& path) {
    std::string error;
    auto file = data::MappedFile::open(path, error);
    if (!file) {
      st_.diags.reportData(DiagId::DataCannotRead, DataLocation{path, 0, ""}, error);
      return;
    }
    std::string_view bytes = file->bytes();
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    // The columns of a JSON Lines file are the keys: date, kind, subject and every
    // attribute name of the scheme.
    std::vector<std::string> names = {"date", "kind", "subject"};
    std::unordered_map<std::string, uint32_t> nameIndex = {{"date", 0}, {"kind", 1}, {"subject", 2}};
    for (const plan::EventKind& k : p_.kinds)
      for (const plan::Column& c : k.attributes)
        if (nameIndex.emplace(c.name, static_cast<uint32_t>(names.size())).second) names.push_back(c.name);
    std::vector<std::string_view> header(names.begin(), names.end());
    FileColumns cols;
    setColumns(header, path, cols);
    path_ = &path;
    data::LineIndex lines(file->bytes());
    lines_ = &lines;
    std::vector<std::string> texts(names.size());
    std::vector<std::string_view> fields(names.size());
    size_t start = 0;
    const size_t skip = file->bytes().size() - bytes.size();
    while (start < bytes.size()) {
      size_t end = bytes.find('\n', start);
      if (end == std::string_view::npos) end = bytes.size();
      std::string_view line = bytes.substr(start, end - start);
      uint64_t offset = start + skip;
      start = end + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      if (!utf8::isValid(line)) {
        st_.diags.reportData(DiagId::DataInvalidUtf8, where(offset), *utf8::findInvalid(line) + 1);
        continue;
      }
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        st_.diags.reportData(DiagId::DataBadJson, where(offset),
                             j.is_discarded() ? bilingual("not a JSON value", "不是 JSON 值") : bilingual("not an object", "不是对象"));
        continue;
      }
      for (auto& t : texts) t.clear();
      for (auto it = j.begin(); it != j.end(); ++it) {
        auto ni = nameIndex.find(it.key());
        if (ni == nameIndex.end()) continue;  // a key the scheme does not declare
        const nlohmann::json& v = it.value();
        std::string& t = texts[ni->second];
        if (v.is_string()) t = v.get<std::string>();
        else if (v.is_boolean()) t = v.get<bool>() ? "是" : "否";
        else if (v.is_null()) t.clear();
        else if (v.is_number()) t = v.dump();
        else t = v.dump();
        size_t a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t");
        t = a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
      }
      for (size_t i = 0; i < texts.size(); ++i) fields[i] = texts[i];
      row(fields, cols, offset);
    }
  }

  DataLocation where(uint64_t offset, std::string column = "") {
    return DataLocation{*path_, lines_->lineOf(offset), std::move(column)};
  }

  void row(const std::vector<std::string_view>& fields, const FileColumns& cols, uint64_t offset) {
    // kind
    std::string_view kindText = fields[cols.kind];
    uint32_t kind;
    if (lastKind_ != kNone && kindText == p_.kinds[lastKind_].name) {
      kind = lastKind_;
    } else {
      auto it = p_.kindLookup.find(std::string(kindText));
      if (it == p_.kindLookup.end()) {
        st_.diags.reportData(DiagId::DataUnknownKind, where(offset, "kind"), utf8::escapeInvalid(kindText));
        return;
      }
      kind = lastKind_ = it->second;
    }
    // subject
    std::string_view subjectText = fields[cols.subject];
    uint32_t subject = st_.idIndex.find(subjectText);
    if (subject == kNone) {
      if (st_.rosterFailed) return;  // its roster row may be one of the bad ones
      st_.diags.reportData(DiagId::DataUnknownSubject, where(offset, "subject"), utf8::escapeInvalid(subjectText),
                           p_.subjects == plan::SubjectKind::Persons ? "roster.csv" : "units.csv");
      return;
    }
    // date
    std::string_view dateText = fields[cols.date];
    if (dateText != lastDateText_) {
      int32_t days;
      if (!date::parseFast(dateText.data(), dateText.size(), days)) {
        st_.diags.reportData(DiagId::DataBadDate, where(offset, "date"), utf8::escapeInvalid(dateText));
        return;
      }
      lastDateText_.assign(dateText);
      lastDate_ = days;
      lastMonth_ = date::monthIndex(days);
      st_.minDate = std::min(st_.minDate, days);
      st_.maxDate = std::max(st_.maxDate, days);
    }
    // attributes
    const plan::EventKind& k = p_.kinds[kind];
    bool ok = true;
    for (size_t a = 0; a < k.attributes.size(); ++a) {
      const plan::Column& c = k.attributes[a];
      int32_t column = cols.attributes[kind][a];
      if (column < 0) {
        if (c.defaultValue || c.optional) {
          row_[a] = c.defaultValue ? *c.defaultValue : Value::none();
          continue;
        }
        if (!missingReported_[kind]) {
          st_.diags.reportData(DiagId::DataMissingColumn, where(offset, c.name), c.name,
                               bilingual("`", "`") + k.name + bilingual("` rows need it", "` 类事件需要此列"));
          missingReported_[kind] = true;
        }
        ok = false;
        continue;
      }
      std::string_view text = fields[column];
      if (!readCell(st_, c, text, where(offset, c.name), row_[a])) ok = false;
    }
    if (!ok) return;
    ++st_.results.events;
    if (st_.diags.hasErrors()) return;  // keep checking rows, but stop computing
    try {
      apply(k, subject, offset);
    } catch (const ArithmeticError&) {
      st_.diags.reportData(DiagId::EvalOverflow, where(offset), st_.results.ids[subject]);
    }
  }

  void apply(const plan::EventKind& k, uint32_t subject, uint64_t offset) {
    Frame frame;
    frame.subject = subject;
    frame.row = row_.data();
    const __int128 orderKey = (static_cast<__int128>(lastDate_) << 64) |
                              (static_cast<__int128>(fileIndex_) << 40) | static_cast<__int128>(offset);
    for (const plan::Action& action : k.actions) {
      if (action.type == plan::Action::Type::Aggregate) {
        const plan::Aggregate& agg = p_.aggregates[action.aggregate];
        if (agg.filter.valid() && !vm_.test(agg.filter, frame)) continue;
        Value value = agg.value.valid() ? vm_.eval(agg.value, frame) : Value{};
        Value weight = agg.weight.valid() ? vm_.eval(agg.weight, frame) : Value{};
        __int128* cells;
        if (!agg.sparse) {
          cells = st_.subjectSlots(subject) + agg.slot;
          if (agg.groupedBy >= 0) {
            const Value& key = row_[agg.groupedBy];
            if (key.absent) continue;
            cells += key.asIndex() * agg.slotsPerGroup;
          }
        } else {
          uint32_t key = kNone;
          if (agg.groupedBy >= 0) {
            const Value& kv = row_[agg.groupedBy];
            if (kv.absent) continue;
            key = kv.asIndex();
          }
          cells = st_.sparseCell(subject, action.aggregate, agg.window == ir::Window::Month ? lastMonth_ : INT32_MIN, key).v;
        }
        updateCells(p_, st_.results.strings, agg, cells, value, weight, orderKey);
        if (agg.trackRows) st_.tracked[subject].push_back(TrackedRow{action.aggregate, RowRef{fileIndex_, offset}});
        if (st_.trace)
          st_.results.aggregateRows[subject].push_back(AggregateRow{action.aggregate, fileIndex_, offset, value});
        continue;
      }
      if (action.condition.valid() && !vm_.test(action.condition, frame)) continue;
      for (const plan::Effect& e : action.effects) {
        Value amount = vm_.eval(e.amount, frame);
        __int128 delta = e.deduct ? -amount.bits : amount.bits;
        auto credit = [&](uint32_t target) {
          addChecked(st_.subjectSlots(target)[e.slot], delta);
          if (st_.trace)
            st_.ledger(target, LedgerEntry{action.figure, LedgerEntry::What::Rule, Value{delta, false}, action.span,
                                           fileIndex_, offset, true, target == subject ? kNone : subject, action.citation});
        };
        if (e.relation < 0) {
          credit(subject);
        } else if (e.relation == 0) {
          for (uint32_t t = 0; t < st_.n; ++t) credit(t);
        } else {
          const Relations& r = st_.relations[e.relation];
          for (uint32_t i = r.offsets[subject]; i < r.offsets[subject + 1]; ++i) credit(r.members[i]);
        }
      }
    }
  }

  State& st_;
  Vm& vm_;
  const plan::Plan& p_;
  std::vector<Value> row_;
  uint32_t fileIndex_ = 0;
  uint32_t lastKind_ = kNone;
  std::string lastDateText_;
  int32_t lastDate_ = 0, lastMonth_ = 0;
  std::vector<bool> missingReported_;
  const std::string* path_ = nullptr;
  data::LineIndex* lines_ = nullptr;
};

}  // namespace

bool streamEvents(State& st, Vm& vm, const Inputs& inputs) {
  st.slots.assign(static_cast<size_t>(st.n) * st.plan.slotsPerSubject, 0);
  st.sparse.assign(st.n, {});
  st.tracked.assign(st.n, {});
  Streamer streamer(st, vm);
  bool ok = streamer.run(inputs);
  // The calendar windows: every month of each period the events fall in.
  if (st.minDate <= st.maxDate && st.plan.usesWindows) {
    int32_t first = date::monthIndex(st.minDate), last = date::monthIndex(st.maxDate);
    int span = 12;
    switch (st.plan.period) {
      case plan::PeriodKind::Year: span = 12; break;
      case plan::PeriodKind::HalfYear: span = 6; break;
      case plan::PeriodKind::Quarter: span = 3; break;
      case plan::PeriodKind::Month: span = 1; break;
    }
    first -= first % span;
    last += span - 1 - last % span;
    for (int32_t m = first; m <= last; ++m) st.windows.push_back(m);
  }
  return ok;
}

}  // namespace kaoping::eval
