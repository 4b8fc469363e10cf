#!/usr/bin/env bash
# The engine under MPI at 1 and 2 ranks on this host, one thread per rank (strong scaling: 2
# ranks have twice the cores of 1), and 1 rank x 2 threads beside 2 ranks x 1 thread (the same
# cores: what MPI costs over threads): sessionization of ROWS page views (bench/engine's data and job) and the
# full `footfall batch` on EVENTS generated events. Prints time, bytes exchanged between ranks,
# scaling efficiency, and a per-rank cost model extrapolated to 16 and 128 ranks from the
# measured exchange rate. Builds nothing: pass the build directory (mpi_bench, engine_bench,
# footfall). Skips with a message when MPI is missing.
#
#   bench/mpi/run.sh BUILD_DIR [WORK_DIR]   (ROWS, default 10000000; EVENTS, default 200000)
set -euo pipefail

build=${1:?usage: run.sh BUILD_DIR [WORK_DIR]}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
rows=${ROWS:-10000000}
events=${EVENTS:-200000}
mpi_bench="$build/src/engine/mpi_bench"
engine_bench="$build/src/engine/engine_bench"
footfall="$build/src/cli/footfall"
command -v mpirun >/dev/null || { echo "SKIP: mpirun is not installed"; exit 0; }
[[ -x "$mpi_bench" ]] || { echo "SKIP: no $mpi_bench (footfall built without MPI?)"; exit 0; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=${OMPI_MCA_btl:-tcp,self} OMPI_MCA_btl_tcp_if_include=lo
export OMPI_MCA_oob_tcp_if_include=lo

field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

# ---- Sessionization ----
file="$work/page_views.parquet"
[[ -f "$file" ]] || "$engine_bench" gen "$file" "$rows" 500000 >/dev/null
one=$(mpirun -np 1 "$mpi_bench" sessions "$file" --threads 1 --spill-dir "$work/spill")
one2=$(mpirun -np 1 "$mpi_bench" sessions "$file" --threads 2 --spill-dir "$work/spill")
two=$(mpirun -np 2 "$mpi_bench" sessions "$file" --threads 1 --spill-dir "$work/spill")
p2p=$(FOOTFALL_MPI_EXCHANGE=p2p mpirun -np 2 -x FOOTFALL_MPI_EXCHANGE "$mpi_bench" sessions \
  "$file" --threads 1 --spill-dir "$work/spill")
for f in groups sum_sq extra; do
  [[ "$(field "$one" $f)" == "$(field "$two" $f)" && "$(field "$one" $f)" == "$(field "$p2p" $f)" ]] ||
    { echo "MISMATCH in sessions ($f)" >&2; exit 1; }
done
echo "sessionization of $rows page views (checksums equal at 1 and 2 ranks):"
echo "  1 rank  x 1 thread:  $one"
echo "  1 rank  x 2 threads: $one2"
echo "  2 ranks x 1 thread (alltoallv): $two"
echo "  2 ranks x 1 thread (p2p):       $p2p"

# ---- Full batch ----
lake=${LAKE:-$work/lake}  # LAKE: an enriched data directory of EVENTS events to reuse
if [[ ! -d "$lake" ]]; then
  "$footfall" gen --raw "$lake" --events "$events" --seed 1 --start 2026-03-01T00:00:00Z --days 7 \
    >/dev/null 2>&1
  "$footfall" enrich --data "$lake" >/dev/null 2>&1
fi
printf 'enrich:\n  threads: %s\n' 2 >"$work/t2.yaml"
printf 'enrich:\n  threads: %s\n' 1 >"$work/t1.yaml"
batch() {  # NAME RANKS CONFIG
  rm -rf "$work/$1"
  # Hard links: a lake's files are written once and replaced only by rename, never changed.
  cp -al "$lake" "$work/$1"
  local t0 t1
  t0=$(date +%s.%N)
  if [[ "$2" == 0 ]]; then
    "$footfall" batch --data "$work/$1" --config "$3" >"$work/$1.out" 2>"$work/$1.err"
  else
    mpirun -np "$2" "$footfall" batch --data "$work/$1" --config "$3" >"$work/$1.out" 2>"$work/$1.err"
  fi
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
batch_alone=$(batch alone 0 "$work/t2.yaml")
batch_one=$(batch one 1 "$work/t1.yaml")
batch_two=$(batch two 2 "$work/t1.yaml")
cmp -s <(grep '^published' "$work/alone.out" | sed 's/ in [0-9.]* s//') \
  <(grep '^published' "$work/two.out" | sed 's/ in [0-9.]* s//') ||
  { echo "MISMATCH in the batch reports" >&2; exit 1; }
echo "full batch of $events events ($(grep '^published' "$work/two.out" | sed 's/ in [0-9.]* s.*//')):"
echo "  footfall batch (threads 2):       ${batch_alone} s"
echo "  mpirun -np 1 (1 thread):          ${batch_one} s"
echo "  mpirun -np 2 (1 thread per rank): ${batch_two} s"
grep "engine shuffled" "$work/two.err" | sed 's/^.*INFO batch: /    /'
batch_sent=$(grep -o "exchanged [0-9]* bytes out" "$work/two.err" | awk '{s += $2} END {print s}')
batch_xms=$(grep -o "[0-9]* ms; " "$work/two.err" | awk '{if ($1 > m) m = $1} END {print m + 0}')
batch_shuffled=$(grep -o "engine shuffled [0-9]*" "$work/two.err" | awk '{s += $3} END {print s}')

# ---- Efficiency and the cost model ----
batch_views_ms=$(grep -o "computed in [0-9]* ms" "$work/one.err" | awk '{print $3}')
python3 - "$one" "$two" "$batch_one" "$batch_two" "$batch_sent" "$batch_xms" "$batch_shuffled" \
  "$one2" "$batch_views_ms" <<'PY'
import re, sys
def kv(line):
    return dict(re.findall(r"(\w+)=([^ ]+)", line))
one, two, one2 = kv(sys.argv[1]), kv(sys.argv[2]), kv(sys.argv[8])
views1 = float(sys.argv[9]) / 1e3
b1, b2 = float(sys.argv[3]), float(sys.argv[4])
b_sent, b_xs, b_shuffled = float(sys.argv[5]), float(sys.argv[6]) / 1e3, float(sys.argv[7])
t1, t2 = float(one["seconds"]), float(two["seconds"])
sent = float(two["exchanged_mb"]) * 1e6
xs = float(two["exchange_seconds"])
shuffled = float(one["shuffle_mb"]) * 1e6
# Exchange rate per rank: bytes one rank sends per second of all-to-all rounds.
rate = (sent / 2) / xs if xs > 0 else float("inf")
print(f"\nsessionization: speedup {t1 / t2:.2f} at 2 ranks, efficiency {t1 / (2 * t2):.0%}; "
      f"2 ranks x 1 thread take {t2 / float(one2['seconds']):.2f}x the time of 1 rank x 2 threads; "
      f"{sent / 1e6:.1f} MB crossed ranks in {xs:.2f} s of all-to-all rounds "
      f"({rate / 1e6:.1f} MB/s per rank)")
print(f"full batch: speedup {b1 / b2:.2f} at 2 ranks, efficiency {b1 / (2 * b2):.0%}; "
      f"{b_sent / 1e6:.1f} MB crossed ranks, {b_xs:.2f} s in all-to-all rounds on the slowest rank")
# Per-rank cost at R ranks (the data fixed, one core pair per 2 ranks as measured): the
# compute share of one rank, T1 / R, plus sending its share of the shuffle to the R - 1 others
# at the measured per-rank rate: S / R * (R - 1) / R bytes; for the batch also the gathered
# results, which every rank receives whole: G * (R - 1) / R bytes, a term that does not fall
# with R. Rounds grow with R (one message per peer per round) and latency is left out, so at
# large R this is a lower bound on time.
def model(name, t1, shuffled, gathered, rate, serial=0.0):
    print(f"\nper-rank cost model, {name}: T1 = {t1:.1f} s ({serial:.1f} s of it on rank 0 "
          f"alone), {shuffled / 1e6:.0f} MB shuffled, {gathered / 1e6:.0f} MB gathered, "
          f"{rate / 1e6:.1f} MB/s per rank")
    print("  ranks   compute_s   exchange_s   gather_s   total_s   efficiency")
    for r in (1, 2, 16, 128):
        c = serial + (t1 - serial) / r
        x = shuffled / r * (r - 1) / r / rate
        g = gathered * (r - 1) / r / rate
        total = c + x + g
        print(f"  {r:5d}   {c:9.3f}   {x:10.3f}   {g:8.3f}   {total:7.3f}   {t1 / (r * total):9.0%}")
model("sessionization", t1, shuffled, 0.0, rate)
b_rate = (b_sent / 2) / b_xs if b_xs > 0 else rate
# At 2 ranks about half of the shuffle crosses: the rest of what was sent is gathered results.
gathered = max(0.0, b_sent - b_shuffled / 2)
# Outside the views' computation (opening the lake, writing the Parquet views and the serving
# store) rank 0 works alone: that part does not shrink with R.
model("full batch", b1, b_shuffled, gathered, b_rate, serial=max(0.0, b1 - views1))
PY
