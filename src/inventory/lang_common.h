// Small helpers shared by the language package catalogers (lang_*.cpp):
// bounded reads from an analyzer's FileReader, text scanning on string_view,
// and the {"packages": [...]} result shape.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// Reads the rest of `in`, failing with invalid_image when it holds more than
// `max` bytes (so an oversized file never fills memory).
Result<std::string> read_bounded(image::FileReader& in, uint64_t max, std::string_view what);

// Appends up to `n` more bytes of `in` to `out`; stops early at end of file.
Result<void> read_more(image::FileReader& in, std::string& out, uint64_t n);

// Reads and throws away `n` bytes (a tar stream cannot seek). Returns false at
// end of file.
Result<bool> skip(image::FileReader& in, uint64_t n);

std::string_view trim(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);
bool iequals(std::string_view a, std::string_view b);
// The last path component ("a/b/c.jar" -> "c.jar").
std::string_view base_name(std::string_view path);
// Everything before the last '/' ("" when there is none).
std::string_view dir_name(std::string_view path);

// Adds `license` (trimmed) unless empty or already present.
void add_license(std::vector<std::string>& licenses, std::string_view license);

// A package with ecosystem, name, version, locations = {path} and the purl
// (inventory::package_purl) set.
Package make_package(std::string_view ecosystem, std::string name, std::string version, std::string_view path);

// obj[key] when it is a string ("" otherwise); REQUIRES obj to be an object.
std::string json_string(const nlohmann::json& obj, const char* key);
// Whether obj[key] is the boolean true (untrusted JSON: never throws).
bool json_true(const nlohmann::json& obj, const char* key);

// Replaces invalid UTF-8 in every string (and object key) of `j` with U+FFFD,
// so that text copied from untrusted files can always be serialised.
void sanitize_utf8(nlohmann::json& j);

// {"packages": [ ... ]} (strings made valid UTF-8), or null when `pkgs` is empty (nothing to keep).
nlohmann::json packages_result(const std::vector<Package>& pkgs);

}  // namespace ig::inventory::lang
