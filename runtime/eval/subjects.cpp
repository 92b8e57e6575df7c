// Reading the subjects (roster.csv / units.csv), parameters and history; building
// group sizes and relations.
#include <algorithm>
#include <deque>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "compiler/support/date.h"
#include "compiler/support/utf8.h"
#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"
#include "runtime/eval/rowplan.h"
#include "runtime/eval/state.h"

namespace kaoping::eval {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------- values

std::string kindName(const plan::Plan& plan, plan::Kind kind, uint32_t enumId) {
  switch (kind) {
    case plan::Kind::Int: return bilingual("an integer", "整数");
    case plan::Kind::Decimal: return bilingual("a number", "数值");
    case plan::Kind::Money: return bilingual("an amount of money", "金额");
    case plan::Kind::Percent: return bilingual("a percentage", "百分比");
    case plan::Kind::Bool: return bilingual("是 or 否", "“是”或“否”");
    case plan::Kind::String: return bilingual("text", "文本");
    case plan::Kind::Date: return bilingual("a date (YYYY-MM-DD)", "日期（YYYY-MM-DD）");
    case plan::Kind::Enum: {
      std::string values;
      for (const std::string& v : plan.enums[enumId].values) values += (values.empty() ? "" : ", ") + v;
      return "{" + values + "}";
    }
    case plan::Kind::Subject: return bilingual("a subject id", "对象编号");
    case plan::Kind::Department: return bilingual("a department", "处室");
  }
  return "?";
}

bool parseValue(std::string_view text, plan::Kind kind, uint32_t enumId, const plan::Plan& plan, Interner& strings,
                Value& out, std::string& why) {
  switch (kind) {
    case plan::Kind::Int: {
      size_t i = 0;
      bool negative = false;
      if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
      if (i == text.size()) break;
      if (text.size() - i > 18) {
        bool digits = text.find_first_not_of("0123456789", i) == std::string_view::npos;
        if (digits) {
          why = bilingual("an integer small enough (at most 18 digits)", "范围内的整数（最多 18 位）");
          return false;
        }
        break;
      }
      int64_t v = 0;
      for (; i < text.size(); ++i) {
        unsigned d = static_cast<unsigned char>(text[i]) - '0';
        if (d > 9) {
          v = -1;
          break;
        }
        v = v * 10 + d;
      }
      if (v < 0) break;
      out = Value::ofInt(negative ? -v : v);
      return true;
    }
    case plan::Kind::Decimal:
    case plan::Kind::Money: {
      if (kind == plan::Kind::Money && text.size() > 3 && text.substr(text.size() - 3) == "元") text.remove_suffix(3);
      Decimal d;
      if (!Decimal::parseFast(text.data(), text.size(), d)) {
        Decimal::ParseError err{};
        if (!Decimal::parse(text, &err) && err == Decimal::ParseError::TooManyFractionDigits) {
          why = bilingual("a number with at most 18 decimal places", "最多 18 位小数的数值");
          return false;
        }
        break;
      }
      out = Value::ofDecimal(d);
      return true;
    }
    case plan::Kind::Percent: {
      if (!text.empty() && text.back() == '%') text.remove_suffix(1);
      else if (text.size() > 3 && text.substr(text.size() - 3) == "％") text.remove_suffix(3);
      Decimal d;
      if (!Decimal::parseFast(text.data(), text.size(), d)) break;
      out = Value::ofDecimal(d / Decimal::fromInt(100));
      return true;
    }
    case plan::Kind::Bool:
      // 是 and 否 are the two values of a yes/no column (SCHEMES.md); JSON Lines true and
      // false are read as these.
      if (text == "是") {
        out = Value::ofBool(true);
        return true;
      }
      if (text == "否") {
        out = Value::ofBool(false);
        return true;
      }
      break;
    case plan::Kind::String:
      if (!utf8::isValid(text)) {
        why = bilingual("not valid UTF-8", "不是有效的 UTF-8 编码");
        return false;
      }
      out = Value::ofIndex(strings.intern(text));
      return true;
    case plan::Kind::Date: {
      int32_t days;
      if (!date::parseFast(text.data(), text.size(), days)) break;
      out = Value::ofDate(days);
      return true;
    }
    case plan::Kind::Enum: {
      const plan::EnumTable& e = plan.enums[enumId];
      for (uint32_t i = 0; i < e.values.size(); ++i)
        if (e.values[i] == text) {
          out = Value::ofIndex(i);
          return true;
        }
      why = kindName(plan, kind, enumId);
      return false;
    }
    default: break;
  }
  why = kindName(plan, kind, enumId);
  return false;
}

namespace {

std::string shown(std::string_view text) { return utf8::escapeInvalid(text); }

// results.csv writes text that a spreadsheet would run as a formula (=, +, -, @ first)
// with an apostrophe in front; reading it back as history removes it.
std::string_view unguarded(std::string_view text) {
  // results.csv puts an apostrophe before text matching '*[=+-@] (output/results.cpp).
  const size_t first = text.find_first_not_of('\'');
  if (first != std::string_view::npos && first >= 1 &&
      (text[first] == '=' || text[first] == '+' || text[first] == '-' || text[first] == '@'))
    text.remove_prefix(1);
  return text;
}

// Checks a parsed number against the column's declared range.
bool inRange(const plan::Column& c, const Value& v) {
  if (!c.rangeDeclared || v.absent) return true;
  Decimal d = c.kind == plan::Kind::Int ? Decimal::fromInt(v.asInt()) : v.asDecimal();
  return c.range.contains(d);
}

Decimal asDecimal(plan::Kind kind, const Value& v) {
  return kind == plan::Kind::Int ? Decimal::fromInt(v.asInt()) : v.asDecimal();
}

std::string rangeText(const plan::Column& c) {
  ir::Interval r = c.range;
  if (c.kind == plan::Kind::Percent) {
    if (r.lo) r.lo = *r.lo * Decimal::fromInt(100);
    if (r.hi) r.hi = *r.hi * Decimal::fromInt(100);
  }
  return r.describe();
}

struct OpenCsv {
  data::MappedFile file;
  std::vector<std::string> header;
};

std::optional<OpenCsv> openCsv(const std::string& path, Diagnostics& diags) {
  std::string error;
  auto file = data::MappedFile::open(path, error);
  if (!file) {
    diags.reportData(DiagId::DataCannotRead, DataLocation{path, 0, ""}, error);
    return std::nullopt;
  }
  OpenCsv csv{std::move(*file), {}};
  return csv;
}

}  // namespace

bool readCell(const plan::Plan& plan, Diagnostics& diags, Interner& strings, const plan::Column& c,
              std::string_view text, const DataLocation& where, Value& out) {
  if (text.empty()) {
    if (c.defaultValue) {
      out = *c.defaultValue;
      return true;
    }
    if (c.optional) {
      out = Value::none();
      return true;
    }
    diags.reportData(DiagId::DataEmptyValue, where, c.name);
    return false;
  }
  std::string why;
  if (!parseValue(text, c.kind, c.enumId, plan, strings, out, why)) {
    if (c.kind == plan::Kind::Enum) diags.reportData(DiagId::DataNotInEnum, where, c.name, shown(text), why);
    else if (c.kind == plan::Kind::String) diags.reportData(DiagId::DataValueInvalidUtf8, where, c.name, shown(text));
    else diags.reportData(DiagId::DataBadValue, where, c.name, shown(text), why);
    return false;
  }
  if (!inRange(c, out)) {
    diags.reportData(DiagId::DataOutOfRange, where, c.name, shown(text), rangeText(c));
    return false;
  }
  return true;
}

namespace {
bool readCell(State& st, const plan::Column& c, std::string_view text, const DataLocation& where, Value& out) {
  return readCell(st.plan, st.diags, st.results.strings, c, text, where, out);
}
}  // namespace

// ---------------------------------------------------------------------------- subjects

bool loadSubjects(State& st, const Inputs& inputs) {
  const plan::Plan& p = st.plan;
  const bool persons = p.subjects == plan::SubjectKind::Persons;
  const std::string fileName = persons ? "roster.csv" : "units.csv";
  Results& r = st.results;
  const size_t errorsBefore = st.diags.errorCount();

  std::vector<std::string> paths;
  for (const std::string& dir : inputs.dataDirs) {
    fs::path path = fs::path(dir) / fileName;
    std::error_code ec;
    if (fs::exists(path, ec)) paths.push_back(path.string());
  }
  if (paths.empty()) {
    std::string dirs;
    for (const std::string& d : inputs.dataDirs) dirs += (dirs.empty() ? "" : ", ") + d;
    st.diags.reportData(DiagId::DataNoFiles, DataLocation{inputs.dataDirs.empty() ? "--data" : inputs.dataDirs[0], 0, ""},
                        fileName, dirs);
    return false;
  }

  r.attributes.assign(p.subjectColumns.size(), {});
  std::unordered_map<uint64_t, uint32_t> deptByKey;  // (unit string, dept string) → department index
  auto rowOf = [&](uint32_t s) { return st.sourceOfSubject(s); };
  std::vector<Value> values(p.subjectColumns.size());
  std::vector<AttributeReader> reader_;
  for (const plan::Column& c : p.subjectColumns) reader_.push_back(attributeReader(p, c));

  for (const std::string& path : paths) {
    auto csv = openCsv(path, st.diags);
    if (!csv) continue;
    const uint32_t fileIndex = static_cast<uint32_t>(r.files.size());
    r.files.push_back(path);
    std::string_view bytes = csv->file.bytes();
    data::CsvReader reader(bytes);
    data::LineIndex lines(bytes);
    data::CsvRecord rec;
    if (!reader.next(rec)) {
      st.diags.reportData(DiagId::DataEmptyFile, DataLocation{path, 1, ""});
      continue;
    }
    if (rec.error) {
      st.diags.reportData(DiagId::DataQuote, DataLocation{path, 1, ""}, rec.error);
      continue;
    }
    // Header: where each declared column is.
    std::unordered_map<std::string, uint32_t> header;
    bool headerOk = true;
    for (uint32_t i = 0; i < rec.fields.size(); ++i) {
      std::string name(rec.fields[i]);
      if (!header.emplace(name, i).second) {
        st.diags.reportData(DiagId::DataDuplicateColumn, DataLocation{path, 1, name}, name);
        headerOk = false;
      }
    }
    std::vector<int32_t> columnOf(p.subjectColumns.size(), -1);
    for (size_t c = 0; c < p.subjectColumns.size(); ++c) {
      const plan::Column& col = p.subjectColumns[c];
      auto it = header.find(col.name);
      if (it != header.end()) {
        columnOf[c] = static_cast<int32_t>(it->second);
        continue;
      }
      bool required = !(col.builtin && col.name == "parent") && !col.optional && !col.defaultValue;
      if (required) {
        st.diags.reportData(DiagId::DataMissingColumn, DataLocation{path, 1, col.name}, col.name,
                            col.builtin ? bilingual("every ", "每个 ") + fileName + bilingual(" needs it", " 都需要此列")
                                        : bilingual("the scheme declares this attribute", "方案声明了此属性"));
        headerOk = false;
      }
    }
    if (!headerOk) continue;
    const size_t fieldCount = rec.fields.size();
    while (reader.next(rec)) {
      const uint32_t line = static_cast<uint32_t>(lines.lineOf(rec.offset));
      // Locations are only made for errors.
      auto at = [&](std::string column = "") { return DataLocation{path, line, std::move(column)}; };
      if (rec.error) {
        st.diags.reportData(DiagId::DataQuote, at(), rec.error);
        continue;
      }
      if (rec.fields.size() != fieldCount) {
        st.diags.reportData(DiagId::DataFieldCount, at(), rec.fields.size(), fieldCount);
        continue;
      }
      std::string_view id = rec.fields[columnOf[ir::kAttrId]];
      if (id.empty()) {
        st.diags.reportData(DiagId::DataEmptyValue, at("id"), "id");
        continue;
      }
      if (!utf8::isValid(id)) {
        st.diags.reportData(DiagId::DataValueInvalidUtf8, at("id"), "id", shown(id));
        continue;
      }
      bool ok = true;
      for (size_t c = 0; c < p.subjectColumns.size(); ++c) {
        const plan::Column& col = p.subjectColumns[c];
        values[c] = Value::none();
        if (columnOf[c] < 0) {
          if (col.defaultValue) values[c] = *col.defaultValue;
          continue;
        }
        std::string_view text = rec.fields[columnOf[c]];
        if (col.kind == plan::Kind::Department) {
          // A department is the pair (unit, dept): the same name in two units is two departments.
          if (text.empty()) {
            st.diags.reportData(DiagId::DataEmptyValue, at(col.name), col.name);
            ok = false;
            continue;
          }
          if (!utf8::isValid(text)) {
            st.diags.reportData(DiagId::DataValueInvalidUtf8, at(col.name), col.name, shown(text));
            ok = false;
            continue;
          }
          uint32_t unitId = r.strings.intern(rec.fields[columnOf[ir::kAttrUnit]]);
          uint32_t deptId = r.strings.intern(text);
          uint64_t key = (static_cast<uint64_t>(unitId) << 32) | deptId;
          auto [it, inserted] = deptByKey.emplace(key, static_cast<uint32_t>(r.departments.size()));
          if (inserted) r.departments.push_back(std::string(r.strings.text(unitId)) + "/" + std::string(text));
          values[c] = Value::ofIndex(it->second);
          continue;
        }
        if (col.kind == plan::Kind::Subject) {  // units: parent, resolved below
          values[c] = text.empty() ? Value::none() : Value::ofIndex(r.strings.intern(text));
          continue;
        }
        if (readAttributeFast(reader_[c], p, text, r.strings, values[c])) continue;
        if (!readCell(st, col, text, at(col.name), values[c])) ok = false;
      }
      if (!ok) continue;
      r.ids.emplace_back(id);
      st.rosterRow.emplace_back(fileIndex, line);
      for (size_t c = 0; c < values.size(); ++c) r.attributes[c].push_back(values[c]);
    }
  }
  st.n = static_cast<uint32_t>(r.ids.size());
  r.attributes[ir::kAttrId].assign(st.n, Value{});
  for (uint32_t s = 0; s < st.n; ++s) r.attributes[ir::kAttrId][s] = Value::ofIndex(r.strings.intern(r.ids[s]));
  st.idIndex.build(r.ids);  // also when there were errors: the events are still checked

  // Ids must be unique across every roster of the run (checked among the good rows also
  // when others were bad): the index finds the first of equal ids.
  for (uint32_t s = 0; s < st.n; ++s) {
    uint32_t first = st.idIndex.find(r.ids[s]);
    if (first != s)
      st.diags.reportData(DiagId::DataDuplicateId, [&] { DataLocation l = rowOf(s); l.column = "id"; return l; }(), r.ids[s])
          .noteAt(DiagId::FirstRowWithId, rowOf(first));
  }
  if (st.diags.errorCount() > errorsBefore) return false;
  if (!persons) {
    // parent: a unit of units.csv; no unit is its own ancestor.
    auto& parent = r.attributes[ir::kAttrParent];
    for (uint32_t s = 0; s < st.n; ++s) {
      if (parent[s].absent) continue;
      std::string_view text = r.strings.text(parent[s].asIndex());
      uint32_t q = st.idIndex.find(text);
      if (q == kNone) {
        st.diags.reportData(DiagId::DataUnknownParent, [&] { DataLocation l = rowOf(s); l.column = "parent"; return l; }(), shown(text));
        continue;
      }
      parent[s] = Value::ofIndex(q);
    }
    if (st.diags.errorCount() == errorsBefore) {
      for (uint32_t s = 0; s < st.n; ++s) {
        uint32_t at = s;
        for (uint32_t steps = 0; steps <= st.n && !parent[at].absent; ++steps) {
          at = parent[at].asIndex();
          if (at == s) {
            st.diags.reportData(DiagId::DataParentCycle, [&] { DataLocation l = rowOf(s); l.column = "parent"; return l; }(), r.ids[s]);
            break;
          }
        }
      }
    }
  }
  if (st.diags.errorCount() > errorsBefore) return false;

  // Subjects in id order (bytes), for results and tie-breaks: by the first 8 bytes (as a
  // big-endian number), the rest only on ties.
  {
    std::vector<std::pair<uint64_t, uint32_t>> keyed(st.n);
    for (uint32_t s = 0; s < st.n; ++s) {
      const std::string& id = r.ids[s];
      uint64_t k = 0;
      for (size_t i = 0; i < 8; ++i) k = (k << 8) | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0);
      keyed[s] = {k, s};
    }
    std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      const std::string& x = r.ids[a.second];
      const std::string& y = r.ids[b.second];
      if (x.size() <= 8 && y.size() <= 8) return x.size() < y.size();  // equal up to the shorter
      return x < y;
    });
    r.byId.resize(st.n);
    for (uint32_t s = 0; s < st.n; ++s) r.byId[s] = keyed[s].second;
  }

  // size(attr): how many subjects share the value.
  st.groupSize.assign(p.subjectColumns.size(), {});
  for (uint32_t attr : p.groupSizeAttributes) {
    std::unordered_map<uint64_t, uint32_t> counts;
    auto key = [&](const Value& v) { return v.absent ? UINT64_MAX : static_cast<uint64_t>(v.bits); };
    for (uint32_t s = 0; s < st.n; ++s) ++counts[key(r.attributes[attr][s])];
    st.groupSize[attr].resize(st.n);
    for (uint32_t s = 0; s < st.n; ++s) st.groupSize[attr][s] = counts[key(r.attributes[attr][s])];
  }
  return true;
}

