//! SS501 image-tag-pinned.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Images must be pinned to a version.
    ///
    /// ## What it checks
    ///
    /// Every container image, and every Compose service `image:`, must carry a tag other than
    /// `latest`, or a digest (`@sha256:...`). `janua/api:latest` and `prom/prometheus` (no tag
    /// means `latest`) fire.
    ///
    /// ## Why it matters
    ///
    /// `latest` changes under you: two nodes run different code, a rollback redeploys the
    /// broken version, and nobody can tell which build is live.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: janua/api:latest
    /// ```
    ///
    /// ## Fix
    ///
    /// Use a version tag (`janua/api:1.8.3`) or a digest (`janua/api@sha256:...`).
    pub struct ImageTagPinned {
        code: "SS501",
        name: "image-tag-pinned",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

/// The tag of an image reference: `None` without one, and a digest counts as pinned.
pub(crate) enum ImageRef<'a> {
    Digest,
    Tag(&'a str),
    NoTag,
}

pub(crate) fn parse_image(image: &str) -> ImageRef<'_> {
    if image.contains('@') {
        return ImageRef::Digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => ImageRef::Tag(tag),
        None => ImageRef::NoTag,
    }
}

fn problem(image: &str) -> Option<String> {
    match parse_image(image) {
        ImageRef::Digest => None,
        ImageRef::Tag("latest") => Some(format!("image `{image}` uses the `latest` tag")),
        ImageRef::Tag(_) => None,
        ImageRef::NoTag => Some(format!("image `{image}` has no tag, which means `latest`")),
    }
}

impl Rule for ImageTagPinned {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "pin a version tag (e.g. `:1.8.3`) or a digest (`@sha256:...`)";
        for (w, c) in all_containers(set) {
            if let Some(image) = c.get("image").and_then(Value::as_str)
                && let Some(message) = problem(image)
            {
                out.at_value(
                    w.doc,
                    c.at("/image"),
                    format!("{message} ({})", container_label(c)),
                    help,
                )
                .spec("image.tag");
            }
        }
        for s in &set.compose {
            if let Some(image) = s.get("image").and_then(Value::as_str)
                && let Some(message) = problem(image)
            {
                out.at_value(
                    s.doc,
                    s.at("/image"),
                    format!("{message} (service `{}`)", s.name),
                    help,
                )
                .spec("image.tag")
                .service(s.name);
            }
        }
    }
}
