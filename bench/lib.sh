# Shared by the benchmarks: run commands interleaved, warm, and report medians.
# Timings on a shared machine are noisy: compare side by side, report ratios.
now_ns () { date +%s%N; }
# time_once CMD... -> prints elapsed ms
time_once () { local s e; s=$(now_ns); "$@" >/dev/null 2>&1; e=$(now_ns); echo $(( (e - s) / 1000000 )); }
# median N... -> the middle value (the mean of the two middle ones for an even count)
median () { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# peak_rss_kib CMD... -> peak resident set in KiB (GNU time)
peak_rss_kib () { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
# ratio A B -> A / B with two decimals (0 when B is 0)
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# minbase_tree -> bench/out/minbase, the debootstrap minbase tree (made the first time)
minbase_tree () { bash tests/fixtures/make-debootstrap.sh bench/out >&2; echo bench/out/minbase; }
# entries TREE -> how many entries TREE holds; executables TREE -> of those, files with an x bit
entries () { find "$1" -xdev | wc -l; }
executables () { find "$1" -xdev -type f -perm /111 | wc -l; }
machine () { echo "$(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"; }