bool buildRelations(State& st, Vm& vm) {
  const plan::Plan& p = st.plan;
  st.relations.assign(p.relations.size(), {});
  for (size_t ri = 1; ri < p.relations.size(); ++ri) {
    const plan::Relation& rel = p.relations[ri];
    Relations& out = st.relations[ri];
    out.offsets.reserve(st.n + 1);
    out.offsets.push_back(0);
    if (rel.kind == ir::RelationKind::Expression) {
      for (uint32_t s = 0; s < st.n; ++s) {
        Frame f;
        f.subject = s;
        f.vars[0] = s;
        Value v = vm.eval(rel.target, f);
        if (!v.absent) out.members.push_back(v.asIndex());
        out.offsets.push_back(static_cast<uint32_t>(out.members.size()));
      }
      continue;
    }
    // Candidates share the anchor's values of the join attributes (q.A == p.A); the
    // filter is still checked for each.
    auto keyOf = [&](uint32_t s) {
      uint64_t h = 0x12345;
      for (uint32_t a : rel.joinAttributes) {
        const Value& v = st.results.attributes[a][s];
        h = (h ^ static_cast<uint64_t>(v.bits) ^ (v.absent ? 0xABCDEFull : 0)) * 0x100000001B3ull;
        h ^= h >> 29;
      }
      return h;
    };
    std::unordered_map<uint64_t, std::vector<uint32_t>> buckets;
    std::vector<uint64_t> keys(st.n);
    for (uint32_t s = 0; s < st.n; ++s) buckets[keys[s] = keyOf(s)].push_back(s);
    const QuickTest quick = makeQuickTest(st, rel.filter);  // the filter without the VM, when it can
    const bool generic = quick.shape == QuickTest::Shape::Generic;
    for (uint32_t s = 0; s < st.n; ++s) {
      const std::vector<uint32_t>& candidates = buckets[keys[s]];
      for (uint32_t q : candidates) {
        const uint32_t vars[2] = {s, q};
        bool member;
        if (generic) {
          Frame f;
          f.subject = s;
          f.vars[0] = s;
          f.vars[1] = q;
          member = vm.test(rel.filter, f);
        } else {
          member = evalQuickTest(quick, st, nullptr, s, vars);
        }
        if (member) out.members.push_back(q);
      }
      out.offsets.push_back(static_cast<uint32_t>(out.members.size()));
    }
  }
  return true;
}

