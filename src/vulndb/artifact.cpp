#include "vulndb/artifact.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "util/digest.h"
#include "vulndb/schema.h"

namespace ig::vulndb {

namespace {

using nlohmann::json;

// The longest string field we keep from a metadata blob; real values are short.
constexpr size_t k_max_field = 4096;
constexpr size_t k_max_sources = 1000;

Error malformed(std::string_view what, std::string_view why) {
  return Error{ErrorCode::invalid_image,
               fmt::format("{} is not a valid imagegate database artifact: {}; push it again with `imagegate db push`",
                           what, why)};
}

// A string member of `j`, or "" when absent; false when present but not a
// bounded string.
bool get_string(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string() || it->get_ref<const std::string&>().size() > k_max_field) return false;
  out = it->get<std::string>();
  return true;
}

bool get_count(const json& j, const char* key, int64_t& out) {
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_number_integer() || it->get<int64_t>() < 0) return false;
  out = it->get<int64_t>();
  return true;
}

json counts_json(const ArtifactMetadata& m) {
  return {{"vulnerabilities", m.vulnerabilities}, {"affected", m.affected}, {"kev", m.kev}, {"epss", m.epss}};
}

Result<BlobRef> parse_descriptor(const json& d, std::string_view what, std::string_view role) {
  if (!d.is_object()) return fail(malformed(what, fmt::format("its {} descriptor is not an object", role)));
  BlobRef b;
  if (!get_string(d, "mediaType", b.media_type) || !get_string(d, "digest", b.digest)) {
    return fail(malformed(what, fmt::format("its {} descriptor has a non-string field", role)));
  }
  if (!Digest::parse(b.digest)) {
    return fail(malformed(what, fmt::format("its {} digest '{}' is not a valid digest", role, b.digest)));
  }
  auto size = d.find("size");
  if (size == d.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
    return fail(malformed(what, fmt::format("its {} descriptor has no valid size", role)));
  }
  b.size = size->get<int64_t>();
  return b;
}

}  // namespace

Error schema_mismatch_error(std::string_view what, int version) {
  return Error{ErrorCode::usage,
               fmt::format("{} holds a database of schema version {}; this imagegate reads schema version {}: {}",
                           what, version, k_schema_version,
                           version > k_schema_version ? "upgrade imagegate, or pull a database built by this version"
                                                      : "pull a newer database, or rebuild it with `imagegate db "
                                                        "import` and `imagegate db push`")};
}

ArtifactMetadata metadata_for(const DatabaseStatus& s, std::string_view builder, std::string_view digest,
                              int64_t size) {
  ArtifactMetadata m;
  m.schema_version = s.schema_version;
  m.built_at = s.built_at;
  m.builder = builder;
  m.database_digest = digest;
  m.database_size = size;
  m.sources = s.sources;
  m.vulnerabilities = s.vulnerabilities;
  m.affected = s.affected;
  m.kev = s.kev;
  m.epss = s.epss;
  return m;
}

std::string metadata_to_json(const ArtifactMetadata& m) {
  json srcs = json::array();
  for (const auto& s : m.sources) {
    srcs.push_back({{"name", s.name}, {"kind", s.kind}, {"records", s.records}, {"imported_at", s.imported_at}});
  }
  json j = {{"schema_version", m.schema_version},
            {"built_at", m.built_at},
            {"builder", m.builder},
            {"database", {{"digest", m.database_digest}, {"size", m.database_size}}},
            {"sources", std::move(srcs)},
            {"counts", counts_json(m)}};
  return j.dump(2) + "\n";
}

Result<ArtifactMetadata> parse_metadata(std::string_view text, std::string_view what) {
  if (text.size() > static_cast<size_t>(k_max_metadata_size)) return fail(malformed(what, "its metadata is too large"));
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(malformed(what, "its metadata is not a JSON object"));
  ArtifactMetadata m;
  auto sv = j.find("schema_version");
  if (sv == j.end() || !sv->is_number_integer()) return fail(malformed(what, "its metadata has no schema_version"));
  int64_t version = sv->get<int64_t>();
  if (version != k_schema_version) {
    return fail(schema_mismatch_error(what, version < 0 || version > 1000000 ? -1 : static_cast<int>(version)));
  }
  m.schema_version = static_cast<int>(version);
  if (!get_string(j, "built_at", m.built_at) || !get_string(j, "builder", m.builder)) {
    return fail(malformed(what, "its metadata has a non-string built_at or builder"));
  }
  auto db = j.find("database");
  if (db == j.end() || !db->is_object() || !get_string(*db, "digest", m.database_digest) ||
      !get_count(*db, "size", m.database_size) || !Digest::parse(m.database_digest)) {
    return fail(malformed(what, "its metadata lacks the database digest and size"));
  }
  if (m.database_size <= 0 || m.database_size > k_max_database_size) {
    return fail(malformed(what, fmt::format("its database size {} is out of bounds (1 byte to {} GiB)",
                                            m.database_size, k_max_database_size >> 30)));
  }
  if (auto s = j.find("sources"); s != j.end()) {
    if (!s->is_array() || s->size() > k_max_sources) return fail(malformed(what, "its metadata sources are invalid"));
    for (const auto& e : *s) {
      SourceStatus src;
      if (!e.is_object() || !get_string(e, "name", src.name) || !get_string(e, "kind", src.kind) ||
          !get_string(e, "imported_at", src.imported_at) || !get_count(e, "records", src.records)) {
        return fail(malformed(what, "its metadata sources are invalid"));
      }
      m.sources.push_back(std::move(src));
    }
  }
  if (auto c = j.find("counts"); c != j.end()) {
    if (!c->is_object() || !get_count(*c, "vulnerabilities", m.vulnerabilities) ||
        !get_count(*c, "affected", m.affected) || !get_count(*c, "kev", m.kev) || !get_count(*c, "epss", m.epss)) {
      return fail(malformed(what, "its metadata counts are invalid"));
    }
  }
  return m;
}

