"""Word segmentation: raw Chinese or English text in, lines of space-separated tokens out.

Chinese goes through jieba (the reference engine) or rjieba, its Rust port, which is much faster and
agrees on nearly every line (docs/commands.md "Segmentation notes", benchmarks/segment.py); both load the
same user dictionaries. English is lowercased and split
into word tokens. This module holds the options, the dictionaries and the Tokenizer that cuts a
batch of paragraphs; segmenting whole files in parallel is w2vkit.text.segmenting.pipeline.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ...base.choices import BUILTIN_DICTS, DISCOVERY_SAMPLE_CHARS
from ...base.files import sha256_of
from ...base.optiontable import SEGMENT, check_options, default
from ...errors import Named, OptionError
from ..reading.inputs import (
    InputFile,
    detect_language,
    normalise,
    split_sentences,
)
from ..reading.tables import parse_conditions
from ..reading.textsample import text_sample
from .wordlists import builtin_dict_markers, read_stopwords, read_user_dict, resolve_dict, resolve_stopwords

log = logging.getLogger(__name__)

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
# A word the text's own statistics found (w2vkit.text.segmenting.discover) glued to one character is split when
# the character stands alone in at least this share of its uses at that end of a token (向, 和,
# 曰, 笑: 0.4-0.9; surnames and word parts such as 林, 薛, 儿: under 0.15), and the word is at
# least GLUE_FOUND_RATIO times as frequent as the glued form (see glue._glued_to_found_words).
GLUE_ALONE_SHARE = 0.3
GLUE_FOUND_RATIO = 2


@dataclass(frozen=True)
class SegmentOptions:
    """How raw text is segmented: each field is an option of w2vkit.base.optiontable.SEGMENT_OPTIONS (its
    type, range, default and meaning are declared there, once, for this class and the command line).

    Parameters
    ----------
    lang : {"auto", "zh", "en"}
        The language; auto decides per file by its share of CJK characters.
    engine : {"fast", "jieba"}
        The Chinese segmenter: rjieba (Rust) or jieba (the reference).
    user_dicts, stopwords : tuple of str
        jieba-format dictionaries and stopword lists: files, or built-in names.
    hmm, auto_dict, discover : bool
        jieba's HMM for unknown words; a built-in dictionary when the text is its work; discovery of
        the text's own words when no dictionary is given.
    keep_punct, to_simplified : bool
        Keep punctuation tokens; convert Traditional to Simplified Chinese.
    encoding : str or None
        Force an input encoding (None: detected per file).
    sentences : bool
        A line per sentence rather than per paragraph.
    max_line_tokens : int
        Output lines are cut at this many tokens.
    phrases : int
        Passes joining frequent collocations (0: none).
    phrase_scoring : {"default", "npmi"}
        How a pair is scored: word2phrase's formula, or normalised PMI.
    phrase_threshold : float or None
        Pairs scoring above it are joined (None: 10 for default scoring, 0.5 for npmi).
    split_name_verb : bool
        Split a name glued to the verb after it (孙悟空道 -> 孙悟空 道).
    new_words : tuple of str
        Words discovery found, kept whole (set by the pipeline).
    tokens : {"words", "chars"}
        Chinese tokens: the segmenter's words, or each Han character (Latin words stay words).
    strip_notes : bool
        Drop editorial notes before segmenting (w2vkit.text.segmenting.variants.strip_notes).
    text_column : str
        A table's column holding the text (w2vkit.text.reading.tables).
    where : dict, optional
        With a table: only its rows whose COLUMN is VALUE ({"period": "唐"}), recorded with the
        table: the one shape of a row filter, as contrast and kwic take it.

    Raises
    ------
    OptionError
        A value out of its range or choices, naming the parameter.

    Examples
    --------
    >>> SegmentOptions(lang="zh", user_dicts=("xiyouji",)).engine
    'fast'
    """

    lang: str = default(SEGMENT, "lang")
    engine: str = default(SEGMENT, "engine")
    user_dicts: tuple[str, ...] = default(SEGMENT, "user_dicts")
    hmm: bool = default(SEGMENT, "hmm")
    stopwords: tuple[str, ...] = default(SEGMENT, "stopwords")
    keep_punct: bool = default(SEGMENT, "keep_punct")
    to_simplified: bool = default(SEGMENT, "to_simplified")
    encoding: str | None = default(SEGMENT, "encoding")
    max_line_tokens: int = default(SEGMENT, "max_line_tokens")
    split_name_verb: bool = default(SEGMENT, "split_name_verb")
    auto_dict: bool = default(SEGMENT, "auto_dict")
    discover: bool = default(SEGMENT, "discover")
    new_words: tuple[str, ...] = default(SEGMENT, "new_words")
    # A line per paragraph (up to max_line_tokens), or per sentence. Paragraphs give word2vec's window
    # the context across sentence ends, which raised alias recall on 三国演义 (docs/defaults.md).
    sentences: bool = default(SEGMENT, "sentences")
    # Passes of collocation detection (gensim Phrases, word2phrase's scoring) after segmenting:
    # each pass may join a frequent pair into one token (new_york; a second pass makes
    # new_york_times). See w2vkit.text.segmenting.phrases.join_phrases.
    phrases: int = default(SEGMENT, "phrases")
    phrase_scoring: str = default(SEGMENT, "phrase_scoring")
    phrase_threshold: float | None = default(SEGMENT, "phrase_threshold")
    # Each Han character a token (classical poetry), bracketed notes dropped, and which column of a
    # table is the text (w2vkit.text.reading.tables).
    tokens: str = default(SEGMENT, "tokens")
    strip_notes: bool = default(SEGMENT, "strip_notes")
    text_column: str = default(SEGMENT, "text_column")
    where: dict[str, str] | None = default(SEGMENT, "where")  # (a table's rows: only those with COLUMN=VALUE)

    def __post_init__(self):
        check_options(self, SEGMENT)
        if self.phrase_scoring == "npmi" and self.phrase_threshold is not None and not -1 <= self.phrase_threshold <= 1:
            raise OptionError("{phrase_threshold} with npmi scoring must be between -1 and 1", "phrase_threshold")

    def describe(self) -> dict:
        """Options as recorded in manifests and model metadata, with dictionaries identified by hash."""
        d = asdict(self)
        d["version"] = SEGMENTATION_VERSION
        if self.to_simplified or self.strip_notes:
            from .variants import CLASSICAL_VERSION

            d["classical"] = CLASSICAL_VERSION
        d["user_dicts"] = [{"name": name, "sha256": sha256_of(resolve_dict(name))} for name in self.user_dicts]
        d["stopwords"] = [{"name": name, "sha256": sha256_of(resolve_stopwords(name))} for name in self.stopwords]
        return d

    def language_of(self, text: str) -> str:
        """The language to segment this text as: the one chosen, or detected when "auto"."""
        return self.lang if self.lang != "auto" else detect_language(text)

    @classmethod
    def from_described(cls, described: dict) -> SegmentOptions:
        """The options back from describe()'s record (a model's meta.json), for segmenting queries
        and resumed training as the model's text was segmented."""
        d = dict(described)
        d["user_dicts"] = tuple(x["name"] for x in d.get("user_dicts", []))
        d["stopwords"] = tuple(x["name"] for x in d.get("stopwords", []))
        d["new_words"] = tuple(d.get("new_words", ()))
        d["where"] = parse_conditions(d.get("where") or ()) or None  # (["period=唐"] in models before it was a dict)
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@functools.cache
def _simplifier():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese converted to Simplified (OpenCC's t2s; the converter is made once), and
    the variant characters OpenCC leaves (逈 暎 疎 …) to their standard forms (w2vkit.text.segmenting.variants)."""
    from .variants import normalise_variants

    return normalise_variants(_simplifier().convert(text))


DETECTION_FILES = 3  # the inputs whose start built-in dictionary detection looks at


def with_detected_dicts(options: SegmentOptions, files: list[InputFile]) -> SegmentOptions:
    """Add the built-in dictionaries whose marker words all occur in the first MB of an input.

    `w2vkit train xiyouji.txt` then gets the novel's names as single tokens without the user
    knowing the dictionary exists; the manifest and model metadata record it, --no-auto-dict
    turns it off.
    """
    if not options.auto_dict or options.tokens == "chars":
        return options
    wanted = [n for n in BUILTIN_DICTS if n not in options.user_dicts]
    added, matched = [], ""
    for f in files[:DETECTION_FILES]:
        if not wanted:
            continue
        # the start discovery reads too (w2vkit.text.segmenting.pipeline.discover_new_words): one read of it;
        # without discovery the first block is all that is needed
        chars = DISCOVERY_SAMPLE_CHARS if options.discover else 0
        sample = text_sample(f.path, options.encoding, chars).first
        for name in wanted:
            markers = builtin_dict_markers(name)
            if markers and all(m in sample for m in markers):
                added.append(name)
                matched = matched or Path(f.path).name  # (a background's file, say, not the text's)
        wanted = [n for n in wanted if n not in added]
    if not added:
        return options
    log.info(
        Named("using built-in dictionary %s (%s looks like its work; {no_auto_dict} to stop)", "no_auto_dict"),
        ", ".join(added),
        matched,
    )
    return replace(options, user_dicts=options.user_dicts + tuple(added))


_WORDCHAR = re.compile(r"[^\W_]")
_ZH_SENTENCE_END = re.compile(r"[。！？!?；;…]+")
# Characters jieba keeps inside words (its "han" class) are left alone; other punctuation goes.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CHAR_TOKEN = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+")
_CHAR_OR_PUNCT = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+|[^\w\s]")
_PUNCT_CHAR = re.compile(r"[^\w\s+#&.%\-]|_")
_JOINING_PUNCT = re.compile(r"[+#&.%\-]")
_MERGED_VERB = re.compile(r"(?<!\S)\S{2,}[" + "".join(sorted(SPEECH_VERBS)) + r"](?!\S)")
LONG_TOKEN = re.compile(r"(?<!\S)\S{3,}(?!\S)")
_EN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_EN_WORD_OR_PUNCT = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
# The version of what segmentation writes, in the corpus cache's key and meta.json: 2 composes
# characters (NFC) and keeps combining marks in words; corpora cached by version 1 are not reused.
SEGMENTATION_VERSION = 2


@functools.cache
def _marked_patterns() -> tuple[re.Pattern, re.Pattern]:
    r"""_EN_WORD and _EN_WORD_OR_PUNCT for text beyond ASCII: combining marks (Unicode category M:
    vowel signs and viramas of Indic scripts, accents NFC cannot compose) stay inside their word,
    where \w alone would cut 'हिन्दी' into 'ह न द'. Built on first use (30 ms: a scan of the
    marks' code points), so ASCII text and Chinese never pay for it."""
    ranges, start = [], None
    for cp in [*range(0x300, 0x20000), *range(0xE0100, 0xE01F0), 0x10FFFF]:
        mark = cp != 0x10FFFF and unicodedata.category(chr(cp))[0] == "M"
        if mark and start is None:
            start = cp
        elif not mark and start is not None:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(cp - 1)) if cp - 1 > start else ""))
            start = None
    marks = "".join(ranges)
    letter = rf"(?:[^\W_]|[{marks}])"
    word = rf"{letter}+(?:['’]{letter}+)*"
    return re.compile(word), re.compile(rf"{word}|[^\w\s{marks}]")


