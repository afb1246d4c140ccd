#include "report/template.h"

#include <gtest/gtest.h>

namespace ig::report {
namespace {

using ojson = nlohmann::ordered_json;

ojson sample() {
  return ojson::parse(R"J({
    "ArtifactName": "app:1",
    "Results": [
      {"Target": "app:1 (debian 12)", "Vulnerabilities": [
        {"VulnerabilityID": "CVE-2024-0727", "PkgName": "libssl3", "Severity": "MEDIUM", "CVSSScore": 5.5, "KEV": false,
         "Title": "a <b> & \"c\""},
        {"VulnerabilityID": "CVE-2023-45853", "PkgName": "zlib1g", "Severity": "CRITICAL", "CVSSScore": 9.8, "KEV": true,
         "Title": ""}]},
      {"Target": "package.json", "Vulnerabilities": []}],
    "Verdict": null,
    "Count": 3
  })J");
}

std::string run(std::string_view text, const ojson& data = sample()) {
  auto t = Template::parse(text, "t.tpl");
  if (!t) return "PARSE: " + t.error().message;
  auto out = t->execute(data);
  if (!out) return "EXEC: " + out.error().message;
  return *out;
}

TEST(Template, FieldsRangeAndIf) {
  EXPECT_EQ(run("{{ .ArtifactName }}"), "app:1");
  EXPECT_EQ(run("{{ range .Results }}{{ range .Vulnerabilities }}{{ .VulnerabilityID }}={{ .Severity }};{{ end }}{{ end }}"),
            "CVE-2024-0727=MEDIUM;CVE-2023-45853=CRITICAL;");
  EXPECT_EQ(run("{{ range .Results }}{{ if .Vulnerabilities }}yes{{ else }}no{{ end }} {{ end }}"), "yes no ");
  EXPECT_EQ(run("{{ range $i, $r := .Results }}{{ $i }}:{{ $r.Target }}|{{ end }}"), "0:app:1 (debian 12)|1:package.json|");
  EXPECT_EQ(run("{{ range (index .Results 1).Vulnerabilities }}x{{ else }}none{{ end }}"), "none");
  EXPECT_EQ(run("{{ with .Verdict }}v{{ else }}no verdict{{ end }}"), "no verdict");
  EXPECT_EQ(run("{{ .Verdict.Decision }}|"), "|");  // a field of nothing is nothing
  EXPECT_EQ(run("{{ $x := .ArtifactName }}{{ $x }}-{{ $.Count }}"), "app:1-3");
}

TEST(Template, ElseIfAndComparisons) {
  const char* t =
      "{{ range (index .Results 0).Vulnerabilities }}"
      "{{ if eq .Severity \"CRITICAL\" }}C{{ else if gt .CVSSScore 5.0 }}M{{ else }}L{{ end }}{{ end }}";
  EXPECT_EQ(run(t), "MC");
  EXPECT_EQ(run("{{ if and .Count (not .Verdict) }}ok{{ end }}"), "ok");
  EXPECT_EQ(run("{{ if or .Verdict .Count }}{{ .Count }}{{ end }}"), "3");
  EXPECT_EQ(run("{{ if lt 2 .Count }}more{{ end }}"), "more");
  EXPECT_EQ(run("{{ if eq .ArtifactName \"x\" \"app:1\" }}one of{{ end }}"), "one of");
}

TEST(Template, FunctionsAndPipes) {
  EXPECT_EQ(run("{{ (index (index .Results 0).Vulnerabilities 0).Title | escapeXML }}"), "a &lt;b&gt; &amp; &#34;c&#34;");
  EXPECT_EQ(run("{{ len .Results }} {{ len .ArtifactName }}"), "2 5");
  EXPECT_EQ(run("{{ toJson (index .Results 1) }}"), R"({"Target":"package.json","Vulnerabilities":[]})");
  EXPECT_EQ(run("{{ .ArtifactName | upper }} {{ lower \"AB\" }}"), "APP:1 ab");
  EXPECT_EQ(run("{{ printf \"%s has %d (%.1f%%)\" .ArtifactName .Count 12.345 }}"), "app:1 has 3 (12.3%)");
  EXPECT_EQ(run("{{ .Nope | default \"x\" }}", ojson{{"Nope", ""}}), "x");
  EXPECT_EQ(run("{{ join \", \" .L }}", ojson{{"L", {"a", "b"}}}), "a, b");
  EXPECT_EQ(run("{{ if contains \"ssl\" \"libssl3\" }}y{{ end }}{{ if hasPrefix \"lib\" \"zlib\" }}n{{ end }}"), "y");
  EXPECT_EQ(run("{{ trunc 3 \"abcdef\" }} {{ replace \"a\" \"b\" \"aXa\" }} {{ add 1 2 }}"), "abc bXb 3");
  EXPECT_EQ(run("{{ 9.8 }} {{ 3 }} {{ true }} {{ nil }}|"), "9.8 3 true |");
}

TEST(Template, TrimMarkersAndComments) {
  EXPECT_EQ(run("a  {{- .Count -}}  b"), "a3b");
  EXPECT_EQ(run("a {{/* a comment */}}b"), "a b");
  EXPECT_EQ(run("[\n  {{- range .Results }}\n  {{ .Target }}\n  {{- end }}\n]"), "[\n  app:1 (debian 12)\n  package.json\n]");
}

TEST(Template, ParseErrorsNameLineAndColumn) {
  EXPECT_EQ(run("ok\n  {{ range .Results }}x"), "PARSE: t.tpl:2:3: {{ range }} is never closed: add {{ end }}");
  EXPECT_EQ(run("{{ end }}"), "PARSE: t.tpl:1:1: {{ end }} without a block to close: remove it");
  EXPECT_EQ(run("x {{ .A"), "PARSE: t.tpl:1:3: unclosed action: add }}");
  EXPECT_EQ(run("\n\n   {{ frobnicate .A }}"), "PARSE: t.tpl:3:7: unknown function 'frobnicate' (docs/templates.md lists the functions)");
  EXPECT_EQ(run("{{ \"abc }}"), "PARSE: t.tpl:1:4: unterminated string: close it with \"");
  EXPECT_EQ(run("{{ template \"x\" }}"), "PARSE: t.tpl:1:4: {{ template }} is not supported by imagegate templates (docs/templates.md)");
  EXPECT_EQ(run("{{ .A .B }}"), "PARSE: t.tpl:1:4: a value is not a function, so it takes no arguments");
  EXPECT_EQ(run("{{ (len .A }}"), "PARSE: t.tpl:1:4: unclosed ( : add )");
  EXPECT_EQ(run("{{ if }}{{ end }}"), "PARSE: t.tpl:1:1: {{ if }} needs a value, e.g. {{ if .Results }}");
  EXPECT_EQ(run("{{ range .A }}{{ else if .B }}{{ end }}"), "PARSE: t.tpl:1:15: only {{ else if ... }} may follow else here");
  EXPECT_EQ(run("{{ @ }}"), "PARSE: t.tpl:1:4: unexpected character '@' in an action");
  EXPECT_EQ(run("{{ .A ) .B }}"), "PARSE: t.tpl:1:7: unexpected ) without a matching (");
  // Deep nesting is refused, not recursed into.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{{ if .A }}";
  EXPECT_NE(run(deep).find("nested deeper than 64"), std::string::npos);
  std::string parens(200, '(');
  EXPECT_NE(run("{{ " + parens).find("PARSE:"), std::string::npos);
}

TEST(Template, RuntimeErrorsNameLineAndColumn) {
  EXPECT_EQ(run("{{ .Artifactname }}"),
            "EXEC: t.tpl:1:4: no field .Artifactname here (fields: ArtifactName, Results, Verdict, Count; docs/templates.md)");
  EXPECT_EQ(run("{{ .ArtifactName.X }}"), "EXEC: t.tpl:1:4: can't read .X of a string value");
  EXPECT_EQ(run("\n{{ len 3 }}"), "EXEC: t.tpl:2:4: len of a number value: give it a list, an object or text");
  EXPECT_EQ(run("{{ $nope }}"), "EXEC: t.tpl:1:4: undefined variable $nope: declare it with $nope := ...");
  EXPECT_EQ(run("{{ range .ArtifactName }}{{ end }}"), "EXEC: t.tpl:1:1: range over string needs a list, an object or a count");
  EXPECT_EQ(run("{{ printf \"%s %s\" 1 }}"), "EXEC: t.tpl:1:4: printf has more verbs than arguments");
}

TEST(Template, OutputLimit) {
  auto t = Template::parse("{{ range 100 }}0123456789{{ end }}", "t");
  ASSERT_TRUE(t);
  auto out = t->execute(ojson::object(), 500);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::usage);
  EXPECT_NE(out.error().message.find("passed 500 bytes"), std::string::npos);
  EXPECT_EQ(t->execute(ojson::object(), 1000)->size(), 1000u);
  // Loops with no output end too.
  auto spin = Template::parse("{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}", "t");
  ASSERT_TRUE(spin);
  auto r = spin->execute(ojson::object(), 1000, 100000);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("more than 100000 steps"), std::string::npos);
}

}  // namespace
}  // namespace ig::report
