//! Which chosen scenario each `--set` is for.
//!
//! `--set members=5` applies to every chosen scenario that has a parameter `members`; when none
//! has it, the command is refused, naming the scenarios and their parameters. A name that several
//! chosen scenarios share but that means different things in them (`members` is the guild's size
//! in `fanout` and the one-by-one publish's in `send-cost`) is refused unless qualified:
//! `--set fanout.members=5`. Checking this against *all* the chosen scenarios, not one, is what
//! keeps a misspelt name from being dropped without a word when several run.

use crate::common::params::{InputError, Override};
use crate::common::scenario::Scenario;

/// The `(name, value)` overrides for each of `chosen`, in order; or why the command line is wrong.
pub fn assign(
    chosen: &[&'static dyn Scenario],
    overrides: &[Override],
) -> Result<Vec<Vec<(String, String)>>, InputError> {
    let mut assigned = vec![Vec::new(); chosen.len()];
    for o in overrides {
        for index in targets(chosen, o)? {
            assigned[index].push((o.name.clone(), o.value.clone()));
        }
    }
    Ok(assigned)
}

/// The indexes in `chosen` that the override `o` applies to.
fn targets(chosen: &[&'static dyn Scenario], o: &Override) -> Result<Vec<usize>, InputError> {
    if let Some(qualifier) = &o.scenario {
        let index = chosen
            .iter()
            .position(|s| s.name() == qualifier)
            .ok_or_else(|| {
                InputError(format!(
                    "--set {o}: {qualifier} is not among the scenarios run ({})",
                    names(chosen)
                ))
            })?;
        if !has(chosen[index], &o.name) {
            return Err(InputError(format!(
                "--set {o}: {qualifier} has no parameter '{}' ({})",
                o.name,
                params_of(chosen[index])
            )));
        }
        return Ok(vec![index]);
    }
    let holders: Vec<usize> = (0..chosen.len())
        .filter(|&i| has(chosen[i], &o.name))
        .collect();
    if holders.is_empty() {
        let listed: Vec<String> = chosen
            .iter()
            .map(|s| format!("{}: {}", s.name(), params_of(*s)))
            .collect();
        return Err(InputError(format!(
            "--set {o}: no scenario run has a parameter '{}' ({})",
            o.name,
            listed.join("; ")
        )));
    }
    let about = |i: usize| {
        chosen[i]
            .params()
            .iter()
            .find(|p| p.name == o.name)
            .map(|p| (p.about, p.kind))
    };
    if let Some(&other) = holders.iter().find(|&&i| about(i) != about(holders[0])) {
        let (first, second) = (chosen[holders[0]].name(), chosen[other].name());
        return Err(InputError(format!(
            "--set {o}: '{}' means different things in {first} and {second}; write \
             {first}.{} or {second}.{}",
            o.name, o.name, o.name
        )));
    }
    Ok(holders)
}

fn has(scenario: &dyn Scenario, name: &str) -> bool {
    scenario.params().iter().any(|p| p.name == name)
}

fn params_of(scenario: &dyn Scenario) -> String {
    let names: Vec<&str> = scenario.params().iter().map(|p| p.name).collect();
    names.join(", ")
}

fn names(chosen: &[&'static dyn Scenario]) -> String {
    let names: Vec<&str> = chosen.iter().map(|s| s.name()).collect();
    names.join(", ")
}
