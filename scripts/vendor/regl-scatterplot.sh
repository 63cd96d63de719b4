#!/usr/bin/env bash
# Rebuilds w2vkit/pictures/static/regl-scatterplot.js, the WebGL scatter library the HTML map
# (w2vkit.pictures.webmap) inlines, from the npm registry: regl-scatterplot (MIT, Fritz Lekschas)
# and what it imports (regl, pub-sub-es, dom-2d-camera, gl-matrix, earcut, ...: all MIT or ISC),
# bundled by esbuild into one script that sets window.createScatterplot, minified. Their licences
# go beside it. Nothing is fetched at run time: the built file is committed.
#   bash scripts/vendor/regl-scatterplot.sh        (needs node and npm)
set -euo pipefail
VERSION=1.16.0
ESBUILD=0.28.2
out="$(cd "$(dirname "$0")/../.." && pwd)/w2vkit/pictures/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "regl-scatterplot@$VERSION" "esbuild@$ESBUILD"
printf 'import createScatterplot from "regl-scatterplot";\nwindow.createScatterplot = createScatterplot;\n' > entry.js
npx esbuild entry.js --bundle --minify --format=iife --target=es2019 --legal-comments=none \
    --outfile="$out/regl-scatterplot.js"
{
    echo "regl-scatterplot $VERSION and the packages bundled with it (scripts/vendor/regl-scatterplot.sh)."
    for pkg in $(node -e 'const l=require("./package-lock.json").packages;for(const k of Object.keys(l).sort())if(k&&!k.includes("esbuild"))console.log(k)'); do
        name="${pkg#node_modules/}"
        version=$(node -p "require('./$pkg/package.json').version")
        licence=$(node -p "require('./$pkg/package.json').license")
        echo
        echo "==== $name $version ($licence)"
        for f in "$pkg"/LICEN[CS]E* "$pkg"/license*; do [ -f "$f" ] && cat "$f" && break; done
    done
} > "$out/regl-scatterplot.LICENSES.txt"
echo "wrote $out/regl-scatterplot.js ($(wc -c < "$out/regl-scatterplot.js") bytes) and its licences" >&2
