//! The lab's request round trip over loopback, concurrency, and real FastAPI for comparison.

use crate::Ctx;

pub fn round_trip(ctx: &mut Ctx) {
    ctx.report.not_available("lab: round trip", "lab::server is not on this build");
}

pub fn concurrent(ctx: &mut Ctx) {
    ctx.report.not_available("lab: 64 concurrent clients", "lab::server is not on this build");
}

pub fn fastapi_compare(ctx: &mut Ctx) {
    ctx.report.not_available("lab: FastAPI comparison", "lab::server is not on this build");
}
