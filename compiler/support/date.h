// Calendar dates as days since 1970-01-01 (proleptic Gregorian), parsed from the strict
// form YYYY-MM-DD that DATA.md requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kaoping::date {

// Days since 1970-01-01 of a valid YYYY-MM-DD (exactly 10 characters), else nullopt.
std::optional<int32_t> parse(std::string_view text);
bool parseFast(const char* p, size_t n, int32_t& days);

int32_t fromCivil(int year, unsigned month, unsigned day);
void toCivil(int32_t days, int& year, unsigned& month, unsigned& day);
std::string format(int32_t days);
// year * 12 + (month - 1): the index of the calendar month containing the date.
int32_t monthIndex(int32_t days);
std::string formatMonth(int32_t monthIndex);  // "2024-03"

}  // namespace kaoping::date
