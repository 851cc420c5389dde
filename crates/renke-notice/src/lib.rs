//! Parser of official-notice text into a structured campaign draft.
