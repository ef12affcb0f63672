//! The all-sizes rows: which theorems `--checker induction` proves for every `W`, `J` and `C`
//! (and `K`), with which properties. Only theorems that hold and have one producer have them
//! (T6's two producers are out of the solver's reach; the violated theorems have bfs rows).

use crate::check::induction::target::flag_value;
use crate::check::induction::{self, InductionError, Proof, Sentinels, Target};
use crate::check::{Options, Verdict};
use crate::outcome::Property;
use crate::scenario::Protocol;

/// One all-sizes claim backing a theorem: every one the catalog lists is expected `proved`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllSizes {
    pub target: Target,
    pub properties: Vec<Property>,
}

impl AllSizes {
    /// The exact command line that reruns this proof.
    pub fn command(&self) -> String {
        let mut cmd = format!(
            "drainproof check {} --checker induction",
            self.target.flags()
        );
        if self.properties != Property::DRAIN {
            let names: Vec<String> = self.properties.iter().map(|p| flag_value(*p)).collect();
            cmd += &format!(" --property {}", names.join(","));
        }
        cmd
    }

    /// The claim's scenario column: `sentinel, every W >= 1, J >= 0, C >= 1, K > W`.
    pub fn scenario(&self) -> String {
        let prefilled = if self.target.prefilled {
            " --prefilled"
        } else {
            ""
        };
        format!(
            "{}{prefilled}, every {}",
            self.target.protocol,
            self.target.sizes_text()
        )
    }

    /// What the claim says, for README's theorem table: `proved for every size`, or the
    /// properties and the sizes they hold for (`no_lost_job, no_duplicate for K > W`).
    pub fn summary(&self) -> String {
        let what = if self.properties.contains(&Property::Termination) {
            "proved".to_string()
        } else {
            let names: Vec<&str> = self.properties.iter().map(|p| p.name()).collect();
            names.join(", ")
        };
        let every = Target::new(self.target.protocol).sizes_text();
        let sizes = self.target.sizes_text();
        match sizes.strip_prefix(&every) {
            Some("") | None => format!("{what} for every size"),
            Some(extra) => format!("{what} for {}", extra.trim_start_matches(", ")),
        }
    }

    pub fn prove(&self, options: Options) -> Result<Proof, InductionError> {
        induction::prove(&self.target, &self.properties, options)
    }
}

/// Whether a proof came out as the catalog expects (`None`: not run, the binary was built
/// without the `z3` feature).
pub fn as_expected(proof: &Result<Proof, InductionError>) -> Option<bool> {
    match proof {
        Ok(proof) => Some(proof.verdict == Verdict::Proved),
        Err(InductionError::Unavailable) => None,
        Err(InductionError::Unsupported(_)) => Some(false),
    }
}

/// The all-sizes claims of theorem `id`.
pub fn claims(id: &str) -> Vec<AllSizes> {
    use Property::*;
    let claim = |target: Target, properties: &[Property]| AllSizes {
        target,
        properties: properties.to_vec(),
    };
    let drain = &Property::DRAIN;
    match id {
        "T2" => vec![claim(Target::new(Protocol::Sentinel), drain)],
        // No job lost for any K > W; termination only while the leftovers fit in the pipe.
        "T4" => vec![
            claim(
                Target::new(Protocol::Sentinel).with_sentinels(Sentinels::More),
                &[NoLostJob, NoDuplicate],
            ),
            claim(
                Target::new(Protocol::Sentinel).with_sentinels(Sentinels::MoreWithinCapacity),
                drain,
            ),
        ],
        "T8" => vec![claim(
            Target::new(Protocol::Joinable),
            &[DrainedBeforeJoin, NoDuplicate, Termination],
        )],
        "T10" => vec![claim(Target::new(Protocol::EmptyPoll).prefilled(), drain)],
        "T12" => vec![claim(Target::new(Protocol::ChannelDisconnect), drain)],
        _ => Vec::new(),
    }
}
