"""Model options: specs, checking at construction, distinct names, parameter descriptions."""

from __future__ import annotations

import datetime as dt

import pytest

import accord
from accord.errors import InputError
from accord.models.base import (
    Parameter,
    describe_parameters,
    get_model,
    model_label,
    parameter_text,
    parse_spec,
    resolve_models,
)


def test_a_wrong_choice_fails_at_construction_listing_the_choices() -> None:
    with pytest.raises(InputError) as caught:
        get_model("eum", variant="papr")
    text = str(caught.value)
    assert "variant must be one of: paper, scholz-code" in text and "'papr'" in text


def test_spec_values_are_typed_by_the_field() -> None:
    model = get_model("eum:variant=paper,rounds=5,q=0.5,risk=no")
    assert (model.variant, model.rounds, model.q, model.risk) == ("paper", 5, 0.5, False)  # type: ignore[attr-defined]
    assert get_model("eum:rounds=none").rounds is None  # type: ignore[attr-defined]
    assert get_model("eum[variant=paper]") == get_model("eum", variant="paper")
    assert get_model("eum:variant=paper", variant="scholz-code").variant == "scholz-code"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("eum:rounds=five", "rounds must be int or none"),
        ("eum:q=high", "q must be float"),
        ("eum:risk=maybe", "risk must be bool"),
        ("eum:variant", "is not PARAMETER=VALUE"),
        ("eum:speed=2", "has no parameter 'speed'"),
        ("nosuch", "unknown model 'nosuch'"),
    ],
)
def test_bad_specs_are_input_errors(spec: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        get_model(spec)


def test_python_values_are_checked_too() -> None:
    with pytest.raises(InputError, match="max_rounds must be int"):
        get_model("eum", max_rounds=2.5)
    with pytest.raises(InputError, match="risk must be bool"):
        get_model("eum", risk=1)
    assert get_model("eum", q=1).q == 1.0  # type: ignore[attr-defined]


def test_labels_name_the_parameters_that_differ() -> None:
    assert model_label(get_model("eum")) == "eum"
    assert model_label(get_model("eum:variant=paper,q=0.5")) == "eum[variant=paper,q=0.5]"
    assert model_label(get_model("eum:rounds=3,risk=false")) == "eum[rounds=3,risk=false]"
    assert model_label(get_model("smp:chunk_size=none")) == "smp"


def test_two_specs_of_one_model_sit_side_by_side() -> None:
    result = accord.forecast("emission-1994", ["eum", "eum:variant=paper", ("eum", {"rounds": 2})])
    assert list(result.models) == ["eum", "eum[variant=paper]", "eum[rounds=2]"]
    with pytest.raises(InputError, match="given twice"):
        resolve_models(["eum", "eum:variant=scholz-code"])


def test_describe_parameters_derives_choices_from_literals() -> None:
    described = {item.name: item for item in describe_parameters("nash")}
    assert described["loss"] == Parameter("loss", "choice", "quadratic", ("quadratic", "linear"))
    assert described["iterations"].describe() == "int"
    eum = {item.name: item for item in describe_parameters(type(get_model("eum")))}
    assert eum["rounds"].optional and eum["rounds"].describe() == "int or none"
    assert [item.name for item in describe_parameters("compromise")] == ["within_zone"]
    with pytest.raises(InputError, match="unknown model"):
        describe_parameters("nosuch")
    assert parse_spec(" eum : rounds = 3 ,") == ("eum", {"rounds": "3"})
    assert [parameter_text(v) for v in (None, True, 0.5, "x")] == ["none", "true", "0.5", "x"]


def test_other_field_types_pass_through() -> None:
    item = Parameter("name", "str", "a")
    assert item.check("m", "b") == "b"
    with pytest.raises(InputError):
        item.check("m", 3)
    assert Parameter("data", "any", None).check("m", {"x": 1}) == {"x": 1}
    assert Parameter("data", "any", None).check("m", "text") == "text"


def test_top_level_forecast_takes_dates_as_strings() -> None:
    point = accord.forecast(models=["compromise"], as_of="2025-11-20")
    same = accord.forecast(models=["compromise"], as_of=dt.datetime(2025, 11, 20, 12))
    assert point.to_json() == same.to_json()
    for bad in ("2025-13-01", 20251120):
        with pytest.raises(InputError, match="is not a date"):
            accord.forecast(models=["compromise"], as_of=bad)  # type: ignore[arg-type]


def test_top_level_forecast_applies_what_if_changes() -> None:
    base = accord.forecast(models=["compromise"]).to_frame().set_index("issue")["value"]
    for changes in ({"us.salience.donbas": 95}, ["us.salience.donbas=95"], "us.salience.donbas=95"):
        changed = accord.forecast(models=["compromise"], set=changes)
        values = changed.to_frame().set_index("issue")["value"]
        assert values["donbas"] != base["donbas"]
    scenario = accord.load("emission-1994")
    assert accord.forecast(scenario, ["median"]).models["median"].issues["delay"].value == 7.0


def test_lazy_top_level_names() -> None:
    assert "forecast" in dir(accord)
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        accord.nosuch  # noqa: B018
