//! Template rendering: any template source, run in shipshape's template environment (with
//! the embedded templates to include or import) against a real environment's context, gives
//! text or an error, never a panic, a hang (the instruction budget) or unbounded output (the
//! output limit).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipshape::render::{MAX_TEMPLATE_OUTPUT, render_template, template_environment, templates};
use shipshape::spec::EnvId;

struct Fixture {
    env: minijinja::Environment<'static>,
    ctx: minijinja::Value,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut env = template_environment();
        for (name, text) in templates::EMBEDDED {
            env.add_template_owned(name.to_string(), text.to_string())
                .expect("the embedded templates compile");
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let id = EnvId {
            app: "materi-api".into(),
            env: "production".into(),
        };
        let environment = shipshape::spec::load_environment(&root, &id)
            .expect("the repository's materi-api/production loads");
        let files = vec!["environments/materi-api/production.yaml".to_string()];
        let ctx = shipshape::render::context::build(&environment, &files);
        let ctx = minijinja::Value::from(minijinja::value::Serde(&ctx));
        Fixture { env, ctx }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let fixture = fixture();
    let mut env = fixture.env.clone();
    let name = "kubernetes/99-fuzz.yaml.j2";
    if env.add_template_owned(name, source.to_string()).is_err() {
        return;
    }
    let template = env.get_template(name).expect("the template was added");
    if let Ok(text) = render_template(&template, &fixture.ctx) {
        assert!(text.len() <= MAX_TEMPLATE_OUTPUT, "output past the limit");
    }
});
