"""Word segmentation: raw Chinese or English text in, one sentence of space-separated tokens per line out.

Chinese goes through jieba (the reference engine) or rjieba, a Rust port of jieba that is ~15x faster
and agrees on >99.8% of lines; both load the same user dictionaries. English is lowercased and split
into word tokens. Work is spread over processes in order-preserving, bounded batches, so output is
identical whatever ``jobs`` is and memory stays flat on multi-GB input.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path

from . import __version__
from .corpus import (
    STDIN,
    DecodedStream,
    InputFile,
    atomic_write_text,
    detect_language,
    discover_inputs,
    normalise,
    open_text,
    paragraphs,
    split_sentences,
)
from .errors import DictionaryError, EmptyInputError, OutputError, UsageError
from .files import pid_suffix, remove_stale, sha256_of
from .progress import progress_bar

log = logging.getLogger(__name__)

ENGINES = ("fast", "jieba")
LANGS = ("auto", "zh", "en")
BUILTIN_DICTS = ("xiyouji",)
BUILTIN_STOPWORDS = ("zh", "en")
DEFAULT_MAX_LINE_TOKENS = 1000
# Characters of text per batch handed to a worker: large enough to amortise inter-process
# overhead, small enough that 2 x jobs batches in flight stay a few MB.
BATCH_CHARS = 64_000

# Single-character speech and reaction verbs that jieba's HMM glues onto the preceding name when
# the name+verb string is not in the dictionary (老魔道, 大惊道). A token of 3+ characters ending in
# one of these is split before the verb when no dictionary knows it (the HMM made it).
#
# jieba's own dictionary also holds hundreds of name+character strings learnt from novels (沙僧笑,
# 唐僧喜, 沙僧见, 保唐僧, 望行者, 玄德自, 令狐冲笑), which rob the name of its occurrences. So a
# user-dictionary word is never glued to one neighbouring character: a token that is a user word
# plus one character before or after it is split, unless the token is itself a user word
# (筋斗云, 孙行者). A compound the user wants kept (唐僧肉, 土地庙) goes in the user dictionary.
SPEECH_VERBS = frozenset("道曰云笑叫问喝骂哭喊嚷答言说叹吼")

# Without a user dictionary the same glued strings are recognised by their shape in the corpus
# (see find_glued): a word found glued to at least GLUE_MIN_VARIANTS different single characters
# on one side, each glued form at least GLUE_MIN_RATIO times rarer than the word alone.
GLUE_MIN_VARIANTS = 8
GLUE_MIN_RATIO = 20


@dataclass(frozen=True)
class SegmentOptions:
    lang: str = "auto"
    engine: str = "fast"
    user_dicts: tuple[str, ...] = ()
    hmm: bool = True
    stopwords: tuple[str, ...] = ()
    keep_punct: bool = False
    to_simplified: bool = False
    encoding: str | None = None
    max_line_tokens: int = DEFAULT_MAX_LINE_TOKENS
    split_name_verb: bool = True
    auto_dict: bool = True  # add a built-in dictionary when the text is the work it was made for
    discover: bool = True  # find the text's own new words (w2vkit.discover) when no dictionary is given
    new_words: tuple[str, ...] = ()  # the words discovery found, added for this run
    # A line per paragraph (up to max_line_tokens), or per sentence. Paragraphs give word2vec's window
    # the context across sentence ends: alias recall@10 on 三国演义 0.32 -> 0.38 (README).
    sentences: bool = False

    def __post_init__(self):
        if self.lang not in LANGS:
            raise UsageError(f"unknown language {self.lang!r}; choose one of {', '.join(LANGS)}")
        if self.engine not in ENGINES:
            raise UsageError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.max_line_tokens < 1:
            raise UsageError("--max-line-tokens must be at least 1")

    def describe(self) -> dict:
        """Options as recorded in manifests and model metadata, with dictionaries identified by hash."""
        d = asdict(self)
        d["user_dicts"] = [{"name": name, "sha256": sha256_of(resolve_dict(name))} for name in self.user_dicts]
        d["stopwords"] = [{"name": name, "sha256": sha256_of(resolve_stopwords(name))} for name in self.stopwords]
        return d

    @classmethod
    def from_described(cls, described: dict) -> SegmentOptions:
        """The options back from describe()'s record (a model's meta.json), for segmenting queries
        and resumed training as the model's text was segmented."""
        d = dict(described)
        d["user_dicts"] = tuple(x["name"] for x in d.get("user_dicts", []))
        d["stopwords"] = tuple(x["name"] for x in d.get("stopwords", []))
        d["new_words"] = tuple(d.get("new_words", ()))
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def _data_file(kind: str, name: str) -> Path:
    return Path(str(resources.files("w2vkit") / "data" / kind / f"{name}.txt"))


