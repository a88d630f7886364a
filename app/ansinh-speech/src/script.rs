//! The spoken text of one screen.

use zeroize::Zeroize;

use crate::words::verbalise;

/// What one screen says, sentence by sentence, every sentence already verbalised (no figure
/// reaches the synthesiser). The review step's script holds the person's name and ID: it is
/// overwritten when dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    sentences: Vec<String>,
}

impl Script {
    /// The longest script read at once, in characters (a screen says far less; a pipe to the
    /// synthesiser holds it whole).
    pub const MAX_CHARS: usize = 16_000;

    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sentence, verbalised; a full stop is added unless it ends with `.`, `?`, `!`
    /// or `:`. Empty text adds nothing.
    pub fn say(&mut self, text: &str) -> &mut Self {
        let mut s = verbalise(text);
        if s.is_empty() {
            return self;
        }
        if !s.ends_with(['.', '?', '!', ':']) {
            s.push('.');
        }
        if s.starts_with(|c: char| c.is_lowercase()) {
            let mut cs = s.chars();
            let first: String = cs.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
            s = first + cs.as_str();
        }
        self.sentences.push(s);
        self
    }

    /// Adds `label` and `value` as one sentence ("Phải đóng: ba trăm … đồng."); an empty
    /// value says the label alone.
    pub fn say_pair(&mut self, label: &str, value: &str) -> &mut Self {
        let label = label.trim_end().trim_end_matches(':');
        if value.trim().is_empty() {
            self.say(label)
        } else {
            self.say(&format!("{label}: {value}"))
        }
    }

    /// The sentences.
    pub fn sentences(&self) -> &[String] {
        &self.sentences
    }

    /// The whole text, one sentence a line (what the golden files hold and the voice reads).
    pub fn text(&self) -> String {
        self.sentences.join("\n")
    }

    /// How many words (Vietnamese syllables) it says.
    pub fn words(&self) -> usize {
        self.sentences.iter().map(|s| s.split_whitespace().count()).sum()
    }

    /// Whether it says nothing.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        self.sentences.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_verbalised_and_end_with_a_stop() {
        let mut s = Script::new();
        s.say("Số tiền bạn nộp mỗi lần")
            .say_pair("Phải đóng:", "330.000 đ")
            .say("")
            .say("3 tháng một lần?");
        assert_eq!(
            s.text(),
            "Số tiền bạn nộp mỗi lần.\nPhải đóng: ba trăm ba mươi nghìn đồng.\nBa tháng một lần?"
        );
        assert_eq!(s.sentences().len(), 3);
        assert_eq!(s.words(), 6 + 8 + 4);
        assert!(!s.is_empty() && Script::new().is_empty());
        assert_eq!(Script::new().say_pair("Tên", " ").text(), "Tên.");
    }
}
