"""Words shown to a user: the one word wrap (models.wording.wrap_words), measured here by character
count, and headings on two lines."""

from models.wording import two_lines, wrap_words


def by_length(width):
    return lambda line, _: len(line) <= width


def test_fills_lines_with_whole_words():
    assert wrap_words("the quick brown fox jumps", by_length(10)) == (
        ["the quick", "brown fox", "jumps"], "")


def test_a_word_too_long_for_any_line_gets_a_line_of_its_own():
    assert wrap_words("a Hinckley-and-Bosworth b", by_length(5)) == (
        ["a", "Hinckley-and-Bosworth", "b"], "")


def test_stops_after_the_lines_allowed_and_returns_the_rest():
    assert wrap_words("one two three four five", by_length(8), 2) == (
        ["one two", "three"], "four five")


def test_each_line_may_have_its_own_width():
    widths = [3, 20]
    assert wrap_words("ab cd ef gh", lambda line, i: len(line) <= widths[i]) == (
        ["ab", "cd ef gh"], "")


def test_white_space_is_folded_and_nothing_gives_no_lines():
    assert wrap_words("  a\n\tb  ", by_length(10)) == (["a b"], "")
    assert wrap_words("   ", by_length(10)) == ([], "")


def test_one_money_formatter_with_the_sign_before_the_pound():
    from models.wording import money

    assert money(1_250_000) == "£1,250,000" and money(-1000) == "-£1,000"
    assert money(None) == "not set" and money(None, "-") == "-"


def test_a_heading_breaks_at_the_space_nearest_its_middle():
    assert two_lines("Cost per completion") == "Cost per\ncompletion"
    assert two_lines("People a year") == "People\na year"
    assert two_lines("Capacity") == "Capacity"
