#!/usr/bin/env bash
# The main job, end to end on Journey to the West: install, segment, train, query, plot (images and
# an interactive HTML map), search, evaluate.
# The novel ships inside the package (the built-in corpus `xiyouji`), so this runs offline.
# Chinese labels use the Noto Sans SC font package w2vkit depends on when the system has no CJK font.
# Usage: bash scripts/xiyouji.sh [DIR]: writes segmented/, models/ and plots/ into DIR (default
# ./w2vkit-demo, under the folder it is run from), never into the clone itself.
set -euo pipefail
clone="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$PWD/w2vkit-demo}"
python3 -m pip install -q -e "$clone"
mkdir -p "$out"
cd "$out"
echo "== writing into $out"
echo "== segment (the novel's dictionary is picked up automatically)"
w2vkit segment xiyouji -o segmented --audit 15
echo "== train"
w2vkit train xiyouji -o models/xiyouji
echo "== similar 孙悟空"
w2vkit similar 孙悟空 -m models/xiyouji
echo "== similarity"
w2vkit similarity 孙悟空 猪八戒 唐僧 三藏 -m models/xiyouji
echo "== analogy"
w2vkit analogy 孙悟空 八戒 猪八戒 -n 3 -m models/xiyouji
echo "== doesnt-match"
w2vkit doesnt-match 行者 八戒 沙僧 金箍棒 -m models/xiyouji
echo "== plot"
w2vkit plot 孙悟空 猪八戒 唐僧 沙僧 --neighbors 8 -m models/xiyouji -o plots/xiyouji-characters.png
w2vkit plot -m models/xiyouji -o plots/xiyouji-top300.png
echo "== an interactive map of 3,000 words: open plots/xiyouji-map.html in a browser, search 孙悟空"
w2vkit plot --top 3000 -m models/xiyouji -o plots/xiyouji-map.html
w2vkit search 孙悟空大闹天宫 --in xiyouji -n 3 -m models/xiyouji
echo "== analysis: a lexicon from three seeds, the characters on a concept axis"
w2vkit expand 刀 枪 剑 -n 15 -m models/xiyouji
w2vkit axis 善 好 --vs 恶 坏 -w 孙悟空 -w 猪八戒 -w 唐僧 -w 沙僧 -w 牛魔王 -w 蜘蛛精 -m models/xiyouji \
    -o plots/xiyouji-axis.png
echo "== evaluate (the CA8 and wordsim sets too when ../shared/eval/zh or \$W2VKIT_DATA has them)"
if [ -z "${W2VKIT_DATA:-}" ] && [ -d "$clone/../shared/eval/zh" ]; then export W2VKIT_DATA="$clone/../shared/eval/zh"; fi
w2vkit evaluate -m models/xiyouji
