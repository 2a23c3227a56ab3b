"""Rules belong to the primitive object: a learner's primitive, whatever its name, never changes
another's rule; and every way of returning something not built from the inputs is refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import autodiff as ad
from utils import tracing

BUILT_IN = sorted((v for v in vars(ad).values() if isinstance(v, ad.Primitive)),
                  key=lambda p: p.name)
x0 = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])


def reference_gradient():
    """A loss through most built-in primitives, its gradient taken before any learner cell."""
    return ad.grad(lambda x: ad.mean(ad.exp(ad.tanh(x @ x.T)) + ad.log(ad.relu(x) + 1.0).sum()
                                     - ad.softmax(x).sum() / 3.0))(x0)


BEFORE = reference_gradient()


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from([p.name for p in BUILT_IN]), kind=st.sampled_from(["VJP", "JVP"]))
def test_a_new_primitive_with_a_built_in_name_keeps_its_own_rules(name, kind):
    learner = ad.Primitive(name, np.exp)
    register = ad.defvjp if kind == "VJP" else ad.defjvp
    register(learner, 0, lambda g, ans, *args: 7.0 * g)     # a rule that is wrong for exp
    np.testing.assert_array_equal(reference_gradient(), BEFORE)
    built_in = next(p for p in BUILT_IN if p.name == name)
    assert built_in.vjps[0] is not learner.vjps.get(0) and built_in.jvps[0] is not \
        learner.jvps.get(0)
    # and the learner's primitive uses its own rule, not the built-in of the same name
    x = np.array([0.5, -1.0])
    if kind == "VJP":
        np.testing.assert_allclose(ad.grad(lambda x: ad.sum(learner(x)))(x), [7.0, 7.0])
    else:
        np.testing.assert_allclose(ad.jvp(lambda x: ad.sum(learner(x)), x, np.ones(2))[1], 14.0)


def test_the_issue_s_example_leaves_the_built_in_exp_alone():
    ad.defvjp(ad.Primitive("exp", np.exp), 0, lambda g, ans, x: g)
    np.testing.assert_allclose(ad.grad(lambda x: ad.sum(ad.exp(x)))(np.zeros(3)), np.ones(3))
    np.testing.assert_allclose(ad.grad(lambda x: ad.sum(ad.exp(x)))(np.ones(2)), np.e * np.ones(2))


# Every way to hand back something the autodiff cannot follow, and what the message must name.
def forgot_return(x):
    ad.sum(x * x)


UNTRACED = {
    "None (no return)": (forgot_return, "returned None: did it forget `return`"),
    "a Python float": (lambda x: 3.0, "returned a float (3)"),
    "a Python int": (lambda x: 0, "returned a int (0)"),
    "a bool": (lambda x: True, "returned a bool"),
    "numpy on .value": (lambda x: np.sum(x.value ** 2), "returned a float64 (5)"),
    "a numpy 0-d array": (lambda x: np.array(2.0),
                          "returned an array of shape () and dtype float64 (2)"),
    "a fresh Node": (lambda x: ad.sum(ad.Node(np.ones(2)) * 2.0), "another trace"),
    "a list": (lambda x: [x], "returned a list"),
    "a string": (lambda x: "loss", "returned a str"),
    "the input's value": (lambda x: x.value, "returned an array of shape (2,)"),
}


@settings(max_examples=30, deadline=None)
@given(case=st.sampled_from(sorted(UNTRACED)), mode=st.sampled_from(["grad", "jvp"]))
def test_every_untraced_output_is_refused_naming_the_function_and_what_it_returned(case, mode):
    f, expected = UNTRACED[case]
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError) as error:
        ad.grad(f)(x) if mode == "grad" else ad.jvp(f, x, np.ones(2))
    message = str(error.value)
    assert f.__qualname__ in message and expected in message, message
    assert message.startswith(mode + ":")


def test_an_output_from_an_outer_trace_only_is_refused_inside():
    outer = ad.Node(np.ones(2), level=tracing.new_level())
    with pytest.raises(TypeError, match="another trace"):
        ad.grad(lambda x: ad.sum(outer))(np.ones(2))


def test_registration_refuses_non_primitives_and_bad_argnums():
    for bad in ["exp", None, np.exp]:
        with pytest.raises(TypeError, match="primitive must be a Primitive"):
            ad.defjvp(bad, 0, lambda t, ans, x: t)
    with pytest.raises(TypeError, match="argnum"):
        ad.defjvp(ad.exp, -1, lambda t, ans, x: t)
    with pytest.raises(TypeError, match="rule must be a function"):
        ad.defjvp(ad.Primitive("p", np.sin), 0, "t")
