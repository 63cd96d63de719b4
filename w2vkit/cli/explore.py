"""`explore`: the model, its uncertainty and the passages behind it in a local web page (library:
w2vkit.explore; needs the `explore` extra: pip install 'w2vkit[explore]')."""

from __future__ import annotations

import click

from .options import (
    MODEL_OPTION,
    SIMILARITY_OPTION,
    columns_option,
    declared_option,
    table_option,
    text_column_option,
    verbosity,
)
from .output import info


@click.command()
@MODEL_OPTION
@SIMILARITY_OPTION
@table_option("A table the model was trained on, for groups.")
@click.option("--by", default=None, metavar="COLUMN", help="With --in: the column whose values are the groups.")
@declared_option("contrast", "block")
@declared_option("contrast", "groups")
@declared_option("contrast", "split_blocks")
@text_column_option()
@columns_option(
    "With --in: the row's columns shown with a group's passages (author,title), as kwic --columns shows them."
)
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="The port [default: a free one].")
@click.option(
    "--host",
    default="127.0.0.1",
    metavar="ADDRESS",
    help="The interface to listen on [default: 127.0.0.1, this machine only]; another one is warned about.",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@verbosity
def explore(
    model_path, similarity, table, by, block, groups, split_blocks, text_column, columns, port, host, no_browser
):
    """Explore a model in the browser: a word's neighbours with their intervals, the passages
    behind a neighbour, analogies, expansions, axes, a whole-model map, and with --in TABLE --by
    COLUMN a word's change between groups. Serves on this machine until Ctrl-C; the address it
    prints holds a token, and every view's address (with the command line that gives the same
    answer) can be kept.

    \b
    Examples:
      w2vkit explore                                   # the newest model under ./models
      w2vkit explore -m models/xiyouji --port 8765 --no-browser
      w2vkit explore -m models/poetry --in poetry.tsv.gz --by period --block author --split-blocks --groups 唐,宋
      w2vkit explore -m models/poetry --in poetry.tsv.gz --by period --columns author,title
    """
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise click.UsageError(
            "explore needs its extra: pip install 'w2vkit[explore]' (Starlette and uvicorn)"
        ) from None
    from ..explore.launch import explore as serve
    from ..model.modelchoice import choose_model

    path, how = choose_model(model_path)
    if how != "explicit":
        info(f"using model {path} ({'the newest under models/' if how == 'newest' else how}; choose one with -m DIR)")
    serve(
        path,
        similarity=similarity,
        table=table,
        by=by,
        block=block,
        groups=groups,
        split_blocks=bool(split_blocks),
        text_column=text_column,
        columns=columns,
        host=host,
        port=port,
        open_browser=not no_browser,
        say=lambda line: click.echo(line),
    )


COMMANDS = (explore,)
