//! Shards: one of `N` parts of a run of many independent simulations (the patients of
//! a cohort, the points of a sweep, the design rows of a sensitivity analysis), so
//! that the parts can run on different machines and be merged afterwards
//! (`spasm merge`, docs/cluster.md).
//!
//! **Slices are contiguous.** Shard `K/N` (`K` from 1 to `N`) of `T` items takes the
//! items `⌊(K−1)·T/N⌋ ≤ i < ⌊K·T/N⌋`: consecutive indices, the shards in order, sizes
//! differing by at most one. Every item keeps its own index and so its own random
//! stream (a cohort patient `i` draws from ChaCha8 stream `i` whatever the shard), so
//! the rows of shard `K` are exactly those rows of the unsharded run, and the merged
//! rows are the shards' rows concatenated in `K` order.

use std::ops::Range;

/// What `--shard` expects, for messages.
pub const SHARD_SYNTAX: &str = "K/N with whole numbers 1 ≤ K ≤ N, such as 1/4";

/// Largest number of shards (a Slurm job array rarely allows more than a few
/// thousand tasks; this only bounds nonsense).
pub const MAX_SHARDS: usize = 1_000_000;

/// Why a `--shard` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// The text is not `K/N` with `1 ≤ K ≤ N`.
    #[error("--shard '{given}': {reason}; expected {SHARD_SYNTAX}")]
    Syntax {
        /// The text given.
        given: String,
        /// What is wrong with it.
        reason: String,
    },
    /// More shards than items: some shard would be empty.
    #[error("--shard {shard}: {items} {what} cannot be split into {count} non-empty shards; use at most {items} shards")]
    TooManyShards {
        /// The shard as given (`K/N`).
        shard: String,
        /// Number of shards `N`.
        count: usize,
        /// Items to split.
        items: usize,
        /// What the items are ("patients", "points", "rows").
        what: &'static str,
    },
}

/// Shard `index` of `count` (`1 ≤ index ≤ count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// `K`, from 1.
    pub index: usize,
    /// `N`, the number of shards.
    pub count: usize,
}

impl Shard {
    /// Read `K/N`.
    ///
    /// ```
    /// use spasm::analysis::shard::Shard;
    /// assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 2, count: 4 });
    /// assert!(Shard::parse("5/4").is_err() && Shard::parse("0/4").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let err = |reason: &str| ShardError::Syntax {
            given: text.to_string(),
            reason: reason.to_string(),
        };
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| err("no '/' between K and N"))?;
        let whole = |s: &str, what: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| err(&format!("{what} '{}' is not a whole number", s.trim())))
        };
        let (index, count) = (whole(k, "K")?, whole(n, "N")?);
        if count == 0 {
            return Err(err("N must be at least 1"));
        }
        if count > MAX_SHARDS {
            return Err(err(&format!("N must be at most {MAX_SHARDS}")));
        }
        if index == 0 {
            return Err(err("K counts from 1"));
        }
        if index > count {
            return Err(err(&format!("K = {index} is larger than N = {count}")));
        }
        Ok(Shard { index, count })
    }

    /// The whole run as one shard (`1/1`).
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// The item indices of this shard among `items` (see the module docs).
    ///
    /// ```
    /// use spasm::analysis::shard::Shard;
    /// let parts: Vec<_> = (1..=4).map(|k| Shard { index: k, count: 4 }.range(10)).collect();
    /// assert_eq!(parts, vec![0..2, 2..5, 5..7, 7..10]);
    /// ```
    pub fn range(&self, items: usize) -> Range<usize> {
        let at = |k: usize| {
            // u128: k · items cannot overflow.
            (k as u128 * items as u128 / self.count as u128) as usize
        };
        at(self.index - 1)..at(self.index)
    }

    /// [`Shard::range`], refusing a split that leaves some shard empty. `what` names
    /// the items for the message ("patients").
    pub fn checked_range(
        &self,
        items: usize,
        what: &'static str,
    ) -> Result<Range<usize>, ShardError> {
        if self.count > items {
            return Err(ShardError::TooManyShards {
                shard: self.to_string(),
                count: self.count,
                items,
                what,
            });
        }
        Ok(self.range(items))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_k_over_n_and_refuses_the_rest() {
        assert_eq!(Shard::parse("1/1").unwrap(), Shard::WHOLE);
        assert_eq!(
            Shard::parse(" 3 / 7 ").unwrap(),
            Shard { index: 3, count: 7 }
        );
        for (bad, why) in [
            ("5/4", "larger than N"),
            ("0/4", "from 1"),
            ("a/b", "not a whole number"),
            ("1/0", "at least 1"),
            ("4", "no '/'"),
            ("-1/4", "not a whole number"),
            ("1/4/2", "not a whole number"),
        ] {
            let e = Shard::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why) && e.contains(SHARD_SYNTAX), "{bad}: {e}");
        }
    }

    #[test]
    fn ranges_cover_every_item_once_in_order() {
        for items in [1, 2, 7, 40, 41, 1000] {
            for count in 1..=items.min(9) {
                let mut next = 0;
                for index in 1..=count {
                    let r = Shard { index, count }.range(items);
                    assert_eq!(r.start, next, "{index}/{count} of {items}");
                    assert!(!r.is_empty());
                    assert!(r.len() <= items / count + 1 && r.len() >= items / count);
                    next = r.end;
                }
                assert_eq!(next, items);
            }
        }
        let e = Shard { index: 1, count: 5 }
            .checked_range(3, "patients")
            .unwrap_err();
        assert!(e.to_string().contains("at most 3 shards"), "{e}");
    }
}
