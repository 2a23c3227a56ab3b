"""Reference solutions of the exercises, for a learner who asks: `utils.checks.solution(name)`.

Each is the plain code a learner would write; the checkers use them to compute the expected
answer, so a reference that is wrong fails the tests in tests/test_checks*.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (the solutions below use it)

from . import autodiff as ad

# name -> function; each section registers its references at its end.
REFERENCES: dict = {}

# --- solutions, in the order of the notebooks that use them ------------------------------------


# === 00 Start here ===

def warmup_shape(A_shape, B_shape):
    # A Jacobian's shape is output.shape + input.shape; C = A @ B has shape (A rows, B columns).
    C_shape = (A_shape[0], B_shape[1])
    return C_shape + tuple(A_shape)


# The warm-up asks for a tuple, so its printed solution is the line a learner writes.
REFERENCES["00-warmup-shape"] = (
    "answer = (2, 4, 2, 3)  # dC/dA: C.shape (2, 4) followed by A.shape (2, 3)")


# === 01 Jacobians ===
def jacobian_of_g(x):
    """The Jacobian of g(x) = (x0·x1 + x2², sin(x0) + 3·x1): 2 outputs × 3 inputs."""
    return np.array([[x[1], x[0], 2 * x[2]],        # row 0: the gradient of output 0
                     [np.cos(x[0]), 3.0, 0.0]])     # row 1: the gradient of output 1


def softmax_jacobian(z):
    """ds_i/dz_j = s_i (δ_ij - s_j), i.e. diag(s) - s sᵀ."""
    s = np.exp(z - np.max(z))  # shifting z does not change softmax, and avoids overflow
    s = s / s.sum()
    return np.diag(s) - np.outer(s, s)


def central_difference(f, x, h):
    """f'(x) ≈ (f(x + h) - f(x - h)) / 2h; a good step for x near 1: good_step = 1e-5.

    The error is about h²/6·|f'''| (truncation) + eps·|f|/h (round-off), smallest near
    h = eps**(1/3) ≈ 6e-6; steps from about 3e-7 to 3e-5 keep it below 1e-9.
    """
    return (f(x + h) - f(x - h)) / (2 * h)


REFERENCES["01-jacobian-shape"] = jacobian_of_g
REFERENCES["01-softmax-jacobian"] = softmax_jacobian
REFERENCES["01-central-difference"] = central_difference


# === 02 Chain rule ===
def chain_jacobian(steps, jacobians, x):
    """J^F(x) for F = f_3 ∘ f_2 ∘ f_1: each step's Jacobian at the point that step sees,
    the step applied last on the left."""
    product = None
    for step, jacobian in zip(steps, jacobians, strict=True):
        J_t = jacobian(x)                   # taken where step t is applied
        product = J_t if product is None else J_t @ product
        x = step(x)                         # the point the next step sees
    return product


def chain_vjp(u, jacobians):
    """u · J_D ··· J_2 · J_1 for jacobians = [J_1, ..., J_D]: one row-vector product per step."""
    for jacobian in reversed(jacobians):  # start at the loss side
        u = u @ jacobian                  # (n_t,) @ (n_t, n_{t-1}) -> (n_{t-1},)
    return u


REFERENCES["02-chain-jacobian"] = chain_jacobian
REFERENCES["02-chain-vjp"] = chain_vjp


# === 03 Matrix by matrix ===
def dC_dA_by_loops(A, B):
    """dC/dA of C = A @ B, shape (m, p, m, n): dc_ij/da_kl = delta_ik * b_lj, with loops."""
    m, n = A.shape
    p = B.shape[1]
    dC_dA = np.zeros((m, p, m, n))
    for i in range(m):
        for j in range(p):
            for l in range(n):  # k = i is the only row of block (i, j) that is not zero
                dC_dA[i, j, i, l] = B[l, j]
    return dC_dA


def dC_dB_by_rule(A, B):
    """dC/dB of C = A @ B, shape (m, p, n, p): dc_ij/db_kl = a_ik * delta_jl."""
    p = B.shape[1]
    return np.einsum("ik,jl->ijkl", A, np.eye(p))


def tensor_bytes(m, n, p):
    """Bytes of dC/dA in float64 (8 bytes an entry): one entry per (i, j, k, l)."""
    return m * p * m * n * 8


def batch_jacobian(X, W):
    """Jacobian of H = tanh(X @ W.T), W (p, n), row by row: shape (N, p, N, n); only blocks
    (r, :, r, :)."""
    H = np.tanh(X @ W.T)
    N, n = X.shape
    J = np.zeros((N, W.shape[0], N, n))
    for r in range(N):  # row r of H depends on row r of X only: the other blocks stay zero
        J[r, :, r, :] = (1 - H[r] ** 2)[:, None] * W  # diag(1 - H_r²) · W, (p, n)
    return J


REFERENCES["03-dC-dA"] = dC_dA_by_loops
REFERENCES["03-dC-dB"] = dC_dB_by_rule
REFERENCES["03-tensor-bytes"] = tensor_bytes
REFERENCES["03-batch-jacobian"] = batch_jacobian


# === 04 The efficient VJP ===
def lecture_grad_A(dL_dC, A, B):
    """dL/dA for C = A @ B: dL/da_kl = sum_j dL/dc_kj b_lj, so dL/dC @ B.T, (m, p) @ (p, n)."""
    return dL_dC @ B.T


def sandwich_grad(dL_dC, A, B):
    """dL/dA for C = A @ B @ A.T: A is used twice, so the two products' VJPs add up."""
    as_left_factor = dL_dC @ (B @ A.T).T       # C = A M with M = B Aᵀ: G Mᵀ = G A Bᵀ
    as_right_factor = dL_dC.T @ (A @ B)        # C = K Aᵀ with K = A B: (Kᵀ G)ᵀ = Gᵀ K
    return as_left_factor + as_right_factor


def grad_A(dL_dC, A, B):
    """dL/dA for C = A.T @ B: dL/da_kl = sum_j b_kj dL/dc_lj, so B @ dL/dC.T, (n, p) @ (p, m)."""
    return B @ dL_dC.T


def grad_B(dL_dC, A, B):
    """dL/dB for C = A.T @ B: dL/db_kl = sum_i a_ki dL/dc_il, so A @ dL/dC, (n, m) @ (m, p)."""
    return A @ dL_dC


def chain_rule(dL_dC, dC_dA):
    """dL/dA = sum over C's entries c_ij of dL/dc_ij * dc_ij/dA: contract C's axes, the first."""
    return np.tensordot(dL_dC, dC_dA, axes=dL_dC.ndim)


REFERENCES["04-lecture-grad-A"] = lecture_grad_A
REFERENCES["04-grad-A"] = grad_A
REFERENCES["04-grad-B"] = grad_B
REFERENCES["04-chain-rule"] = chain_rule
REFERENCES["04-challenge-ABAT"] = sandwich_grad


# === 04a The derivative as a linear map ===

def d_inverse(A, dA):
    """d(A⁻¹) = -A⁻¹ dA A⁻¹: differentiate A A⁻¹ = I, dA A⁻¹ + A d(A⁻¹) = 0, solve for d(A⁻¹)."""
    A_inv = np.linalg.inv(A)
    return -A_inv @ dA @ A_inv


def middle_factor_grad(dL_dC, A, M, B):
    """dL/dM for C = A M B: dL = ⟨G, A dM B⟩ = ⟨Aᵀ G Bᵀ, dM⟩, so Aᵀ G Bᵀ, shaped like M."""
    return A.T @ dL_dC @ B.T


def inverse_vjp(dL_dC, A):
    """dL/dA for C = A⁻¹: dL = ⟨G, -A⁻¹ dA A⁻¹⟩ = ⟨-A⁻ᵀ G A⁻ᵀ, dA⟩."""
    A_inv_T = np.linalg.inv(A).T
    return -A_inv_T @ dL_dC @ A_inv_T


def kron_jacobian(A, B):
    """d vec(C) / d vec(B) for C = A @ B = A B I_p, row-major vec: A ⊗ I_p, shape (m·p, n·p)."""
    return np.kron(A, np.eye(B.shape[1]))


REFERENCES["04a-inverse-differential"] = d_inverse
REFERENCES["04a-trace-trick"] = middle_factor_grad
REFERENCES["04a-inverse-vjp"] = inverse_vjp
REFERENCES["04a-kron-jacobian"] = kron_jacobian


# === 05 The backward pass ===

def kernel_backward(x, kernel, b, grad_output):
    """dL/dx, dL/dkernel, dL/db for y = x @ kernel + b, the kernel = Wᵀ stored (n_in, n_out) as
    in Keras and Flax: notebook 04's rule with the kernel as the right factor B."""
    dL_dx = grad_output @ kernel.T       # (batch, n_out) @ (n_out, n_in) -> (batch, n_in)
    dL_dkernel = x.T @ grad_output       # (n_in, batch) @ (batch, n_out) -> (n_in, n_out)
    dL_db = grad_output.sum(axis=0)      # b was added to every row, so sum over the batch
    return dL_dx, dL_dkernel, dL_db


def dense_relu_backward(x, W, b, grad_output):
    """dL/dx for y = relu(x @ W.T + b), W (n_out, n_in): mask by the pre-activation, then the
    matmul VJP."""
    a = x @ W.T + b                      # the ReLU's input, (batch, n_out)
    dL_da = grad_output * (a > 0)        # relu'(a) is the mask of its INPUT a
    return dL_da @ W                     # G |--> G @ W, (batch, n_out) @ (n_out, n_in)


def gram_vjp(A, grad_output):
    """dL/dA for C = A @ A.T: A is used twice (left factor and, transposed, right factor)."""
    through_left = grad_output @ A       # C = A B with B = A.T: G |--> G @ B.T = G @ A
    through_right = grad_output.T @ A    # dL/dB = A.T @ G, and B = A.T sends back its transpose
    return through_left + through_right  # = (G + G.T) @ A


def sin_vjp(g, ans, x):
    """The VJP rule of sin: G |--> G * cos(x), elementwise (sin acts entry by entry)."""
    return g * np.cos(x)


def mse_grad(P, Y):
    """dL/dP for L = (1/N) Σ_r ½‖P_r - Y_r‖², P and Y (N, n_out): row r gives (P_r - Y_r) / N."""
    return (P - Y) / len(P)


def logsumexp_vjp(g, ans, x):
    """VJP of ans = log Σ_j exp(x_ij) per row, x (N, classes), g (N,): g[:, None] * softmax."""
    return g[:, None] * np.exp(x - ans[:, None])  # exp(x_ij - ans_i) is row i's softmax


REFERENCES["05-dense-backward"] = kernel_backward
REFERENCES["05-relu-backward"] = dense_relu_backward
REFERENCES["05-used-twice"] = gram_vjp
REFERENCES["05-sin-rule"] = sin_vjp
REFERENCES["05-mean-loss-grad"] = mse_grad
REFERENCES["05-challenge-logsumexp"] = logsumexp_vjp


# === 05a A whole backward pass by hand ===

def backward_by_hand(c):
    """dL/d(every line) of utils.by_hand.forward, the loss side first; c holds every line."""
    from types import SimpleNamespace
    d = SimpleNamespace()
    d.logS = -c.Y / c.N                                  # L = -(1/N) Σ Y * logS
    d.Z = d.logS - c.S * d.logS.sum(axis=1, keepdims=True)   # = (S - Y) / N
    d.W2 = d.Z.T @ c.H                                   # G |--> Gᵀ H, W2's shape (n_out, n_hidden)
    d.b2 = d.Z.sum(axis=0)                               # b2 was added to every row
    d.H = d.Z @ c.W2                                     # G |--> G W2
    d.H_bn = d.H * (1 - c.H ** 2)                        # tanh' = 1 - tanh², from the output
    d.gamma = (d.H_bn * c.Hn).sum(axis=0)                # gamma scales every row
    d.beta = d.H_bn.sum(axis=0)
    d.Hn = d.H_bn * c.gamma
    d.inv_std = (d.Hn * c.Hc).sum(axis=0)               # inv_std multiplies every row
    d.var = -0.5 * (c.var + c.eps) ** -1.5 * d.inv_std  # inv_std = (var + eps)^(-1/2)
    d.Hc = d.Hn * c.inv_std + 2 * c.Hc / c.N * d.var     # Hc is used twice: in Hn and var
    d.mu = -d.Hc.sum(axis=0)                             # Hc = H_pre - mu, mu in every row
    d.H_pre = d.Hc + d.mu / c.N                          # H_pre is used twice: in Hc, mu
    d.W1 = d.H_pre.T @ c.X                               # G |--> Gᵀ X, W1's shape
    d.b1 = d.H_pre.sum(axis=0)                           # ~0: the mean cancels b1
    return d


REFERENCES["05a-backward-by-hand"] = backward_by_hand


# === 06 Jacobians through time ===

def my_jacobian_through_time(W, hs, t):
    """dh_T/dh_t for h_s = tanh(W h_{s-1} + U x_s), from the states hs = [h_0, ..., h_T]."""
    T = len(hs) - 1
    product = np.eye(len(W))
    for step in range(t + 1, T + 1):
        J_step = np.diag(1 - hs[step] ** 2) @ W    # dh_step/dh_{step-1}
        product = J_step @ product                 # a later step multiplies on the left
    return product


def my_clip_by_norm(gradient, max_norm):
    """Shrink gradient to length max_norm if it is longer, keeping its direction."""
    norm = np.linalg.norm(gradient)
    if norm > max_norm:
        return gradient * (max_norm / norm)
    return gradient


REFERENCES["06-jacobian-through-time"] = my_jacobian_through_time
REFERENCES["06-clip-by-norm"] = my_clip_by_norm


# === 07 Second order ===

def network_hvp(loss, W1, v):
    """∇²L v, the Hessian-vector product of loss at W1, never forming ∇²L: the JVP of the
    gradient along v."""
    return ad.jvp(ad.grad(loss), W1, v)[1]   # forward-over-reverse: about 3 gradients' cost


REFERENCES["07-network-hvp"] = network_hvp
