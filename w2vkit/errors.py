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
        super().__init__(self.named(lambda p: p) if params else message)

    def named(self, name_of) -> str:
        """The message with each parameter called name_of(parameter). Only the fields {param} of
        the parameters given are filled: the rest of the message (paths, words of a corpus) may hold
        braces of its own."""
        if not self.params:
            return str(self)
        import re

        fields = "|".join(re.escape(p) for p in self.params)
        return re.sub(r"\{(" + fields + r")\}", lambda m: name_of(m.group(1)), self.template)


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
        """message: the text, or a function making it when it is shown: explaining an unknown word
        may load the segmenter (0.5 s), wasted when the word is then composed from n-grams."""
        super().__init__(message)
        self.word = word
        self._make = message if callable(message) else None

    def __str__(self) -> str:
        if self._make is not None:
            make, self._make = self._make, None
            try:
                self.args = (make(),)
            except W2vkitError as e:  # explaining it met a worse problem (a damaged model): that one is the news
                self.args = (str(e),)
        return super().__str__()


class EvalSetError(W2vkitError):
    """An evaluation set cannot be found or parsed."""


class ServiceError(W2vkitError):
    """A vector database (Milvus) that cannot be reached or refused a request."""


class ClusterError(W2vkitError):
    """A Dask cluster that cannot be reached, lacks w2vkit or lost the work; or Dask missing."""
