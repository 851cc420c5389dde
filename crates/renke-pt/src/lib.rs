//! Proficiency-testing statistics per ISO 13528:2022 and CNAS-GL002.
