// CVSS base scores (v2, v3.0, v3.1, v4.0) computed from vector strings, and the
// qualitative rating bands. Advisories often carry only a vector, so the
// database stores the score we compute here next to the vector it came from.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::vulndb {

enum class CvssVersion { v2, v3_0, v3_1, v4_0 };

struct CvssScore {
  CvssVersion version = CvssVersion::v3_1;
  double base_score = 0.0;  // 0.0 .. 10.0, one decimal
};

// Scores a vector. The version comes from the prefix ("CVSS:3.1/", "CVSS:3.0/",
// "CVSS:4.0/"); a vector without a prefix (optionally in parentheses, optionally
// "CVSS:2.0/") is v2. Mandatory base metrics must all be present exactly once;
// v4 threat and environmental metrics are honoured, v2/v3 temporal and
// environmental metrics are accepted and ignored (we report base scores).
// Returns a usage error naming the bad part for a malformed vector.
Result<CvssScore> score_cvss(std::string_view vector);

// The rating band of a score: "None", "Low", "Medium", "High", "Critical".
// v2 has no None/Critical bands (0-3.9 Low, 4-6.9 Medium, 7-10 High).
std::string rating_for(CvssVersion version, double score);

// Maps a vendor's severity word ("MODERATE", "important", "negligible",
// "unimportant", "critical", ...) to one of our bands; "" when unknown.
std::string rating_from_label(std::string_view label);

// "CVSS_V2", "CVSS_V3", "CVSS_V4": the severities.type we store for a version.
const char* cvss_type_name(CvssVersion version);

}  // namespace ig::vulndb
