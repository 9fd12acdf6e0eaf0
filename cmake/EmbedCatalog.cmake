# Script mode (cmake -P): writes OUT, a C++ file holding the message catalog
# IN (i18n/messages.json) as a raw string literal (safegate/base/i18n.h).
file(READ ${IN} _text)
string(FIND "${_text}" ")SGI18N\"" _bad)
if(NOT _bad EQUAL -1)
  message(FATAL_ERROR "${IN}: contains the raw-string delimiter )SGI18N\"")
endif()
file(WRITE ${OUT}.tmp "// Generated from i18n/messages.json by cmake/EmbedCatalog.cmake. Do not edit.\n#include <string_view>\nnamespace safegate::i18n::internal {\nextern const std::string_view kCatalogJson;\nconst std::string_view kCatalogJson = R\"SGI18N(${_text})SGI18N\";\n}  // namespace safegate::i18n::internal\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
