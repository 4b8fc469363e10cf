#include "serving/format.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <variant>
#include <vector>

namespace footfall::serving {
namespace {

constexpr char32_t kInvalidUtf8 = 0xFFFFFFFF;
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
constexpr char kHexDigits[] = "0123456789abcdef";

// Decodes the code point at s[*pos] and advances past it. An ill-formed sequence (truncated,
// overlong, a surrogate, beyond U+10FFFF) yields kInvalidUtf8 and advances one byte.
char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto lead = static_cast<unsigned char>(s[*pos]);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  size_t length;
  char32_t code_point;
  char32_t minimum;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    ++*pos;
    return kInvalidUtf8;
  }
  if (s.size() - *pos < length) {
    ++*pos;
    return kInvalidUtf8;
  }
  for (size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(s[*pos + k]);
    if ((byte & 0xC0) != 0x80) {
      ++*pos;
      return kInvalidUtf8;
    }
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    ++*pos;
    return kInvalidUtf8;
  }
  *pos += length;
  return code_point;
}

// Terminal columns a code point takes: none for combining marks and zero-width characters, two
// for East Asian wide characters and emoji, one otherwise.
size_t CodePointWidth(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
      (c >= 0xFE00 && c <= 0xFE0F)) {
    return 0;
  }
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
      (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t pos = 0; pos < s.size();) width += CodePointWidth(DecodeUtf8(s, &pos));
  return width;
}

void AppendInteger(int64_t value, std::string* out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

// Shortest round-trip digits; non-finite values are the caller's business.
void AppendFiniteReal(double value, std::string* out) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  const std::string_view digits(buf, static_cast<size_t>(end - buf));
  out->append(digits);
  if (digits.find_first_of(".e") == std::string_view::npos) out->append(".0");
}

void AppendReal(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
  } else {
    AppendFiniteReal(value, out);
  }
}

// The plain text of a number or NULL, as table and CSV output show it.
void AppendScalar(const Value& value, std::string* out) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    AppendInteger(*i, out);
  } else if (const auto* d = std::get_if<double>(&value)) {
    AppendReal(*d, out);
  }
}

void AppendHexEscape(unsigned char c, std::string_view prefix, std::string* out) {
  out->append(prefix);
  out->push_back(kHexDigits[c >> 4]);
  out->push_back(kHexDigits[c & 0xF]);
}

std::string TableCell(const Value& value) {
  std::string out;
  const auto* text = std::get_if<std::string>(&value);
  if (text == nullptr) {
    AppendScalar(value, &out);
    return out;
  }
  for (size_t pos = 0; pos < text->size();) {
    const size_t start = pos;
    const char32_t c = DecodeUtf8(*text, &pos);
    if (c == kInvalidUtf8) {
      out.append(kReplacementCharacter);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c < 0x20 || c == 0x7F) {
      AppendHexEscape(static_cast<unsigned char>(c), "\\x", &out);
    } else {
      out.append(*text, start, pos - start);
    }
  }
  return out;
}

bool IsNumber(const Value& value) {
  return std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value);
}

void AppendPadded(std::string_view cell, size_t width, bool align_right, std::string* out) {
  const size_t padding = width - DisplayWidth(cell);
  if (align_right) out->append(padding, ' ');
  out->append(cell);
  if (!align_right) out->append(padding, ' ');
}

