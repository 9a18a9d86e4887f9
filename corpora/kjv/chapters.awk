# Turns the output of `bible Gen1:1-Rev22:21` (package bible-kjv) into one line per chapter:
# "Book N<TAB>Book<TAB>text of all its verses". A chapter heading is a line "Book N" after a blank
# line; verse lines start with spaces and a verse number; other lines continue the verse before.
function flush() {
  if (id != "") print id "\t" book "\t" text
  text = ""
}
/^$/ { blank = 1; next }
blank && /^[1-3]? ?[A-Z][A-Za-z ]* [0-9]+$/ {
  flush()
  id = $0
  book = $0
  sub(/ [0-9]+$/, "", book)
  blank = 0
  next
}
{
  blank = 0
  line = $0
  sub(/^ +[0-9]+ /, "", line)
  text = (text == "" ? line : text " " line)
}
END { flush() }
