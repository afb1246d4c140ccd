#include "cli/build_info.h"

#include <archive.h>
#include <cbor.h>
#include <curl/curl.h>
#include <expat.h>
#include <fmt/format.h>
#include <isa-l.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zstd.h>

#include <CLI/Version.hpp>
#include <nlohmann/json.hpp>

#include "build_info_generated.h"
#include "vulndb/schema.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

namespace ig::cli {

namespace {

std::string expat_version() {
  XML_Expat_Version v = XML_ExpatVersionInfo();
  return fmt::format("{}.{}.{}", v.major, v.minor, v.micro);
}

// libcurl is opened on first use (util/curl_loader.cpp); this loads it.
std::string curl_runtime_version() {
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  return v != nullptr && v->version != nullptr ? v->version : "";
}

// "libarchive 3.6.2" -> "3.6.2".
std::string archive_version() {
  std::string_view s = archive_version_string();
  constexpr std::string_view k_prefix = "libarchive ";
  if (s.substr(0, k_prefix.size()) == k_prefix) s.remove_prefix(k_prefix.size());
  return std::string(s);
}

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

}  // namespace

BuildInfo build_info() {
  BuildInfo b;
  b.version = IG_VERSION;
  b.commit = IG_BUILD_COMMIT;
  b.build_date = IG_BUILD_DATE;
  b.build_epoch = IG_BUILD_EPOCH;
  b.database_schema = vulndb::k_schema_version;
  b.compiler = compiler();
  return b;
}

std::vector<LibraryVersion> library_versions() {
  return {
      {"libcurl", curl_runtime_version(), "runtime"},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING), "runtime"},
      {"SQLite", sqlite3_libversion(), "runtime"},
      {"libarchive", archive_version(), "runtime"},
      {"zstd", ZSTD_versionString(), "runtime"},
      {"ISA-L", fmt::format("{}.{}.{}", ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION, ISAL_PATCH_VERSION), "build"},
      {"yaml-cpp", IG_BUILD_YAML_CPP_VERSION, "build"},
      {"libsodium", sodium_version_string(), "runtime"},
      {"libcbor", fmt::format("{}.{}.{}", CBOR_MAJOR_VERSION, CBOR_MINOR_VERSION, CBOR_PATCH_VERSION), "build"},
      {"expat", expat_version(), "runtime"},
      {"CLI11", CLI11_VERSION, "build"},
      {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100), "build"},
      {"nlohmann_json",
       fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH),
       "build"},
  };
}

}  // namespace ig::cli
