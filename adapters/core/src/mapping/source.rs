//! Where mapping reads raw objects from: one entity set at a time, one object at a time, plus
//! lookups by reference.
//!
//! A [`RawDataset`] in memory is one source. A store that keeps the objects elsewhere (the sync
//! engine's raw-object cache in SQLite) is another: it hands each object out and forgets it, so
//! that mapping a large base never needs every object of it in memory at once.

use std::borrow::Cow;

use onec_model::Ref;

use crate::raw::{RawDataset, RawObject};

/// Raw objects by entity set, handed out one by one.
pub trait RawSource {
    /// Calls `f` with every object of `set`, in the order the transport gave them (nothing when the
    /// set was not read). A source that fails part-way stops calling `f` and reports the failure
    /// through its own channel: mapping is infallible by design.
    fn each(&self, set: &str, f: &mut dyn FnMut(&RawObject));

    /// The object of `set` whose `Ref_Key` is `key`, when it was read; with duplicates, the last.
    fn find(&self, set: &str, key: Ref) -> Option<Cow<'_, RawObject>>;

    /// The source as a dataset in memory, when it is one: mapping then indexes it once instead of
    /// asking [`RawSource::find`], which is a linear scan there.
    fn as_dataset(&self) -> Option<&RawDataset> {
        None
    }
}

impl RawSource for RawDataset {
    fn each(&self, set: &str, f: &mut dyn FnMut(&RawObject)) {
        for obj in self.sets.get(set).map(Vec::as_slice).unwrap_or(&[]) {
            f(obj);
        }
    }

    fn find(&self, set: &str, key: Ref) -> Option<Cow<'_, RawObject>> {
        self.sets
            .get(set)?
            .iter()
            .rev()
            .find(|o| o.ref_key().ok().flatten() == Some(key))
            .map(Cow::Borrowed)
    }

    fn as_dataset(&self) -> Option<&RawDataset> {
        Some(self)
    }
}
