#!/usr/bin/python3
"""A real corpus for the benchmarks, built from text a Debian package ships: the GNU Collaborative
International Dictionary of English (Debian's dict-gcide, GPL; Webster's 1913 with WordNet
additions). One document per dictionary entry of at least MIN_WORDS words: the definitions and
quotations, without the headword line's pronunciation and etymology, the source tags and the
citation names. The label is the entry's first field marker, such as "Bot." or "Law", else "-".

usage: bench/gcide_corpus.py OUT.tsv      (apt-get install dict-gcide first)
Writes id<TAB>label<TAB>text lines, ready for `tm-import --columns id-label-text`.
"""
import gzip
import re
import sys

DICT = "/usr/share/dictd/gcide.dict.dz"
INDEX = "/usr/share/dictd/gcide.index"
MIN_WORDS = 15
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

SOURCE_TAG = re.compile(r"\[(1913 Webster|WordNet 1\.5|PJC|Century Dict\.|Webster 1913 Suppl\.|"
                        r"[^\]]{0,40}\b(Webster|WordNet|PJC|RN|Chambers)\b[^\]]{0,40})\]")
PRONUNCIATION = re.compile(r"\\[^\\\n]*\\")
BRACKETS = re.compile(r"\[[^\]]*\]")
CITATION = re.compile(r"--[A-Z][\w.' ]*")
MARKER = re.compile(r"\(([A-Z][a-zö]+\.?(?: [A-Z][a-z]+\.?)?)\)")


def decode(text):
    value = 0
    for c in text:
        value = value * 64 + B64.index(c)
    return value


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = gzip.open(DICT).read()
    seen = set()
    n_docs = 0
    with open(INDEX, encoding="utf-8", errors="replace") as index, open(sys.argv[1], "w") as out:
        for line in index:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0].startswith("00-database"):
                continue
            offset, length = decode(parts[1]), decode(parts[2])
            if (offset, length) in seen:
                continue  # several headwords share one entry
            seen.add((offset, length))
            entry = data[offset:offset + length].decode("utf-8", errors="replace")
            head, _, body = entry.partition("\n")
            marker = MARKER.search(entry)
            body = SOURCE_TAG.sub(" ", body)
            body = PRONUNCIATION.sub(" ", body)
            body = BRACKETS.sub(" ", body)
            body = CITATION.sub(" ", body)
            text = " ".join(body.replace("{", " ").replace("}", " ").split())
            if len(text.split()) < MIN_WORDS or head.startswith("00-database") or "00-database" in parts[0]:
                continue
            n_docs += 1
            label = marker.group(1) if marker else "-"
            word = head.split("\\")[0].strip().replace("\t", " ") or "-"
            out.write(f"gcide{n_docs}:{word}\t{label}\t{text}\n")
    print(f"{n_docs} entries of at least {MIN_WORDS} words written to {sys.argv[1]}")


if __name__ == "__main__":
    main()
