#!/usr/bin/env bash
# Seed the fuzz corpora (fuzz/corpus/<target>/) from the real files in ../shared/data/real (the
# first lines of each: Comtrade Plus, legacy Comtrade, BACI, TRADHIST, code tables), the test
# fixtures and the example deck spec. The corpora are generated, never committed: some of the
# real files are GPL or of unclear licence (see each SOURCE.txt), and libFuzzer rewrites the
# corpus as it runs. Safe to run again: it only adds files.
set -euo pipefail
cd "$(dirname "$0")"
root=..
real="${TRADESTAT_REAL:-$root/../shared/data/real}"
corpus=corpus
mkdir -p "$corpus"/{sniff,read_csv,baci_rows,prefilter,mapping,spec}

# The head of a CSV file: its first 12 lines (a header and a few rows; a Comtrade Plus row is
# about 500 bytes) - enough to reach every reader's paths, small enough for fast executions.
head_of() { head -n 12 "$1"; }

# Every CSV seed: real files (if ../shared is there) and the fixtures.
csvs=()
if [ -d "$real" ]; then
  while IFS= read -r f; do csvs+=("$f"); done < <(find "$real" -name '*.csv' | sort)
else
  echo "seed.sh: $real not found; seeding from the fixtures only" >&2
fi
while IFS= read -r f; do csvs+=("$f"); done < <(find "$root/tests/fixtures" -name '*.csv' | sort)

n=0
for f in "${csvs[@]}"; do
  n=$((n + 1))
  name="$(basename "$(dirname "$f")")-$(basename "$f" .csv)"
  head_of "$f" >"$corpus/sniff/$name"
  head_of "$f" >"$corpus/baci_rows/$name"
  # read_csv: the first byte chooses the layout (0: detected from the header; 1-5 forced).
  for choice in 0 1 2 3 4 5; do
    { printf "\\x0$choice"; head_of "$f"; } >"$corpus/read_csv/$name-$choice"
  done
  # prefilter: two bytes choose the reporter's and partner's fields (mod 8) and the delimiter
  # (the second byte's high nibble mod 3: 0 ',', 1 ';', 2 tab).
  for pair in '\x01\x02' '\x00\x11' '\x03\x24' '\x05\x06'; do
    { printf "$pair"; head_of "$f"; } >"$corpus/prefilter/$name-${pair//\\x/}"
  done
done

# The gzipped fixture, decompressed whole first (the readers see decoded text; `gzip | head`
# would fail on the broken pipe under pipefail).
plain="$(mktemp)"
trap 'rm -f "$plain"' EXIT
gzip -dc "$root/tests/fixtures/comtrade_plus_generated.csv.gz" >"$plain"
head_of "$plain" >"$corpus/sniff/comtrade_plus_generated"
{ printf '\x00'; head_of "$plain"; } >"$corpus/read_csv/comtrade_plus_generated-0"

# mapping: a --map line, then a CSV file it maps (the mappings the tests use), and category
# files (`--categories`).
map() { { printf '%s\n' "$1"; head_of "$2"; } >"$corpus/mapping/$3"; }
fx="$root/tests/fixtures"
map "exporter=origin_country_code,importer=destination_country_code,year=year,value=exports" \
  "$fx/tradhist_legacy.csv" tradhist
map "exporter=iso_o,importer=iso_d,year=year,value=flow" "$fx/gravity_domestic.csv" gravity
map "exporter=exporter,importer=importer,year=year,product=hs6,value=value" \
  "$fx/directed_flows.csv" directed
map "exporter=exporter,importer=importer,year=year,product=category,value=value" \
  "$fx/custom_categories.csv" categories
map "exporter=exporter,importer=importer,value=value" "$fx/cross_section.csv" cross_section
map "reporter=reporter,partner=partner,flow=flow,year=year,value=value,product=product" \
  "$fx/small_bilateral.csv" reporter_partner
if [ -d "$real/tradhist" ]; then
  map "exporter=origin_country_code,importer=destination_country_code,year=year,value=exports" \
    "$real/tradhist/tradeflow_xx.csv" tradhist_real
fi
printf 'category,codes\nPhones,8517\nMetals,72 73|74\nFood,01;02;0304\n' >"$corpus/mapping/categories-file"
printf 'name,prefix,prefix\nOil,2709,2710\nGrain,1001\n,\n' >"$corpus/mapping/categories-cells"

# spec: the example deck and the specs the tests write.
cp "$root/examples/deck.toml" "$corpus/spec/example-deck.toml"
printf 'title = "T"\naspect = "4:3"\n[[chart]]\nname = "t"\nkind = "trend"\n' >"$corpus/spec/small.toml"
printf '[[table]]\nname = "s"\nkind = "summary"\n[[chart]]\nname = "x"\nkind = "composition"\n' \
  >"$corpus/spec/table-chart.toml"
printf 'slides = ["chart:top", "table:top"]\n[defaults]\nreporter = "KAZ"\n[[chart]]\nname = "top"\nkind = "top"\n[[table]]\nname = "top"\nkind = "top"\n[data]\nreporters = "KAZ"\nyears = "2018"\n' \
  >"$corpus/spec/shared-name.toml"

for t in sniff read_csv baci_rows prefilter mapping spec; do
  echo "$t: $(find "$corpus/$t" -type f | wc -l) seeds"
done
echo "($n CSV files)"
