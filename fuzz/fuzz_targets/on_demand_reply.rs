//! A provisionOnDemand response body (both documented shapes, Graph's provisionOnDemand page) read and
//! explained with its steps the way step 4 shows it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::fuzzing::on_demand_outcome;

fuzz_target!(|data: &[u8]| {
    let outcome = on_demand_outcome(data, "adele@contoso.com");
    assert!(!outcome.cause.is_empty());
    let _ = serde_json::to_string(&outcome);
});
