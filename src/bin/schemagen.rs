//! The Kubernetes schema generator: writes `schemas/kubernetes/v1.<minor>.json` from the
//! `k8s-openapi` types of the Kubernetes version its build enables, in shipshape's strict form.
//!
//! Run through `schemas/generate.sh` (one build per Kubernetes version). The output holds one
//! `definitions` map for the version and an `x-kinds` index from `apiVersion/kind` to the
//! definition of that resource.

use std::path::PathBuf;
use std::process::ExitCode;

use k8s_openapi as k8s;
use k8s_openapi::Resource;
use k8s_openapi::schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};
use shipshape::schema::strict;

/// One resource type: its `apiVersion/kind` key and its definition name.
type KindEntry = (String, String);

fn add<T: Resource + JsonSchema>(generator: &mut SchemaGenerator, kinds: &mut Vec<KindEntry>) {
    generator.subschema_for::<T>();
    kinds.push((
        format!("{}/{}", T::API_VERSION, T::KIND),
        T::schema_name().into_owned(),
    ));
}

/// The minor Kubernetes version this build of k8s-openapi models.
fn minor() -> u32 {
    k8s::k8s_if_1_33! { return 33; }
    k8s::k8s_if_1_34! { return 34; }
    k8s::k8s_if_1_35! { return 35; }
    k8s::k8s_if_1_36! { return 36; }
    k8s::k8s_if_1_37! { return 37; }
    #[allow(unreachable_code)]
    0
}

