"""A minimal compressed-sparse-row matrix with the two products logistic regression needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SparseRows:
    """Rows of a sparse matrix: ``indices``/``values`` of row ``i`` are ``indptr[i]:indptr[i+1]``."""

    indices: np.ndarray
    values: np.ndarray
    indptr: np.ndarray
    n_columns: int

    @property
    def n_rows(self) -> int:
        """How many rows the matrix has."""
        return len(self.indptr) - 1

    @classmethod
    def from_pairs(
        cls, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, n_rows: int, n_columns: int
    ) -> SparseRows:
        """Build from (row, column, value) triples; repeated cells are summed."""
        flat = rows.astype(np.int64) * n_columns + columns.astype(np.int64)
        cells, inverse = np.unique(flat, return_inverse=True)
        summed = np.bincount(inverse, weights=values, minlength=len(cells))
        counts = np.bincount(cells // n_columns, minlength=n_rows)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(cells % n_columns, summed, indptr, n_columns)

    @classmethod
    def stack(cls, parts: list[SparseRows], n_columns: int) -> SparseRows:
        """Rows of several matrices, one after the other."""
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(1, np.int64), n_columns)
        offsets = np.cumsum([0] + [len(p.indices) for p in parts[:-1]])
        indptr = np.concatenate([[0]] + [p.indptr[1:] + o for p, o in zip(parts, offsets, strict=True)])
        return cls(
            np.concatenate([p.indices for p in parts]),
            np.concatenate([p.values for p in parts]),
            indptr.astype(np.int64),
            n_columns,
        )

    def take(self, rows: np.ndarray) -> SparseRows:
        """The chosen rows, in the given order."""
        lengths = self.indptr[rows + 1] - self.indptr[rows]
        starts = np.repeat(self.indptr[rows] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        where = starts + np.arange(lengths.sum())
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return SparseRows(self.indices[where], self.values[where], indptr, self.n_columns)

    def row_of_entries(self) -> np.ndarray:
        """The row index of every stored entry."""
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``self @ weights`` for a dense (columns x k) ``weights``."""
        out = np.zeros((self.n_rows, weights.shape[1]))
        filled = np.flatnonzero(np.diff(self.indptr))
        if len(filled):
            products = weights[self.indices] * self.values[:, None]
            out[filled] = np.add.reduceat(products, self.indptr[filled], axis=0)
        return out

    def transposed(self) -> SparseRows:
        """The transpose, as rows of the columns."""
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.n_columns)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return SparseRows(self.row_of_entries()[order], self.values[order], indptr, self.n_rows)

    def cross(self, other_transposed: SparseRows) -> np.ndarray:
        """``self @ other.T`` as a dense (rows x other rows) array, given ``other.transposed()``;
        only pairs of entries sharing a column are multiplied."""
        n_other = other_transposed.n_columns
        lengths = np.diff(other_transposed.indptr)[self.indices]
        entry = np.repeat(np.arange(len(self.indices)), lengths)
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        where = other_transposed.indptr[self.indices][entry] + np.arange(lengths.sum()) - offsets[entry]
        weights = self.values[entry] * other_transposed.values[where]
        cells = self.row_of_entries()[entry] * n_other + other_transposed.indices[where]
        sums = np.bincount(cells, weights=weights, minlength=self.n_rows * n_other)
        return sums.reshape(self.n_rows, n_other)

    def normalised(self) -> SparseRows:
        """Each row scaled to unit length (empty rows stay empty)."""
        squares = np.bincount(self.row_of_entries(), weights=self.values**2, minlength=self.n_rows)
        norms = np.sqrt(squares)[self.row_of_entries()]
        return SparseRows(
            self.indices, self.values / np.where(norms > 0, norms, 1.0), self.indptr, self.n_columns
        )
