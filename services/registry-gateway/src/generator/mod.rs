//! Realistic populations for load tests: deterministic from a seed.
//!
//! `registry-gateway generate --seed 42 --persons 1000000 --out pop.jsonl`
//! writes a JSON Lines fixture (docs/registry-fixtures.md): the certified
//! experts first, then the persons, family by family. The same seed and count
//! give the same bytes (with the same version of the generator: the random
//! stream is ChaCha8 from `rand_chacha`, pinned by `Cargo.lock`).

mod catalogue;
pub mod iins;
mod population;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::fixture::format::{FixtureExpert, FixtureLine};
pub use population::reference_date;
use population::{Population, add_days, add_years};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorSettings {
    /// The seed of the random stream.
    pub seed: u64,
    /// Exactly how many persons.
    pub persons: usize,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerationSummary {
    /// Persons written.
    pub persons: u64,
    /// Certified experts written.
    pub certified_experts: u64,
}

/// One certified expert per this many persons (and a few more), so that
/// technical reports spread over many experts.
const PERSONS_PER_EXPERT: usize = 2000;
const MINIMUM_EXPERTS: usize = 10;

/// Writes a population as JSON Lines to `out`.
pub fn generate(settings: &GeneratorSettings, out: impl Write) -> io::Result<GenerationSummary> {
    let mut out = out;
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let experts = experts(
        &mut rng,
        settings.persons / PERSONS_PER_EXPERT + MINIMUM_EXPERTS,
    );
    for expert in &experts {
        write_line(&mut out, &FixtureLine::CertifiedExpert(expert.clone()))?;
    }
    let certified_experts = u64::try_from(experts.len()).unwrap_or(u64::MAX);
    let mut population = Population::new(rng, experts);
    let mut written = 0_usize;
    while written < settings.persons {
        for person in population.next_unit(settings.persons - written) {
            write_line(&mut out, &FixtureLine::Person(Box::new(person)))?;
            written += 1;
        }
    }
    out.flush()?;
    Ok(GenerationSummary {
        persons: u64::try_from(written).unwrap_or(u64::MAX),
        certified_experts,
    })
}

/// Writes a population to a file.
pub fn generate_to_file(
    settings: &GeneratorSettings,
    path: &Path,
) -> io::Result<GenerationSummary> {
    let file = File::create(path)?;
    generate(settings, BufWriter::with_capacity(1 << 20, file))
}

fn write_line(out: &mut impl Write, line: &FixtureLine) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

/// Experts certified for five years at a time, starting over the last twelve
/// years: about half are valid on the reference date, the others have lapsed.
fn experts(rng: &mut ChaCha8Rng, count: usize) -> Vec<FixtureExpert> {
    let first_start = add_years(reference_date(), -12);
    let span = (reference_date() - first_start).num_days();
    (0..count)
        .map(|index| {
            let from = add_days(first_start, rng.random_range(0..=span));
            let open_ended = rng.random_bool(0.1);
            FixtureExpert {
                certificate_number: format!("KZ-EXP-{:06}", index + 1),
                holder_name: expert_name(rng),
                speciality: "Technical inspection of buildings and structures".to_owned(),
                from,
                to: (!open_ended).then(|| add_days(add_years(from, 5), -1)),
            }
        })
        .collect()
}

fn expert_name(rng: &mut ChaCha8Rng) -> String {
    use rand::seq::IndexedRandom;
    let surname = catalogue::SURNAMES
        .choose(rng)
        .copied()
        .unwrap_or("Akhmetov");
    let given = catalogue::MALE_NAMES
        .choose(rng)
        .copied()
        .unwrap_or("Nurlan");
    format!("{surname} {given}")
}
