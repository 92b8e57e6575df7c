#include "runtime/store/period.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"

namespace kaoping::store {

namespace fs = std::filesystem;
using plan::PeriodKind;

namespace {

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// "2024..." → 2024 and the rest; nullopt unless four digits come first.
std::optional<int> year(std::string_view& s) {
  if (s.size() < 4 || !digits(s.substr(0, 4))) return std::nullopt;
  int y = std::stoi(std::string(s.substr(0, 4)));
  s.remove_prefix(4);
  return y;
}

}  // namespace

std::optional<std::string> normalizePeriod(std::string_view text, PeriodKind kind) {
  std::string owned = trim(text);
  for (char& c : owned) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view s = owned;
  auto y = year(s);
  if (!y) return std::nullopt;
  bool chineseYear = consume(s, "年");
  switch (kind) {
    case PeriodKind::Year:
      if (s.empty()) return fmt::format("{:04}", *y);
      return std::nullopt;
    case PeriodKind::HalfYear: {
      if (!chineseYear) consume(s, "-");
      int h = 0;
      if (s == "H1" || s == "上半年") h = 1;
      else if (s == "H2" || s == "下半年") h = 2;
      if (!h) return std::nullopt;
      return fmt::format("{:04}H{}", *y, h);
    }
    case PeriodKind::Quarter: {
      if (!chineseYear) consume(s, "-");
      int q = 0;
      if (s.size() == 2 && s[0] == 'Q' && s[1] >= '1' && s[1] <= '4') q = s[1] - '0';
      static const char* names[] = {"第一季度", "第二季度", "第三季度", "第四季度"};
      for (int i = 0; i < 4; ++i)
        if (s == names[i]) q = i + 1;
      if (!q) return std::nullopt;
      return fmt::format("{:04}Q{}", *y, q);
    }
    case PeriodKind::Month: {
      if (!chineseYear && !consume(s, "-")) return std::nullopt;
      if (chineseYear && !(s.size() > 3 && s.substr(s.size() - 3) == "月")) return std::nullopt;
      if (chineseYear) s.remove_suffix(3);
      if (!digits(s) || s.size() > 2) return std::nullopt;
      int m = std::stoi(std::string(s));
      if (m < 1 || m > 12) return std::nullopt;
      return fmt::format("{:04}-{:02}", *y, m);
    }
  }
  return std::nullopt;
}

std::string periodExample(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::Year: return "2024";
    case PeriodKind::HalfYear: return "2024H1";
    case PeriodKind::Quarter: return "2024Q1";
    case PeriodKind::Month: return "2024-01";
  }
  return "2024";
}

std::optional<std::string> periodOfDate(std::string_view date, PeriodKind kind) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !digits(date.substr(0, 4)) ||
      !digits(date.substr(5, 2)) || !digits(date.substr(8, 2)))
    return std::nullopt;
  int y = std::stoi(std::string(date.substr(0, 4))), m = std::stoi(std::string(date.substr(5, 2)));
  if (m < 1 || m > 12) return std::nullopt;
  switch (kind) {
    case PeriodKind::Year: return fmt::format("{:04}", y);
    case PeriodKind::HalfYear: return fmt::format("{:04}H{}", y, m <= 6 ? 1 : 2);
    case PeriodKind::Quarter: return fmt::format("{:04}Q{}", y, (m - 1) / 3 + 1);
    case PeriodKind::Month: return fmt::format("{:04}-{:02}", y, m);
  }
  return std::nullopt;
}

std::string previousPeriod(const std::string& period, PeriodKind kind) {
  if (period.size() < 4 || !digits(period.substr(0, 4))) return "";
  int y = std::stoi(period.substr(0, 4));
  switch (kind) {
    case PeriodKind::Year: return fmt::format("{:04}", y - 1);
    case PeriodKind::HalfYear:
      return period.size() == 6 && period[5] == '2' ? fmt::format("{:04}H1", y) : fmt::format("{:04}H2", y - 1);
    case PeriodKind::Quarter: {
      int q = period.size() == 6 ? period[5] - '0' : 1;
      return q > 1 ? fmt::format("{:04}Q{}", y, q - 1) : fmt::format("{:04}Q4", y - 1);
    }
    case PeriodKind::Month: {
      int m = period.size() == 7 ? std::stoi(period.substr(5, 2)) : 1;
      return m > 1 ? fmt::format("{:04}-{:02}", y, m - 1) : fmt::format("{:04}-12", y - 1);
    }
  }
  return "";
}

namespace {

bool wellFormedDate(std::string_view d) { return periodOfDate(d, PeriodKind::Month).has_value(); }

void latestInCsv(std::string_view bytes, std::string& latest) {
  data::CsvReader reader(bytes);
  data::CsvRecord rec;
  if (!reader.next(rec) || rec.error) return;
  int dateColumn = -1;
  for (size_t i = 0; i < rec.fields.size(); ++i)
    if (rec.fields[i] == "date") dateColumn = static_cast<int>(i);
  if (dateColumn < 0) return;
  while (reader.next(rec)) {
    if (rec.error || rec.fields.size() <= static_cast<size_t>(dateColumn)) continue;
    std::string_view d = rec.fields[dateColumn];
    if (d > std::string_view(latest) && wellFormedDate(d)) latest = std::string(d);
  }
}

void latestInJsonLines(std::string_view bytes, std::string& latest) {
  while (!bytes.empty()) {
    size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (line.find("\"date\"") == std::string_view::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("date") || !j["date"].is_string()) continue;
    std::string d = j["date"].get<std::string>();
    if (d > latest && wellFormedDate(d)) latest = d;
  }
}

}  // namespace

std::string latestEventDate(const std::vector<std::string>& dataDirs, std::string& error) {
  std::string latest;
  for (const std::string& dir : dataDirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      bool csv = name.rfind("events", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".csv";
      bool jsonl = name.size() > 6 && name.substr(name.size() - 6) == ".jsonl";
      if ((csv || jsonl) && entry.is_regular_file(ec)) files.push_back(entry.path());
    }
    if (ec) {
      error = dir + ": " + ec.message();
      return "";
    }
    for (const fs::path& f : files) {
      auto mapped = data::MappedFile::open(f.string(), error);
      if (!mapped) return "";
      std::string_view bytes = mapped->bytes();
      if (f.extension() == ".jsonl") {
        if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
        latestInJsonLines(bytes, latest);
      } else {
        latestInCsv(bytes, latest);
      }
    }
  }
  return latest;
}

}  // namespace kaoping::store
