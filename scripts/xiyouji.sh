#!/usr/bin/env bash
# The main job, end to end on Journey to the West: install, segment, train, query, plot, evaluate.
# Uses ../shared/corpora/xiyouji.txt when present, else downloads the novel and checks its sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e .
novel=$(python3 -m w2vkit.datasets ../shared/corpora/xiyouji.txt corpora/xiyouji.txt)
echo "== segment (the novel's dictionary is picked up automatically)"
w2vkit segment "$novel" -o segmented --audit 15
echo "== train"
w2vkit train "$novel" -o models/xiyouji
echo "== similar 孙悟空"
w2vkit similar 孙悟空 -m models/xiyouji
echo "== similarity"
w2vkit similarity 孙悟空 猪八戒 唐僧 三藏 -m models/xiyouji
echo "== doesnt-match"
w2vkit doesnt-match 行者 八戒 沙僧 金箍棒 -m models/xiyouji
echo "== plot"
w2vkit plot 孙悟空 猪八戒 唐僧 沙僧 --neighbors 8 -m models/xiyouji -o plots/xiyouji-characters.png
w2vkit plot -m models/xiyouji -o plots/xiyouji-top300.png
echo "== evaluate"
if [ -d ../shared/eval/zh ]; then export W2VKIT_DATA=${W2VKIT_DATA:-../shared/eval/zh}; fi
if [ -n "${W2VKIT_DATA:-}" ]; then
  w2vkit evaluate -m models/xiyouji
else
  w2vkit evaluate -m models/xiyouji --groups xiyouji-aliases
fi
