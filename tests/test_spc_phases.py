"""Phase splitting shared by every chart (pdcakit.spc.split_phases) and the
runnable examples in the spc docstrings."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

from pdcakit import spc


class TestSplitPhases:
    def test_no_part_is_one_phase(self) -> None:
        s = spc.split_phases(5)
        assert s.bounds == ((0, 5),)
        assert s.labels == ("phase 1",)
        assert s.ids.tolist() == [0] * 5

    def test_split_positions_like_qicharts2_part(self) -> None:
        # qicharts2: qic(part = c(12, 24)) for 30 points -> 1-12, 13-24, 25-30
        s = spc.split_phases(30, part=[12, 24])
        assert s.bounds == ((0, 12), (12, 24), (24, 30))
        assert s.n_phases == 3
        assert s.sentence == (
            "3 phases: phase 1 (points 1-12), phase 2 (points 13-24), phase 3 (points 25-30)."
        )

    def test_single_int_and_unsorted_positions(self) -> None:
        assert spc.split_phases(6, part=3).bounds == ((0, 3), (3, 6))
        assert spc.split_phases(6, part=[4, 2, 4]).bounds == ((0, 2), (2, 4), (4, 6))
        assert spc.split_phases(6, part=np.array([3])).bounds == ((0, 3), (3, 6))

    def test_labels(self) -> None:
        s = spc.split_phases(5, part=["a", "a", "b", "b", "b"])
        assert s.bounds == ((0, 2), (2, 5))
        assert s.labels == ("a", "b")

    def test_pandas_labels(self) -> None:
        pd = pytest.importorskip("pandas")
        s = spc.split_phases(4, part=pd.Series(["x", "x", "y", "y"]))
        assert s.labels == ("x", "y")

    def test_integer_labels_of_full_length(self) -> None:
        s = spc.split_phases(4, part=[1, 1, 2, 2])
        assert s.labels == ("1", "2") and s.bounds == ((0, 2), (2, 4))

    @pytest.mark.parametrize("bad", [[0], [6], [-1], [2.5]])
    def test_bad_positions(self, bad: list[float]) -> None:
        with pytest.raises(ValueError, match=r"phase split position|whole numbers"):
            spc.split_phases(6, part=bad)

    def test_labels_must_be_contiguous(self) -> None:
        with pytest.raises(ValueError, match="contiguous"):
            spc.split_phases(4, part=["a", "b", "a", "a"])

    def test_wrong_length_labels(self) -> None:
        with pytest.raises(ValueError, match="one label per point"):
            spc.split_phases(4, part=["a", "b"])

    def test_every_chart_accepts_the_same_part(self) -> None:
        y = [5.0, 6, 5, 7, 6, 12, 13, 12, 14, 13]
        n = [100.0] * 10
        for result in (
            spc.run_chart(y, part=[5]),
            spc.i_chart(y, part=[5]),
            spc.mr_chart(y, part=[5]),
            spc.p_chart(y, n, part=[5]),
            spc.u_chart(y, n, part=[5]),
        ):
            assert [(p.start, p.stop) for p in result.phases] == [(0, 5), (5, 10)]


@pytest.mark.parametrize(
    "module",
    [
        "pdcakit.spc",
        "pdcakit.spc.runs",
        "pdcakit.spc.control",
        "pdcakit.spc.capability",
        "pdcakit.spc.phases",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_names() -> None:
    for name in spc.__all__:
        assert hasattr(spc, name), name
    for fn in (spc.run_chart, spc.i_chart, spc.mr_chart, spc.p_chart, spc.u_chart,
               spc.capability):  # fmt: skip
        assert "Examples" in (fn.__doc__ or ""), fn.__name__
