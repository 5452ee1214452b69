//! `tradestat mirror`: the same flows as declared by the exporter and by the importer.

use clap::Args;
use tradestat::frame::{floats, ints, strings};
use tradestat::output::{Cell, Kind, Table};
use tradestat::{Result, load};

use super::common::Filters;
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
    pub filters: Filters,
    /// CIF/FOB factor applied to exporter values before comparing
    #[arg(long, default_value_t = 1.0)]
    pub cif_fob: f64,
}

pub fn run(args: MirrorArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.apply(ds)?;
    let df = super::common::mirror_frame(&ds, &q, args.cif_fob, "mirror", &q.title())?;
    let (ev, iv) = (
        floats(&df, "exporter_value")?,
        floats(&df, "importer_value")?,
    );
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("exporter", Kind::Text),
        ("importer", Kind::Text),
        ("exporter_value", Kind::Money),
        ("importer_value", Kind::Money),
        ("gap", Kind::Money),
        ("gap_pct", Kind::Percent),
    ]);
    t.title = Some(format!(
        "Mirror statistics: {} (CIF/FOB {})",
        q.title(),
        args.cif_fob
    ));
    let (y, ex, im, gap, pct) = (
        ints(&df, "year")?,
        strings(&df, "exporter")?,
        strings(&df, "importer")?,
        floats(&df, "gap")?,
        floats(&df, "gap_pct")?,
    );
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    for i in 0..df.height() {
        t.push(vec![
            y[i].map(|y| Cell::Text(y.to_string()))
                .unwrap_or(Cell::Empty),
            Cell::Text(ex[i].clone().unwrap_or_default()),
            Cell::Text(im[i].clone().unwrap_or_default()),
            num(ev[i]),
            num(iv[i]),
            num(gap[i]),
            num(pct[i]),
        ]);
    }
    super::common::emit(g, &ds, &q, &t, Vec::new())?;
    Ok(())
}
