#!/usr/bin/env bash
# compare-torch.sh: s2s bench side by side with shared/bench/torch_ref.py
# (PyTorch on the CPU), alternately (A B A B …) per shape, mode, cell and
# thread count, and print the ratios s2s / PyTorch. It installs nothing.
#
# Needs Debian's PyTorch under the system python3:
#   apt-get install python3-torch python3-threadpoolctl
#
# Environment (defaults in brackets):
#   SHAPES [small base]  MODES [train decode]  CELLS [gru lstm]  THREADS [1 2]
#   BEAMS [5] (decode; 1 = greedy)  ROUNDS [2] (A B pairs per case)
#   STEPS [10] WARMUP [3] (timed and untimed steps per run, both sides)
#   TORCH_REF [../shared/bench/torch_ref.py, or /work/shared/bench/torch_ref.py]
#   MAX_FOREIGN [2]: torch_ref.py's --max-foreign. Its default (0.10) discards
#     and redoes steps while other processes use the CPU, which on a busy
#     shared machine waits for minutes; s2s bench has no such filter, so by
#     default neither side filters and the alternation evens out the noise.
#   OUT [a new /tmp/compare-torch.*.jsonl]: where every JSON line goes.
#   PER_THREAD [1]: decode with more than one thread also times s2s bench
#     --batches-per-thread (a batch per searcher, as s2s translate --threads
#     runs) in each round and prints its ratio to the same PyTorch runs on a
#     second line. By default s2s splits the one batch of 32 among the
#     searchers, as torch_ref.py decodes one batch on its threads.
#   INT8 [1]: decode also times s2s bench --precision int8 (the decoder and
#     embeddings quantized to int8, on the fastest int8 kernel) in each round
#     and prints its ratio to the same PyTorch fp32 runs on its own line.
#   BF16 [1]: train also times s2s bench --precision bf16 (training.precision
#     bf16: products in bf16 with VDPBF16PS, fp32 master weights) in each
#     round and prints its ratio to the same PyTorch fp32 runs on its own line.
set -euo pipefail

cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
	echo "compare-torch.sh: PyTorch is missing: $PY cannot import torch." >&2
	echo "Install Debian's build (it imports under the system python3, not a pyenv one):" >&2
	echo "  apt-get install python3-torch python3-threadpoolctl" >&2
	exit 1
fi
ref=${TORCH_REF:-}
for c in "$ref" ../shared/bench/torch_ref.py /work/shared/bench/torch_ref.py; do
	if [ -n "$c" ] && [ -f "$c" ]; then ref=$c; break; fi
done
if [ ! -f "$ref" ]; then
	echo "compare-torch.sh: torch_ref.py not found; set TORCH_REF" >&2
	exit 1
fi

SHAPES=${SHAPES:-small base}
MODES=${MODES:-train decode}
CELLS=${CELLS:-gru lstm}
THREADS=${THREADS:-1 2}
BEAMS=${BEAMS:-5}
ROUNDS=${ROUNDS:-2}
STEPS=${STEPS:-10}
WARMUP=${WARMUP:-3}
MAX_FOREIGN=${MAX_FOREIGN:-2}
PER_THREAD=${PER_THREAD:-1}
INT8=${INT8:-1}
BF16=${BF16:-1}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OUT=${OUT:-$(mktemp /tmp/compare-torch.XXXXXX.jsonl)}
go build -o "$tmp/s2s" ./cmd/s2s

shape_flags() {
	case $1 in
	small) echo "--emb 128 --hidden 128 --dec-hidden 256 --vocab 8000 --batch 64 --src-len 20 --tgt-len 20" ;;
	base) echo "--emb 256 --hidden 256 --dec-hidden 512 --vocab 16000 --batch 64 --src-len 25 --tgt-len 25" ;;
	esac
}

# torch runs torch_ref.py in its best conditions (../shared/bench/README.md).
torch() {
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
		GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=17179869184 \
		OMP_WAIT_POLICY=PASSIVE $timev "$PY" "$ref" "$@" --steps "$STEPS" --warmup "$WARMUP" \
		--max-foreign "$MAX_FOREIGN" --json
}

