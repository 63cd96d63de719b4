"""`plot`: a 2-D map of the vector space, as an image or an offline HTML page (library: w2vkit.pictures.plotting)."""

from __future__ import annotations

import click

from ..base.choices import DEFAULT_PLOT_FOLDER
from .options import MODEL_OPTION, SIMILARITY_OPTION, declared_plot, given, picture_options, verbosity
from .output import engine_for, info, plural, show_progress


@click.command()
@declared_plot
@picture_options(
    f"Image (.png, .svg, .pdf) or interactive map (.html) [default: {DEFAULT_PLOT_FOLDER}/<model>-<method>.png]."
)
@SIMILARITY_OPTION
@MODEL_OPTION
@verbosity
def plot(similarity, model_path, **values):
    """Draw a 2-D map of the vector space with labelled words.

    \b
    Which output to use:
      .png/.svg/.pdf  a picture to put in a report: up to a few hundred labels
                      (larger maps label the most frequent words that fit)
      .html           one self-contained page to explore thousands of words offline:
                      pan, zoom, hover, search a word to see its nearest neighbours
      export --format projector   TensorFlow's Embedding Projector (3-D, PCA/UMAP
                      live), when you can upload files to its web page

    \b
    Examples:
      w2vkit plot                                   # the 300 most frequent words
      w2vkit plot 孙悟空 猪八戒 唐僧 沙僧 --neighbors 8 -o characters.png
      w2vkit plot king queen paris --method pca -o map.svg
      w2vkit plot --top 20000 -o map.html           # explore in a browser
      w2vkit plot --top 3000 --clusters 12 -o map.html   # coloured by 12 clusters
      w2vkit plot -m models/poetry --top 5000 --in poetry.tsv.gz --by period -o periods.html
    """
    from ..pictures.plotting import plot as draw

    result = draw(engine_for(model_path, similarity), progress=show_progress(), **given(**values))
    # (a missing CJK font is warned about once, by the library's logger)
    labelled = f" (labelled the {result.labels:,} most frequent that fit)" if result.labels < result.points else ""
    info(
        f"plotted {plural(result.points, 'word')}{labelled} in {result.groups} group{'s' if result.groups != 1 else ''} "
        f"({result.seconds:.1f} s, font {result.font_source or 'matplotlib default, no CJK glyphs'}) "
        f"-> {result.path}"
    )


COMMANDS = (plot,)