def _resolve(name: str, kind: str, builtins: tuple[str, ...], what: str) -> Path:
    """An existing path, or the name of a built-in data file of this kind."""
    p = Path(name)
    if p.is_file():
        return p
    if name in builtins:
        return _data_file(kind, name)
    raise DictionaryError(f"{name}: no such {what} file (built-in: {', '.join(builtins)})")


def resolve_dict(name: str) -> Path:
    return _resolve(name, "dicts", BUILTIN_DICTS, "dictionary")


def resolve_stopwords(name: str) -> Path:
    return _resolve(name, "stopwords", BUILTIN_STOPWORDS, "stopword")


def builtin_dict_markers(name: str) -> list[str]:
    """Words that must all occur in a text for the built-in dictionary to be applied by itself."""
    for line in _data_file("dicts", name).read_text(encoding="utf-8").splitlines()[:10]:
        if line.startswith("# detect:"):
            return line.split(":", 1)[1].split()
    return []


def with_detected_dicts(options: SegmentOptions, files: list[InputFile]) -> SegmentOptions:
    """Add the built-in dictionaries whose marker words all occur in the first MB of an input.

    `w2vkit train xiyouji.txt` then gets the novel's names as single tokens without the user
    knowing the dictionary exists; the manifest and model metadata record it, --no-auto-dict
    turns it off.
    """
    if not options.auto_dict:
        return options
    wanted = [n for n in BUILTIN_DICTS if n not in options.user_dicts]
    added = []
    for f in files[:3]:
        if f.path == "-" or not wanted:
            continue
        stream, sample = open_text(f.path, options.encoding)
        stream.close()
        for name in wanted:
            markers = builtin_dict_markers(name)
            if markers and all(m in sample for m in markers):
                added.append(name)
        wanted = [n for n in wanted if n not in added]
    if not added:
        return options
    log.info("using built-in dictionary %s (the text looks like its work; --no-auto-dict to stop)", ", ".join(added))
    return replace(options, user_dicts=options.user_dicts + tuple(added))


def read_user_dict(name: str) -> list[tuple[str, int | None, str | None]]:
    """Parse a jieba-format dictionary (``word [freq] [tag]`` per line, ``#`` comments)."""
    path = resolve_dict(name)
    entries = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise DictionaryError(f"{path}: not UTF-8 (byte {e.start}); save the dictionary as UTF-8") from e
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest and re.fullmatch(r"[A-Za-z]+", rest[0]):
            tag = rest.pop(0)
        if rest or freq == 0:
            raise DictionaryError(
                f"{path}:{lineno}: expected 'word [freq] [tag]' (freq a positive integer, tag letters), got {line!r}"
            )
        entries.append((word, freq, tag))
    return entries


def read_stopwords(names: Iterable[str]) -> frozenset[str]:
    words = set()
    for name in names:
        path = resolve_stopwords(name)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as e:
            raise DictionaryError(f"{path}: not UTF-8 (byte {e.start}); save the list as UTF-8") from e
        for line in text.splitlines():
            w = line.strip()
            if w and not w.startswith("#"):
                words.add(w.lower())
    return frozenset(words)