# field FILE KEY prints KEY of the JSON line in FILE.
field() { "$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])' "$1" "$2"; }

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# torch's peak RSS comes from GNU time where it is installed.
timev=
if [ -x /usr/bin/time ]; then timev="/usr/bin/time -f %M -o $tmp/rss"; fi

summary=()
for shape in $SHAPES; do
	for mode in $MODES; do
		if [ "$mode" = train ]; then variants=$CELLS; else variants=$BEAMS; fi
		for v in $variants; do
			for th in $THREADS; do
				if [ "$mode" = train ]; then
					s2s_args=(--shape "$shape" --mode train --cell "$v" --threads "$th")
					t_args=($(shape_flags "$shape") --cell "$v" --threads "$th" --mode train)
					s_key=tokens_per_s t_key=tgt_tok_per_s label="$shape train $v"
				else
					s2s_args=(--shape "$shape" --mode decode --cell gru --beam "$v" --threads "$th")
					t_args=($(shape_flags "$shape") --batch 32 --src-len 20 --cell gru --threads "$th"
						--mode decode --beam "$v" --max-out 40)
					s_key=sentences_per_s t_key=sent_per_s label="$shape decode beam $v"
				fi
				per=0
				if [ "$mode" = decode ] && [ "$th" -gt 1 ] && [ "$PER_THREAD" = 1 ]; then per=1; fi
				i8=0
				if [ "$mode" = decode ] && [ "$INT8" = 1 ]; then i8=1; fi
				if [ "$mode" = train ] && [ "$BF16" = 1 ]; then i8=1; fi
				ours=() ours2=() ours8=() rss8=() theirs=() rss=() trss=(0) kern8=
				for r in $(seq "$ROUNDS"); do
					"$tmp/s2s" bench "${s2s_args[@]}" --steps "$STEPS" --warmup "$WARMUP" >"$tmp/a.json"
					if [ $per = 1 ]; then
						"$tmp/s2s" bench "${s2s_args[@]}" --batches-per-thread --steps "$STEPS" --warmup "$WARMUP" >"$tmp/c.json"
						cat "$tmp/c.json" >>"$OUT"
						ours2+=("$(field "$tmp/c.json" "$s_key")")
					fi
					if [ $i8 = 1 ]; then
						low=int8
						if [ "$mode" = train ]; then low=bf16; fi
						"$tmp/s2s" bench "${s2s_args[@]}" --precision "$low" --steps "$STEPS" --warmup "$WARMUP" >"$tmp/d.json"
						cat "$tmp/d.json" >>"$OUT"
						ours8+=("$(field "$tmp/d.json" "$s_key")")
						rss8+=("$(field "$tmp/d.json" peak_rss_mb)")
						if [ "$mode" = decode ]; then kern8="int8, kernel $(field "$tmp/d.json" kernel_int8)"; else kern8=bf16; fi
					fi
					torch "${t_args[@]}" >"$tmp/b.json"
					if [ -n "$timev" ]; then trss+=("$(($(tail -1 "$tmp/rss") / 1024))"); fi
					cat "$tmp/a.json" "$tmp/b.json" >>"$OUT"
					pa=$(field "$tmp/a.json" params) pb=$(field "$tmp/b.json" params)
					if [ "$pa" != "$pb" ]; then
						echo "compare-torch.sh: $label: params differ: s2s $pa, torch $pb" >&2
						exit 1
					fi
					ours+=("$(field "$tmp/a.json" "$s_key")")
					theirs+=("$(field "$tmp/b.json" "$t_key")")
					rss+=("$(field "$tmp/a.json" peak_rss_mb)")
					printf '  %-24s threads %s round %s: s2s %.1f  torch %.1f  (params %s)\n' \
						"$label" "$th" "$r" "${ours[-1]}" "${theirs[-1]}" "$pa" >&2
				done
				a=$(median "${ours[@]}") b=$(median "${theirs[@]}")
				summary+=("$(printf '%-24s threads %s  s2s %9.1f  torch %9.1f  ratio %.2f  peak RSS MB: s2s %.0f torch %.0f' \
					"$label" "$th" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$(median "${rss[@]}")" "$(median "${trss[@]:1}")")")
				if [ $per = 1 ]; then
					a2=$(median "${ours2[@]}")
					summary+=("$(printf '%-24s threads %s  s2s %9.1f  torch %9.1f  ratio %.2f  (s2s --batches-per-thread)' \
						"$label" "$th" "$a2" "$b" "$(echo "$a2 / $b" | bc -l)")")
				fi
				if [ $i8 = 1 ]; then
					a8=$(median "${ours8[@]}")
					summary+=("$(printf '%-24s threads %s  s2s %9.1f  torch %9.1f  ratio %.2f  peak RSS MB: s2s %.0f  (s2s %s; torch fp32)' \
						"$label" "$th" "$a8" "$b" "$(echo "$a8 / $b" | bc -l)" "$(median "${rss8[@]}")" "$kern8")")
				fi
			done
		done
	done
done
echo "medians over $ROUNDS alternating rounds (train: target tokens/s; decode: sentences/s):"
printf '%s\n' "${summary[@]}"
echo "all JSON lines: $OUT"