std::string build_manifest(const ArtifactMetadata& m, const BlobRef& metadata, const BlobRef& layer) {
  auto descriptor = [](const BlobRef& b) {
    return json{{"mediaType", b.media_type}, {"digest", b.digest}, {"size", b.size}};
  };
  json srcs = json::array();
  for (const auto& s : m.sources) srcs.push_back({{"name", s.name}, {"kind", s.kind}, {"records", s.records}});
  json layer_json = descriptor(layer);
  layer_json["annotations"] = {{"org.opencontainers.image.title", "imagegate.db.zst"}};
  json j = {{"schemaVersion", 2},
            {"mediaType", std::string(k_manifest_media_type)},
            {"artifactType", std::string(k_artifact_type)},
            {"config", descriptor(metadata)},
            {"layers", json::array({std::move(layer_json)})},
            {"annotations",
             {{"org.opencontainers.image.created", m.built_at},
              {std::string(k_annotation_schema), std::to_string(m.schema_version)},
              {std::string(k_annotation_sources), srcs.dump()},
              {std::string(k_annotation_counts), counts_json(m).dump()}}}};
  return j.dump();
}

Result<ArtifactManifest> parse_manifest(std::string_view text, std::string_view what) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(malformed(what, "its manifest is not a JSON object"));
  std::string media_type, artifact_type;
  if (!get_string(j, "mediaType", media_type) || !get_string(j, "artifactType", artifact_type)) {
    return fail(malformed(what, "its manifest has a non-string mediaType or artifactType"));
  }
  auto config = j.find("config");
  if (config == j.end()) return fail(malformed(what, "its manifest has no config"));
  ArtifactManifest out;
  IG_ASSIGN(out.metadata, parse_descriptor(*config, what, "config"));
  // artifactType is how OCI 1.1 names the kind; registries that predate it may
  // drop nothing, but older clients copy only config.mediaType, so accept either.
  if (artifact_type != k_artifact_type && out.metadata.media_type != k_metadata_media_type) {
    std::string kind = !artifact_type.empty() ? artifact_type : out.metadata.media_type;
    return fail(Error{ErrorCode::invalid_image,
                      fmt::format("{} is not an imagegate vulnerability database (it is a {}): check the reference; "
                                  "`imagegate db push` writes artifacts of type {}",
                                  what, kind.empty() ? std::string("manifest of unknown type") : kind,
                                  k_artifact_type)});
  }
  if (out.metadata.media_type != k_metadata_media_type) {
    return fail(malformed(what, fmt::format("its config has media type {}, not {}", out.metadata.media_type,
                                            k_metadata_media_type)));
  }
  if (out.metadata.size > k_max_metadata_size) return fail(malformed(what, "its metadata blob is too large"));
  if (auto a = j.find("annotations"); a != j.end() && a->is_object()) {
    if (auto v = a->find(std::string(k_annotation_schema)); v != a->end() && v->is_string()) {
      const auto& s = v->get_ref<const std::string&>();
      int version = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), version);
      if (ec != std::errc() || p != s.data() + s.size()) {
        return fail(malformed(what, fmt::format("its schema-version annotation '{}' is not a number", s)));
      }
      if (version != k_schema_version) return fail(schema_mismatch_error(what, version));
      out.schema_version = version;
    }
  }
  auto layers = j.find("layers");
  if (layers == j.end() || !layers->is_array() || layers->size() != 1) {
    return fail(malformed(what, "it must have exactly one layer (the database file)"));
  }
  IG_ASSIGN(out.layer, parse_descriptor((*layers)[0], what, "layer"));
  if (out.layer.media_type != k_layer_media_type) {
    return fail(malformed(what, fmt::format("its layer has media type {}, not {}", out.layer.media_type,
                                            k_layer_media_type)));
  }
  if (out.layer.size > k_max_database_size) return fail(malformed(what, "its database layer is too large"));
  return out;
}

}  // namespace ig::vulndb
