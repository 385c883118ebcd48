"""Sparse unit-by-lemma rows: a small typed face over SciPy's compressed-sparse-row arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class SparseRows:
    """Rows of a sparse matrix: ``indices``/``values`` of row ``i`` are ``indptr[i]:indptr[i+1]``
    (SciPy's CSR layout, kept as plain arrays so a model stores them without pickle)."""

    indices: np.ndarray
    values: np.ndarray
    indptr: np.ndarray
    n_columns: int

    @property
    def n_rows(self) -> int:
        """How many rows the matrix has."""
        return len(self.indptr) - 1

    @cached_property
    def matrix(self) -> sparse.csr_array:
        """The same rows as a SciPy CSR array (sharing the arrays)."""
        return sparse.csr_array((self.values, self.indices, self.indptr), shape=(self.n_rows, self.n_columns))

    @classmethod
    def of(cls, matrix: sparse.sparray | sparse.spmatrix) -> SparseRows:
        """Wrap any SciPy sparse matrix, duplicates summed and each row's columns sorted."""
        csr = sparse.csr_array(matrix)
        csr.sum_duplicates()
        n_columns = int(csr.shape[1])
        return cls(
            csr.indices.astype(np.int64), csr.data.astype(np.float64), csr.indptr.astype(np.int64), n_columns
        )

    @classmethod
    def from_pairs(
        cls, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, n_rows: int, n_columns: int
    ) -> SparseRows:
        """Build from (row, column, value) triples; repeated cells are summed."""
        cells = (
            np.asarray(values, dtype=np.float64),
            (np.asarray(rows, np.int64), np.asarray(columns, np.int64)),
        )
        return cls.of(sparse.coo_array(cells, shape=(n_rows, n_columns)))

    @classmethod
    def stack(cls, parts: list[SparseRows], n_columns: int) -> SparseRows:
        """Rows of several matrices, one after the other."""
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(1, np.int64), n_columns)
        return cls.of(sparse.vstack([p.matrix for p in parts], format="csr"))

    def take(self, rows: np.ndarray) -> SparseRows:
        """The chosen rows, in the given order."""
        if not len(rows):
            return SparseRows(np.zeros(0, np.int64), np.zeros(0), np.zeros(1, np.int64), self.n_columns)
        return SparseRows.of(self.matrix[np.asarray(rows, dtype=np.int64)])

    def row_of_entries(self) -> np.ndarray:
        """The row index of every stored entry."""
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``self @ weights`` for a dense (columns x k) ``weights``."""
        return np.asarray(self.matrix @ weights, dtype=np.float64)

    def transposed(self) -> SparseRows:
        """The transpose, as rows of the columns."""
        return SparseRows.of(self.matrix.T)

    def cross(self, other_transposed: SparseRows) -> np.ndarray:
        """``self @ other.T`` as a dense (rows x other rows) array, given ``other.transposed()``."""
        return np.asarray((self.matrix @ other_transposed.matrix).toarray(), dtype=np.float64)

    def normalised(self) -> SparseRows:
        """Each row scaled to unit length (empty rows stay empty), as ``sklearn.preprocessing.normalize``
        does (not imported here: scikit-learn takes seconds to import, and scoring must start fast)."""
        squares = np.bincount(self.row_of_entries(), weights=self.values**2, minlength=self.n_rows)
        norms = np.sqrt(squares)[self.row_of_entries()]
        return SparseRows(
            self.indices, self.values / np.where(norms > 0, norms, 1.0), self.indptr, self.n_columns
        )
