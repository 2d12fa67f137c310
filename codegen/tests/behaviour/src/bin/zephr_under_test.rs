//! The Zephr crate's command line (`zephr`), built in this package so that its front-end tests
//! can run it: cargo gives a package's tests the paths of its own binaries only.

fn main() -> std::process::ExitCode {
    zephr_admin::operations::main()
}