std::string FormatTable(const QueryResult& result) {
  const size_t columns = result.columns.size();
  std::vector<std::vector<std::string>> cells;
  cells.reserve(result.rows.size());
  std::vector<size_t> widths(columns);
  // A column aligns right when it holds numbers and no text.
  std::vector<bool> has_number(columns, false);
  std::vector<bool> has_text(columns, false);
  for (size_t c = 0; c < columns; ++c) widths[c] = DisplayWidth(result.columns[c]);
  for (const std::vector<Value>& row : result.rows) {
    std::vector<std::string>& line = cells.emplace_back();
    for (size_t c = 0; c < columns; ++c) {
      const Value& value = c < row.size() ? row[c] : Value();
      if (IsNumber(value)) has_number[c] = true;
      if (std::holds_alternative<std::string>(value)) has_text[c] = true;
      line.push_back(TableCell(value));
      widths[c] = std::max(widths[c], DisplayWidth(line.back()));
    }
  }
  const auto append_line = [&](const std::vector<std::string>& line_cells, std::string* out) {
    for (size_t c = 0; c < columns; ++c) {
      if (c > 0) out->append(" |");
      const bool align_right = has_number[c] && !has_text[c];
      if (c + 1 == columns && (line_cells[c].empty() || !align_right)) {
        // Padding after the last column is invisible, and trailing blanks get in the way of diffs.
        if (!line_cells[c].empty()) out->push_back(' ');
        out->append(line_cells[c]);
      } else {
        out->push_back(' ');
        AppendPadded(line_cells[c], widths[c], align_right, out);
      }
    }
    out->push_back('\n');
  };

  std::string out;
  append_line(result.columns, &out);
  for (size_t c = 0; c < columns; ++c) {
    if (c > 0) out.push_back('+');
    out.append(widths[c] + 2, '-');
  }
  out.push_back('\n');
  for (const std::vector<std::string>& line : cells) append_line(line, &out);
  out.push_back('(');
  AppendInteger(static_cast<int64_t>(result.rows.size()), &out);
  out.append(result.rows.size() == 1 ? " row" : " rows");
  if (result.truncated) out.append(", truncated");
  out.append(")\n");
  return out;
}

// Text fields; the empty string is quoted so that it differs from NULL.
void AppendCsvField(std::string_view field, std::string* out) {
  const bool quote = field.empty() || field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string FormatCsv(const QueryResult& result) {
  std::string out;
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    AppendCsvField(result.columns[c], &out);
  }
  out.append("\r\n");
  for (const std::vector<Value>& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out.push_back(',');
      if (const auto* text = std::get_if<std::string>(&row[c])) {
        AppendCsvField(*text, &out);
      } else {
        // Numbers never need quoting; NULL stays an empty field, unlike the quoted empty string.
        AppendScalar(row[c], &out);
      }
    }
    out.append("\r\n");
  }
  return out;
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (size_t pos = 0; pos < s.size();) {
    const size_t start = pos;
    const char32_t c = DecodeUtf8(s, &pos);
    if (c == kInvalidUtf8) {
      out->append("\\ufffd");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c < 0x20) {
      AppendHexEscape(static_cast<unsigned char>(c), "\\u00", out);
    } else {
      out->append(s, start, pos - start);
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const Value& value, std::string* out) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    AppendInteger(*i, out);
  } else if (const auto* d = std::get_if<double>(&value)) {
    if (std::isfinite(*d)) {
      AppendFiniteReal(*d, out);
    } else {
      out->append("null");
    }
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    AppendJsonString(*s, out);
  } else {
    out->append("null");
  }
}

std::string FormatJson(const QueryResult& result) {
  if (result.rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t r = 0; r < result.rows.size(); ++r) {
    const std::vector<Value>& row = result.rows[r];
    out.append("  {");
    for (size_t c = 0; c < row.size() && c < result.columns.size(); ++c) {
      if (c > 0) out.push_back(',');
      AppendJsonString(result.columns[c], &out);
      out.push_back(':');
      AppendJsonValue(row[c], &out);
    }
    out.append(r + 1 < result.rows.size() ? "},\n" : "}\n");
  }
  out.append("]\n");
  return out;
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "table") return OutputFormat::kTable;
  if (lower == "csv") return OutputFormat::kCsv;
  if (lower == "json") return OutputFormat::kJson;
  return InvalidArgument("unknown output format \"" + std::string(name) +
                         "\": expected table, csv or json");
}

std::string FormatResult(const QueryResult& result, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return FormatTable(result);
    case OutputFormat::kCsv:
      return FormatCsv(result);
    case OutputFormat::kJson:
      return FormatJson(result);
  }
  return FormatTable(result);
}

}  // namespace footfall::serving
