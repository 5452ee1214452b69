//! `tradestat mirror`: the same flows as declared by the exporter and by the importer.

use clap::Args;
use tradestat::tables;
use tradestat::{Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Mirror statistics: A's exports to B against B's imports from A (and the reverse), with the
/// absolute and relative gap, ranked by the size of the gap.
#[derive(Debug, Args)]
#[command(
    after_help = "gap = importer_value - exporter_value * CIF/FOB factor; gap_pct = gap / (exporter_value *
factor). Importers usually value at CIF (with freight and insurance) and exporters at FOB, so
importer figures run higher. The default factor 1.0 compares the raw figures; the IMF's
Direction of Trade Statistics uses 1.10. Needs both sides' declarations (not BACI, which is
already reconciled).

Examples:
  tradestat mirror comtrade_kaz.csv comtrade_mex.csv -r KAZ -p MEX
  tradestat mirror comtrade_all.csv -r DEU --cif-fob 1.10 --output csv -o mirror.csv"
)]
pub struct MirrorArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// CIF/FOB factor applied to exporter values before comparing
    #[arg(long, default_value_t = 1.0)]
    pub cif_fob: f64,
}

pub fn run(args: MirrorArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let (ds, q) = args.filters.filters().prepare(ds)?;
    let t = tables::mirror_stats(&ds, &q, args.cif_fob)?;
    super::common::emit(g, "mirror", &ds, &q, &t, Vec::new())?;
    Ok(())
}
