"""Assertions the checker tests share: a Feedback passed, or named the expected mistake."""


def stub(*args):
    """A learner's function whose body is still the `...` stub."""
    return ...


def assert_passes(feedback):
    assert feedback.passed, feedback.message
    assert feedback.message.startswith("✅")


def assert_mistake(feedback, name):
    assert not feedback.passed
    assert feedback.mistake == name, feedback.message
    assert feedback.message.startswith("❌")
