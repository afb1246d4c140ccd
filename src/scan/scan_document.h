// The scan's findings in the report document (report/document.h) that the
// HTML, Markdown, JUnit, template and GitLab formats print.
#pragma once

#include "report/document.h"
#include "scan/report.h"

namespace ig::scan {

report::DocFinding doc_finding(const Finding& f);

// Adds the report's findings, waived count, warnings and database date to
// `doc` and marks it scanned.
void add_scan(report::Document& doc, const ScanReport& report);

}  // namespace ig::scan
