// `imagegate scan --format table`: findings for people, grouped by target (the
// OS packages, then each language package file), one row per finding, ending
// with the total per severity.
#pragma once

#include <string>

#include "scan/report.h"

namespace ig::scan {

std::string write_table(const ScanReport& report);

}  // namespace ig::scan
