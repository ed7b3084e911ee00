"""The feedback segmenter reads jieba's dictionary from an index: the same cuts as jieba's
loaded tokenizer on every demo and hand-labelled text, the same classes, built once,
rebuilt when damaged, jieba's own loading where no index can be written (issues 28, 29)."""

from __future__ import annotations

import logging
import os

import jieba
import pandas as pd
import pytest

from pdcakit.registers import segmenter as seg
from pdcakit.registers.lexicon import _HAN, load_lexicon
from pdcakit.run.project import bundled
from test_feedback_lexicon import LABELLED

#: Sentences whose cut depends on dictionary words around the lexicon's: 傲慢 keeps 慢
#: whole, 快递 keeps 快, a long run of unknown characters goes to jieba's HMM.
SHIELDED = ["工作人员态度傲慢，爱答不理", "快递到了，包装完好", "回复慢，等了一个多小时",
            "蔺赟鑫喆龘靐齉爩", "客服在线回复很快，但是问题依旧没有解决",
            "Mixed 中文 and English: 太慢 slow", ""]


def _lexicon_words() -> list[str]:
    return [w for _, words in load_lexicon().terms for w in words
            if _HAN.search(w) and len(w) > 1]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    demo = pd.read_csv(bundled("demo") / "feedback.csv")["text"].dropna().unique().tolist()
    return [*demo, *(t for t, _ in LABELLED), *SHIELDED]


@pytest.fixture(scope="module")
def loaded() -> jieba.Tokenizer:
    """jieba's own tokenizer, its whole dictionary loaded, taught the lexicon's words."""
    jieba.setLogLevel(logging.WARNING)
    full = jieba.Tokenizer()
    for word in _lexicon_words():
        full.add_word(word)
    return full


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("cache"))
    old = os.environ.get("PDCAKIT_CACHE_DIR")
    os.environ["PDCAKIT_CACHE_DIR"] = folder
    yield folder
    if old is None:
        del os.environ["PDCAKIT_CACHE_DIR"]
    else:
        os.environ["PDCAKIT_CACHE_DIR"] = old


class TestSameCuts:
    def test_every_text_cut_as_jieba_cuts_it(self, cache, texts, loaded):
        indexed = seg.segmenter(_lexicon_words())
        assert isinstance(indexed.FREQ, seg._IndexedFreq)
        differ = [t for t in texts if indexed.lcut(t) != loaded.lcut(t)]
        assert differ == []
        assert len(texts) > 250

    def test_taught_words_and_total_as_jieba(self, cache, loaded):
        indexed = seg.segmenter(_lexicon_words())
        for word in ("回复慢", "没人回复", "傲慢", "快递", "满意"):
            assert indexed.FREQ.get(word) == loaded.FREQ.get(word)
        assert indexed.total == loaded.total

    def test_classes_unchanged(self, cache, texts, monkeypatch):
        """The lexicon's class of every demo and hand-labelled item, with the index and
        with jieba's whole dictionary loaded: the same, 傲慢 and 快递 included."""
        from pdcakit.registers import lexicon as lx

        lex = load_lexicon()
        lx._matcher.cache_clear()
        indexed = lex.classify(texts)

        def whole(words):
            full = jieba.Tokenizer()
            for word in words:
                full.add_word(word)
            return full

        monkeypatch.setattr(seg, "segmenter", whole)
        lx._matcher.cache_clear()
        try:
            assert lex.classify(texts) == indexed
        finally:
            lx._matcher.cache_clear()
        by_text = dict(zip(texts, indexed, strict=True))
        assert by_text["工作人员态度傲慢，爱答不理"] == "attitude"
        assert by_text["快递到了，包装完好"] == "other"
        assert sum(by_text[t] == g for t, g in LABELLED) == 37  # as test_feedback_lexicon


class TestIndexFile:
    def test_built_once_in_the_cache_folder(self, cache):
        path = seg.index_path()
        assert str(path).startswith(cache)
        seg.segmenter()
        stamp = path.stat().st_mtime_ns
        seg.segmenter(["回复慢"])
        assert path.stat().st_mtime_ns == stamp
        assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]

    def test_damaged_index_built_again(self, cache):
        path = seg.index_path()
        seg.segmenter()
        path.write_bytes(b"not a database")
        cut = seg.segmenter(["回复慢"])
        assert cut.lcut("回复慢，等了一个多小时")[0] == "回复慢"
        assert path.stat().st_size > 1_000_000

    def test_no_writable_cache_falls_back_to_jieba(self, monkeypatch, tmp_path):
        blocked = tmp_path / "file"
        blocked.write_text("a file where the folder would be")
        monkeypatch.setenv("PDCAKIT_CACHE_DIR", str(blocked / "sub"))
        cut = seg.segmenter(["回复慢"])
        assert not isinstance(cut.FREQ, seg._IndexedFreq)
        assert cut.lcut("工作人员态度傲慢") == ["工作人员", "态度", "傲慢"]

    def test_cache_folder_order(self, monkeypatch):
        monkeypatch.delenv("PDCAKIT_CACHE_DIR", raising=False)
        monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
        assert str(seg.cache_dir()) == "/somewhere/pdcakit"