// ---------------------------------------------------------------------------- parameters, history

bool loadParams(State& st, const Inputs& inputs) {
  const plan::Plan& p = st.plan;
  bool ok = true;
  st.params.assign(p.params.size(), Value::none());
  std::vector<bool> given(p.params.size(), false);
  std::set<std::string> seen;
  for (const auto& [rawName, rawText] : inputs.params) {
    auto trim = [](std::string t) {
      size_t a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t");
      return a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
    };
    std::string name = trim(rawName), text = trim(rawText);
    if (!seen.insert(name).second) {
      st.diags.reportData(DiagId::DataBadParam, DataLocation{"--param", 0, name}, name,
                          bilingual("given more than once", "重复给出"));
      ok = false;
      continue;
    }
    size_t i = 0;
    while (i < p.params.size() && p.params[i].name != name) ++i;
    DataLocation where{"--param", 0, name};
    if (i == p.params.size()) {
      st.diags.reportData(DiagId::DataUnknownParam, where, name);
      ok = false;
      continue;
    }
    const plan::Param& prm = p.params[i];
    std::string why;
    Value v;
    given[i] = true;  // reported here if bad, not again as missing
    if (!parseValue(text, prm.kind, prm.enumId, p, st.results.strings, v, why)) {
      st.diags.reportData(DiagId::DataBadParam, where, name, "`" + text + "`: " + bilingual("expected ", "应为") + why);
      ok = false;
      continue;
    }
    if (prm.rangeDeclared && !prm.range.contains(asDecimal(prm.kind, v))) {
      st.diags.reportData(DiagId::DataBadParam, where, name, text + bilingual(" is outside ", " 超出范围 ") + prm.range.describe());
      ok = false;
      continue;
    }
    st.params[i] = v;
    given[i] = true;
  }
  for (size_t i = 0; i < p.params.size(); ++i) {
    if (given[i]) continue;
    if (p.params[i].defaultValue) st.params[i] = *p.params[i].defaultValue;
    else if (!p.params[i].optional) {
      st.diags.reportData(DiagId::DataMissingParam, DataLocation{"--param", 0, p.params[i].name}, p.params[i].name);
      ok = false;
    }
  }
  return ok;
}

