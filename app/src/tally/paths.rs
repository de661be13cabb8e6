//! Strongest (widest) paths (docs/tally.md "Strongest paths") and a witness path for explanations.

use std::collections::VecDeque;

use super::matrix::Matrix;

/// Widest-path Floyd–Warshall over the link strengths, with the intermediate option `k` as the
/// outermost loop, exactly as docs/tally.md "Strongest paths" writes it.
///
/// The loop only compares strengths (`min`, `max`), so it runs on each strength's rank among the
/// distinct link strengths instead, and maps the ranks back at the end: same result, but `i16`
/// lanes that SSE2 and wasm `simd128` compare eight at a time. With at most 256 candidates there
/// are at most 256·255/2 links, so the ranks fit in an `i16`.
pub(crate) fn strongest(links: &Matrix) -> Matrix {
    let mut levels: Vec<u64> = links.cells().iter().copied().filter(|&s| s > 0).collect();
    levels.sort_unstable();
    levels.dedup();
    // Rank 0 is "no link"; rank r > 0 is `levels[r - 1]`.
    let rank = |strength: u64| match levels.binary_search(&strength) {
        Ok(index) => index as i16 + 1,
        Err(_) => 0,
    };
    let mut widths: Vec<i16> = links.cells().iter().map(|&s| rank(s)).collect();
    widest_paths(&mut widths, links.size());
    Matrix::from_cells(
        links.size(),
        widths
            .into_iter()
            .map(|r| if r > 0 { levels[r as usize - 1] } else { 0 })
            .collect(),
    )
}

fn widest_paths(widths: &mut [i16], n: usize) {
    let mut through_k = vec![0; n];
    for k in 0..n {
        // Row `k` does not change while `k` is the intermediate: `p[k][j]` could only improve
        // through `p[k][k]`, which the rules exclude. Copying it lets row `i` be updated in place.
        through_k.copy_from_slice(&widths[k * n..(k + 1) * n]);
        for i in (0..n).filter(|&i| i != k) {
            let row = &mut widths[i * n..(i + 1) * n];
            let to_k = row[k];
            if to_k == 0 {
                continue; // min(0, _) = 0 improves nothing.
            }
            // The rules skip j == i and j == k. The diagonal stays 0, so j == k is a no-op
            // (min(p[i][k], 0) never exceeds p[i][k]), and skipping only j == i leaves two
            // straight runs that vectorise.
            let (before, rest) = row.split_at_mut(i);
            relax(before, &through_k[..i], to_k);
            relax(&mut rest[1..], &through_k[i + 1..], to_k);
        }
    }
}

fn relax(row: &mut [i16], through_k: &[i16], to_k: i16) {
    for (path, &onward) in row.iter_mut().zip(through_k) {
        *path = (*path).max(to_k.min(onward));
    }
}

/// A path `from → … → to` whose weakest link is as strong as the strongest path `p[from][to]`,
/// with as few links as possible (ties: lowest candidate index first). `None` when there is no
/// path (`p[from][to] == 0`).
pub(crate) fn witness(
    links: &Matrix,
    paths: &Matrix,
    from: usize,
    to: usize,
) -> Option<Vec<usize>> {
    let width = paths.get(from, to);
    if width == 0 {
        return None;
    }
    // Breadth-first search over the links at least as strong as the path.
    let mut previous: Vec<Option<usize>> = vec![None; links.size()];
    let mut queue = VecDeque::from([from]);
    while let Some(at) = queue.pop_front() {
        for (next, reached_from) in previous.iter_mut().enumerate() {
            if next != from && reached_from.is_none() && links.get(at, next) >= width {
                *reached_from = Some(at);
                queue.push_back(next);
            }
        }
    }
    let mut path = vec![to];
    while let Some(&last) = path.last().filter(|&&last| last != from) {
        path.push(previous[last]?);
    }
    path.reverse();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: &[&[u64]]) -> Matrix {
        let mut m = Matrix::zero(rows.len());
        for (i, row) in rows.iter().enumerate() {
            for (j, &value) in row.iter().enumerate() {
                m.set(i, j, value);
            }
        }
        m
    }

    #[test]
    fn a_path_is_as_strong_as_its_weakest_link() {
        // 0 →(5) 1 →(3) 2, and a weaker direct link 0 →(2) 2.
        let links = matrix(&[&[0, 5, 2], &[0, 0, 3], &[0, 0, 0]]);
        let paths = strongest(&links);
        assert_eq!(paths.get(0, 2), 3);
        assert_eq!(witness(&links, &paths, 0, 2), Some(vec![0, 1, 2]));
    }

    #[test]
    fn without_a_path_there_is_no_witness() {
        let links = matrix(&[&[0, 5], &[0, 0]]);
        let paths = strongest(&links);
        assert_eq!(witness(&links, &paths, 1, 0), None);
    }
}
