// UTF-8 helpers: validation (run before ANTLR sees any text, and on every string read
// from data files), code point counting and display width for caret lines.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kaoping::utf8 {

// Byte offset of the first invalid sequence (overlong forms, surrogates and code points
// above U+10FFFF are invalid), or nullopt when the whole text is valid UTF-8.
std::optional<size_t> findInvalid(std::string_view text);
inline bool isValid(std::string_view text) { return !findInvalid(text).has_value(); }

size_t countCodePoints(std::string_view text);

// Decodes the code point at `pos` (which must start a valid sequence) and advances pos.
char32_t decode(std::string_view text, size_t& pos);

// Columns a terminal uses for the text: 2 for East Asian wide and full-width characters.
size_t displayWidth(std::string_view text);

// The text with invalid bytes shown as \xNN, for error messages about bad input.
std::string escapeInvalid(std::string_view text);

}  // namespace kaoping::utf8
