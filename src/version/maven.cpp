// Maven versions, ordered as org.apache.maven.artifact.versioning.
// ComparableVersion (maven-artifact 3.8): the version is cut into numbers and
// qualifiers at '.', '-' and digit/letter changes; '-' and each digit/letter
// change open a nested list; trailing "null" items (0, "", ga, final,
// release) are dropped; qualifiers order as
//   alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp
// and unknown qualifiers after all of them, alphabetically. Every string is
// a valid Maven version.
#include <array>

#include "version/repr.h"

namespace ig::version::detail {

namespace {

using Kind = MavenItem::Kind;

constexpr std::array<std::string_view, 7> k_qualifiers = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ComparableVersion.comparableQualifier: the index as text, or "7-name".
std::string comparable_qualifier(const std::string& q) {
  for (size_t i = 0; i < k_qualifiers.size(); ++i) {
    if (q == k_qualifiers[i]) return std::to_string(i);
  }
  return std::to_string(k_qualifiers.size()) + "-" + q;
}

const std::string& release_index() {
  static const std::string r = comparable_qualifier("");
  return r;
}

MavenItem make_string(std::string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    if (value == "a") value = "alpha";
    if (value == "b") value = "beta";
    if (value == "m") value = "milestone";
  }
  if (value == "ga" || value == "final" || value == "release") value = "";
  if (value == "cr") value = "rc";
  MavenItem it;
  it.kind = Kind::string;
  it.value = comparable_qualifier(value);
  return it;
}

MavenItem make_item(bool digits, std::string_view buf) {
  if (!digits) return make_string(std::string(buf), false);
  MavenItem it;
  it.kind = Kind::integer;
  it.value = std::string(strip_zeros(buf));
  return it;
}

MavenItem make_int_zero() {
  MavenItem it;
  it.kind = Kind::integer;
  it.value = "0";
  return it;
}

bool is_null(const MavenItem& it) {
  switch (it.kind) {
    case Kind::integer: return it.value == "0";
    case Kind::string: return it.value == release_index();
    case Kind::list: return it.items.empty();
  }
  return false;
}

// Drops trailing null items, looking through (non-null) nested lists.
void normalize(MavenItem& list) {
  for (size_t i = list.items.size(); i-- > 0;) {
    if (is_null(list.items[i])) {
      list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (list.items[i].kind != Kind::list) {
      break;
    }
  }
}

// item.compareTo(null)
int compare_to_null(const MavenItem& it) {
  switch (it.kind) {
    case Kind::integer: return it.value == "0" ? 0 : 1;
    case Kind::string: return sign(it.value.compare(release_index()));
    case Kind::list: return it.items.empty() ? 0 : compare_to_null(it.items[0]);
  }
  return 0;
}

int compare_items(const MavenItem& a, const MavenItem& b) {
  switch (a.kind) {
    case Kind::integer:
      if (b.kind == Kind::integer) return compare_digits(a.value, b.value);
      return 1;
    case Kind::string:
      if (b.kind == Kind::integer) return -1;
      if (b.kind == Kind::string) return sign(a.value.compare(b.value));
      return -1;
    case Kind::list:
      if (b.kind == Kind::integer) return -1;
      if (b.kind == Kind::string) return 1;
      for (size_t i = 0; i < a.items.size() || i < b.items.size(); ++i) {
        int r;
        if (i >= a.items.size()) {
          r = -compare_to_null(b.items[i]);
        } else if (i >= b.items.size()) {
          r = compare_to_null(a.items[i]);
        } else {
          r = compare_items(a.items[i], b.items[i]);
        }
        if (r != 0) return r;
      }
      return 0;
  }
  return 0;
}

}  // namespace

ParseResult parse_maven(std::string_view text) {
  std::string v(text);
  for (char& c : v) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  MavenItem root;
  MavenItem* list = &root;
  // Lists in creation order; each is only appended to until the next is made,
  // so these pointers stay valid.
  std::vector<MavenItem*> stack = {list};
  auto open_list = [&] {
    list->items.emplace_back();
    list = &list->items.back();
    stack.push_back(list);
  };
  bool digits = false;
  size_t start = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '.' || c == '-') {
      list->items.push_back(i == start ? make_int_zero() : make_item(digits, std::string_view(v).substr(start, i - start)));
      start = i + 1;
      if (c == '-') open_list();
    } else if (is_digit(c)) {
      if (!digits && i > start) {
        // A qualifier that follows other items gets its own list (.X1 as -X1).
        if (!list->items.empty()) open_list();
        list->items.push_back(make_string(v.substr(start, i - start), true));
        start = i;
        open_list();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        list->items.push_back(make_item(true, std::string_view(v).substr(start, i - start)));
        start = i;
        open_list();
      }
      digits = false;
    }
  }
  if (v.size() > start) {
    // A trailing qualifier after other items is treated as -X: 1.0.X1 < 1.0-X2.
    if (!digits && !list->items.empty()) open_list();
    list->items.push_back(make_item(digits, std::string_view(v).substr(start)));
  }
  for (size_t i = stack.size(); i-- > 0;) normalize(*stack[i]);
  return Repr{std::move(root)};
}

int compare_maven(const MavenItem& a, const MavenItem& b) { return compare_items(a, b); }

}  // namespace ig::version::detail
