"""Domain errors raised by the w2vkit library.

Library code raises these, naming parameters as a Python caller knows them (OptionError); only
``w2vkit.cli`` turns them into one-line messages and exit codes,
so the library stays usable (and testable) from Python without a terminal.
"""


class W2vkitError(Exception):
    """Base class: a problem the user can fix; the message says what and how."""

    exit_code = 1


class UsageError(W2vkitError):
    """The command was called with arguments that cannot work together."""

    exit_code = 2


class OptionError(UsageError):
    """A parameter's value cannot work. The message is a template naming parameters in braces,
    "{remove_top} must be 0 or more": str() gives the parameter names (remove_top), as a Python
    caller knows them; a front end fills in its own names for them (the CLI: --remove-top)."""

    def __init__(self, template: str, *params: str):
        self.template, self.params = template, params
        super().__init__(self.named(lambda p: p))

    def named(self, name_of) -> str:
        """The message with each parameter called name_of(parameter)."""
        return self.template.format(**{p: name_of(p) for p in self.params})


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
