# Same input and seed give byte-identical lambda.npy and gamma.npy whatever --threads; another seed
# gives another model.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
fit() { "$BIN/tm-fit" --corpus "$KJV" -k 8 --passes 30 --moves 2 --alpha auto --quiet "$@" > /dev/null || fail "fit $*"; }
fit --threads 1 --seed 5 --out t1
fit --threads 2 --seed 5 --out t2
fit --threads 3 --seed 5 --out t3
fit --threads 2 --seed 5 --out again
fit --threads 2 --seed 6 --out other
for d in t2 t3 again; do
  for f in lambda.npy gamma.npy topics.txt; do
    cmp -s "t1/$f" "$d/$f" && pass "$f identical: t1 vs $d" || fail "$f differs: t1 vs $d"
  done
done
cmp -s t1/lambda.npy other/lambda.npy && fail "seed 6 gave the same lambda as seed 5" || pass "another seed, another model"
finish
