import pytest

from xproj.config import OPTIONS, load_config, options_help, presets, to_toml
from xproj.errors import ConfigError


def test_presets_load():
    names = presets()
    assert {"synthetic", "opener-en-es", "opener-en-es-plain", "opener-en-es-4class", "opener-en-multi",
            "opener-en-zh", "opener-en-de", "opener-en-fr", "opener-en-ja"} <= set(names)
    for name in names:
        cfg = load_config(name)
        assert cfg["name"] and cfg["data"]["target_langs"]


def test_overrides_types_and_tables():
    cfg = load_config("synthetic", ["features.pooling=sif", "model.C=[1, 2]", "seed=5",
                                    "vectors.paths.fr=/x/fr.vec", "output.plots=false"])
    assert cfg["features"]["pooling"] == "sif" and cfg["model"]["C"] == [1.0, 2.0]
    assert cfg["seed"] == 5 and cfg["vectors"]["paths"] == {"fr": "/x/fr.vec"}
    assert cfg["output"]["plots"] is False
    assert load_config("synthetic", seed=9)["seed"] == 9


@pytest.mark.parametrize("override, message", [
    ("features.poling=sif", "unknown option 'features.poling'; did you mean features.pooling"),
    ("seed=abc", "seed must be int"),
    ("model.C=1", "model.C must be a list"),
    ("features.pooling=max", "features.pooling = 'max' is not one of"),
    ("model.C=[0, 1]", "model.C = 0.0 is out of range: allowed > 0"),
    ("data.target_langs=[]", "target_langs is empty"),
    ("nonsense", "expected key=value"),
    ('evaluation.baselines=["majority", "magic"]', "evaluation.baselines = 'magic' is not one of"),
    ("features.adapt=sometimes", "features.adapt = 'sometimes' is not one of"),
    ("model.estimator=forest", "model.estimator = 'forest' is not one of"),
])
def test_bad_overrides(override, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_config("synthetic", [override])


def test_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="unknown preset 'nope'"):
        load_config("nope")
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[data\nx=1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(str(bad))
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("[features]\npooling = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wrong.toml: features.pooling must be str"):
        load_config(str(wrong))


def test_resolved_config_round_trips(tmp_path):
    cfg = load_config("opener-en-es", ["features.pooling=tfidf"])
    p = tmp_path / "resolved.toml"
    p.write_text(to_toml(cfg), encoding="utf-8")
    assert load_config(str(p)) == cfg


def test_help_lists_every_option():
    text = options_help()
    assert all(key in text for key in OPTIONS)


def test_allowed_values_come_from_the_code_that_implements_them():
    from xproj.config import choices
    from xproj.features import POOLINGS
    from xproj.model import ESTIMATORS
    from xproj.run.baselines import BASELINES
    from xproj.standardize import CENTERING, SCALING

    c = choices()
    assert c["features.pooling"] is POOLINGS and c["features.center"] is CENTERING
    assert c["features.scale"] is SCALING
    assert set(c["model.estimator"]) == set(ESTIMATORS) and set(c["evaluation.baselines"]) == set(BASELINES)


# -- values that pass the type checks but would crash later: rejected at load, naming the option

@pytest.mark.parametrize("overrides, option", [
    (["vectors.limit=-1"], "vectors.limit"),
    (["data.max_docs=-3"], "data.max_docs"),
    (["evaluation.bootstrap=-1"], "evaluation.bootstrap"),
    (["evaluation.few_shot=[-2]"], "evaluation.few_shot"),
    (["evaluation.few_shot=5"], "evaluation.few_shot must be a list"),
    (["evaluation.few_shot=[\"a\"]"], "evaluation.few_shot must be a list of int"),
    (["synthetic.n_words=0"], "synthetic.n_words"),
    (["synthetic.dim=0"], "synthetic.dim"),
    (["synthetic.n_train_docs=0"], "synthetic.n_train_docs"),
    (["synthetic.n_test_docs=0"], "synthetic.n_test_docs"),
    (["model.C=[]"], "model.C"),
    (["model.C=[nan]"], "model.C"),
    (["model.C=[1.0, inf]"], "model.C"),
    (["alignment.refine=1", "alignment.refine_vocab=0"], "alignment.refine_vocab"),
    (["alignment.normalization=unit,centre"], "alignment.normalization"),
    (["seed=-1"], "seed"),
    ([f"seed={2**32}"], "seed"),
    (["data.dev_fraction=0"], "data.dev_fraction"),
    (["data.dev_fraction=1.5"], "data.dev_fraction"),
    (["data.dev_fraction=nan"], "data.dev_fraction"),
    (["synthetic.noise=-0.1"], "synthetic.noise"),
    (["synthetic.positive_rate=1.2"], "synthetic.positive_rate"),
    (["alignment.refine=-1"], "alignment.refine"),
    (["features.remove_pc=-1"], "features.remove_pc"),
    (['name="../../x"'], "name"),
    (['name="a/b"'], "name"),
    (['name=""'], "name"),
    (['data.target_langs=["en"]'], "data.target_langs"),
])
def test_out_of_range_values_name_the_option(overrides, option):
    with pytest.raises(ConfigError, match=rf"^(--set: )?{option.replace('.', '[.]')}\b"):
        load_config("synthetic", overrides)


def test_seed_argument_is_range_checked():
    with pytest.raises(ConfigError, match="seed"):
        load_config("synthetic", seed=-1)
    assert load_config("synthetic", seed=2**32 - 1)["seed"] == 2**32 - 1


def test_normalization_steps_come_from_the_normalizers(monkeypatch):
    from xproj.vectors import NORMALIZERS, center

    assert load_config("synthetic", ["alignment.normalization=none"])
    assert load_config("synthetic", ["alignment.normalization=center, unit"])
    with pytest.raises(ConfigError, match="alignment.normalization = 'whiten' is not one of"):
        load_config("synthetic", ["alignment.normalization=unit,whiten"])
    monkeypatch.setitem(NORMALIZERS, "whiten", center)
    assert load_config("synthetic", ["alignment.normalization=unit,whiten"])


def test_help_shows_ranges():
    text = options_help()
    assert "data.dev_fraction = 0.2" in text and "allowed: (0, 1)" in text
    assert "allowed: 0 .. 4294967295" in text


def test_config_path_problems_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(str(tmp_path))
    latin = tmp_path / "latin.toml"
    latin.write_bytes('description = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin.toml: not UTF-8"):
        load_config(str(latin))


def test_multi_target_presets_and_subsets(tmp_path):
    cfg = load_config("opener-en-multi")
    d = cfg["data"]
    assert d["targets"] == ["opener:es", "chnsenticorp:zh", "online-shopping:zh", "sb10k:de", "allocine-tv:fr",
                            "tripadvisor-restaurants:fr", "chabsa:ja"]
    assert d["target_langs"] == ["es", "zh", "de", "fr", "ja"]
    for lang in d["target_langs"]:  # every language has its vectors and dictionaries named
        assert lang in cfg["vectors"]["paths"] and lang in cfg["alignment"]["dictionary"]
        assert lang in cfg["alignment"]["test_dictionary"]
    for lang in ("zh", "de", "fr", "ja"):
        assert load_config(f"opener-en-{lang}")["data"]["target_langs"] == [lang]
    # a subset by sets or by languages; a one-language set may omit :lang
    assert load_config("opener-en-multi", ['data.targets=["sb10k", "chabsa:ja"]'])["data"]["target_langs"] == ["de", "ja"]
    sub = load_config("opener-en-multi", ['data.target_langs=["zh"]'])["data"]
    assert sub["targets"] == ["chnsenticorp:zh", "online-shopping:zh"] and sub["target_langs"] == ["zh"]
    # the resolved config reads back to the same sets
    (tmp_path / "c.toml").write_text(to_toml(load_config("opener-en-zh")), encoding="utf-8")
    assert load_config(tmp_path / "c.toml")["data"]["targets"] == sub["targets"]


@pytest.mark.parametrize("override, message", [
    ('data.targets=["imdb:en"]', "unknown dataset 'imdb'"),
    ('data.targets=["sb10k:fr"]', "data.targets: 'sb10k:fr': sb10k has de, not 'fr'"),
    ('data.targets=["opener:en"]', "is in the source language 'en'"),
    ('data.targets=["table"]', "'table' names no language: write table:LANG"),
    ('data.targets=["sb10k:de", "sb10k"]', "names sb10k:de twice"),
    ('data.targets=["a:b:c"]', "is not dataset:lang"),
])
def test_bad_targets_name_the_item(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config("opener-en-es", [override])


def test_targets_need_a_real_dataset_and_a_kept_language():
    with pytest.raises(ConfigError, match="synthetic world has its own target"):
        load_config("synthetic", ['data.targets=["sb10k:de"]'])
    with pytest.raises(ConfigError, match="keeps none of data.targets"):
        load_config("opener-en-multi", ['data.target_langs=["it"]'])


def test_label_maps_are_tables_of_names():
    cfg = load_config("synthetic", ["data.label_map.0=negative", "data.target_label_map.1=positive"])
    assert cfg["data"]["label_map"] == {"0": "negative"} and cfg["data"]["target_label_map"] == {"1": "positive"}


def test_per_language_scale_gives_each_target_its_presets_setting(tmp_path):
    from xproj.config import for_language

    multi = load_config("opener-en-multi")
    assert for_language(multi, "es")["features"]["scale"] == load_config("opener-en-es")["features"]["scale"] == "language"
    for lang in ("zh", "de", "fr"):
        assert for_language(multi, lang)["features"]["scale"] == load_config(f"opener-en-{lang}")["features"]["scale"]
    assert for_language(multi, "zh")["features"] == {**multi["features"], "scale": "none"}
    # --set adds a language to the preset's table; the resolved config reads back the same
    cfg = load_config("opener-en-multi", ["features.scale_by_lang.de=source"])
    assert cfg["features"]["scale_by_lang"] == {"es": "language", "de": "source"}
    (tmp_path / "c.toml").write_text(to_toml(cfg), encoding="utf-8")
    assert load_config(tmp_path / "c.toml")["features"]["scale_by_lang"] == cfg["features"]["scale_by_lang"]


@pytest.mark.parametrize("override, message", [
    ("features.scale_by_lang.es=lang", "features.scale_by_lang = 'lang' is not one of"),
    ("features.scale_by_lang.en=none", "features.scale_by_lang names the source language 'en'"),
    ("features.scale_by_lang=3", "features.scale_by_lang must be a table"),
])
def test_bad_per_language_scale_names_the_option(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config("synthetic", [override])


def test_source_fallback_names_target_languages():
    assert load_config("synthetic", ['features.source_fallback=["es"]'])["features"]["source_fallback"] == ["es"]
    with pytest.raises(ConfigError, match="features.source_fallback names the source language 'en'"):
        load_config("synthetic", ['features.source_fallback=["en"]'])
    with pytest.raises(ConfigError, match="features.source_fallback must be a list of str"):
        load_config("synthetic", ["features.source_fallback=[1]"])



def test_unquoted_placeholder_paths_are_strings():
    # as the README writes them: paths starting with a placeholder, unquoted
    cfg = load_config("opener-en-es", ["data.target_root={shared}/data/chnsenticorp",
                                       "vectors.paths.zh={data}/vectors/zh.vec"])
    assert cfg["data"]["target_root"] == "{shared}/data/chnsenticorp"
    assert cfg["vectors"]["paths"]["zh"] == "{data}/vectors/zh.vec"


def test_a_broken_inline_table_is_still_named():
    with pytest.raises(ConfigError, match="not a valid TOML value"):
        load_config("opener-en-es", ["vectors.paths={zh = }"])
