mod stats;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "kaoping", version, about = "kaoping command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Agreement, reliability and interval statistics.
    Stats {
        #[command(subcommand)]
        cmd: stats::StatsCommand,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Stats { cmd } => stats::run(cmd),
    }
}
