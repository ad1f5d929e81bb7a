fn main() {
    std::process::exit(legalsite::cli::run(std::env::args_os()));
}
