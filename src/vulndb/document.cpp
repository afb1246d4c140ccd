#include "vulndb/document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

namespace ig::vulndb {

namespace {

// Deepest [ or { nesting outside strings; cheap guard run before parsing.
int json_depth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
    else if (c == ']' || c == '}') --depth;
  }
  return max_depth;
}

// 1-based line of byte offset `byte` (nlohmann counts from 1, past the end on EOF).
size_t line_of(std::string_view text, size_t byte) {
  size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

// Where a JSON text stops being valid: a SAX pass that builds nothing and
// keeps the parser's error position (parsing stays exception-free).
size_t error_offset(std::string_view text) {
  struct Sax : nlohmann::json_sax<nlohmann::json> {
    size_t position = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception&) override {
      position = pos;
      return false;
    }
  } sax;
  nlohmann::json::sax_parse(text, &sax);
  return sax.position;
}

Result<nlohmann::json> yaml_to_json(const YAML::Node& n, int depth, std::string_view name) {
  if (depth > k_max_document_depth) {
    return fail(ErrorCode::invalid_image, "{}: nested deeper than {} levels", name, k_max_document_depth);
  }
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nlohmann::json();
    case YAML::NodeType::Scalar: return nlohmann::json(n.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& e : n) {
        IG_ASSIGN(auto v, yaml_to_json(e, depth + 1, name));
        arr.push_back(std::move(v));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) continue;  // complex keys appear in no feed
        IG_ASSIGN(auto v, yaml_to_json(kv.second, depth + 1, name));
        obj[kv.first.Scalar()] = std::move(v);
      }
      return obj;
    }
  }
  return nlohmann::json();
}

}  // namespace

Result<nlohmann::json> parse_document(std::string_view text, std::string_view name) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  bool json_like = i < text.size() && (text[i] == '{' || text[i] == '[');
  if (json_like) {
    if (json_depth(text) > k_max_document_depth) {
      return fail(ErrorCode::invalid_image, "{}: nested deeper than {} levels", name, k_max_document_depth);
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      return fail(ErrorCode::invalid_image, "{}: not valid JSON at line {}", name, line_of(text, error_offset(text)));
    }
    return j;
  }
  try {
    // yaml-cpp recurses per nesting level; its own guard stops far deeper than
    // ours, so check flow-style brackets first as for JSON.
    if (json_depth(text) > k_max_document_depth) {
      return fail(ErrorCode::invalid_image, "{}: nested deeper than {} levels", name, k_max_document_depth);
    }
    YAML::Node root = YAML::Load(std::string(text));
    return yaml_to_json(root, 0, name);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::invalid_image, "{}: not valid JSON or YAML: {}", name, e.what());
  }
}

std::string json_string(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(std::string(key));
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const nlohmann::json& json_child(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(std::string(key));
  return it == j.end() ? null_value : *it;
}

}  // namespace ig::vulndb
