//! Generation of the real spec, stage by stage: load (YAML → normalised document → openapiv3),
//! IR, the Rust files as tokens (quote), their formatting (syn + prettyplease), emit (both, on
//! all cores, plus the text files), and all of it together.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

#[path = "../tests/support/mod.rs"]
mod support;

/// The real spec, or the one `BENCH_SPEC` names (a corpus spec, to see how a stage scales:
/// `BENCH_SPEC=../shared/corpus/stripe.yaml cargo bench -p codegen --bench generate -- ir`).
fn stages(c: &mut Criterion) {
    let path = std::env::var_os("BENCH_SPEC")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(support::real_spec);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let options = codegen::Options::default();
    let spec = codegen::load::load_bytes(&bytes, "spec").unwrap();
    let api = codegen::build_ir(&spec, &codegen::Options::default()).unwrap();

    let mut group = c.benchmark_group("generate");
    group.bench_function("load", |b| {
        b.iter(|| codegen::load::load_bytes(&bytes, "spec").unwrap())
    });
    group.bench_function("ir", |b| {
        b.iter(|| codegen::build_ir(&spec, &codegen::Options::default()).unwrap())
    });
    // One thread each, to see where the time goes; `emit` runs both on all cores.
    group.bench_function("tokens (1 thread)", |b| {
        b.iter(|| codegen::emit::stages::tokens(&api, &options).unwrap())
    });
    group.bench_function("format (1 thread)", |b| {
        b.iter_batched(
            || codegen::emit::stages::tokens(&api, &options).unwrap(),
            |tokens| codegen::emit::stages::format(tokens).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("emit (tokens + format, all cores)", |b| {
        b.iter(|| codegen::emit::emit(&api, &options).unwrap())
    });
    group.bench_function("all", |b| {
        b.iter(|| {
            codegen::generate(codegen::load::load_bytes(&bytes, "spec").unwrap(), &options).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