bool loadHistory(State& st, const Inputs& inputs) {
  const plan::Plan& p = st.plan;
  st.history.assign(p.figures.size(), {});
  std::vector<uint32_t> wanted;
  for (uint32_t f = 0; f < p.figures.size(); ++f)
    if (p.figures[f].readFromHistory) {
      wanted.push_back(f);
      st.history[f].assign(st.n, Value::none());
    }
  if ((!inputs.history && !inputs.historyTable) || wanted.empty()) return true;

  // The rows of the previous period's results, from a file or a table.
  struct Row {
    std::vector<std::string_view> fields;
    uint64_t line;
    const char* error;
  };
  std::vector<Row> rows;
  std::optional<data::MappedFile> file;
  std::deque<std::vector<std::string>> owned;  // unescaped CSV fields live here
  std::string path = inputs.history ? *inputs.history : inputs.historyName;
  if (inputs.history) {
    auto csv = openCsv(path, st.diags);
    if (!csv) return false;
    file.emplace(std::move(csv->file));
    std::string_view bytes = file->bytes();
    data::CsvReader reader(bytes);
    data::LineIndex lines(bytes);
    data::CsvRecord rec;
    while (reader.next(rec)) {
      owned.emplace_back(rec.fields.begin(), rec.fields.end());
      Row row{{}, lines.lineOf(rec.offset), rec.error};
      for (const std::string& f : owned.back()) row.fields.emplace_back(f);
      rows.push_back(std::move(row));
    }
  } else {
    uint64_t line = 1;
    for (const std::vector<std::string>& r : *inputs.historyTable) {
      Row row{{}, line++, nullptr};
      for (const std::string& f : r) row.fields.emplace_back(f);
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty() || rows[0].error) {
    st.diags.reportData(rows.empty() ? DiagId::DataEmptyFile : DiagId::DataQuote, DataLocation{path, 1, ""},
                        rows.empty() ? "" : rows[0].error);
    return false;
  }
  std::unordered_map<std::string, uint32_t> header;
  for (uint32_t i = 0; i < rows[0].fields.size(); ++i) header.emplace(std::string(rows[0].fields[i]), i);
  bool ok = true;
  auto idColumn = header.find("id");
  if (idColumn == header.end()) {
    st.diags.reportData(DiagId::DataMissingColumn, DataLocation{path, 1, "id"}, "id", "results.csv");
    return false;
  }
  std::vector<uint32_t> columnOf;
  for (uint32_t f : wanted) {
    auto it = header.find(p.figures[f].name);
    if (it == header.end()) {
      st.diags.reportData(DiagId::DataHistoryColumn, DataLocation{path, 1, p.figures[f].name}, p.figures[f].name);
      ok = false;
      continue;
    }
    columnOf.push_back(it->second);
  }
  if (!ok) return false;
  const size_t fieldCount = rows[0].fields.size();
  std::vector<bool> seen(st.n, false);
  for (size_t r = 1; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.error) {
      st.diags.reportData(DiagId::DataQuote, DataLocation{path, row.line, ""}, row.error);
      ok = false;
      continue;
    }
    if (row.fields.size() != fieldCount) {
      st.diags.reportData(DiagId::DataFieldCount, DataLocation{path, row.line, ""}, row.fields.size(), fieldCount);
      ok = false;
      continue;
    }
    uint32_t s = st.idIndex.find(unguarded(row.fields[idColumn->second]));
    if (s == kNone) continue;  // no longer appraised
    if (seen[s]) {
      st.diags.reportData(DiagId::DataDuplicateHistory, DataLocation{path, row.line, "id"}, st.results.ids[s]);
      ok = false;
      continue;
    }
    seen[s] = true;
    for (size_t k = 0; k < wanted.size(); ++k) {
      const plan::Figure& fig = p.figures[wanted[k]];
      std::string_view text = unguarded(row.fields[columnOf[k]]);
      if (text.empty()) continue;
      Value v;
      std::string why;
      // A score printed with places (`99.00`) reads back as the integer it is.
      std::string whole;
      if (fig.kind == plan::Kind::Int && fig.fixedPlaces) {
        Decimal d;
        std::optional<int64_t> i;  // empty when out of range: parseValue reports it
        if (Decimal::parseFast(text.data(), text.size(), d) && (i = d.toInt64())) {
          whole = std::to_string(*i);
          text = whole;
        }
      }
      if (!parseValue(text, fig.kind, fig.enumId, p, st.results.strings, v, why)) {
        st.diags.reportData(DiagId::DataBadValue, DataLocation{path, row.line, fig.name}, fig.name, shown(text), why);
        ok = false;
        continue;
      }
      st.history[wanted[k]][s] = v;
    }
  }
  return ok;
}

}  // namespace kaoping::eval
