#![no_main]
//! Any bytes given to the alert and feed readers must come back as Ok or Err, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = safegrid_cap::parse(data);
    let _ = safegrid_cap::feed::parse_feed(data);
});