_WORDCHAR = re.compile(r"[^\W_]")
_ZH_SENTENCE_END = re.compile(r"[。！？!?；;…]+")
# Characters jieba keeps inside words (its "han" class) are left alone; other punctuation goes.
_PUNCT_CHAR = re.compile(r"[^\w\s+#&.%\-]|_")
_JOINING_PUNCT = re.compile(r"[+#&.%\-]")
_MERGED_VERB = re.compile(r"(?<!\S)\S{2,}[" + "".join(sorted(SPEECH_VERBS)) + r"](?!\S)")
_LONG_TOKEN = re.compile(r"(?<!\S)\S{3,}(?!\S)")
_EN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_EN_WORD_OR_PUNCT = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")


class Tokenizer:
    """Turns paragraphs of one language into lines of tokens, following SegmentOptions."""

    def __init__(self, options: SegmentOptions, lang: str):
        self.options = options
        self.lang = lang
        self.stopwords = read_stopwords(options.stopwords)
        self._converter = None
        if options.to_simplified:
            import opencc

            self._converter = opencc.OpenCC("t2s")
        self._cut: Callable[[str], list[str]] | None = None
        self._known: Callable[[str], bool] | None = None
        if lang == "zh":
            self._load_engine()

    def _load_engine(self):
        entries = [e for name in self.options.user_dicts for e in read_user_dict(name)]
        self._user_words = frozenset(word for word, _, _ in entries)
        # Discovered words are kept whole, but are not user words: a user word glued to one
        # character is split (_unglue), and a discovered 玄德 would split jieba's 刘玄德 张翼德 …
        # (on 三国演义, 9 alias names lost all their occurrences that way).
        entries += [(word, None, None) for word in self.options.new_words]
        hmm = self.options.hmm
        if self.options.engine == "fast":
            import rjieba

            jb = rjieba.Jieba()
            for word, freq, tag in entries:
                jb.add_word(word, freq, tag)
            self._cut = lambda text: jb.cut(text, hmm)
            self._known = jb.has_word
        else:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jb = jieba.Tokenizer()
            jb.initialize()
            for word, freq, tag in entries:
                jb.add_word(word, freq, tag)
            self._cut = lambda text: jb.lcut(text, HMM=hmm)
            self._known = lambda w: bool(jb.FREQ.get(w))

    def is_known(self, word: str) -> bool:
        """Whether the segmenter's dictionaries (main + user) hold the word."""
        return bool(self._known and self._known(word))

    def lines(self, paragraph: str) -> list[list[str]]:
        """Sentences of the paragraph as token lists, none longer than max_line_tokens."""
        return self.lines_of([paragraph])

    def lines_of(self, paragraphs: list[str]) -> list[list[str]]:
        """Sentences of all the paragraphs, in order, as token lists of at most max_line_tokens."""
        text = "\n".join(paragraphs)
        if self._converter is not None:
            text = self._converter.convert(text)
        sentences = self._zh_sentences(text) if self.lang == "zh" else self._en_sentences(text)
        cap = self.options.max_line_tokens
        stop = self.stopwords
        result = []
        for toks in sentences:
            if stop:
                toks = [t for t in toks if t not in stop]
            if len(toks) <= cap:
                if toks:
                    result.append(toks)
                continue
            for i in range(0, len(toks), cap):
                result.append(toks[i : i + cap])
        return result

    def _en_sentences(self, text: str) -> list[list[str]]:
        pattern = _EN_WORD_OR_PUNCT if self.options.keep_punct else _EN_WORD
        if not self.options.sentences:
            return [pattern.findall(para) for para in text.lower().split("\n")]
        return [pattern.findall(s) for para in text.lower().split("\n") for s in split_sentences(para, "en")]

    def _zh_sentences(self, text: str) -> list[list[str]]:
        # Hot path. The Rust segmenter is fast enough that per-token Python work would cost more
        # than segmenting, so a batch of paragraphs is cut in one call and the rest is done by
        # regular expressions and str methods (C loops): sentence ends become newlines and other
        # punctuation spaces *before* cutting. Both engines treat any non-word character as a
        # block boundary, so this yields the same words as cutting the original text.
        if self.options.keep_punct:
            return [s for para in text.split("\n") for s in self._zh_sentences_keeping_punct(para)]
        text = _PUNCT_CHAR.sub(" ", _ZH_SENTENCE_END.sub("\n" if self.options.sentences else " ", text.lower()))
        joined = " ".join(self._cut(text))
        if self.options.split_name_verb:
            if self._user_words:
                # Both rules in one pass over the tokens of 3+ characters (a few % of them reach
                # Python; two passes cost 15% of the segmenting time).
                joined = _LONG_TOKEN.sub(self._split_long_token, joined)
            elif self.options.hmm and _MERGED_VERB.search(joined):
                joined = _MERGED_VERB.sub(self._split_merged_verb, joined)
        sentences = [s.split() for s in joined.split("\n")]
        if _JOINING_PUNCT.search(text):  # "+#&.%-" stay inside words ("3.5"); drop them alone
            sentences = [[w for w in s if _WORDCHAR.search(w)] for s in sentences]
        return sentences

    def _split_token(self, w: str) -> tuple[str, ...]:
        """The one name+verb rule: an unknown token of 3+ characters ending in a speech verb loses
        the verb (老魔道 -> 老魔 道; 沙僧笑道 -> 沙僧 笑 道), and a user word glued to one character
        comes apart (_unglue)."""
        if (
            self.options.hmm
            and len(w) > 2
            and w[-1] in SPEECH_VERBS
            and w not in self._user_words
            and not self._known(w)
        ):
            return (*self._unglue(w[:-1]), w[-1])
        return self._unglue(w)

    def _split_merged_verb(self, m: re.Match) -> str:
        return " ".join(self._split_token(m.group(0)))

    _split_long_token = _split_merged_verb  # the same rule, over the tokens _LONG_TOKEN finds

    def _unglue(self, w: str) -> tuple[str, ...]:
        """A user word glued to one character, as two tokens; anything else as it is."""
        user_words = self._user_words
        if len(w) < 3 or w in user_words:
            return (w,)
        if w[:-1] in user_words:
            return (w[:-1], w[-1])
        if w[1:] in user_words:
            return (w[0], w[1:])
        return (w,)

    def _zh_sentences_keeping_punct(self, paragraph: str) -> list[list[str]]:
        result = []
        for sentence in split_sentences(paragraph.lower(), "zh") if self.options.sentences else [paragraph.lower()]:
            toks = [w for w in self._cut(sentence) if not w.isspace()]
            if self.options.split_name_verb:
                toks = self._split_merged_verbs(toks)
            result.append(toks)
        return result

    def _split_merged_verbs(self, toks: list[str]) -> list[str]:
        """The same splits as _zh_sentences makes, on a token list (the --keep-punct path)."""
        return [part for w in toks for part in self._split_token(w)]


