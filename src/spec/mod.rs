//! The environment spec: typed model, layering of `app.yaml` and `<env>.yaml` with
//! provenance, and errors that point at file:line:col.

pub mod checks;
pub mod component_checks;
pub mod compose;
pub mod connections;
pub mod extensions;
pub mod key_path;
pub mod layer;
pub mod load;
pub mod model;
pub mod pod;
pub mod suggest;
pub mod types;
pub mod workload;

pub use load::{
    EnvId, Environment, Loader, SpecDiagnostic, SpecError, load_environment, spec_error_blocks,
};
pub use model::{Spec, Target};
