#!/usr/bin/python3
"""Reference optima for docs/tutorials/forward-vs-reverse-kl.md, found independently of tmkit's
program: p = 0.5 N(-1, 0.5^2) + 0.5 N(2, (sqrt 0.5)^2), q = N(mu, sigma^2).

- forward KL(p || q): its minimum is moment matching, mu = E_p[x] = 0.5, sigma^2 = Var_p[x] = 2.625
  (in closed form; checked by minimising too);
- reverse KL(q || p): every local minimum of a fine grid (mu from -3 to 4 by 0.005, sigma from 0.1
  to 4 on 600 log-spaced points; E_q[log p] by 200-point Gauss-Hermite quadrature), each refined by
  Nelder-Mead on scipy.integrate.quad's integrals to 1e-11 in mu and log sigma.

Writes kl_directions/optima.txt: one line per optimum, "direction mu sigma kl" (%.12g).
Tool versions (Debian 12): python3-scipy 1.10.1, python3-numpy 1.24.2.
Usage: tests/reference/generate_kl_directions.py   (from anywhere)
"""
import os
import warnings

import numpy as np
from scipy import integrate, optimize

HERE = os.path.dirname(os.path.abspath(__file__))
W, M, S = np.array([0.5, 0.5]), np.array([-1.0, 2.0]), np.array([0.5, np.sqrt(0.5)])


def log_p(x):
    x = np.asarray(x, dtype=float)[..., None]
    terms = np.log(W) - 0.5 * np.log(2 * np.pi * S**2) - (x - M) ** 2 / (2 * S**2)
    top = terms.max(axis=-1)
    return top + np.log(np.exp(terms - top[..., None]).sum(axis=-1))


def log_q(x, mu, sigma):
    return -0.5 * np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)


def reverse_kl_quad(mu, sigma):
    f = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi) * log_p(mu + sigma * z)
    e_log_p = integrate.quad(f, -12, 12, epsabs=1e-14, epsrel=1e-14, limit=200)[0]
    return -0.5 * (1 + np.log(2 * np.pi)) - np.log(sigma) - e_log_p


def forward_kl_quad(mu, sigma):
    total = 0.0
    for w, m, s in zip(W, M, S):
        f = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi) * (log_p(m + s * z) - log_q(m + s * z, mu, sigma))
        total += w * integrate.quad(f, -12, 12, epsabs=1e-14, epsrel=1e-14, limit=200)[0]
    return total


def refine(kl, mu, sigma):
    res = optimize.minimize(lambda v: kl(v[0], np.exp(v[1])), [mu, np.log(sigma)], method="Nelder-Mead",
                            options={"xatol": 1e-11, "fatol": 1e-15, "maxiter": 20000, "maxfev": 40000})
    return res.x[0], np.exp(res.x[1]), res.fun


def main():
    warnings.simplefilter("ignore", integrate.IntegrationWarning)  # roundoff at 1e-14: harmless
    out = []
    # Forward: moment matching, confirmed by minimising.
    mean = (W * M).sum()
    var = (W * (S**2 + M**2)).sum() - mean**2
    mu, sigma, kl = refine(forward_kl_quad, 0.0, 1.0)
    assert abs(mu - mean) < 1e-8 and abs(sigma - np.sqrt(var)) < 1e-8, (mu, sigma, mean, var)
    out.append(("forward", mean, np.sqrt(var), forward_kl_quad(mean, np.sqrt(var))))
    # Reverse: the grid's local minima, refined.
    z, w = np.polynomial.hermite.hermgauss(200)  # integral of e^{-t^2} f(t)
    mus = np.arange(-3.0, 4.0 + 1e-9, 0.005)
    sigmas = np.exp(np.linspace(np.log(0.1), np.log(4.0), 600))
    grid = np.empty((mus.size, sigmas.size))
    for j, s in enumerate(sigmas):
        x = mus[:, None] + s * np.sqrt(2.0) * z[None, :]
        e_log_p = (log_p(x) * w[None, :]).sum(axis=1) / np.sqrt(np.pi)
        grid[:, j] = -0.5 * (1 + np.log(2 * np.pi)) - np.log(s) - e_log_p
    inner = grid[1:-1, 1:-1]
    is_min = np.ones_like(inner, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= inner < grid[1 + di:grid.shape[0] - 1 + di, 1 + dj:grid.shape[1] - 1 + dj]
    found = []
    for i, j in zip(*np.nonzero(is_min)):
        mu, sigma, kl = refine(reverse_kl_quad, mus[i + 1], sigmas[j + 1])
        if all(abs(mu - f[0]) > 1e-6 or abs(sigma - f[1]) > 1e-6 for f in found):
            found.append((mu, sigma, kl))
    for mu, sigma, kl in sorted(found):
        out.append(("reverse", mu, sigma, kl))
    os.makedirs(os.path.join(HERE, "kl_directions"), exist_ok=True)
    with open(os.path.join(HERE, "kl_directions", "optima.txt"), "w") as f:
        for direction, mu, sigma, kl in out:
            f.write(f"{direction} {mu:.12g} {sigma:.12g} {kl:.12g}\n")
    print(open(os.path.join(HERE, "kl_directions", "optima.txt")).read())


if __name__ == "__main__":
    main()
