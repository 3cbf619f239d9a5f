//! The library API that `check` uses for golden drift: `diff::compare_texts` and `diff::render`.

use shipshape::diff::{
    self, Change, Format, FormatOptions, ObjectChange, Options, Summary, Target,
};

const GOLDEN: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: web
        image: shop/web:1.4.0
        env:
        - name: API_TOKEN
          value: golden-token
";

const RENDERED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  namespace: shop
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        env:
        - name: API_TOKEN
          value: rendered-token
        image: shop/web:1.5.0
  replicas: 2
";

#[test]
fn golden_drift_of_one_file() {
    let path = "golden/shop/production/kubernetes.yaml";
    let file = diff::compare_texts(
        path,
        Target::Kubernetes,
        Some(GOLDEN),
        Some(RENDERED),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(file.path, path);
    assert_eq!(file.objects.len(), 1);
    let object = &file.objects[0];
    assert_eq!(object.change, ObjectChange::Changed);
    assert_eq!(object.id.to_string(), "Deployment shop/web");
    let fields: Vec<(&str, &Change)> = object
        .fields
        .iter()
        .map(|f| (f.path.as_str(), &f.change))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "spec.template.spec.containers[web].image",
                &Change::Modified {
                    old: "shop/web:1.4.0".into(),
                    new: "shop/web:1.5.0".into()
                }
            ),
            (
                "spec.template.spec.containers[web].env[API_TOKEN].value",
                &Change::Modified {
                    old: "<secret: 12 chars>".into(),
                    new: "<secret: 14 chars, changed>".into()
                }
            ),
        ]
    );
    let text = diff::render(
        std::slice::from_ref(&file),
        Format::Human,
        &FormatOptions::default(),
    );
    assert_eq!(
        text,
        "golden/shop/production/kubernetes.yaml
  ~ Deployment shop/web
    ~ spec.template.spec.containers[web].image: shop/web:1.4.0 -> shop/web:1.5.0
    ~ spec.template.spec.containers[web].env[API_TOKEN].value: <secret: 12 chars> -> <secret: 14 chars, changed>

Summary: 1 changed (Deployment: 1 changed)
"
    );
    for format in Format::ALL {
        let text = diff::render(
            std::slice::from_ref(&file),
            format,
            &FormatOptions { color: true },
        );
        assert!(!text.contains("golden-token") && !text.contains("rendered-token"));
    }
}

#[test]
fn a_missing_golden_file_lists_every_object_as_added() {
    let file = diff::compare_texts(
        "golden/shop/production/kubernetes.yaml",
        Target::Kubernetes,
        None,
        Some(RENDERED),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(file.old_path, None);
    assert_eq!(file.objects.len(), 1);
    assert_eq!(file.objects[0].change, ObjectChange::Added);
    let object = file.objects[0].object.as_ref().unwrap();
    assert_eq!(
        object["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        "<secret: 14 chars>"
    );
    assert_eq!(
        Summary::of([&file]).to_string(),
        "1 added (Deployment: 1 added)"
    );
}

#[test]
fn identical_texts_have_no_difference() {
    let file = diff::compare_texts(
        "k.yaml",
        Target::Kubernetes,
        Some(GOLDEN),
        Some(GOLDEN),
        &Options::default(),
    )
    .unwrap();
    assert!(file.is_empty());
    assert_eq!(
        diff::render(&[file], Format::Human, &FormatOptions::default()),
        "Summary: no differences\n"
    );
}

#[test]
fn helm_values_are_compared_by_key_path() {
    let file = diff::compare_texts(
        "golden/shop/production/values.yaml",
        Target::HelmValues,
        Some("image:\n  tag: 1.4.0\nreplicaCount: 2\ningress:\n  hosts:\n  - host: a.example.com\n    paths: [/]\n"),
        Some("replicaCount: 2\ningress:\n  hosts:\n  - host: a.example.com\n    paths: [/, /api]\nimage:\n  tag: 1.5.0\n"),
        &Options::default(),
    )
    .unwrap();
    let paths: Vec<&str> = file.objects[0]
        .fields
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["image.tag", "ingress.hosts[host=a.example.com].paths"]
    );
}

#[test]
fn compose_environment_lists_and_maps_are_the_same() {
    let file = diff::compare_texts(
        "compose.yaml",
        Target::Compose,
        Some("services:\n  api:\n    environment:\n      - A=1\n      - B=2\n      - C=true\n"),
        Some("services:\n  api:\n    environment:\n      B: \"2\"\n      A: 1\n      C: true\n"),
        &Options::default(),
    )
    .unwrap();
    assert!(file.is_empty(), "{file:?}");
}

#[test]
fn errors_name_the_file_and_position() {
    let err = diff::compare_texts(
        "golden/x/kubernetes.yaml",
        Target::Kubernetes,
        Some("kind: ConfigMap\nmetadata:\n  name: a\n"),
        None,
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "golden/x/kubernetes.yaml:1:1: document has no `apiVersion`; expected a Kubernetes object with `apiVersion` and `kind`, or compare Compose files and Helm values by their file names"
    );
}

#[test]
fn kubernetes_lists_are_expanded() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    x: \"1\"\n";
    let single = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"2\"\n";
    let file = diff::compare_texts(
        "k.yaml",
        Target::Kubernetes,
        Some(list),
        Some(single),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(file.objects.len(), 1);
    assert_eq!(file.objects[0].fields[0].path, "data.x");
}

#[test]
fn drift_found_by_check_becomes_object_diffs() {
    use shipshape::golden::Drift;
    let drift = [
        Drift::Changed {
            path: "shop/production/kubernetes.yaml".into(),
            golden: GOLDEN.into(),
            rendered: RENDERED.into(),
        },
        Drift::Missing {
            path: "shop/production/values.yaml".into(),
            rendered: "replicaCount: 2\n".into(),
        },
        Drift::Stale {
            path: "shop/production/compose.yaml".into(),
            golden: "services:\n  web:\n    image: shop/web:1.4.0\n".into(),
        },
        Drift::Changed {
            path: "shop/staging/kubernetes.yaml".into(),
            golden: format!("# only a comment differs\n{GOLDEN}"),
            rendered: GOLDEN.into(),
        },
    ];
    let files = diff::workspace::drift_diffs(&drift, &Options::default()).unwrap();
    assert_eq!(
        diff::render(&files, Format::Human, &FormatOptions::default()),
        "shop/production/compose.yaml
  - service web (removed)
    - image: shop/web:1.4.0

shop/production/kubernetes.yaml
  ~ Deployment shop/web
    ~ spec.template.spec.containers[web].image: shop/web:1.4.0 -> shop/web:1.5.0
    ~ spec.template.spec.containers[web].env[API_TOKEN].value: <secret: 12 chars> -> <secret: 14 chars, changed>

shop/production/values.yaml
  + values (added)
    + replicaCount: 2

Summary: 1 added, 1 removed, 1 changed (Deployment: 1 changed; service: 1 removed; values: 1 added)
"
    );
    assert_eq!(
        files[0].old_path.as_deref(),
        Some("golden/shop/production/compose.yaml")
    );
    assert_eq!(files[0].new_path, None);
}
