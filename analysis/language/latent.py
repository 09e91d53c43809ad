"""The latent semantic space of a story x term matrix: its exact truncated SVD.

Latent semantic analysis (Deerwester et al. 1990, *Indexing by latent semantic analysis*,
JASIS 41: 391-407) represents each story by ``U_d S_d``, its coordinates on the ``d`` largest
singular vectors of the TF-IDF matrix ``X`` (what scikit-learn's ``TruncatedSVD.fit_transform``
returns). Here they are computed exactly from the eigenvectors of the smaller Gram matrix,
``X Xᵀ = U S² Uᵀ`` (stories x stories) or ``Xᵀ X = V S² Vᵀ`` (terms x terms, then ``X V``):
densely (``numpy.linalg.eigh``) when it has at most :data:`DENSE_GRAM` rows, else by ARPACK's
implicitly restarted Lanczos method (Lehoucq, Sorensen & Yang 1998, *ARPACK Users' Guide*,
SIAM; ``scipy.sparse.linalg.eigsh``), which needs only products with ``X`` and ``Xᵀ``: its
workspace grows with the smaller side, not the vocabulary. A randomized SVD (Halko, Martinsson
& Tropp 2011) holds arrays of the larger side x (``d`` + 10) and approximates the trailing
singular values (up to 6 % off at 25,000 AllSides stories; see
:mod:`analysis.language.clusters` for what it changed in the clusters).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["DENSE_GRAM", "latent_vectors", "total_variance"]

#: Gram matrices (stories x stories, or terms x terms when there are fewer terms) of at most
#: this many rows are decomposed densely (``numpy.linalg.eigh``: 32 MB at 2,000 rows); larger
#: ones by Lanczos iteration (:func:`latent_vectors`).
DENSE_GRAM = 2_000


def latent_vectors(x: sp.spmatrix, dims: int, seed: int) -> np.ndarray:
    """``U_d S_d`` of the truncated SVD of ``x`` (rows: the rows of ``x``; columns: the ``dims``
    largest singular values, descending), each column's sign fixed so that its largest entry in
    absolute value is positive.

    Eigenvectors of the smaller Gram matrix: ``X Xᵀ = U S² Uᵀ`` gives ``U S`` directly,
    ``Xᵀ X = V S² Vᵀ`` gives it as ``X V``. Neither is formed when large: ARPACK's Lanczos
    iteration (start vector drawn with ``seed``) needs only products with ``x`` and ``xᵀ``.
    ``dims`` must be below both sides of ``x``.
    """
    from scipy.sparse.linalg import LinearOperator, eigsh

    x = sp.csr_matrix(x, dtype=np.float64)
    xt = x.T.tocsr()
    rows_side = x.shape[0] <= x.shape[1]
    a, b = (x, xt) if rows_side else (xt, x)  # the Gram matrix is a @ b
    size = a.shape[0]
    if size <= DENSE_GRAM:
        values, vectors = np.linalg.eigh((a @ b).toarray())
    else:
        gram = LinearOperator((size, size), matvec=lambda v: a @ (b @ v), dtype=np.float64)
        start = np.random.RandomState(seed).uniform(-1, 1, size)
        values, vectors = eigsh(gram, k=dims, v0=start)
    order = np.argsort(values)[::-1][:dims]
    vectors = vectors[:, order]
    if rows_side:
        latent = vectors * np.sqrt(np.clip(values[order], 0, None))
    else:
        latent = np.asarray(x @ vectors)
    signs = np.sign(latent[np.argmax(np.abs(latent), axis=0), np.arange(latent.shape[1])])
    return latent * np.where(signs == 0, 1.0, signs)


def total_variance(x: sp.spmatrix) -> float:
    """The sum of the column variances of ``x`` (the denominator of the explained variance)."""
    n = x.shape[0]
    means = np.asarray(x.sum(axis=0)).ravel() / n
    squares = float(x.multiply(x).sum()) / n
    return squares - float(means @ means)
