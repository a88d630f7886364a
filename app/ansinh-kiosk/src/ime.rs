//! Vietnamese typing on the on-screen keyboard: Telex and VNI through the `vi` crate (MIT,
//! maintained), composed word by word, so it works where no system input method exists
//! (Linux KMS, the framebuffer).
//!
//! The text being typed is the committed part plus the keys of the current word; every key
//! re-composes that word from its keys, so a tone can be typed anywhere in the word
//! (`nguyeenx` and `nguyenxe`... both give `nguyễn`) and backspace removes the last *key*, the
//! way Vietnamese typists expect (`nguyễn` ← `nguyeen` ...). Output is NFC.
//!
//! The caret can be put anywhere (a tap inside the field): keys then go in there and backspace
//! removes the character before it; a tone key applies to the word typed since the caret was
//! put down, never to the letters already there.

/// How keys become letters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// Telex: `aa` → â, `dd` → đ, `s f r x j` → tones, `w` → ư/ơ/ă.
    #[default]
    Telex,
    /// VNI: digits 1–5 tones, 6 â/ê/ô, 7 ơ/ư, 8 ă, 9 đ.
    Vni,
    /// Letters as typed (e-mail, codes, search).
    Plain,
}

impl Method {
    /// The next method on the keyboard's switch key.
    pub const fn next(self) -> Self {
        match self {
            Method::Telex => Method::Vni,
            Method::Vni => Method::Plain,
            Method::Plain => Method::Telex,
        }
    }
    /// The name on the switch key.
    pub const fn label(self) -> &'static str {
        match self {
            Method::Telex => "Telex",
            Method::Vni => "VNI",
            Method::Plain => "ABC",
        }
    }
}

/// Composes one piece of text from key presses, at a caret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Composer {
    /// The text before the word being typed.
    committed: String,
    /// The keys of the word being typed, which ends at the caret.
    word: Vec<char>,
    /// The text after the caret.
    after: String,
    method: Method,
}

// What a person typed (a name, an ID) is overwritten before its memory is given back.
impl zeroize::Zeroize for Composer {
    fn zeroize(&mut self) {
        self.committed.zeroize();
        self.word.zeroize();
        self.after.zeroize();
    }
}

impl Composer {
    /// Continues editing `text` with `method`, the caret at its end.
    pub fn new(text: &str, method: Method) -> Self {
        Self { committed: text.to_string(), word: Vec::new(), after: String::new(), method }
    }

    /// The text as it now reads.
    pub fn text(&self) -> String {
        let mut out = self.committed.clone();
        out.push_str(&self.compose_word());
        out.push_str(&self.after);
        out
    }

    /// Where the caret is, in characters from the start.
    pub fn caret(&self) -> usize {
        self.committed.chars().count() + self.compose_word().chars().count()
    }

    /// Puts the caret before character `at` (past the end: at the end). The word being
    /// typed is finished first.
    pub fn set_caret(&mut self, at: usize) {
        self.commit_word();
        let mut all = std::mem::take(&mut self.committed);
        all.push_str(&self.after);
        zeroize::Zeroize::zeroize(&mut self.after);
        let split = all.char_indices().nth(at).map_or(all.len(), |(i, _)| i);
        self.after = all[split..].to_string();
        all.truncate(split);
        self.committed = all;
    }

    fn compose_word(&self) -> String {
        let mut out = String::new();
        match self.method {
            Method::Telex => {
                vi::transform_buffer(&vi::TELEX, self.word.iter().copied(), &mut out);
            }
            Method::Vni => {
                vi::transform_buffer(&vi::VNI, self.word.iter().copied(), &mut out);
            }
            Method::Plain => out.extend(self.word.iter()),
        }
        out
    }

    /// The method in use.
    pub const fn method(&self) -> Method {
        self.method
    }

    /// Switches method; the word typed so far is kept as it reads.
    pub fn set_method(&mut self, method: Method) {
        self.commit_word();
        self.method = method;
    }

    fn commit_word(&mut self) {
        let w = self.compose_word();
        self.committed.push_str(&w);
        self.word.clear();
    }

