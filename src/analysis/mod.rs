//! The analysis engine: summaries, comparisons, rankings and composition, each a
//! `LazyFrame -> LazyFrame` function over the canonical table. Nothing here prints.
//!
//! Double counting is avoided in two steps. [`usable`] keeps rows that carry a value in one
//! currency and are not breakdowns of another row (Comtrade's partner2, transport mode and
//! customs procedure). Then sums over products use either [`top_level`] (codes with no
//! ancestor present: TOTAL where it exists) or [`leaves`] (codes with no descendant present).

pub mod answers;
pub mod baci_lane;
mod composition;
pub mod coverage;
pub mod door;
pub mod indicators;
pub mod labels;
pub mod notes;
pub mod products;
pub mod profile;
mod rankings;
mod rules;
mod sides;
mod summary;
pub mod user_categories;

pub use composition::*;
pub use rankings::*;
pub use rules::*;
pub use sides::*;
pub use summary::*;
