"""The `w2vkit` command group: every command module's commands, and the one place where library
errors become one-line messages and exit codes (1 for runtime errors, 2 for usage errors;
``W2VKIT_DEBUG=1`` shows the traceback instead)."""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys

import click

from .. import __version__
from ..base.env import debug_enabled
from ..errors import W2vkitError
from .output import flag_names, terminal_safe

# Each command and the module of this package that defines it. A command's module is imported
# when the command runs (or --help lists them all), so `w2vkit similar` loads the query commands
# only, not train's or plot's (click's documented lazy-loading pattern; a test checks this table
# against the modules' COMMANDS).
COMMAND_MODULES = {
    "segment": "text",
    "kwic": "text",
    "train": "model",
    "postprocess": "model",
    "info": "model",
    "export": "model",
    "import": "model",
    "similar": "query",
    "similarity": "query",
    "analogy": "query",
    "doesnt-match": "query",
    "shell": "query",
    "embed": "sentences",
    "search": "sentences",
    "index": "sentences",
    "plot": "pictures",
    "evaluate": "evaluate",
    "expand": "analysis",
    "axis": "analysis",
    "compare": "analysis",
    "contrast": "contrasts",
    "explore": "explore",
}


@contextlib.contextmanager
def escaped_usage_errors():
    """Every usage error with its control characters escaped: click prints an argument it did not
    expect as given (`Got unexpected extra argument (...)`), so an escape sequence in one reached
    the terminal."""
    try:
        yield
    except click.UsageError as e:  # (the same line and exit code, made anew: click 8.5 makes message final)
        raise click.UsageError(terminal_safe(e.format_message() + _model_hint(e)), e.ctx) from None


def _model_hint(e: click.UsageError) -> str:
    """What to type when a model folder was given where the command takes none (`w2vkit info
    models/x`): the command's -m."""
    ctx = e.ctx
    if ctx is None or not any(p.name == "model_path" for p in ctx.command.params):
        return ""
    if not e.format_message().startswith("Got unexpected extra argument"):
        return ""
    given = [a for a in ctx.meta.get("w2vkit.arguments", []) if os.path.isfile(os.path.join(a, "meta.json"))]
    return f"; name the model with -m: w2vkit {ctx.info_name} -m {given[0]}" if given else ""


class W2vkitGroup(click.Group):
    """Loads each command's module when the command is needed; turns library errors into one-line
    messages and exit codes."""

    def make_context(self, info_name, args, parent=None, **extra):
        arguments = list(args)  # (as given, for the provenance's command line: w2vkit.cli.output)
        with escaped_usage_errors():
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["w2vkit.arguments"] = arguments
        return ctx

    def list_commands(self, ctx):
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx, name):
        if name in COMMAND_MODULES and name not in self.commands:
            module = importlib.import_module(f"{__package__}.{COMMAND_MODULES[name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        from ..base.files import reads_scope

        try:
            with reads_scope(), escaped_usage_errors():  # what this command reads, no write of it may land in
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except W2vkitError as e:
            if debug_enabled():
                raise
            message = e.named(flag_names(self, ctx))
            click.echo(f"Error: {terminal_safe(message)}", err=True)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt:
            if debug_enabled():
                raise
            click.echo("Interrupted; earlier results are left as they were.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `w2vkit similar x | head`: the reader went away; not an error worth a message.
            sys.stderr.close()
            ctx.exit(0)
        except OSError as e:
            if debug_enabled():
                raise
            if e.errno == errno.ENOSPC:  # wherever it happens: segmenting, training, caching
                where = f" writing {e.filename}" if e.filename else ""
                click.echo(
                    f"Error: no space left on the device{where}; free some space, or set W2VKIT_CACHE "
                    "or -o to another disk",
                    err=True,
                )
            else:
                where = f"{e.filename}: " if e.filename else ""
                click.echo(terminal_safe(f"Error: {where}{e.strerror or e}"), err=True)
            ctx.exit(1)
        except Exception as e:  # a bug: still one line unless debugging
            if debug_enabled():
                raise
            click.echo(
                terminal_safe(f"Error: unexpected {type(e).__name__}: {e} (run with W2VKIT_DEBUG=1 for details)"),
                err=True,
            )
            ctx.exit(1)


@click.group(cls=W2vkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="w2vkit")
def cli():
    """Train and query word2vec models from raw Chinese or English text.

    \b
    A session on the built-in demo corpus, 西游记 (Journey to the West; works offline):
      w2vkit segment xiyouji --audit 20
      w2vkit train xiyouji
      w2vkit similar 孙悟空
      w2vkit similarity 孙悟空 猪八戒
      w2vkit analogy 孙悟空 八戒 猪八戒
      w2vkit doesnt-match 行者 八戒 沙僧 金箍棒
      w2vkit plot 孙悟空 猪八戒 唐僧 沙僧 --neighbors 8
      w2vkit evaluate

    Your own text: `w2vkit train FILE|DIR...` (a directory is read recursively for .txt, .txt.gz,
    .txt.bz2). Built-in corpora: xiyouji. Queries use the newest model under ./models unless
    given -m DIR. Run `w2vkit COMMAND --help` for each command's options and examples.
    """


def main():
    cli(prog_name="w2vkit")
