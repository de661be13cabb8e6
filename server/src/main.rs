use clap::Parser;

fn main() -> std::process::ExitCode {
    server::memory::return_large_blocks_to_the_system();
    server::cli::Cli::parse().run()
}
