#!/usr/bin/python3
"""Reference UMass and NPMI coherences from gensim's CoherenceModel.

Tool versions (Debian 12): python3-gensim 4.2.0, python3-numpy 1.24.2.
Reads the tiny corpus of sklearn_lda/ (written by generate_sklearn_lda.py) and writes
coherence/topics.txt (one topic per line: word ids, best first) and coherence/expected.txt (one line
per topic: u_mass c_npmi); and coherence/kjv_apart.txt (three word ids of the bundled corpus that
never share a document, then their u_mass). u_mass uses the bag-of-words corpus; c_npmi uses texts with a window
longer than any document, so that its windows are whole documents, the only window a bag of words
has.
Usage: tests/reference/generate_gensim_coherence.py   (from the repository root)
"""
import os

import numpy as np
from gensim.corpora import Dictionary
from gensim.models.coherencemodel import CoherenceModel

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "coherence")
TOPICS = [[3, 7, 1, 12, 20], [0, 5, 9, 14, 22, 24], [2, 8, 11], [4, 6, 10, 13, 15, 16, 17, 18]]


def never_together(texts, n_words, size):
    """The first `size` words (by id) no two of which share a document: a topic whose UMass rests
    on the epsilon alone, where adding it to the count or to the probability differs."""
    docs = [set() for _ in range(n_words)]
    for d, text in enumerate(texts):
        for token in text:
            docs[int(token[4:])].add(d)
    chosen = []
    for w in range(n_words):
        if docs[w] and all(not (docs[w] & docs[v]) for v in chosen):
            chosen.append(w)
            if len(chosen) == size:
                return chosen
    raise SystemExit("no such words in the corpus")


def read_corpus(path=os.path.join(HERE, "sklearn_lda", "docword.tiny.txt")):
    with open(path) as f:
        n_docs, n_words, _ = (int(f.readline()) for _ in range(3))
        texts = [[] for _ in range(n_docs)]
        for line in f:
            d, w, c = map(int, line.split())
            texts[d - 1].extend([f"word{w - 1}"] * c)
    return texts, n_words


def main():
    os.makedirs(OUT, exist_ok=True)
    texts, n_words = read_corpus()
    dictionary = Dictionary([[f"word{w}" for w in range(n_words)]])
    corpus = [dictionary.doc2bow(t) for t in texts]
    topics = [[f"word{w}" for w in topic] for topic in TOPICS]
    umass = CoherenceModel(topics=topics, corpus=corpus, dictionary=dictionary,
                           coherence="u_mass").get_coherence_per_topic()
    window = max(len(t) for t in texts) + 1
    npmi = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence="c_npmi",
                          window_size=window, processes=1).get_coherence_per_topic()
    with open(os.path.join(OUT, "topics.txt"), "w") as f:
        for topic in TOPICS:
            f.write(" ".join(map(str, topic)) + "\n")
    with open(os.path.join(OUT, "expected.txt"), "w") as f:
        for u, n in zip(umass, npmi):
            f.write(f"{u!r} {n!r}\n")

    # On the bundled corpus, three words no two of which share a chapter: their UMass is the
    # epsilon's alone, where adding it to the count (as tmkit once did) or to the probability
    # (gensim) differs.
    texts, n_words = read_corpus(os.path.join(HERE, "..", "..", "corpora", "kjv", "docword.kjv.txt"))
    apart = never_together(texts, n_words, 3)
    dictionary = Dictionary([[f"word{w}" for w in range(n_words)]])
    corpus = [dictionary.doc2bow(t) for t in texts]
    umass = CoherenceModel(topics=[[f"word{w}" for w in apart]], corpus=corpus,
                           dictionary=dictionary, coherence="u_mass").get_coherence_per_topic()
    with open(os.path.join(OUT, "kjv_apart.txt"), "w") as f:
        f.write(" ".join(map(str, apart)) + f" {umass[0]!r}\n")


if __name__ == "__main__":
    main()
