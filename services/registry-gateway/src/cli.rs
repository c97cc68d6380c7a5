//! The binary's commands: serve (the default), generate a population, load fixtures.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use housing_platform::server;
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;

use crate::Application;
use crate::fixture::load_source;
use crate::generator::{self, GeneratorSettings};
use crate::settings::{FixtureSource, Settings};
use crate::storage::{MIGRATIONS, RegistryStore};

/// How to call the binary.
pub const USAGE: &str = "\
usage:
  registry-gateway [serve]
      serve gRPC; settings from HOUSING_* variables (docs/registry-gateway.md)
  registry-gateway generate --seed <u64> --persons <count> --out <file.jsonl>
      write a realistic population, the same for the same seed and count
  registry-gateway load <fixture.json|fixture.jsonl>...
      load fixtures into HOUSING_REGISTRY_DATABASE_URL and report the time taken";

/// A command of the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve gRPC.
    Serve,
    /// Write a generated population.
    Generate {
        /// The generator's settings.
        settings: GeneratorSettings,
        /// The JSON Lines file to write.
        out: PathBuf,
    },
    /// Load fixture files into the configured database.
    Load {
        /// The files.
        fixtures: Vec<PathBuf>,
    },
}

impl Command {
    /// Parses the arguments after the program name.
    pub fn parse(arguments: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut arguments = arguments.into_iter();
        match arguments.next().as_deref() {
            None | Some("serve") => match arguments.next() {
                None => Ok(Command::Serve),
                Some(extra) => Err(format!("serve takes no argument, not {extra:?}\n{USAGE}")),
            },
            Some("generate") => parse_generate(arguments),
            Some("load") => {
                let fixtures: Vec<PathBuf> = arguments.map(PathBuf::from).collect();
                if fixtures.is_empty() {
                    return Err(format!("load needs at least one fixture file\n{USAGE}"));
                }
                Ok(Command::Load { fixtures })
            }
            Some("help" | "--help" | "-h") => Err(USAGE.to_owned()),
            Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        }
    }
}

fn parse_generate(mut arguments: impl Iterator<Item = String>) -> Result<Command, String> {
    let (mut seed, mut persons, mut out) = (None, None, None);
    while let Some(flag) = arguments.next() {
        let value = arguments
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--seed" => {
                seed = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("--seed takes an unsigned number, not {value:?}"))?,
                );
            }
            "--persons" => {
                persons = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| format!("--persons takes a count, not {value:?}"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    match (seed, persons, out) {
        (Some(seed), Some(persons), Some(out)) => Ok(Command::Generate {
            settings: GeneratorSettings { seed, persons },
            out,
        }),
        _ => Err(format!(
            "generate needs --seed, --persons and --out\n{USAGE}"
        )),
    }
}

/// Runs a command to its end.
pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve().await,
        Command::Generate { settings, out } => {
            let started = Instant::now();
            let summary = tokio::task::spawn_blocking(move || {
                generator::generate_to_file(&settings, &out).map(|summary| (summary, out))
            })
            .await??;
            let (summary, out) = summary;
            println!(
                "generated {} persons and {} certified experts into {} in {:.1} s",
                summary.persons,
                summary.certified_experts,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Load { fixtures } => load(fixtures).await,
    }
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_process_environment()?;
    let application = Application::build(settings).await?;
    tracing::info!(address = %application.address(), "listening");
    application
        .run_until_stopped(server::shutdown_signal())
        .await
}

async fn load(fixtures: Vec<PathBuf>) -> anyhow::Result<()> {
    let settings = Settings::from_process_environment()?;
    let database = Database::connect(
        settings.database.url.expose_secret(),
        &MIGRATIONS,
        &PoolSettings {
            max_connections: settings.database.max_connections,
            ..PoolSettings::default()
        },
    )
    .await
    .context("cannot open the registry database")?;
    let store = RegistryStore::new(database.clone());
    for path in fixtures {
        let summary = load_source(&store, &FixtureSource::File(path)).await?;
        if summary.skipped {
            println!("{}: already loaded into this database", summary.source);
        } else {
            println!(
                "{}: {} persons and {} certified experts loaded in {:.1} s",
                summary.source,
                summary.persons,
                summary.certified_experts,
                summary.duration.as_secs_f64()
            );
        }
    }
    database.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arguments: &[&str]) -> Result<Command, String> {
        Command::parse(arguments.iter().map(|argument| (*argument).to_owned()))
    }

    #[test]
    fn serving_is_the_default() {
        assert_eq!(parse(&[]), Ok(Command::Serve));
        assert_eq!(parse(&["serve"]), Ok(Command::Serve));
    }

    #[test]
    fn generate_needs_its_three_options() {
        assert_eq!(
            parse(&[
                "generate",
                "--seed",
                "42",
                "--persons",
                "1000",
                "--out",
                "p.jsonl"
            ]),
            Ok(Command::Generate {
                settings: GeneratorSettings {
                    seed: 42,
                    persons: 1000
                },
                out: PathBuf::from("p.jsonl"),
            })
        );
        assert!(parse(&["generate", "--seed", "42"]).is_err());
        assert!(parse(&["generate", "--seed", "x", "--persons", "1", "--out", "p"]).is_err());
        assert!(parse(&["generate", "--colour", "red"]).is_err());
    }

    #[test]
    fn load_needs_files_and_unknown_commands_are_refused() {
        assert_eq!(
            parse(&["load", "a.jsonl"]),
            Ok(Command::Load {
                fixtures: vec![PathBuf::from("a.jsonl")]
            })
        );
        assert!(parse(&["load"]).is_err());
        assert!(parse(&["frobnicate"]).is_err());
    }
}
