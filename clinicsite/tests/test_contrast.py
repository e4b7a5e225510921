import pytest

from clinicsite import contrast


def test_black_on_white_is_21_and_a_colour_on_itself_is_1():
    assert contrast.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast.contrast_ratio("#1d5c63", "#1d5c63") == pytest.approx(1)


def test_the_order_of_the_colours_does_not_matter():
    assert contrast.contrast_ratio("#777777", "#ffffff") == contrast.contrast_ratio("#ffffff", "#777777")


def test_known_pairs_fall_either_side_of_aa():
    # #767676 on white is the lightest grey that reaches 4.5:1; #777777 falls just short.
    assert contrast.passes_aa("#767676", "#ffffff")
    assert not contrast.passes_aa("#777777", "#ffffff")


def test_short_and_unprefixed_colours_are_read():
    assert contrast.normalise("ABC") == "#aabbcc"
    with pytest.raises(ValueError):
        contrast.parse_hex("red")


def test_a_darker_shade_of_a_passing_colour_still_passes():
    assert contrast.passes_aa(contrast.darken("#2f6f6a", 0.18), contrast.WHITE)
