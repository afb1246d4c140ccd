# Writes the file IN as a C++ raw string literal to OUT, so that a text
# resource (report/report.html) is compiled into the binary.
# Usage: cmake -DIN=... -DOUT=... -P embed-text.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")IG_EMBED\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )IG_EMBED\"")
endif()
file(WRITE "${OUT}.tmp" "R\"IG_EMBED(${content})IG_EMBED\"\n")
file(RENAME "${OUT}.tmp" "${OUT}")
