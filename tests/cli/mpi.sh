# tm-fit under mpirun as a user runs it: with 2 and 3 ranks (3 oversubscribes a 2-core machine),
# batch and online, from a .tmc (each rank reads its own documents) and from UCI text, the model
# equals the one-process model to 1e-9 relative; tm-select's candidates and tm-similarity's row
# tiles spread over ranks give one process's results; a rank that meets bad input stops the whole
# job with its message and a non-zero exit, never a hang, and nothing is written.
# usage: bash mpi.sh BIN_DIR SOURCE_DIR MPIEXEC NPY_CLOSE
source "$(dirname "$0")/lib.sh"
MPIEXEC=$3
NPY_CLOSE=$4
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
mpi() { local np=$1; shift; timeout 300 "$MPIEXEC" -np "$np" --oversubscribe "$@"; }
cd "$WORK"
"$BIN/tm-import" --corpus "$KJV" --to tmc --out kjv.tmc > /dev/null || fail "tm-import --to tmc"
fit_args=(-k 6 --passes 40 --alpha auto --threads 1 --quiet)
"$BIN/tm-fit" --corpus kjv.tmc "${fit_args[@]}" --out one > one.out || fail "one-process fit"

# elbo_close A B: every ELBO of the two traces (elbo.csv, column 2) within 1e-9 relative.
elbo_close() {
  paste -d, "$1/elbo.csv" "$2/elbo.csv" | awk -F, -v n="$(head -1 "$1/elbo.csv" | awk -F, '{print NF}')" '
    NR > 1 { a = $2; b = $(n + 2); d = (a - b) / b; if (d < 0) d = -d; if (d > worst) worst = d; rows++ }
    END { printf "ELBO trace %.1e over %d lines\n", worst, rows; exit !(rows > 0 && worst <= 1e-9) }'
}
close() {  # close A B WHAT: lambda, gamma and the ELBO trace within 1e-9, same documents
  if "$NPY_CLOSE" "$1/lambda.npy" "$2/lambda.npy" 1e-9 > close.out &&
     "$NPY_CLOSE" "$1/gamma.npy" "$2/gamma.npy" 1e-9 >> close.out &&
     elbo_close "$1" "$2" >> close.out && cmp -s "$1/docs.tsv" "$2/docs.tsv"; then
    pass "$3: lambda, gamma and ELBO within 1e-9 of one process ($(paste -sd';' close.out))"
  else
    fail "$3: $(cat close.out)"
  fi
}
for np in 1 2 3; do
  mpi $np "$BIN/tm-fit" --corpus kjv.tmc "${fit_args[@]}" --out tmc$np > tmc$np.out 2> tmc$np.err \
    || fail "mpirun -np $np: $(tail -3 tmc$np.err)"
  close one tmc$np "mpirun -np $np, .tmc"
  [ $np -eq 1 ] || { grep -q "$np MPI ranks, .* MiB of statistics summed per rank per pass" tmc$np.out \
    && pass "summary reports the ranks and the traffic" || fail "summary: $(cat tmc$np.out)"; }
done
mpi 2 "$BIN/tm-fit" --corpus "$KJV" "${fit_args[@]}" --out uci2 > /dev/null 2> uci2.err || fail "UCI under mpirun"
close one uci2 "mpirun -np 2, UCI text"
# The online fit: each rank reads its part of every mini-batch.
online_args=(-k 6 --algorithm online --batch-size 200 --passes 3 --alpha auto --eta auto --threads 1 --quiet)
"$BIN/tm-fit" --corpus kjv.tmc "${online_args[@]}" --out online1 > /dev/null || fail "one-process online fit"
for np in 2 3; do
  mpi $np "$BIN/tm-fit" --corpus kjv.tmc "${online_args[@]}" --out online$np > /dev/null 2> online$np.err \
    || fail "online, mpirun -np $np: $(tail -3 online$np.err)"
  close online1 online$np "online, mpirun -np $np, .tmc"
done
mpi 2 "$BIN/tm-fit" --corpus "$KJV" "${online_args[@]}" --out online-uci > /dev/null 2>&1 || fail "online UCI under mpirun"
close online1 online-uci "online, mpirun -np 2, UCI streamed by each rank"
"$BIN/tm-topics" --model tmc2 > /dev/null 2> topics.err && [ ! -s topics.err ] \
  && pass "tm-topics reads the MPI model and knows its corpus unchanged" || fail "tm-topics: $(cat topics.err)"

