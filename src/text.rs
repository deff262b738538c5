//! Every sentence the widget shows, in one place (translations plug in here).

/// Shown while the campaign loads.
pub const LOADING: &str = "Loading the campaign…";
/// Label before the opening time.
pub const OPENS_AT: &str = "Booking opens";
/// The server could not be reached.
pub const ERROR_NETWORK: &str =
    "We could not reach the booking service. Your place is not affected; please try again shortly.";
/// The campaign does not exist.
pub const ERROR_CAMPAIGN_NOT_FOUND: &str = "This booking campaign was not found.";
/// Anything else the server refused.
pub const ERROR_GENERIC: &str = "Something went wrong on our side. Please try again shortly.";
