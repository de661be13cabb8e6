//! Reading values out of the Prometheus text format.

/// The value of the series `name` whose labels are exactly `labels` (in any order), if present.
pub fn value(exposition: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    exposition.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (series_name, series_labels) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.strip_suffix('}')?),
            None => (series, ""),
        };
        if series_name != name || !same_labels(series_labels, labels) {
            return None;
        }
        value.parse().ok()
    })
}

fn same_labels(rendered: &str, expected: &[(&str, &str)]) -> bool {
    let mut found: Vec<(&str, &str)> = rendered
        .split(',')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key, value.trim_matches('"')))
        })
        .collect();
    let mut expected = expected.to_vec();
    found.sort_unstable();
    expected.sort_unstable();
    found == expected
}
