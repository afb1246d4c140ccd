// Python cataloger on metadata shapes and on Debian's own installed dist-info.
#include "inventory/lang_python.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "inventory/lang_test_util.h"

namespace ig::inventory::lang {
namespace {

using testing::analyze;

TEST(LangPython, Pep503) {
  EXPECT_EQ(pep503_normalize("PyYAML"), "pyyaml");
  EXPECT_EQ(pep503_normalize("zope.interface"), "zope-interface");
  EXPECT_EQ(pep503_normalize("Foo__Bar-.baz"), "foo-bar-baz");
}

TEST(LangPython, HeaderShapes) {
  auto a = make_python_analyzer();
  auto p = analyze(*a, "usr/lib/python3/site-packages/Foo_Bar-1.0.dist-info/METADATA",
                   "Metadata-Version: 2.4\r\nName: Foo_Bar\r\nVersion: 1.0rc1\r\nLicense-Expression: MIT OR Apache-2.0\r\n"
                   "Classifier: License :: OSI Approved :: MIT License\r\n\r\nName: ignored\r\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "foo-bar");
  EXPECT_EQ(p[0].version, "1.0rc1");
  EXPECT_EQ(p[0].purl, "pkg:pypi/foo-bar@1.0rc1");
  EXPECT_EQ(p[0].licenses, std::vector<std::string>{"MIT OR Apache-2.0"});
  EXPECT_EQ(p[0].extra.value("declared_name", ""), "Foo_Bar");

  // A multi-line License field is license text: use the classifiers instead.
  auto q = analyze(*a, "x.egg-info/PKG-INFO",
                   "Name: x\nVersion: 2\nLicense: Copyright (c) 2020\n        Permission is hereby granted\n"
                   "Classifier: License :: OSI Approved :: BSD License\nClassifier: License :: OSI Approved\n");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].licenses, std::vector<std::string>{"BSD License"});
  EXPECT_TRUE(analyze(*a, "y.egg-info", "Name: y\n").empty());

  // The name is PEP 503's form, the PURL the purl spec's: dots are kept
  // (Debian's lazr.uri egg-info; Trivy writes pkg:pypi/lazr.uri too).
  auto d = analyze(*a, "usr/lib/python3/dist-packages/lazr.uri-1.0.6.egg-info/PKG-INFO",
                   "Metadata-Version: 1.1\nName: Lazr.URI_x\nVersion: 1.0.6\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].name, "lazr-uri-x");
  EXPECT_EQ(d[0].purl, "pkg:pypi/lazr.uri-x@1.0.6");
}

// Debian's python3-yaml ships PyYAML's real METADATA; its version must match
// the upstream part of the Debian package version.
TEST(LangPython, DebianDistInfo) {
  namespace fs = std::filesystem;
  fs::path dir = "/usr/lib/python3/dist-packages";
  std::string deb_version = testing::run("dpkg-query -W -f='${Version}' python3-yaml 2>/dev/null");
  if (deb_version.empty() || !fs::exists(dir)) GTEST_SKIP() << "python3-yaml is not installed";
  auto a = make_python_analyzer();
  int checked = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string base = e.path().filename().string();
    if (!base.starts_with("PyYAML-") || !base.ends_with(".dist-info")) continue;
    std::string rel = "usr/lib/python3/dist-packages/" + base + "/METADATA";
    auto pkgs = analyze(*a, rel, testing::slurp(e.path() / "METADATA"));
    ASSERT_EQ(pkgs.size(), 1u);
    EXPECT_EQ(pkgs[0].name, "pyyaml");
    EXPECT_TRUE(deb_version.starts_with(pkgs[0].version + "-")) << deb_version << " vs " << pkgs[0].version;
    EXPECT_EQ(pkgs[0].licenses, std::vector<std::string>{"MIT"});
    EXPECT_EQ(pkgs[0].purl, "pkg:pypi/pyyaml@" + pkgs[0].version);
    ++checked;
  }
  EXPECT_EQ(checked, 1);
  // Every dist-info / egg-info Debian installed yields the package Python's
  // own importlib.metadata reads there. The directory name is no oracle:
  // setuptools writes NAME-VERSION[-pyX.Y[-PLATFORM]] (cupshelpers-1.0-py3.10)
  // and some packages ship a bare NAME.egg-info.
  std::string oracle = testing::run(
      "python3 -c 'import importlib.metadata as m, os, pathlib, sys\n"
      "for e in sorted(os.listdir(sys.argv[1])):\n"
      "    if e.endswith((\".dist-info\", \".egg-info\")):\n"
      "        d = m.PathDistribution(pathlib.Path(sys.argv[1], e))\n"
      "        print(e, d.metadata[\"Name\"], d.version)' " +
      dir.string() + " 2>/dev/null");
  int all = 0;
  std::istringstream lines(oracle);
  for (std::string base, name, version; lines >> base >> name >> version;) {
    fs::path meta = dir / base / (base.ends_with(".dist-info") ? "METADATA" : "PKG-INFO");
    if (base.ends_with(".egg-info") && fs::is_regular_file(dir / base)) meta = dir / base;  // a plain file
    if (!fs::is_regular_file(meta)) continue;
    auto pkgs = analyze(*a, meta.string().substr(1), testing::slurp(meta), 997);
    ASSERT_EQ(pkgs.size(), 1u) << base;
    EXPECT_EQ(pkgs[0].name, pep503_normalize(name)) << base;
    EXPECT_EQ(pkgs[0].version, version) << base;
    ++all;
  }
  EXPECT_GT(all, 3) << oracle;
}

// setuptools names egg-info NAME-VERSION[-pyX.Y[-PLATFORM]]: the version is
// PKG-INFO's, never the rest of the directory name (python3-cupshelpers).
TEST(LangPython, EggInfoNameCarriesPythonTag) {
  auto a = make_python_analyzer();
  auto p = analyze(*a, "usr/lib/python3/dist-packages/cupshelpers-1.0-py3.10.egg-info/PKG-INFO",
                   "Metadata-Version: 2.1\nName: cupshelpers\nVersion: 1.0\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "cupshelpers");
  EXPECT_EQ(p[0].version, "1.0");
  EXPECT_EQ(p[0].purl, "pkg:pypi/cupshelpers@1.0");
}

}  // namespace
}  // namespace ig::inventory::lang
