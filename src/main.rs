/// A faster allocator for a program that builds many small strings on
/// several threads (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(legalsite::cli::run(std::env::args_os()));
}