/// Every resource type k8s-openapi has for the enabled version.
fn all_kinds(generator: &mut SchemaGenerator) -> Vec<KindEntry> {
    let mut kinds = Vec::new();
    k8s::k8s_if_ge_1_36! { add::<k8s::api::admissionregistration::v1::MutatingAdmissionPolicy>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_36! { add::<k8s::api::admissionregistration::v1::MutatingAdmissionPolicyBinding>(generator, &mut kinds); }
    add::<k8s::api::admissionregistration::v1::MutatingWebhookConfiguration>(generator, &mut kinds);
    add::<k8s::api::admissionregistration::v1::ValidatingAdmissionPolicy>(generator, &mut kinds);
    add::<k8s::api::admissionregistration::v1::ValidatingAdmissionPolicyBinding>(
        generator, &mut kinds,
    );
    add::<k8s::api::admissionregistration::v1::ValidatingWebhookConfiguration>(
        generator, &mut kinds,
    );
    add::<k8s::api::admissionregistration::v1alpha1::MutatingAdmissionPolicy>(
        generator, &mut kinds,
    );
    add::<k8s::api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding>(
        generator, &mut kinds,
    );
    k8s::k8s_if_ge_1_34! { add::<k8s::api::admissionregistration::v1beta1::MutatingAdmissionPolicy>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_34! { add::<k8s::api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding>(generator, &mut kinds); }
    k8s::k8s_if_1_33! { add::<k8s::api::admissionregistration::v1beta1::ValidatingAdmissionPolicy>(generator, &mut kinds); }
    k8s::k8s_if_1_33! { add::<k8s::api::admissionregistration::v1beta1::ValidatingAdmissionPolicyBinding>(generator, &mut kinds); }
    add::<k8s::api::apiserverinternal::v1alpha1::StorageVersion>(generator, &mut kinds);
    add::<k8s::api::apps::v1::ControllerRevision>(generator, &mut kinds);
    add::<k8s::api::apps::v1::DaemonSet>(generator, &mut kinds);
    add::<k8s::api::apps::v1::Deployment>(generator, &mut kinds);
    add::<k8s::api::apps::v1::ReplicaSet>(generator, &mut kinds);
    add::<k8s::api::apps::v1::StatefulSet>(generator, &mut kinds);
    add::<k8s::api::authentication::v1::SelfSubjectReview>(generator, &mut kinds);
    add::<k8s::api::authentication::v1::TokenRequest>(generator, &mut kinds);
    add::<k8s::api::authentication::v1::TokenReview>(generator, &mut kinds);
    add::<k8s::api::authorization::v1::LocalSubjectAccessReview>(generator, &mut kinds);
    add::<k8s::api::authorization::v1::SelfSubjectAccessReview>(generator, &mut kinds);
    add::<k8s::api::authorization::v1::SelfSubjectRulesReview>(generator, &mut kinds);
    add::<k8s::api::authorization::v1::SubjectAccessReview>(generator, &mut kinds);
    add::<k8s::api::autoscaling::v1::HorizontalPodAutoscaler>(generator, &mut kinds);
    add::<k8s::api::autoscaling::v1::Scale>(generator, &mut kinds);
    add::<k8s::api::autoscaling::v2::HorizontalPodAutoscaler>(generator, &mut kinds);
    add::<k8s::api::batch::v1::CronJob>(generator, &mut kinds);
    add::<k8s::api::batch::v1::Job>(generator, &mut kinds);
    add::<k8s::api::certificates::v1::CertificateSigningRequest>(generator, &mut kinds);
    k8s::k8s_if_1_37! { add::<k8s::api::certificates::v1::ClusterTrustBundle>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::certificates::v1::PodCertificateRequest>(generator, &mut kinds); }
    k8s::k8s_if_le_1_36! { add::<k8s::api::certificates::v1alpha1::ClusterTrustBundle>(generator, &mut kinds); }
    k8s::k8s_if_1_34! { add::<k8s::api::certificates::v1alpha1::PodCertificateRequest>(generator, &mut kinds); }
    add::<k8s::api::certificates::v1beta1::ClusterTrustBundle>(generator, &mut kinds);
    k8s::k8s_if_ge_1_35! { add::<k8s::api::certificates::v1beta1::PodCertificateRequest>(generator, &mut kinds); }
    add::<k8s::api::coordination::v1::Lease>(generator, &mut kinds);
    add::<k8s::api::coordination::v1alpha2::LeaseCandidate>(generator, &mut kinds);
    add::<k8s::api::coordination::v1beta1::LeaseCandidate>(generator, &mut kinds);
    add::<k8s::api::core::v1::Binding>(generator, &mut kinds);
    add::<k8s::api::core::v1::ComponentStatus>(generator, &mut kinds);
    add::<k8s::api::core::v1::ConfigMap>(generator, &mut kinds);
    add::<k8s::api::core::v1::Endpoints>(generator, &mut kinds);
    add::<k8s::api::core::v1::Event>(generator, &mut kinds);
    add::<k8s::api::core::v1::LimitRange>(generator, &mut kinds);
    add::<k8s::api::core::v1::Namespace>(generator, &mut kinds);
    add::<k8s::api::core::v1::Node>(generator, &mut kinds);
    add::<k8s::api::core::v1::PersistentVolume>(generator, &mut kinds);
    add::<k8s::api::core::v1::PersistentVolumeClaim>(generator, &mut kinds);
    add::<k8s::api::core::v1::Pod>(generator, &mut kinds);
    add::<k8s::api::core::v1::PodTemplate>(generator, &mut kinds);
    add::<k8s::api::core::v1::ReplicationController>(generator, &mut kinds);
    add::<k8s::api::core::v1::ResourceQuota>(generator, &mut kinds);
    add::<k8s::api::core::v1::Secret>(generator, &mut kinds);
    add::<k8s::api::core::v1::Service>(generator, &mut kinds);
    add::<k8s::api::core::v1::ServiceAccount>(generator, &mut kinds);
    add::<k8s::api::discovery::v1::EndpointSlice>(generator, &mut kinds);
    add::<k8s::api::events::v1::Event>(generator, &mut kinds);
    add::<k8s::api::flowcontrol::v1::FlowSchema>(generator, &mut kinds);
    add::<k8s::api::flowcontrol::v1::PriorityLevelConfiguration>(generator, &mut kinds);
    k8s::k8s_if_1_37! { add::<k8s::api::lifecycle::v1alpha1::Eviction>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::lifecycle::v1alpha1::EvictionRequest>(generator, &mut kinds); }
    add::<k8s::api::networking::v1::IPAddress>(generator, &mut kinds);
    add::<k8s::api::networking::v1::Ingress>(generator, &mut kinds);
    add::<k8s::api::networking::v1::IngressClass>(generator, &mut kinds);
    add::<k8s::api::networking::v1::NetworkPolicy>(generator, &mut kinds);
    add::<k8s::api::networking::v1::ServiceCIDR>(generator, &mut kinds);
    k8s::k8s_if_le_1_36! { add::<k8s::api::networking::v1beta1::IPAddress>(generator, &mut kinds); }
    k8s::k8s_if_le_1_36! { add::<k8s::api::networking::v1beta1::ServiceCIDR>(generator, &mut kinds); }
    add::<k8s::api::node::v1::RuntimeClass>(generator, &mut kinds);
    add::<k8s::api::policy::v1::Eviction>(generator, &mut kinds);
    add::<k8s::api::policy::v1::PodDisruptionBudget>(generator, &mut kinds);
    add::<k8s::api::rbac::v1::ClusterRole>(generator, &mut kinds);
    add::<k8s::api::rbac::v1::ClusterRoleBinding>(generator, &mut kinds);
    add::<k8s::api::rbac::v1::Role>(generator, &mut kinds);
    add::<k8s::api::rbac::v1::RoleBinding>(generator, &mut kinds);
    k8s::k8s_if_ge_1_34! { add::<k8s::api::resource::v1::DeviceClass>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::resource::v1::DeviceTaintRule>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_34! { add::<k8s::api::resource::v1::ResourceClaim>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_34! { add::<k8s::api::resource::v1::ResourceClaimTemplate>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_34! { add::<k8s::api::resource::v1::ResourceSlice>(generator, &mut kinds); }
    k8s::k8s_if_1_33! { add::<k8s::api::resource::v1alpha3::DeviceClass>(generator, &mut kinds); }
    add::<k8s::api::resource::v1alpha3::DeviceTaintRule>(generator, &mut kinds);
    k8s::k8s_if_1_33! { add::<k8s::api::resource::v1alpha3::ResourceClaim>(generator, &mut kinds); }
    k8s::k8s_if_1_33! { add::<k8s::api::resource::v1alpha3::ResourceClaimTemplate>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_36! { add::<k8s::api::resource::v1alpha3::ResourcePoolStatusRequest>(generator, &mut kinds); }
    k8s::k8s_if_1_33! { add::<k8s::api::resource::v1alpha3::ResourceSlice>(generator, &mut kinds); }
    add::<k8s::api::resource::v1beta1::DeviceClass>(generator, &mut kinds);
    add::<k8s::api::resource::v1beta1::ResourceClaim>(generator, &mut kinds);
    add::<k8s::api::resource::v1beta1::ResourceClaimTemplate>(generator, &mut kinds);
    add::<k8s::api::resource::v1beta1::ResourceSlice>(generator, &mut kinds);
    add::<k8s::api::resource::v1beta2::DeviceClass>(generator, &mut kinds);
    k8s::k8s_if_ge_1_36! { add::<k8s::api::resource::v1beta2::DeviceTaintRule>(generator, &mut kinds); }
    add::<k8s::api::resource::v1beta2::ResourceClaim>(generator, &mut kinds);
    add::<k8s::api::resource::v1beta2::ResourceClaimTemplate>(generator, &mut kinds);
    add::<k8s::api::resource::v1beta2::ResourceSlice>(generator, &mut kinds);
    add::<k8s::api::scheduling::v1::PriorityClass>(generator, &mut kinds);
    k8s::k8s_if_1_35! { add::<k8s::api::scheduling::v1alpha1::Workload>(generator, &mut kinds); }
    k8s::k8s_if_1_36! { add::<k8s::api::scheduling::v1alpha2::PodGroup>(generator, &mut kinds); }
    k8s::k8s_if_1_36! { add::<k8s::api::scheduling::v1alpha2::Workload>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::scheduling::v1alpha3::CompositePodGroup>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::scheduling::v1alpha3::PodGroup>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::scheduling::v1alpha3::Workload>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::scheduling::v1beta1::PodGroup>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::scheduling::v1beta1::Workload>(generator, &mut kinds); }
    add::<k8s::api::storage::v1::CSIDriver>(generator, &mut kinds);
    add::<k8s::api::storage::v1::CSINode>(generator, &mut kinds);
    add::<k8s::api::storage::v1::CSIStorageCapacity>(generator, &mut kinds);
    add::<k8s::api::storage::v1::StorageClass>(generator, &mut kinds);
    add::<k8s::api::storage::v1::VolumeAttachment>(generator, &mut kinds);
    k8s::k8s_if_ge_1_34! { add::<k8s::api::storage::v1::VolumeAttributesClass>(generator, &mut kinds); }
    k8s::k8s_if_le_1_34! { add::<k8s::api::storage::v1alpha1::VolumeAttributesClass>(generator, &mut kinds); }
    k8s::k8s_if_le_1_36! { add::<k8s::api::storage::v1beta1::VolumeAttributesClass>(generator, &mut kinds); }
    k8s::k8s_if_1_37! { add::<k8s::api::storagemigration::v1::StorageVersionMigration>(generator, &mut kinds); }
    k8s::k8s_if_le_1_34! { add::<k8s::api::storagemigration::v1alpha1::StorageVersionMigration>(generator, &mut kinds); }
    k8s::k8s_if_ge_1_35! { add::<k8s::api::storagemigration::v1beta1::StorageVersionMigration>(generator, &mut kinds); }
    add::<k8s::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>(
        generator, &mut kinds,
    );
    add::<k8s::apimachinery::pkg::apis::meta::v1::APIGroup>(generator, &mut kinds);
    add::<k8s::apimachinery::pkg::apis::meta::v1::APIGroupList>(generator, &mut kinds);
    add::<k8s::apimachinery::pkg::apis::meta::v1::APIResourceList>(generator, &mut kinds);
    add::<k8s::apimachinery::pkg::apis::meta::v1::APIVersions>(generator, &mut kinds);
    add::<k8s::apimachinery::pkg::apis::meta::v1::Status>(generator, &mut kinds);
    add::<k8s::kube_aggregator::pkg::apis::apiregistration::v1::APIService>(generator, &mut kinds);
    kinds
}

fn main() -> ExitCode {
    let out_dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "schemas/kubernetes".into()),
    );
    let mut generator = SchemaSettings::draft07().into_generator();
    let mut kinds = all_kinds(&mut generator);
    kinds.sort();
    let mut definitions = generator.take_definitions(true);
    for (key, name) in &kinds {
        let (api_version, kind) = key.rsplit_once('/').expect("key is apiVersion/kind");
        if let Some(def) = definitions.get_mut(name) {
            strict::pin_kind(def, api_version, kind);
        }
    }
    for def in definitions.values_mut() {
        strict::strictify(def);
    }
    strict::fix_kubernetes_definitions(&mut definitions);
    definitions.sort_keys();
    let index: Map<String, Value> = kinds
        .into_iter()
        .map(|(key, name)| (key, Value::String(name)))
        .collect();
    let doc = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "x-source": format!("k8s-openapi 0.29 (Kubernetes 1.{}), strict form made by shipshape's schemagen", minor()),
        "x-kinds": index,
        "definitions": definitions,
    });
    let path = out_dir.join(format!("v1.{}.json", minor()));
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value serializes");
    text.push('\n');
    if let Err(e) = std::fs::create_dir_all(&out_dir).and_then(|()| std::fs::write(&path, text)) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(2);
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
