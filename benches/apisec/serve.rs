//! `apisec-tutor serve` under load: 64 concurrent clients, good and bad tokens mixed.

use crate::Ctx;

pub fn load(ctx: &mut Ctx) {
    ctx.report.not_available("serve: load", "`serve` is not on this build");
}
