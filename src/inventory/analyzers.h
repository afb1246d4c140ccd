// The registry of every analyzer that imagegate runs over an image, and a small
// adapter that turns a parse function into an analyzer. Adding an ecosystem is
// one line in all_analyzers(); build_inventory() picks up any analyzer whose
// results hold {"packages": [...]}.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/analyzer.h"

namespace ig::inventory {

// Analyzer names (part of the cache key and of ImageAnalysis::results keys).
inline constexpr std::string_view k_os_release_analyzer = "os-release";
inline constexpr std::string_view k_dpkg_analyzer = "dpkg";              // status, status.d/*
inline constexpr std::string_view k_dpkg_files_analyzer = "dpkg-files";  // info/*.list
inline constexpr std::string_view k_apk_analyzer = "apk";
inline constexpr std::string_view k_rpm_analyzer = "rpm";

// An analyzer made of a name, a version, a selector and a stateless function.
class FunctionAnalyzer final : public image::Analyzer {
 public:
  using Fn = Result<nlohmann::json> (*)(const image::FileMeta&, image::FileReader&);
  FunctionAnalyzer(std::string name, int version, image::FileSelector selector, Fn fn)
      : name_(std::move(name)), version_(version), selector_(std::move(selector)), fn_(fn) {}
  std::string_view name() const override { return name_; }
  int version() const override { return version_; }
  const image::FileSelector& selector() const override { return selector_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& content) const override {
    return fn_(meta, content);
  }

 private:
  std::string name_;
  int version_;
  image::FileSelector selector_;
  Fn fn_;
};

// Every analyzer: OS detection, OS package databases, language ecosystems.
std::vector<std::unique_ptr<image::Analyzer>> all_analyzers();

// Borrowed pointers, in the form image::analyze_image() takes.
std::vector<const image::Analyzer*> analyzer_pointers(const std::vector<std::unique_ptr<image::Analyzer>>& owned);

}  // namespace ig::inventory
