// The language catalogers' registry; see lang_analyzers.h.
#include "inventory/lang_analyzers.h"

#include "inventory/lang_binary.h"
#include "inventory/lang_dotnet.h"
#include "inventory/lang_golang.h"
#include "inventory/lang_java.h"
#include "inventory/lang_npm.h"
#include "inventory/lang_php.h"
#include "inventory/lang_python.h"
#include "inventory/lang_ruby.h"
#include "inventory/lang_rust.h"

namespace ig::inventory {

std::vector<std::unique_ptr<image::Analyzer>> language_analyzers() {
  std::vector<std::unique_ptr<image::Analyzer>> out;
  out.push_back(lang::make_npm_package_analyzer());
  out.push_back(lang::make_npm_lock_analyzer());
  out.push_back(lang::make_python_analyzer());
  // Go and cargo-auditable binaries: one analyzer, so each executable is
  // streamed once instead of being read into memory for two (lang_binary.h).
  out.push_back(lang::make_binary_analyzer());
  out.push_back(lang::make_java_analyzer());
  out.push_back(lang::make_cargo_lock_analyzer());
  out.push_back(lang::make_ruby_analyzer());
  out.push_back(lang::make_php_analyzer());
  out.push_back(lang::make_dotnet_analyzer());
  return out;
}

void finalize_language_packages(std::vector<Package>& pkgs) { lang::drop_npm_lock_packages_shadowed_by_node_modules(pkgs); }

}  // namespace ig::inventory
