//! `driehoek`: the one binary. Everything lives in the library; this only runs it.

/// mimalloc instead of the C library's allocator for Rust's allocations: with glibc's, the 19 MiB
/// that Argon2id takes for every login stayed with the process (ten logins left a server 180 MB
/// bigger, measured with /proc/PID/status); with mimalloc, 40 logins leave it at 54 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    driehoek::main_with_args(std::env::args_os())
}