@dataclass
class BatchResult:
    text: str
    lines: int
    tokens: int
    vocabulary: set | Counter  # distinct tokens, with counts when auditing


_worker_options: SegmentOptions | None = None
_worker_counts = False
_worker_tokenizers: dict[str, Tokenizer] = {}


def _init_worker(options: SegmentOptions, with_counts: bool):
    global _worker_options, _worker_counts
    _worker_options = options
    _worker_counts = with_counts
    _worker_tokenizers.clear()


def _tokenizer(lang: str) -> Tokenizer:
    tok = _worker_tokenizers.get(lang)
    if tok is None:
        tok = _worker_tokenizers[lang] = Tokenizer(_worker_options, lang)
    return tok


def _segment_batch(batch: tuple[str, list[str]]) -> BatchResult:
    lang, paras = batch
    paras = [normalise(p) for p in paras]
    tok = _tokenizer(lang)
    out_lines = []
    n_tokens = 0
    for toks in tok.lines_of(paras):
        out_lines.append(" ".join(toks))
        n_tokens += len(toks)
    text = "\n".join(out_lines) + "\n" if out_lines else ""
    # Distinct tokens are collected here, in parallel: counting every token in the parent
    # process made it the bottleneck (hashing 1.5M fresh strings), and merging per-batch Counters
    # is a Python loop; a set union is a C loop over far fewer items. Counts only for --audit.
    words = text.split()
    vocabulary = Counter(words) if _worker_counts else set(words)
    return BatchResult(text, len(out_lines), n_tokens, vocabulary)


