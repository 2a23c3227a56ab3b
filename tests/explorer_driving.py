"""Reading what an explorer shows, for the widget tests."""

import io
import re

import numpy as np
from PIL import Image


def shown(explorer):
    """What the learner sees: the PNG bytes of the figure and the readout's HTML."""
    return explorer.view.image.value, explorer.readout.value


def pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.view.image.value)))


def readout_number(readout: str, label: str) -> float:
    """The number printed after `label` in a readout."""
    match = re.search(re.escape(label) + r"[^0-9+\-]*([+\-]?[0-9.,]+)", readout)
    assert match, f"{label!r} not in the readout"
    return float(match.group(1).replace(",", ""))


def largest_difference(readout: str) -> float:
    match = re.search(r"largest difference ([0-9.e+-]+)", readout)
    assert match, readout
    return float(match.group(1))
