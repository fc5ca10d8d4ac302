//! `driehoek`: the one binary. Everything lives in the library; this only runs it.

fn main() -> std::process::ExitCode {
    driehoek::main_with_args(std::env::args_os())
}
