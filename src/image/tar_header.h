// The tar header format, shared by the archive index (random access, for
// docker-save and OCI archives) and the layer walker (one streaming pass).
//
// Covers ustar and pax (POSIX.1-2001) headers, GNU long names ('L', 'K'),
// base-256 numbers and the three GNU sparse encodings (old GNU 'S' headers,
// pax 0.0/0.1 records and pax 1.0 maps in the data). Where readers disagree,
// this follows Go's archive/tar, which is what container runtimes apply layers
// with: what imagegate lists is what a runtime would unpack. Headers are
// untrusted: every number is range-checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::image::tar {

constexpr size_t k_block = 512;
constexpr uint64_t k_max_meta_size = 1u << 20;      // pax or GNU long-name data
constexpr uint64_t k_max_member_size = 1ull << 62;  // keeps offset arithmetic far from overflow
constexpr size_t k_max_sparse_fragments = 1u << 16;

// Header field offsets.
constexpr size_t k_mode = 100, k_size = 124, k_checksum = 148, k_type = 156, k_linkname = 157;
constexpr size_t k_gnu_sparse = 386, k_gnu_is_extended = 482, k_gnu_real_size = 483;

// The NUL-terminated text of a fixed-width field.
std::string_view field(const unsigned char* block, size_t off, size_t len);

// A numeric field: octal text (spaces and NULs around it), or base-256 when
// the high bit of the first byte is set. nullopt when malformed, negative or
// over k_max_member_size.
std::optional<uint64_t> parse_number(const unsigned char* p, size_t len);

// Whether the stored checksum matches the unsigned or the (historical) signed sum.
bool checksum_ok(const unsigned char* block);
bool all_zero(const unsigned char* block);

// The entry name from the header: ustar's prefix + "/" + name, or the name
// alone for GNU and v7 headers, which have no prefix field.
std::string header_name(const unsigned char* block);

// Types whose size field says nothing about data: no data follows them, as
// Go's archive/tar reads them (hard and symbolic links, devices, dirs, fifos).
bool header_only(char type);

// Bytes from the end of `size` bytes of data to the next header.
inline uint64_t padding(uint64_t size) { return (k_block - size % k_block) % k_block; }

// A hole-free run of a sparse file: `length` stored bytes at `offset`.
struct Fragment {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// What 'x' and 'L'/'K' headers say about the entry that follows them.
struct Extended {
  std::optional<std::string> path;
  std::optional<std::string> link;
  std::optional<uint64_t> size;
  // GNU sparse in pax records.
  bool sparse = false;
  std::optional<std::string> sparse_name;   // GNU.sparse.name (0.1, 1.0)
  std::optional<uint64_t> sparse_size;      // GNU.sparse.realsize or GNU.sparse.size
  std::optional<int> sparse_major;          // 1 for the 1.0 format: the map is in the data
  std::vector<Fragment> sparse_map;         // 0.0 (offset/numbytes records) and 0.1 (GNU.sparse.map)
};

// A decimal number as pax records and sparse maps write it; nullopt when
// malformed or longer than 19 digits.
std::optional<uint64_t> parse_decimal(std::string_view s);

// Appends `f`, refusing maps of more than k_max_sparse_fragments.
Result<void> add_fragment(std::vector<Fragment>& map, Fragment f, std::string_view what);

// Applies pax records ("<len> <key>=<value>\n") to `ext`. invalid_image naming
// `what` on a malformed record, or a path or link with a NUL byte.
Result<void> parse_pax(std::string_view data, Extended& ext, std::string_view what);

// Checks that fragments are in order, do not overlap and end within
// `real_size`, and that they store `stored` bytes at most. invalid_image.
Result<void> check_sparse_map(const std::vector<Fragment>& map, uint64_t real_size, uint64_t stored,
                              std::string_view what);

}  // namespace ig::image::tar
