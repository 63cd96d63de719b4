"""Domain errors raised by the w2vkit library.

Library code raises these, naming parameters as a Python caller knows them (OptionError); only
``w2vkit.cli`` turns them into one-line messages and exit codes,
so the library stays usable (and testable) from Python without a terminal.
"""

from typing import Any


class W2vkitError(Exception):
    """Base class: a problem the user can fix; the message says what and how.

    A message that tells the user to change a parameter names it as a template field with the
    parameter's name, W2vkitError("... lower {min_count}", "min_count"): str() names it as a Python
    caller knows it (min_count); a front end fills in its own name for it (the CLI: --min-count).

    Parameters
    ----------
    message : str
        What happened and what to do; a template when `params` are given.
    *params : str
        The parameters the message names as {name} fields.

    Examples
    --------
    >>> str(W2vkitError("no word occurs often enough; lower {min_count}", "min_count"))
    'no word occurs often enough; lower min_count'
    """

    exit_code = 1

    def __init__(self, message: Any = "", *params: str):
        self.template, self.params = message, params
        super().__init__(self.named(python_name) if params else message)

    def named(self, name_of) -> str:
        """The message with each parameter called name_of(parameter). Only the fields {param} of
        the parameters given are filled: the rest of the message (paths, words of a corpus) may hold
        braces of its own."""
        if not self.params:
            return str(self)
        return fill(self.template, self.params, name_of)


def fill(template: str, params: tuple[str, ...], name_of) -> str:
    """template with each field {param} of the parameters given replaced by name_of(param), and
    nothing else touched."""
    import re

    fields = "|".join(re.escape(p) for p in params)
    return re.sub(r"\{(" + fields + r")\}", lambda m: name_of(m.group(1)), template)


QUOTE_CHARS = 80


def quoted(value: Any, limit: int = QUOTE_CHARS) -> str:
    """A line, word or row of the user's as a message quotes it: its repr, cut to about `limit`
    characters with how long it was (a rejected 10 MB line once went whole to stderr).

    >>> quoted("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (100 characters)"
    """
    text = (
        value
        if isinstance(value, str)
        else " ".join(map(str, value))
        if isinstance(value, (list, tuple))
        else str(value)
    )
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit - 1]!r}"[:-1] + "…' " + f"({len(text):,} characters)"


def python_name(param: str) -> str:
    """A parameter as a Python caller sets it: no_discover (the command line's --no-discover) is
    discover=False."""
    return f"{param[3:]}=False" if param.startswith("no_") else param


class Named:
    """A log message (a warning, a note) that names parameters as template fields, as W2vkitError
    does for errors: str() names them as a Python caller knows them, and the command line's log
    formatter fills in its flags. A field no_NAME is the parameter NAME turned off (--no-NAME).

    Parameters
    ----------
    template : str
        The message, with %-style arguments for the logger and a {param} field for each parameter.
    *params : str
        The parameters it names.

    Examples
    --------
    >>> str(Named("found new words; {no_discover} to stop", "no_discover"))
    'found new words; discover=False to stop'
    """

    def __init__(self, template: str, *params: str):
        self.template, self.params = template, params

    def named(self, name_of) -> str:
        """The message with each parameter called name_of(parameter)."""
        return fill(self.template, self.params, name_of)

    def __str__(self) -> str:
        return self.named(python_name)


class UsageError(W2vkitError):
    """The command was called with arguments that cannot work together."""

    exit_code = 2


class OptionError(UsageError):
    """A parameter's value cannot work: "{remove_top} must be 0 or more" (a template naming the
    parameters, as W2vkitError's)."""


class InputError(W2vkitError):
    """An input path or its content cannot be used."""


class InputNotFoundError(InputError):
    pass


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class DecodeError(InputError):
    pass


class DictionaryError(InputError):
    """A user dictionary or stopword list is missing or malformed."""


class OutputError(W2vkitError):
    """An output path cannot be written."""


class ModelError(W2vkitError):
    """A model directory is missing, corrupt or of an unknown format."""


class ModelNotFoundError(ModelError):
    pass


class CorruptModelError(ModelError):
    pass


class UnknownWordError(W2vkitError):
    """A query word is not in the model's vocabulary."""

    def __init__(self, message, word=None):
        """message: the text (a str, or a Named naming parameters), or a function making it when it
        is shown: explaining an unknown word may load the segmenter (0.5 s), wasted when the word is
        then composed from n-grams."""
        super().__init__("")
        self.word = word
        self._make = message if callable(message) else None
        if self._make is None:
            self._take(message)

    def _take(self, message) -> None:
        if isinstance(message, Named):
            self.template, self.params = message.template, message.params
        self.args = (str(message),)

    def __str__(self) -> str:
        if self._make is not None:
            make, self._make = self._make, None
            try:
                self._take(make())
            except W2vkitError as e:  # explaining it met a worse problem (a damaged model): that one is the news
                self.args = (str(e),)
        return super().__str__()

    def named(self, name_of) -> str:
        str(self)  # (made now, if it was left for when it is shown)
        return super().named(name_of)


class EvalSetError(W2vkitError):
    """An evaluation set cannot be found or parsed."""


class ServiceError(W2vkitError):
    """A vector database (Milvus) that cannot be reached or refused a request."""


class ClusterError(W2vkitError):
    """A Dask cluster that cannot be reached, lacks w2vkit or lost the work; or Dask missing."""
