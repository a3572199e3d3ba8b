#include "frontend/expand_unicode.h"

#include <locale.h>
#include <wctype.h>

namespace ocbuild::frontend::unicode {
namespace {

// One process-wide C.UTF-8 locale object, created on first use and never
// freed (a locale_t is immutable and safe to share between threads).
locale_t utf8_locale() {
  static const locale_t loc = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

}  // namespace

bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  locale_t loc = utf8_locale();
  if (loc == static_cast<locale_t>(nullptr)) return false;
  return ::iswalnum_l(static_cast<wint_t>(c), loc) != 0;
}

}  // namespace ocbuild::frontend::unicode