def _ordered_map(func, items: Iterator, jobs: int, initializer, initargs) -> Iterator:
    """Map func over items in order with `jobs` processes and at most 2 x jobs items in flight.

    multiprocessing's imap would read the whole input ahead into its task queue; bounding the
    in-flight work is what keeps memory flat on large corpora.
    """
    if jobs <= 1:
        initializer(*initargs)
        for item in items:
            yield func(item)
        return
    import multiprocessing as mp

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    pool = ctx.Pool(jobs, initializer, initargs)
    try:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(func, (item,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


@dataclass
class FileReport:
    path: str
    output: str
    sha256: str
    encoding: str
    lang: str
    bytes: int
    lines: int
    tokens: int


@dataclass
class SegmentResult:
    outdir: str
    files: list[FileReport]
    lines: int
    tokens: int
    distinct_tokens: int
    seconds: float
    counts: Counter = field(repr=False)  # token counts and tokens no dictionary
    unknown: Counter = field(repr=False)  # knows, both filled only when audit=True
    new_words: list = field(default_factory=list)  # w2vkit.discover.NewWord found in the text

    def top_unknown(self, n: int) -> list[tuple[str, int]]:
        return self.unknown.most_common(n)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def segment_corpus(
    inputs: list[str],
    outdir: str | os.PathLike,
    options: SegmentOptions = SegmentOptions(),  # noqa: B008 (frozen: immutable)
    jobs: int | None = None,
    progress: bool = False,
    audit: bool = False,
) -> SegmentResult:
    """Segment every input file into ``outdir`` (mirroring the inputs) and write manifest.json.

    Outputs appear only when the whole run succeeded: files are staged in a hidden directory and
    moved into place at the end, so an interrupted run leaves earlier results untouched.
    """
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    files = discover_inputs(inputs)
    options, discovered = _prepare_options(files, options)
    outdir = Path(outdir)
    staging = _make_staging(outdir)
    bar = progress_bar(sum(f.size for f in files), progress, "segment", unit="B", binary=True)
    try:
        run = _StagedOutputs(files, staging, audit)
        batches = _Batches(files, options)
        for result in _ordered_map(_segment_batch, batches, jobs, _init_worker, (options, audit)):
            idx, mark = batches.done.popleft()
            run.add(idx, batches.langs[idx], result)
            if bar is not None:
                bar.update(max(0, mark - bar.n))
        run.close()
        if options.split_name_verb and not options.user_dicts:
            run.split_glued(frozenset(options.new_words))
        reports = run.reports(batches.streams)
        if bar is not None:
            bar.close()
            bar = None
        vocabulary = run.vocabulary()
        result = SegmentResult(
            str(outdir),
            reports,
            sum(r.lines for r in reports),
            sum(r.tokens for r in reports),
            len(vocabulary),
            time.perf_counter() - started,
            vocabulary if audit else Counter(),
            _unknown_tokens(vocabulary, options) if audit else Counter(),
            discovered,
        )
        _publish(staging, outdir, [r.output for r in reports], build_manifest(result, options, jobs))
        return result
    finally:
        if bar is not None:
            bar.close()
        shutil.rmtree(staging, ignore_errors=True)


def _prepare_options(files: list[InputFile], options: SegmentOptions) -> tuple[SegmentOptions, list]:
    """The options for these files: built-in dictionaries the text asks for, checked up front
    (for a clean error in this process), and the text's own new words when no dictionary applies."""
    options = with_detected_dicts(options, files)
    for name in options.user_dicts:
        read_user_dict(name)
    read_stopwords(options.stopwords)
    discovered: list = []
    if options.discover and not options.user_dicts and not options.new_words and options.lang != "en":
        discovered = discover_new_words(files, options)
        options = replace(options, new_words=tuple(w.word for w in discovered))
    return options, discovered


class _Batches:
    """Iterates (lang, paragraphs) batches of ~BATCH_CHARS over the files in order, for the
    workers. For each batch yielded, `done` gets (file index, bytes read so far over all files),
    which the consumer pops as the batch's result comes back (results come back in order)."""

    def __init__(self, files: list[InputFile], options: SegmentOptions):
        self.files, self.options = files, options
        self.done: deque = deque()
        self.streams: dict[int, DecodedStream] = {}
        self.langs: dict[int, str] = {}
        self._iter = self._generate()

    def __iter__(self):
        return self._iter

    def _generate(self):
        done_bytes = 0
        for idx, f in enumerate(self.files):
            stream, first = open_text(f.path, self.options.encoding)
            lang = self.options.lang if self.options.lang != "auto" else detect_language(first)
            self.streams[idx], self.langs[idx] = stream, lang
            buf, size = [], 0
            # Normalising is left to the workers: in the parent it was a fifth of the work of the
            # process that feeds and drains both workers.
            for para in paragraphs(stream, first, normalised=False):
                buf.append(para)
                size += len(para)
                if size >= BATCH_CHARS:
                    self.done.append((idx, done_bytes + stream.bytes_read))
                    yield lang, buf
                    buf, size = [], 0
            self.done.append((idx, done_bytes + stream.bytes_read))
            yield lang, buf
            done_bytes += stream.bytes_read


class _StagedOutputs:
    """The segmented files being written under the staging folder, one open at a time, with each
    file's line and token counts and the vocabulary (with counts when auditing), the Chinese files'
    apart from the others' (the glue split below recounts the Chinese ones)."""

    def __init__(self, files: list[InputFile], staging: Path, audit: bool):
        self.files, self.staging, self.audit = files, staging, audit
        self.lines: Counter = Counter()
        self.tokens: Counter = Counter()
        self.langs: dict[int, str] = {}
        # Counters with --audit; else sets (which words occur is all that is needed, and a set
        # union is far cheaper than merging Counters; see _segment_batch)
        self.zh_vocabulary = Counter() if audit else set()
        self.other_vocabulary = Counter() if audit else set()
        self._open: tuple[int, object] | None = None

    def add(self, idx: int, lang: str, result) -> None:
        if self._open is None or self._open[0] != idx:
            self.close()
            target = self.staging / self.files[idx].output_name
            target.parent.mkdir(parents=True, exist_ok=True)
            self._open = (idx, open(target, "w", encoding="utf-8", newline="\n"))
            self.langs[idx] = lang
        self._open[1].write(result.text)
        self.lines[idx] += result.lines
        self.tokens[idx] += result.tokens
        vocabulary = self.zh_vocabulary if lang == "zh" else self.other_vocabulary
        if self.audit:
            vocabulary.update(result.vocabulary)
        else:
            vocabulary |= result.vocabulary

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None

    def split_glued(self, protected: frozenset) -> None:
        """Split names glued to a neighbour in the Chinese outputs (see find_glued). With a user
        dictionary its words are unglued as they are cut (_unglue) and this pass, measured, changed
        nothing on the novel; without one it is the only defence, at the cost of a second read of
        the Chinese output (+50% time)."""
        zh = [i for i, lang in self.langs.items() if lang == "zh"]
        if not zh:
            return
        counts, added = _split_glued_in_files([self.staging / self.files[i].output_name for i in zh], protected)
        for idx, n in zip(zh, added):
            self.tokens[idx] += n
        self.zh_vocabulary = counts if self.audit else set(counts)

    def vocabulary(self):
        """All the outputs' words: a Counter with --audit, else a set."""
        return self.zh_vocabulary + self.other_vocabulary if self.audit else self.zh_vocabulary | self.other_vocabulary

    def reports(self, streams: dict) -> list[FileReport]:
        out = []
        for idx, f in enumerate(self.files):
            if self.tokens[idx] == 0:
                raise EmptyInputError(f"{f.path}: no tokens found (empty, or only punctuation)")
            s = streams[idx]
            out.append(
                FileReport(
                    f.path,
                    f.output_name,
                    s.sha256,
                    s.encoding,
                    self.langs[idx],
                    s.bytes_read,
                    self.lines[idx],
                    self.tokens[idx],
                )
            )
        return out


def discover_new_words(files: list[InputFile], options: SegmentOptions) -> list:
    """New words of the Chinese inputs (w2vkit.discover), from a sample of their first
    SAMPLE_CHARS characters, taken from each file in turn."""
    from .discover import SAMPLE_CHARS, discover_words

    started = time.perf_counter()
    per_file = max(SAMPLE_CHARS // max(len([f for f in files if f.path != STDIN]), 1), 100_000)
    parts, total = [], 0
    for f in files:
        if f.path == STDIN or total >= SAMPLE_CHARS:
            continue
        stream, first = open_text(f.path, options.encoding)
        if (options.lang if options.lang != "auto" else detect_language(first)) != "zh":
            stream.close()
            continue
        taken = 0
        for para in paragraphs(stream, first):
            parts.append(para)
            taken += len(para)
            if taken >= per_file or total + taken >= SAMPLE_CHARS:
                break
        stream.close()
        total += taken
    if not parts:
        return []
    text = "\n".join(parts).lower()
    if options.to_simplified:
        import opencc

        text = opencc.OpenCC("t2s").convert(text)
    tokenizer = Tokenizer(replace(options, new_words=()), "zh")
    words = discover_words(text, known=tokenizer.is_known)
    if words:
        log.info(
            "found %d new words in the text (%s%s; --no-discover to stop)",
            len(words),
            " ".join(w.word for w in words[:8]),
            " …" if len(words) > 8 else "",
        )
    log.debug("new-word discovery on %d characters: %.2f s", total, time.perf_counter() - started)
    return words


def write_new_words(path, words: list) -> None:
    """Discovered words as a dictionary for --user-dict: one word per line, with no frequency, so
    that jieba gives each the frequency that keeps it whole (as it does for the run itself)."""
    lines = ["# words w2vkit found in the text (w2vkit segment --discover-words), for --user-dict"]
    lines += [w.word for w in words]
    try:
        atomic_write_text(path, "\n".join(lines) + "\n")
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({e.strerror})") from e


def find_glued(counts: Counter, user_words: frozenset = frozenset()) -> dict[str, str]:
    """Tokens that are a frequent word glued to one character, mapped to their split form.

    jieba's dictionary holds such strings, learnt from novels, for hundreds of names: in 三国演义
    孔明 comes out glued as 孔明之 孔明自 孔明乃 孔明入 … (40 forms) and 玄德 as 闻玄德 报玄德 …, and
    with character n-grams they crowd out every real neighbour of 孔明. A word seen glued to at
    least 8 different characters on one side, each form 20x rarer than the word itself, is
    being glued, not compounded: real compounds rarely come in such families (不得已 不得不 不得了
    is three). User-dictionary words are never split. On 三国演义 (no dictionary) this splits
    1,392 forms, 2,999 tokens: alias recall@10 0.29 -> 0.31, MRR 0.26 -> 0.31 (names seen 10+ times,
    2 seeds). On 西游记 it would split 145 forms (钻进去, 三十五, …) with no change in either score,
    so segment_corpus runs it only when no dictionary is given."""
    by_head: dict[str, list[str]] = {}
    by_tail: dict[str, list[str]] = {}
    for word, n in counts.items():
        if len(word) < 3 or word in user_words:
            continue
        if counts.get(word[:-1], 0) >= GLUE_MIN_RATIO * n:
            by_head.setdefault(word[:-1], []).append(word)
        if counts.get(word[1:], 0) >= GLUE_MIN_RATIO * n:
            by_tail.setdefault(word[1:], []).append(word)
    split: dict[str, str] = {}
    for head, forms in by_head.items():
        if len(forms) >= GLUE_MIN_VARIANTS:
            split.update((w, f"{head} {w[-1]}") for w in forms)
    for tail, forms in by_tail.items():
        if len(forms) >= GLUE_MIN_VARIANTS:
            for w in forms:
                split.setdefault(w, f"{w[0]} {tail}")
    return split


def _split_glued_in_files(paths: list[Path], keep: frozenset = frozenset()) -> tuple[Counter, list[int]]:
    """Count the tokens of the (Chinese) output files, split the glued forms find_glued finds and
    rewrite the files in place; return the new counts and the tokens added to each file."""
    counts: Counter = Counter()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for lines in iter(lambda: f.readlines(1 << 20), []):  # 1 MB: a list of ~0.5M tokens
                counts.update("".join(lines).split())
    split = find_glued(counts, keep)
    added = [0] * len(paths)
    if not split:
        return counts, added
    log.debug("splitting %d glued forms (%d tokens)", len(split), sum(counts[w] for w in split))
    for i, path in enumerate(paths):

        def replace_token(m: re.Match, i=i) -> str:
            form = split.get(m.group(0))
            if form is None:
                return m.group(0)
            added[i] += 1
            return form

        tmp = path.with_name(path.name + ".glue")
        with open(path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8", newline="\n") as out:
            for lines in iter(lambda: src.readlines(1 << 22), []):
                out.write(_LONG_TOKEN.sub(replace_token, "".join(lines)))
        os.replace(tmp, path)
    for word, form in split.items():
        n = counts.pop(word)
        for part in form.split(" "):
            counts[part] += n
    return counts, added


def _unknown_tokens(counts: Counter, options: SegmentOptions) -> Counter:
    """Chinese tokens of 2+ characters that neither jieba's nor the user's dictionaries hold."""
    tok = Tokenizer(options, "zh")
    return Counter({w: c for w, c in counts.items() if len(w) > 1 and not w.isascii() and not tok.is_known(w)})


def build_manifest(result: SegmentResult, options: SegmentOptions, jobs: int) -> dict:
    return {
        "w2vkit_version": __version__,
        "engine_version": _engine_version(options.engine),
        "options": options.describe(),
        "jobs": jobs,
        "inputs": [asdict(r) for r in result.files],
        "lines": result.lines,
        "tokens": result.tokens,
        "distinct_tokens": result.distinct_tokens,
        "seconds": round(result.seconds, 3),
    }


def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    name = "rjieba" if engine == "fast" else "jieba"
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return name


def _make_staging(outdir: Path) -> Path:
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a directory; choose another -o")
    # Staging directories of runs that were killed (their process is gone) go first.
    remove_stale(outdir, ".staging-*", lambda name: pid_suffix(name, ".staging-"))
    staging = outdir / f".staging-{os.getpid()}"
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{outdir}: cannot write ({e.strerror}); choose another -o") from e
    return staging


def _publish(staging: Path, outdir: Path, names: list[str], manifest: dict) -> None:
    for name in names:
        target = outdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)
    atomic_write_text(outdir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def segment_lines(text: str, options: SegmentOptions = SegmentOptions(), lang: str | None = None) -> list[list[str]]:
    """Segment a string in this process (for tests and interactive use): a token list per line."""
    from .corpus import normalise

    lang = lang or (options.lang if options.lang != "auto" else detect_language(text))
    tok = Tokenizer(options, lang)
    out = []
    for para in text.splitlines():
        out.extend(t for t in tok.lines(normalise(para)) if t)
    return out
