//! SS502 image-digest (opt-in).

use serde_json::Value;

use super::image_tag_pinned::{ImageRef, parse_image};
use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Images are pinned by digest (opt-in).
    ///
    /// ## What it checks
    ///
    /// Every container image and Compose service `image:` must carry a digest
    /// (`@sha256:...`). The rule is off unless selected (`--extend-select image-digest`).
    ///
    /// ## Why it matters
    ///
    /// A tag can be moved to another image by anyone who can push to the registry; a digest
    /// names exactly one image, so what was reviewed is what runs.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// image: ghcr.io/materi/api:v1.0.0
    /// ```
    ///
    /// ## Fix
    ///
    /// Append the digest: `ghcr.io/materi/api:v1.0.0@sha256:<digest>`.
    pub struct ImageDigest {
        code: "SS502",
        name: "image-digest",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: false,
    }
}

impl Rule for ImageDigest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "append the image digest: `<image>:<tag>@sha256:<digest>`";
        for (w, c) in all_containers(set) {
            if let Some(image) = c.get("image").and_then(Value::as_str)
                && !matches!(parse_image(image), ImageRef::Digest)
            {
                out.at_value(
                    w.doc,
                    c.at("/image"),
                    format!(
                        "image `{image}` of {} is not pinned by digest",
                        container_label(c)
                    ),
                    help,
                )
                .spec("image.digest");
            }
        }
        for s in &set.compose {
            if let Some(image) = s.get("image").and_then(Value::as_str)
                && !matches!(parse_image(image), ImageRef::Digest)
            {
                out.at_value(
                    s.doc,
                    s.at("/image"),
                    format!(
                        "image `{image}` of service `{}` is not pinned by digest",
                        s.name
                    ),
                    help,
                )
                .spec("image.digest")
                .service(s.name);
            }
        }
    }
}
