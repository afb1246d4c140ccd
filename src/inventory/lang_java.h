// Java cataloger: archives (jar, war, ear, par, jpi, hpi) and the archives
// nested in them, up to three levels deep. Each META-INF/maven/**/pom.properties
// is one package (a shaded jar yields several); an archive without any falls
// back to META-INF/MANIFEST.MF and then to its file name ("name-1.2.3.jar").
// Packages are named "groupId:artifactId" when the group is known.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "image/analyzer.h"
#include "inventory/package.h"
#include "util/error.h"

namespace ig::inventory::lang {

// Catalogs a whole archive held in memory. invalid_image when it is not a
// readable zip.
Result<std::vector<Package>> parse_java_archive(std::string_view bytes, std::string_view path);

// Catalogs an archive read as a stream (no copy of the outer archive is kept).
Result<std::vector<Package>> parse_java_archive_stream(image::FileReader& in, std::string_view path);

std::unique_ptr<image::Analyzer> make_java_analyzer();

}  // namespace ig::inventory::lang
