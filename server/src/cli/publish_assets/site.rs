//! The files to publish: everything under the built site's pkg folder, each with the headers it is
//! served with.

use std::{fs, path::Path};

use sha2::{Digest, Sha256};

use super::PublishError;

/// For names that change whenever their content does: a browser or CDN may keep them for a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else (wasm-bindgen snippets, an unhashed development build): such a name can
/// hold new content after the next deploy, so caches must look again soon.
pub const SHORT_LIVED: &str = "public, max-age=60";

/// One file of the pkg folder, read into memory: the largest, the WASM, is a few hundred KB.
#[derive(Debug)]
pub struct Asset {
    /// Path below the pkg folder, with `/` separators: the tail of the S3 key and of the URL.
    pub path: String,
    pub body: Vec<u8>,
    /// Hex SHA-256 of `body`, stored as object metadata to recognise unchanged objects.
    pub sha256: String,
    pub content_type: &'static str,
    pub cache_control: &'static str,
}

impl Asset {
    fn new(path: String, body: Vec<u8>) -> Self {
        let file_name = path.rsplit('/').next().unwrap_or(&path);
        let cache_control = if is_hashed(file_name) {
            IMMUTABLE
        } else {
            SHORT_LIVED
        };
        Self {
            content_type: content_type(&path),
            cache_control,
            sha256: format!("{:x}", Sha256::digest(&body)),
            path,
            body,
        }
    }
}

/// Every file below `pkg_dir`, in path order (so progress output is stable).
pub fn read_pkg_dir(pkg_dir: &Path) -> Result<Vec<Asset>, PublishError> {
    if !pkg_dir.is_dir() {
        return Err(PublishError::NoPkgDir(pkg_dir.to_owned()));
    }
    let mut assets = Vec::new();
    collect(pkg_dir, "", &mut assets)?;
    if assets.is_empty() {
        return Err(PublishError::NothingToPublish(pkg_dir.to_owned()));
    }
    assets.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(assets)
}

fn collect(dir: &Path, prefix: &str, assets: &mut Vec<Asset>) -> Result<(), PublishError> {
    for entry in fs::read_dir(dir).map_err(|error| read_error(dir, error))? {
        let entry = entry.map_err(|error| read_error(dir, error))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(PublishError::NonUtf8Name(path));
        };
        let relative = format!("{prefix}{name}");
        // `metadata` follows symbolic links, so a linked file is published like a copy.
        let metadata = fs::metadata(&path).map_err(|error| read_error(&path, error))?;
        if metadata.is_dir() {
            collect(&path, &format!("{relative}/"), assets)?;
        } else {
            let body = fs::read(&path).map_err(|error| read_error(&path, error))?;
            assets.push(Asset::new(relative, body));
        }
    }
    Ok(())
}

fn read_error(path: &Path, error: std::io::Error) -> PublishError {
    PublishError::Read {
        path: path.to_owned(),
        error,
    }
}

/// Whether a file name carries cargo-leptos' content hash, e.g. `mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.wasm`.
///
/// cargo-leptos (`hash-files = true`) renames each output to `<stem>.<hash>.<ext>`, the hash being
/// the unpadded base64url MD5 of the content: exactly 22 characters of `A-Za-z0-9-_`. The name is
/// recognised by that shape rather than by `hash.txt`, which lies beside the server binary, not in
/// the site (`target/release/hash.txt` locally, `/app/hash.txt` in the image). wasm-bindgen's
/// `snippets/` keep their names across builds and so stay short-lived.
pub fn is_hashed(file_name: &str) -> bool {
    let segments: Vec<&str> = file_name.split('.').collect();
    segments.len() >= 3
        && segments[1..segments.len() - 1].iter().any(|segment| {
            segment.len() == 22
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The Content-Type browsers need: JS modules must be JavaScript, WASM should be `application/wasm`
/// for streaming compilation (docs/toolchain.md, "Serving JS/WASM/CSS from a CDN origin").
fn content_type(path: &str) -> &'static str {
    // wasm-bindgen's TypeScript declarations (`mealvote.d.<hash>.ts`), for editors, never loaded
    // by browsers; mime_guess would call them MPEG transport streams.
    if path.ends_with(".ts") {
        return "application/typescript";
    }
    mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_leptos_hashed_names_are_recognised() {
        for name in [
            "mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.js",
            "mealvote.ab-_CDefgh0123456789xy.wasm",
            "mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.css",
            "__wasm_split.6Jtg3C2xvQ3bXeRDWLbrTw.js",
            "mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.wasm.br",
        ] {
            assert!(is_hashed(name), "{name}");
        }
    }

    #[test]
    fn names_without_a_22_character_hash_segment_are_not_hashed() {
        for name in [
            "mealvote.js",
            "mealvote_bg.wasm",
            "inline0.js",
            // One character short, one too many, a character outside base64url.
            "mealvote.6Jtg3C2xvQ3bXeRDWLbrT.js",
            "mealvote.6Jtg3C2xvQ3bXeRDWLbrTwX.js",
            "mealvote.6Jtg3C2xvQ3bXeRDWLbr+w.js",
            // The hash must sit between the stem and the extension.
            "6Jtg3C2xvQ3bXeRDWLbrTw.js",
            "mealvote.6Jtg3C2xvQ3bXeRDWLbrTw",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }

    #[test]
    fn each_kind_of_file_gets_the_type_browsers_expect() {
        assert_eq!(content_type("mealvote.x.wasm"), "application/wasm");
        assert_eq!(content_type("mealvote.x.js"), "text/javascript");
        assert_eq!(content_type("mealvote.x.css"), "text/css");
        assert_eq!(content_type("icons/vote.svg"), "image/svg+xml");
        assert_eq!(content_type("mealvote.d.x.ts"), "application/typescript");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn hashed_files_are_immutable_and_others_short_lived() {
        let hashed = Asset::new("mealvote.6Jtg3C2xvQ3bXeRDWLbrTw.js".into(), b"x".to_vec());
        assert_eq!(hashed.cache_control, IMMUTABLE);
        // A snippet folder's name is not a content hash of the file inside it.
        let snippet = Asset::new("snippets/app-0123456789abcdef/inline0.js".into(), vec![]);
        assert_eq!(snippet.cache_control, SHORT_LIVED);
        assert_eq!(
            hashed.sha256,
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
        );
    }

    #[test]
    fn the_pkg_dir_is_read_recursively_in_path_order() {
        let dir = tempfile::tempdir().expect("temporary directory");
        fs::create_dir_all(dir.path().join("snippets/app-1")).unwrap();
        fs::write(dir.path().join("snippets/app-1/inline0.js"), "export {}").unwrap();
        fs::write(dir.path().join("b.css"), "body{}").unwrap();
        fs::write(dir.path().join("a.js"), "").unwrap();
        let assets = read_pkg_dir(dir.path()).expect("readable");
        let paths: Vec<&str> = assets.iter().map(|asset| asset.path.as_str()).collect();
        assert_eq!(paths, ["a.js", "b.css", "snippets/app-1/inline0.js"]);
        assert_eq!(assets[1].body, b"body{}");
    }

    #[test]
    fn a_missing_or_empty_pkg_dir_is_an_error() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let missing = dir.path().join("pkg");
        assert!(matches!(
            read_pkg_dir(&missing),
            Err(PublishError::NoPkgDir(path)) if path == missing
        ));
        fs::create_dir(&missing).unwrap();
        assert!(matches!(
            read_pkg_dir(&missing),
            Err(PublishError::NothingToPublish(_))
        ));
    }
}
