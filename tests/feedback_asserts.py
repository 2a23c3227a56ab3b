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


def _nested_tuple(value):
    return tuple(_nested_tuple(v) for v in value) if isinstance(value, list) else value


def right_forms(reference):
    """Learner's functions returning the reference's value in every form numpy reads the same:
    a list, a tuple, float32, Fortran order, a read-only array (a 0-d value: a Python number,
    a numpy scalar, a 0-d array)."""
    import numpy as np

    def as_list(*args):
        return np.asarray(reference(*args)).tolist()

    def as_tuple(*args):
        return _nested_tuple(np.asarray(reference(*args)).tolist())

    def as_float32(*args):
        return np.asarray(reference(*args), dtype=np.float32)

    def as_fortran(*args):
        return np.asfortranarray(reference(*args))

    def read_only(*args):
        value = np.array(reference(*args))
        value.flags.writeable = False
        return value

    def as_numpy_scalar(*args):
        value = np.asarray(reference(*args))
        return value[()] if value.ndim == 0 else value

    return [as_list, as_tuple, as_float32, as_fortran, read_only, as_numpy_scalar]


def assert_reads(feedback, name, *words):
    """A failing Feedback named `name` whose one-paragraph message says each of `words`."""
    assert_mistake(feedback, name)
    for word in words:
        assert word in feedback.message, (word, feedback.message)


def changed(reference, edit):
    """A learner's function: the reference's value (a float copy) with edit(value, *args) done
    to it in place, e.g. one entry or one row changed."""
    import numpy as np

    def learner(*args):
        value = np.array(reference(*args), dtype=float)
        edit(value, *args)
        return value

    return learner
