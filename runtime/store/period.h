// Periods of a results store: the label of an appraisal period ("2024", "2024H1",
// "2024Q3", "2024-03" for a scheme whose period is a year, half-year, quarter or month),
// the period before it, and the period of a run's data (the one its latest event falls in).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"

namespace kaoping::store {

// The canonical label of `text` for a scheme of period `kind`, or nullopt when it does not
// name such a period. Accepted: 2024 / 2024年; 2024H1 / 2024-H1 / 2024上半年 / 2024年下半年;
// 2024Q3 / 2024-Q3 / 2024年第三季度; 2024-03 / 2024-3 / 2024年3月.
std::optional<std::string> normalizePeriod(std::string_view text, plan::PeriodKind kind);
// How a label of this kind looks, for messages: "2024", "2024H1", "2024Q1", "2024-01".
std::string periodExample(plan::PeriodKind kind);
// The label of the period a date (YYYY-MM-DD) falls in; nullopt for a malformed date.
std::optional<std::string> periodOfDate(std::string_view date, plan::PeriodKind kind);
// The period just before a canonical label ("2024H1" → "2023H2").
std::string previousPeriod(const std::string& period, plan::PeriodKind kind);

// The latest `date` of the events in the data directories (events*.csv, *.jsonl, as the
// engine reads them): "" when there are none. Malformed rows are skipped (the run reports
// them). `error` is set when a file cannot be read.
std::string latestEventDate(const std::vector<std::string>& dataDirs, std::string& error);

}  // namespace kaoping::store
