// ELF executable cataloger; see lang_binary.h.
#include "inventory/lang_binary.h"

#include "inventory/lang_common.h"
#include "inventory/lang_elf.h"
#include "inventory/lang_golang.h"
#include "inventory/lang_rust.h"

namespace ig::inventory::lang {

namespace {

constexpr uint64_t k_max_binary = 512ull << 20;

class BinaryAnalyzer final : public image::Analyzer {
 public:
  BinaryAnalyzer() {
    sel_.magic = {"\x7f" "ELF"};
    sel_.max_size = k_max_binary;
    // Like Trivy, only executables: shared libraries (most ELF bytes in an
    // image) are neither Go programs nor cargo-auditable binaries in practice.
    sel_.executable_only_for_magic = true;
  }
  std::string_view name() const override { return "elf-binary"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    StreamWindow w(in, k_go_window);
    IG_ASSIGN(ElfFile elf, read_elf_headers(w, meta.path));
    IG_ASSIGN(bool go_note, has_go_note(w, elf));
    IG_ASSIGN(auto pkgs, parse_go_elf(w, elf, go_note, meta.size, meta.path));
    if (pkgs.empty() && !go_note) {
      IG_ASSIGN(pkgs, parse_rust_elf(w, elf, meta.path));
    }
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

std::unique_ptr<image::Analyzer> make_binary_analyzer() { return std::make_unique<BinaryAnalyzer>(); }

}  // namespace ig::inventory::lang