    /// One key: letters (and digits, which carry VNI's marks) belong to the word being typed;
    /// anything else ends it.
    pub fn key(&mut self, c: char) {
        if c.is_alphanumeric() {
            self.word.push(c);
        } else {
            self.commit_word();
            self.committed.push(c);
        }
    }

    /// Types every character of `s` (tests, a physical keyboard's text).
    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(c);
        }
    }

    /// Removes the last key of the word being typed, or else the character before the caret.
    pub fn backspace(&mut self) {
        if self.word.pop().is_none() {
            self.committed.pop();
        }
    }

    /// Empties the text (the caret at the start).
    pub fn clear(&mut self) {
        self.committed.clear();
        self.word.clear();
        self.after.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(method: Method, keys: &str) -> String {
        let mut c = Composer::new("", method);
        c.keys(keys);
        c.text()
    }

    #[test]
    fn telex_and_vni_give_the_same_names() {
        assert_eq!(typed(Method::Telex, "nguyeenx"), "nguyễn");
        assert_eq!(typed(Method::Vni, "nguye6n4"), "nguyễn");
        assert_eq!(typed(Method::Telex, "Nguyeenx Thij Hoongf Nhung"), "Nguyễn Thị Hồng Nhung");
        assert_eq!(typed(Method::Vni, "Nguye6n4 Thi5 Ho6ng2 Nhung"), "Nguyễn Thị Hồng Nhung");
        assert_eq!(typed(Method::Telex, "ddawng"), "đăng");
        assert_eq!(typed(Method::Vni, "d9a8ng"), "đăng");
        assert_eq!(typed(Method::Telex, "tuwj nguyeenj"), "tự nguyện");
        assert_eq!(typed(Method::Telex, "H'Hen Nie"), "H'Hen Nie");
    }

    #[test]
    fn plain_keeps_keys_and_digits_stay_digits() {
        assert_eq!(typed(Method::Plain, "nguyeenx"), "nguyeenx");
        assert_eq!(typed(Method::Telex, "Soos 12, ngox 34"), "Số 12, ngõ 34");
        assert_eq!(typed(Method::Vni, "So61 12"), "Số 12");
    }

    #[test]
    fn backspace_removes_the_last_key() {
        let mut c = Composer::new("", Method::Telex);
        c.keys("nguyeenx");
        c.backspace();
        assert_eq!(c.text(), "nguyên");
        c.keys("x ");
        c.backspace();
        assert_eq!(c.text(), "nguyễn");
        c.backspace();
        assert_eq!(c.text(), "nguyễ", "a committed word loses its last character");
    }

    #[test]
    fn output_is_nfc() {
        use unicode_normalization::UnicodeNormalization;
        let s = typed(Method::Telex, "Phaanj Vaawn Thuwowngr");
        assert_eq!(s, s.nfc().collect::<String>());
        assert_eq!(s, "Phận Văn Thưởng");
    }

    /// One wrong digit in the middle of an ID: the caret goes after it, one backspace and one
    /// digit mend it, the rest of the ID stays.
    #[test]
    fn keys_and_backspace_work_at_the_caret() {
        let mut c = Composer::new("001179072345", Method::Plain);
        assert_eq!(c.caret(), 12);
        c.set_caret(8);
        c.backspace();
        c.key('1');
        assert_eq!((c.text().as_str(), c.caret()), ("001179012345", 8));
        c.set_caret(0);
        c.backspace();
        assert_eq!(c.text(), "001179012345", "nothing before the start");
        c.set_caret(99);
        assert_eq!(c.caret(), 12, "past the end is the end");
        let mut name = Composer::new("Nguyễn Hồng Nhung", Method::Telex);
        name.set_caret(7);
        name.keys("Thij ");
        assert_eq!(name.text(), "Nguyễn Thị Hồng Nhung", "a word composed at the caret");
        assert_eq!(name.caret(), 11);
        name.clear();
        assert_eq!((name.text().as_str(), name.caret()), ("", 0));
    }

    #[test]
    fn switching_method_keeps_the_word() {
        let mut c = Composer::new("Hà ", Method::Telex);
        c.keys("Nooji");
        c.set_method(Method::Vni);
        c.keys(" Vie65t");
        assert_eq!(c.text(), "Hà Nội Việt");
    }
}
