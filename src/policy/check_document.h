// A check's verdict in the report document (report/document.h): every rule
// the policy enables, fired or not (JUnit shows one test case per rule), the
// signature outcome and the waivers.
#pragma once

#include "policy/check_report.h"
#include "policy/policy.h"
#include "report/document.h"

namespace ig::policy {

// The rules `p` enables, as evaluate() names them ("signatures.required",
// "vulnerabilities.severity", "config.runs_as_root", "licenses.deny", ...),
// with their kind and mode.
std::vector<report::DocRule> enabled_rules(const Policy& p);

// Adds the verdict, its rules and the signature outcome to `doc`.
void add_check(report::Document& doc, const CheckReport& report, const Policy& p);

}  // namespace ig::policy
