//! Rules that both sides run: the browser for messages before the round trip, the
//! server again for every request.

pub mod answer;