class Tokenizer:
    """Turns paragraphs of one language into lines of tokens, following SegmentOptions."""

    def __init__(self, options: SegmentOptions, lang: str):
        self.options = options
        self.lang = lang
        self.stopwords = read_stopwords(options.stopwords)
        # (only Chinese is cut by an engine, loaded here; other languages never call these)
        self._cut: Callable[[str], list[str]] = str.split
        self._known: Callable[[str], bool] = lambda word: False
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
        return bool(self._known(word))

    def lines(self, paragraph: str) -> list[list[str]]:
        """Sentences of the paragraph as token lists, none longer than max_line_tokens."""
        return self.lines_of([paragraph])

    def lines_of(self, paragraphs: list[str]) -> list[list[str]]:
        """Sentences of all the paragraphs, in order, as token lists of at most max_line_tokens."""
        return self.counted_lines(paragraphs)[0]

    def counted_lines(self, paragraphs: list[str]) -> tuple[list[list[str]], list[int] | None]:
        """lines_of's lines, and how many of them each paragraph gave (0 for one with no token; None
        with a line per sentence, where a batch's sentences do not say their paragraph): the map
        from the corpus's lines back to the text's (kwic -m numbers the raw file's lines)."""
        sentences = self._sentences(self._cleaned("\n".join(paragraphs)))
        per_paragraph = not self.options.sentences and len(sentences) == len(paragraphs)
        cap = self.options.max_line_tokens
        stop = self.stopwords
        result: list[list[str]] = []
        given: list[int] = []
        for toks in sentences:
            before = len(result)
            if stop:
                toks = [t for t in toks if t not in stop]
            if len(toks) <= cap:
                if toks:
                    result.append(toks)
            else:
                for i in range(0, len(toks), cap):
                    result.append(toks[i : i + cap])
            given.append(len(result) - before)
        return result, given if per_paragraph else None

    def documents(self, texts: list[str]) -> list[list[str]]:
        """Each text's tokens as one list (sentences and lines joined, no length cap, an empty list
        for an empty text): documents, a row of a table each, cut a batch at a time. One call per
        batch, not per row: 320,000 poems took 14 s a row at a time, 6 s in batches of 2,000."""
        if not self.options.sentences and not self.options.keep_punct:
            lines = [" ".join(t.split("\n")).replace("\r", " ") for t in texts]
            found = self._sentences(self._cleaned("\n".join(lines)))
            if len(found) == len(texts):  # (one list per line: always, unless a filter joined lines)
                stop = self.stopwords
                return [[t for t in toks if t not in stop] for toks in found] if stop else found
        return [[t for line in self.lines(text) for t in line] for text in texts]

    def _cleaned(self, text: str) -> str:
        """The text with editorial notes dropped and traditional characters simplified, if asked."""
        if self.options.strip_notes:
            from .variants import strip_notes

            text = strip_notes(text)
        return to_simplified(text) if self.options.to_simplified else text

    def _sentences(self, text: str) -> list[list[str]]:
        if self.options.tokens == "chars":  # (in any language: a mostly Latin line kept its Han runs whole)
            return self._zh_characters(text)
        return self._zh_sentences(text) if self.lang == "zh" else self._en_sentences(text)

    def _en_sentences(self, text: str) -> list[list[str]]:
        if text.isascii():
            pattern = _EN_WORD_OR_PUNCT if self.options.keep_punct else _EN_WORD
        else:
            pattern = _marked_patterns()[1 if self.options.keep_punct else 0]
        if not self.options.sentences:
            return [pattern.findall(para) for para in text.lower().split("\n")]
        return [pattern.findall(s) for para in text.lower().split("\n") for s in split_sentences(para, "en")]

    def _zh_sentences(self, text: str) -> list[list[str]]:
        # Hot path. The Rust segmenter is fast enough that per-token Python work would cost more
        # than segmenting, so a batch of paragraphs is cut in one call and the rest is done by
        # regular expressions and str methods (C loops): sentence ends become newlines and other
        # punctuation spaces *before* cutting. Both engines treat any non-word character as a
        # block boundary, so this yields the same words as cutting the original text.
        if self.options.tokens == "chars":
            return self._zh_characters(text)
        if self.options.keep_punct:
            return [s for para in text.split("\n") for s in self._zh_sentences_keeping_punct(para)]
        text = _PUNCT_CHAR.sub(" ", _ZH_SENTENCE_END.sub("\n" if self.options.sentences else " ", text.lower()))
        joined = " ".join(self._cut(text))
        if self.options.split_name_verb:
            if self._user_words:
                # Both rules in one pass over the tokens of 3+ characters (a few % of them reach
                # Python; two passes cost 15% of the segmenting time).
                joined = LONG_TOKEN.sub(self._split_long_token, joined)
            elif self.options.hmm and _MERGED_VERB.search(joined):
                joined = _MERGED_VERB.sub(self._split_merged_verb, joined)
        sentences = [s.split() for s in joined.split("\n")]
        if _JOINING_PUNCT.search(text):  # "+#&.%-" stay inside words ("3.5"); drop them alone
            sentences = [[w for w in s if _WORDCHAR.search(w)] for s in sentences]
        return sentences

    def _zh_characters(self, text: str) -> list[list[str]]:
        """Each Han character a token, runs of other letters and digits a token, punctuation
        dropped (kept with keep_punct); sentences split as in word mode."""
        end = "\n" if self.options.sentences else " "
        text = _ZH_SENTENCE_END.sub(lambda m: end + (m.group(0) + " " if self.options.keep_punct else ""), text.lower())
        pattern = _CHAR_OR_PUNCT if self.options.keep_punct else _CHAR_TOKEN
        return [pattern.findall(line) for line in text.split("\n")]

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

    _split_long_token = _split_merged_verb  # the same rule, over the tokens LONG_TOKEN finds

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


def segment_lines(text: str, options: SegmentOptions = SegmentOptions(), lang: str | None = None) -> list[list[str]]:
    """Segment a string in this process (for tests and interactive use): a token list per line."""

    lang = lang or options.language_of(text)
    tok = Tokenizer(options, lang)
    out: list[list[str]] = []
    for para in text.splitlines():
        out.extend(t for t in tok.lines(normalise(para)) if t)
    return out
