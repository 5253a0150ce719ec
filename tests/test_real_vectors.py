"""Alignment on the real fastText vectors trained here (../shared/vectors), when present.

Figures measured when this was written (50k words each, 100-d, MUSE en-es splits,
unit,center,unit): supervised Procrustes P@1 NN 0.155, CSLS 0.173 over covered queries
(1,111 of 1,500); unaligned 0.000.
"""

import numpy as np
import pytest

from conftest import shared_file
from xproj.align import fit_mapping
from xproj.dictionaries import read_dictionary
from xproj.evaluation import bli_scores
from xproj.vectors import load_vectors, normalize

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def en_es(tmp_path_factory):
    cache = tmp_path_factory.mktemp("vcache")
    en = load_vectors(shared_file("vectors", "en.100d.top50k.vec.xz"), lang="en", cache_dir=cache)
    es = load_vectors(shared_file("vectors", "es.100d.top50k.vec.xz"), lang="es", cache_dir=cache)
    train = read_dictionary(shared_file("data", "muse", "en-es.0-5000.txt"))
    test = read_dictionary(shared_file("data", "muse", "en-es.5000-6500.derived.txt"))
    return en, es, train, test


def test_real_files_load(en_es):
    en, es, _, _ = en_es
    assert len(en) == 50000 and en.dim == 100 and en.vectors.dtype == np.float32
    assert "hotel" in en and "hotel" in es
    assert en.words[0] in {"the", ",", "."}


def test_supervised_procrustes_beats_baselines(en_es):
    en, es, train, test = en_es
    m = fit_mapping(en, es, train)
    res = bli_scores(m.transform(en), m.transform(es, side="target"), test, ks=(1, 5))
    print("aligned", res)
    unaligned = bli_scores(normalize(en), normalize(es), test, ks=(1,), methods=("csls",))
    assert 0.7 < res["coverage"] < 0.8
    assert res["csls"]["p@1"] > 0.12
    assert res["csls"]["p@1"] >= res["nn"]["p@1"]
    assert res["csls"]["p@5"] > res["csls"]["p@1"] + 0.05
    assert res["csls"]["p@1_all"] < res["csls"]["p@1"]
    assert unaligned["csls"]["p@1"] < 0.01
