#include "image/listing.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace ig::image {

namespace {

void append_escaped(std::string& out, std::string_view s) {
  if (s.find_first_of("\\\t\n") == std::string_view::npos) {
    out.append(s);
    return;
  }
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

// Decodes an escaped field. Most paths hold no escape, and then the field
// itself is the value and nothing is copied. False on a malformed escape.
bool unescape(std::string_view in, std::string& buf, std::string_view& out) {
  if (in.find('\\') == std::string_view::npos) {
    out = in;
    return true;
  }
  buf.clear();
  buf.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      buf.push_back(c);
      continue;
    }
    if (++i == in.size()) return false;
    switch (in[i]) {
      case '\\': buf.push_back('\\'); break;
      case 't': buf.push_back('\t'); break;
      case 'n': buf.push_back('\n'); break;
      default: return false;
    }
  }
  out = buf;
  return true;
}

template <typename T>
bool parse_number(std::string_view s, T& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Cuts the field before the next tab off `line`; false when there is no tab.
bool take_field(std::string_view& line, std::string_view& field) {
  size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return false;
  field = line.substr(0, tab);
  line.remove_prefix(tab + 1);
  return true;
}

std::optional<FileType> type_from_code(char c) {
  switch (c) {
    case 'f': return FileType::regular;
    case 'd': return FileType::directory;
    case 'l': return FileType::symlink;
    case 'h': return FileType::hardlink;
    case 'o': return FileType::other;
    default: return std::nullopt;
  }
}

bool parse_line(std::string_view line, Listing::Record& r, std::string& path_buf, std::string& link_buf) {
  if (line.size() < 2 || line[1] != '\t') return false;
  char code = line[0];
  line.remove_prefix(2);
  r.link_target = {};
  r.mode = 0;
  r.size = 0;
  if (code == 'W' || code == 'O') {
    r.kind = code == 'W' ? Listing::Kind::whiteout : Listing::Kind::opaque;
    r.type = FileType::other;
    return line.find('\t') == std::string_view::npos && unescape(line, path_buf, r.path);
  }
  auto type = type_from_code(code);
  if (!type) return false;
  r.kind = Listing::Kind::entry;
  r.type = *type;
  std::string_view mode, size, path;
  if (!take_field(line, mode) || !take_field(line, size) || !take_field(line, path)) return false;
  if (line.find('\t') != std::string_view::npos) return false;
  return parse_number(mode, r.mode) && parse_number(size, r.size) && unescape(path, path_buf, r.path) &&
         unescape(line, link_buf, r.link_target);
}

}  // namespace

char listing_type_code(FileType t) {
  switch (t) {
    case FileType::regular: return 'f';
    case FileType::directory: return 'd';
    case FileType::symlink: return 'l';
    case FileType::hardlink: return 'h';
    case FileType::other: return 'o';
  }
  return 'o';
}

bool Listing::Cursor::next(Record& r) {
  size_t eol = rest_.find('\n');
  if (eol == std::string_view::npos) return false;
  std::string_view line = rest_.substr(0, eol);
  rest_.remove_prefix(eol + 1);
  if (parse_line(line, r, path_buf_, link_buf_)) return true;
  rest_ = {};
  return false;
}

void Listing::Cursor::skip() {
  size_t eol = rest_.find('\n');
  rest_.remove_prefix(eol == std::string_view::npos ? rest_.size() : eol + 1);
}

void Listing::add_entry(const FileMeta& m) {
  text_.push_back(listing_type_code(m.type));
  fmt::format_to(std::back_inserter(text_), "\t{}\t{}\t", m.mode, m.size);
  append_escaped(text_, m.path);
  text_.push_back('\t');
  append_escaped(text_, m.link_target);
  text_.push_back('\n');
  ++records_;
}

void Listing::add_whiteout(std::string_view path) {
  text_ += "W\t";
  append_escaped(text_, path);
  text_.push_back('\n');
  ++records_;
}

void Listing::add_opaque(std::string_view dir) {
  text_ += "O\t";
  append_escaped(text_, dir);
  text_.push_back('\n');
  ++records_;
}

std::optional<size_t> Listing::count_records(std::string_view rest) {
  std::string path_buf, link_buf;
  Record r;
  size_t n = 0;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) return std::nullopt;  // a truncated file
    if (!parse_line(rest.substr(0, eol), r, path_buf, link_buf)) return std::nullopt;
    rest.remove_prefix(eol + 1);
    ++n;
  }
  return n;
}

std::optional<Listing> Listing::from_text(std::string text) {
  auto n = count_records(text);
  if (!n) return std::nullopt;
  Listing l;
  l.records_ = *n;
  l.text_ = std::move(text);
  return l;
}

std::optional<Listing> Listing::from_mapped(std::shared_ptr<const MappedFile> file, size_t offset, size_t length) {
  std::string_view text = file->view();
  if (offset > text.size() || length > text.size() - offset) return std::nullopt;
  text = text.substr(offset, length);
  auto n = count_records(text);
  if (!n) return std::nullopt;
  Listing l;
  l.records_ = *n;
  l.mapped_ = std::move(file);
  l.mapped_view_ = text;
  return l;
}

}  // namespace ig::image