# tm-select spreads its candidates and K-fold refits over the ranks: the same results.
select_args=(-k 3,4,5 --draws 20 --passes 10 --kfold 2 --threads 1 --quiet)
"$BIN/tm-select" --corpus kjv.tmc "${select_args[@]}" --out select1 > /dev/null || fail "tm-select, one process"
mpi 2 "$BIN/tm-select" --corpus kjv.tmc "${select_args[@]}" --out select2 > /dev/null 2> select2.err \
  || fail "tm-select under mpirun: $(tail -3 select2.err)"
if diff <(grep -v seconds select1/selection.json) <(grep -v seconds select2/selection.json) > /dev/null; then
  pass "tm-select over 2 ranks: selection.json as one process's (timings aside)"
else
  fail "tm-select over 2 ranks differs"
fi
# tm-similarity --top-k spreads its row tiles: the same lists, byte for byte.
"$BIN/tm-similarity" --model one --top-k 5 --out nb1.tsv --quiet || fail "tm-similarity, one process"
mpi 3 "$BIN/tm-similarity" --model one --top-k 5 --out nb3.tsv --quiet 2> nb3.err || fail "tm-similarity under mpirun: $(cat nb3.err)"
cmp -s nb1.tsv nb3.tsv && pass "tm-similarity --top-k over 3 ranks: identical lists" || fail "neighbour lists differ"
mpi 2 "$BIN/tm-similarity" --model one --out full.npy > /dev/null 2> bad.err
[ $? -ne 0 ] && grep -q 'under mpirun only neighbour lists are spread over ranks' bad.err \
  && pass "full matrix under mpirun refused" || fail "full matrix under mpirun: $(head -c 300 bad.err)"

# A rank that fails: document 1000 (in rank 1's range of 2) is empty in the file.
awk 'NR > 3 && $1 != 1000' "$KJV" > body.txt
{ sed -n 1,2p "$KJV"; wc -l < body.txt; cat body.txt; } > docword.holed.txt
cp "$SRC/corpora/kjv/vocab.kjv.txt" vocab.holed.txt
"$BIN/tm-import" --corpus docword.holed.txt --keep-empty --to tmc --out holed.tmc > /dev/null || fail "import with an empty document"
# expect_rank_failure NP FILE REGEX WHAT: tm-fit over NP ranks stops (no hang: timeout's 124 is a
# failure), with a message matching REGEX, and writes nothing.
expect_rank_failure() {
  local start code
  start=$(date +%s)
  mpi "$1" "$BIN/tm-fit" --corpus "$2" -k 4 --threads 1 --out bad > bad.out 2> bad.err
  code=$?
  if [ $code -ne 0 ] && [ $code -ne 124 ] && grep -Eq "$3" bad.err; then
    pass "$4 stops the job: exit $code after $(( $(date +%s) - start )) s, its message names the rank"
  else
    fail "$4: exit $code; $(head -c 400 bad.err)"
  fi
  absent bad "$4"
}
expect_rank_failure 2 holed.tmc '^tm-fit: rank 1 of 2: holed\.tmc: document 1000 has no words' "a failing rank"
# A corrupted block near the end of the file: only the last rank reads it.
cp kjv.tmc corrupt.tmc
size=$(stat -c %s kjv.tmc)
printf '\xff\xff' | dd of=corrupt.tmc bs=1 seek=$((size * 3 / 5)) conv=notrunc status=none
expect_rank_failure 3 corrupt.tmc \
  '^tm-fit: rank [12] of 3: corrupt\.tmc: documents [0-9]+ to [0-9]+: checksum does not match' \
  "a corrupted block on one rank"
# What is not spread over ranks yet says so; too many ranks for the documents says so.
mpi 2 "$BIN/tm-fit" --corpus kjv.tmc -k 4 --heldout-fraction 0.1 --out bad > /dev/null 2> bad.err
[ $? -ne 0 ] && grep -q -- '--heldout-fraction: not available under mpirun yet' bad.err \
  && pass "--heldout-fraction under mpirun refused" || fail "heldout under mpirun: $(head -c 300 bad.err)"
awk 'NR > 3 && $1 <= 100' "$KJV" > body.txt
{ echo 100; sed -n 2p "$KJV"; wc -l < body.txt; cat body.txt; } > docword.small.txt
cp "$SRC/corpora/kjv/vocab.kjv.txt" vocab.small.txt
mpi 2 "$BIN/tm-fit" --corpus docword.small.txt -k 4 --out bad > /dev/null 2> bad.err
[ $? -ne 0 ] && grep -q 'the corpus has 100 documents, 1 blocks of 128; run at most that many ranks' bad.err \
  && pass "more ranks than blocks refused" || fail "too many ranks: $(head -c 300 bad.err)"
finish
