"""Pictures of 02-chain-rule: the cost of the two orders of a chain of Jacobians."""

from __future__ import annotations

ORDER_COLOURS = {"forward": "tab:orange", "reverse": "tab:blue"}


class ChainCostBars:
    """Two bar charts (log scale) for the two orders of a chain product: multiplications counted
    and time measured. `show` moves the bars and labels in place."""

    LABELS = ("input side\nfirst", "loss side\nfirst")

    def __init__(self, ax_count, ax_time, count_range=(0.5, 1e10), time_range=(1e-6, 10.0)):
        self.axes = (ax_count, ax_time)
        self.bars, self.texts = [], []
        for ax in self.axes:
            bars = ax.bar([0, 1], [1, 1], color=[ORDER_COLOURS["forward"],
                                                  ORDER_COLOURS["reverse"]], width=0.6)
            ax.set_yscale("log")
            ax.set_xticks([0, 1], self.LABELS)
            ax.set_xlim(-0.6, 1.6)
            self.bars.append(bars)
            self.texts.append([ax.text(k, 1, "", ha="center", va="bottom", fontsize=10)
                               for k in (0, 1)])
        ax_count.set_title("multiplications (counted)")
        ax_count.set_ylabel("multiplications")
        ax_time.set_title("time (measured)")
        ax_time.set_ylabel("seconds (best run, 1 thread)")
        # fixed ranges: the axes never change, so only the bars and labels are redrawn
        ax_count.set_ylim(*count_range)
        ax_time.set_ylim(*time_range)

    def moving_artists(self) -> list:
        return [artist for bars, texts in zip(self.bars, self.texts, strict=True)
                for artist in (*bars, *texts)]

    def show(self, multiplications, seconds) -> None:
        """multiplications, seconds: (forward, reverse) pairs."""
        formats = (lambda v: f"{v:,.0f}", lambda v: f"{v * 1e3:.3g} ms")
        for ax, bars, texts, values, fmt in zip(self.axes, self.bars, self.texts,
                                                (multiplications, seconds), formats,
                                                strict=True):
            low, high = ax.get_ylim()
            for bar, text, value in zip(bars, texts, values, strict=True):
                value = float(value)
                bar.set_height(min(max(value, low), high))
                text.set_y(min(max(value, low) * 1.2, high / 3))
                text.set_text(fmt(value))
