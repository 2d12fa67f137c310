//! The README's quick start is these files: a consumer who pastes it gets code that compiles and
//! a test that passes (this crate's `greeting` test). A change to either side fails here.

const README: &str = include_str!("../../../../README.md");

fn assert_in_readme(what: &str, text: &str) {
    assert!(
        README.contains(text.trim_end()),
        "README.md's quick start no longer shows {what} as it is compiled and tested; paste it again:\n{text}"
    );
}

#[test]
fn the_readme_quick_start_is_the_code_this_crate_compiles_and_tests() {
    assert_in_readme("src/lib.rs", include_str!("../src/lib.rs"));
    assert_in_readme("tests/greeting.rs", include_str!("greeting.rs"));
    // The manifest lines, with the path a consumer beside `generated-client/` uses.
    let manifest =
        include_str!("../Cargo.toml").replace("../../../generated-client", "../generated-client");
    for line in manifest
        .lines()
        .filter(|line| line.starts_with("zephr-admin =") || line.starts_with("tokio ="))
    {
        assert_in_readme("the dependencies", line);
    }
}
