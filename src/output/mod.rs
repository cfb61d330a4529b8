//! Writing results: CSV, JSON, figures, manifest. All writes are atomic.
