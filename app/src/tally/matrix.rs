//! A dense square matrix of `u64`, row-major: the shape of `d`, link strengths and `p`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matrix {
    n: usize,
    cells: Vec<u64>,
}

impl Matrix {
    pub fn zero(n: usize) -> Self {
        Self {
            n,
            cells: vec![0; n * n],
        }
    }

    /// `cells` row-major; its length must be `n * n`.
    pub fn from_cells(n: usize, cells: Vec<u64>) -> Self {
        debug_assert_eq!(cells.len(), n * n);
        Self { n, cells }
    }

    pub fn cells(&self) -> &[u64] {
        &self.cells
    }

    pub fn size(&self) -> usize {
        self.n
    }

    pub fn get(&self, row: usize, column: usize) -> u64 {
        self.cells[row * self.n + column]
    }

    pub fn set(&mut self, row: usize, column: usize, value: u64) {
        self.cells[row * self.n + column] = value;
    }

    pub fn row_mut(&mut self, row: usize) -> &mut [u64] {
        &mut self.cells[row * self.n..(row + 1) * self.n]
    }

    /// With `self` holding strongest paths: `a` beats `b` iff `p[a][b] > p[b][a]` (docs/tally.md "Outcome").
    pub fn beats(&self, a: usize, b: usize) -> bool {
        self.get(a, b) > self.get(b, a)
    }
}
