//! Activities, notices and news of the union.

pub mod notices;
