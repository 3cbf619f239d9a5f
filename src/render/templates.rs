//! The default templates, embedded in the binary from the repository's `templates/` folder.
//! A workspace's `templates/<target>/<file>` replaces the entry of the same name or adds one.

/// Every default template: name (`<target>/<file>`) and source.
pub const EMBEDDED: &[(&str, &str)] = &[
    embed!("compose/compose.yaml.j2"),
    embed!("helm/app-template.values.yaml.j2"),
    embed!("helm/values.yaml.j2"),
    embed!("kubernetes/10-namespace.yaml.j2"),
    embed!("kubernetes/20-serviceaccount.yaml.j2"),
    embed!("kubernetes/30-configmap.yaml.j2"),
    embed!("kubernetes/40-service.yaml.j2"),
    embed!("kubernetes/45-component-services.yaml.j2"),
    embed!("kubernetes/50-deployment.yaml.j2"),
    embed!("kubernetes/55-component-workloads.yaml.j2"),
    embed!("kubernetes/60-hpa.yaml.j2"),
    embed!("kubernetes/65-pdb.yaml.j2"),
    embed!("kubernetes/68-component-scaling.yaml.j2"),
    embed!("kubernetes/70-ingress.yaml.j2"),
    embed!("kubernetes/75-networkpolicies.yaml.j2"),
    embed!("kubernetes/80-migration-job.yaml.j2"),
    embed!("kubernetes/85-servicemonitor.yaml.j2"),
    embed!("kubernetes/90-canary.yaml.j2"),
    embed!("kubernetes/91-virtualservice.yaml.j2"),
    embed!("kubernetes/_container.j2"),
];

macro_rules! embed {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)),
        )
    };
}
use embed;
