//! Pages already laid out, kept for turning back to them: a page's layout depends only on the
//! lesson, the page, the width and the page's answers, which is the key.

use crate::tui::doc::{Doc, PageUi};

/// Laid-out pages kept (a lesson has a few dozen; these are the most recently left).
const KEEP: usize = 24;

pub type Key = (usize, u16, PageUi);

#[derive(Default)]
pub struct DocCache {
    /// Most recently left last.
    docs: Vec<(Key, Doc)>,
}

impl DocCache {
    /// Keeps a page that is being left.
    pub fn put(&mut self, key: Key, doc: Doc) {
        self.docs.retain(|(k, _)| *k != key);
        if self.docs.len() >= KEEP {
            self.docs.remove(0);
        }
        self.docs.push((key, doc));
    }

    /// The page laid out under `key`, if kept (it leaves the cache: it is the current page now).
    pub fn take(&mut self, key: &Key) -> Option<Doc> {
        let i = self.docs.iter().position(|(k, _)| k == key)?;
        Some(self.docs.remove(i).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_comes_back_under_its_key_only_and_the_oldest_goes_first() {
        let mut c = DocCache::default();
        let key = |page: usize, width: u16| (page, width, PageUi::default());
        let doc = |n: usize| Doc { max_width: n, ..Doc::default() };
        c.put(key(1, 80), doc(1));
        assert!(c.take(&key(1, 100)).is_none(), "another width is another layout");
        assert_eq!(c.take(&key(1, 80)).map(|d| d.max_width), Some(1));
        assert!(c.take(&key(1, 80)).is_none(), "taken means gone");
        for p in 0..=KEEP {
            c.put(key(p, 80), doc(p));
        }
        assert!(c.take(&key(0, 80)).is_none(), "the oldest was dropped");
        assert_eq!(c.take(&key(KEEP, 80)).map(|d| d.max_width), Some(KEEP));
    }
}
