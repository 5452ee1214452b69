#!/usr/bin/env bash
# Render the chart gallery in charts/ (PNG and SVG of each kind the embedded seed data supports),
# plus, when ../shared/data/real/ is beside the checkout, the kinds that need product detail,
# drawn from the real UN Comtrade file there.
#
# Usage, from anywhere:   bash charts/render.sh
# Every image is a plain `tradestat chart` run; the output is byte-for-byte reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tradestat-target}"
cargo build --quiet
ts() { cargo run --quiet -- "$@"; }

# Seed data: Kazakhstan - Mexico, 2014 (exports, imports, turnover) and 2018 (turnover only).
for ext in png svg; do
    ts chart trend   -q -o "charts/seed-trend.$ext"
    ts chart flows   -q -o "charts/seed-flows.$ext"
    ts chart balance -q -o "charts/seed-balance.$ext"
    ts chart compare -q --years 2014,2018 -o "charts/seed-compare.$ext"
done
# The same trend for a dark slide template.
ts chart trend -q --theme dark -o charts/seed-trend-dark.png

# Product detail (top, composition, pareto) is not in the seed documents: the real file
# India-China 2010 (UN Comtrade, HS 2007) shows those kinds.
REAL=../shared/data/real/comtrade-legacy/h3_china_india.csv
if [ -f "$REAL" ]; then
    for ext in png svg; do
        ts chart top "$REAL" -q --flow imports -n 10 -o "charts/india-china-top.$ext"
        ts chart composition "$REAL" -q --flow imports --group section -o "charts/india-china-composition.$ext"
        ts chart pareto "$REAL" -q --flow imports -n 20 -o "charts/india-china-pareto.$ext"
    done
    ts chart composition "$REAL" -q --flow exports --group section --donut -n 6 \
        -o charts/india-china-donut.png
else
    echo "note: $REAL not found; the gallery keeps its India-China charts as they are" >&2
fi
echo "charts written to charts/"
