//! The `$filter` parser never panics, and whatever it accepts prints to a form it parses back to the
//! same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onec_sim::filter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(expr) = filter::parse(text) {
        let printed = expr.to_string();
        let again = filter::parse(&printed).expect("canonical form parses");
        assert_eq!(again, expr, "{printed}");
    }
});
