//! JSON numbers as `f64` without Rust's general float parser, whose table of powers of five
//! (10.4 KB of nearly random bytes) cost the widget's first load about 9 KB of brotli.
//!
//! Every number the protocol carries as a float (admission rates, their spread) has at most 15
//! significant digits and a small exponent; for those the result is the correctly rounded `f64`,
//! the same as `str::parse` (the classic fast path: the digits are an exact `f64`, the power of
//! ten is an exact `f64`, and one IEEE multiplication or division rounds once). Anything longer
//! or larger is read to within a few units in the last place, which no reader of a rate can see.
//!
//! # Usage
//!
//! ```
//! use fairline_core::read::decimal::to_f64;
//!
//! assert_eq!(to_f64("2.5"), Some(2.5));
//! assert_eq!(to_f64("-1e-3"), Some(-0.001));
//! assert_eq!(to_f64("1."), None);
//! ```

/// The powers of ten an `f64` holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer below which every integer is an exact `f64`.
const EXACT_INTEGERS: u64 = 1 << 53;

/// A number in JSON's grammar (`-`, digits, optional `.digits`, optional `e±digits`) as `f64`;
/// `None` for anything else.
pub fn to_f64(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (significand, exponent_text) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = match significand.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (significand, ""),
    };
    if whole.is_empty() || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    let mut exponent = match exponent_text {
        Some(text) => exponent_value(text)?,
        None => 0,
    };
    let mut digits: u64 = 0;
    for (place, byte) in whole.bytes().chain(fraction.bytes()).enumerate() {
        let digit = byte.checked_sub(b'0').filter(|d| *d <= 9)?;
        let in_fraction = place >= whole.len();
        match digits
            .checked_mul(10)
            .and_then(|d| d.checked_add(u64::from(digit)))
        {
            Some(more) => {
                digits = more;
                if in_fraction {
                    exponent -= 1;
                }
            }
            // Past 19 digits: a whole-part digit still scales the number, a fraction digit
            // is below what an f64 can tell apart.
            None if !in_fraction => exponent += 1,
            None => {}
        }
    }
    let magnitude = scale(digits, exponent);
    Some(if negative { -magnitude } else { magnitude })
}

/// The value of an exponent's text (`+12`, `-3`, `7`), held within ±400 (beyond which every
/// f64 is zero or infinite anyway).
fn exponent_value(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i32 = 0;
    for byte in digits.bytes() {
        let digit = byte.checked_sub(b'0').filter(|d| *d <= 9)?;
        value = (value * 10 + i32::from(digit)).min(400);
    }
    Some(sign * value)
}

/// `digits × 10^exponent`: one rounding when both are exact, otherwise step by step.
fn scale(digits: u64, exponent: i32) -> f64 {
    let power = |e: i32| EXACT_POWERS[e.unsigned_abs() as usize];
    if digits < EXACT_INTEGERS && exponent.unsigned_abs() <= 22 {
        // Both exact: the one operation rounds correctly.
        return if exponent < 0 {
            digits as f64 / power(exponent)
        } else {
            digits as f64 * power(exponent)
        };
    }
    let mut value = digits as f64;
    let mut left = exponent;
    while left != 0 && value != 0.0 && value.is_finite() {
        let step = left.clamp(-22, 22);
        value = if step < 0 {
            value / power(step)
        } else {
            value * power(step)
        };
        left -= step;
    }
    value
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::to_f64;

    #[test]
    fn short_numbers_read_exactly_as_the_standard_parser_reads_them() {
        for text in [
            "0",
            "-0",
            "1",
            "2.5",
            "0.001",
            "-1e-3",
            "4",
            "4.0",
            "0.1",
            "0.2",
            "0.3",
            "1.5e2",
            "12.345678901234",
            "999999999999999",
            "3.141592653589793",
            "1E22",
            "1e-22",
            "0.000123",
            "250.75",
            "-7.25E+1",
            "9007199254740991",
            "123456.789e-5",
        ] {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(to_f64(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn long_and_large_numbers_read_within_a_few_units_in_the_last_place() {
        for text in [
            "1e300",
            "-2.5e-300",
            "12345678901234567890123",
            "0.12345678901234567890123",
            "1.5e308",
            "4.9e-300",
            "98765432109876543210.5e-10",
        ] {
            let expected: f64 = text.parse().unwrap();
            let read = to_f64(text).unwrap();
            let error = ((read - expected) / expected).abs();
            assert!(error < 1e-13, "{text}: {read} against {expected}");
        }
        assert_eq!(to_f64("1e999"), Some(f64::INFINITY));
        assert_eq!(to_f64("1e-999"), Some(0.0));
    }

    #[test]
    fn anything_outside_the_json_number_grammar_is_refused() {
        for text in [
            "", "-", "1.", ".5", "01", "1e", "1e+", "+1", "1x", "1.2.3", "NaN", "--1",
        ] {
            assert_eq!(to_f64(text), None, "{text:?}");
        }
    }
}
