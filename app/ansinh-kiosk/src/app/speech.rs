//! What the speaker button reads on each citizen screen: the question, the figures, the
//! result and the next step, built from the same views the screens are drawn from (in
//! Vietnamese, the voice's language, whatever the screen's language), then verbalised by
//! `ansinh-speech`. Personal data (a name, an ID, a phone) is read only on the review step,
//! where the citizen checks it; the other wizard steps read what to fill in, not what was
//! typed.

use ansinh_speech::Script;

use super::{App, Screen};
use crate::controllers::enroll::StepKind;
use crate::controllers::household::PERIODS;
use crate::controllers::keyboard::Focus;
use crate::text::{Line, Locale, money, tr, years_months};

/// The voice's language.
const VI: Locale = Locale::SOURCE;

fn lines(s: &mut Script, lines: &[Line]) {
    for l in lines {
        s.say_pair(&l.label, &l.value);
    }
}

impl App {
    /// The spoken text of the screen as it is now (empty on staff screens).
    pub fn spoken(&mut self) -> Script {
        let mut s = Script::new();
        if let Some(p) = &self.picker {
            let (title, _, _) = p.items(&self.enroll, VI);
            s.say(&tr!(VI, "speech-picker", title = title));
            return s;
        }
        let typing = match self.keyboard.focus() {
            Some(Focus::Field(id)) => {
                let id = id.clone();
                let v = self.enroll.view(&self.table, self.today(), VI);
                v.fields.iter().find(|f| f.id == id).map(|f| f.label.clone())
            }
            Some(Focus::QuoteIncome) => Some(tr!(VI, "keyboard-monthly-income").to_string()),
            _ => None,
        };
        if let Some(field) = typing {
            s.say(&tr!(VI, "speech-keyboard", field = field));
        }
        match self.screen {
            Screen::Home => {
                s.say(tr!(VI, "speech-home"))
                    .say(tr!(VI, "speech-home-choices"))
                    .say(tr!(VI, "speech-home-privacy"));
            }
            Screen::Quote => self.spoken_quote(&mut s),
            Screen::Pension => self.spoken_pension(&mut s),
            Screen::Scenarios => self.spoken_scenarios(&mut s),
            Screen::Household => self.spoken_household(&mut s),
            Screen::Benefits => {
                let v = self.benefits.view(&self.table, self.today(), VI);
                s.say(tr!(VI, "speech-benefits-title")).say(&v.error);
                for card in &v.cards {
                    s.say(&card.title);
                    lines(&mut s, &card.lines);
                    s.say(&card.note);
                }
            }
            Screen::Enroll => self.spoken_enroll(&mut s),
            Screen::Done => {
                if let Some((c, scheme)) = &self.done {
                    let scheme = match scheme {
                        crate::controllers::enroll::Scheme::Voluntary => {
                            tr!(VI, "done-scheme-voluntary")
                        }
                        crate::controllers::enroll::Scheme::Household => {
                            tr!(VI, "done-scheme-household")
                        }
                    };
                    s.say(&tr!(VI, "speech-done", scheme = scheme, receipt = c.receipt_no))
                        .say_pair(tr!(VI, "speech-done-amount"), &money(c.amount, VI))
                        .say(tr!(VI, "speech-done-next"));
                }
            }
            Screen::StaffLogin | Screen::Staff => return Script::new(),
        }
        s
    }

    fn spoken_quote(&mut self, s: &mut Script) {
        let (today, table) = (self.today(), self.table.clone());
        let q = self.quote.view(&table, today, VI);
        s.say(tr!(VI, "speech-quote-title"))
            .say_pair(tr!(VI, "speech-income"), &q.income)
            .say_pair(tr!(VI, "speech-group"), q.groups.get(self.quote.group()).map_or("", |g| g))
            .say_pair(tr!(VI, "speech-mode"), q.modes.get(self.quote.mode()).map_or("", |m| m))
            .say_pair(tr!(VI, "speech-province"), &q.province);
        if !q.error.is_empty() {
            s.say(&q.error);
            return;
        }
        s.say_pair(tr!(VI, "speech-net"), &q.net);
        lines(s, &q.payment);
        s.say(tr!(VI, "speech-per-month"));
        lines(s, &q.monthly);
        s.say(&q.note).say(tr!(VI, "speech-quote-next"));
    }

    fn spoken_pension(&mut self, s: &mut Script) {
        let (today, table) = (self.today(), self.table.clone());
        let v = self.pension.view(&table, today, VI);
        s.say(tr!(VI, "speech-pension-title"));
        if !v.born.is_empty() {
            s.say(&tr!(
                VI,
                "speech-pension-person",
                born = v.born.as_str(),
                paid = v.paid.as_str(),
                planned = v.planned.as_str()
            ));
        }
        if !v.error.is_empty() {
            s.say(&v.error);
            return;
        }
        lines(s, &v.results);
        for a in &v.advice {
            s.say(a);
        }
        s.say(tr!(VI, "speech-pension-next"));
    }

    fn spoken_scenarios(&mut self, s: &mut Script) {
        let (today, table) = (self.today(), self.table.clone());
        let v = self.scenarios.view(&table, today, VI);
        s.say(tr!(VI, "speech-scenarios-title"));
        for c in &v.columns {
            s.say(&tr!(
                VI,
                "speech-scenarios-column",
                title = c.title.as_str(),
                income = c.income.as_str(),
                years = c.years.as_str()
            ));
            s.say(&c.error);
            lines(s, &c.lines);
        }
        s.say(&v.summary);
    }

    fn spoken_household(&mut self, s: &mut Script) {
        let v = self.household.view(&self.table, self.today(), VI);
        let months = PERIODS[self.household.period().min(PERIODS.len() - 1)];
        s.say(tr!(VI, "speech-household-title")).say(&tr!(
            VI,
            "speech-household-members",
            members = v.members.as_str(),
            period = years_months(months.into(), VI)
        ));
        if !v.error.is_empty() {
            s.say(&v.error);
            return;
        }
        for r in &v.rows {
            let row = tr!(
                VI,
                "speech-household-row",
                order = r.order.as_str(),
                monthly = r.monthly.as_str(),
                amount = r.amount.as_str()
            );
            s.say(&row);
        }
        s.say_pair(tr!(VI, "speech-household-total"), &v.total)
            .say(&v.note)
            .say(tr!(VI, "speech-household-next"));
    }

    fn spoken_enroll(&mut self, s: &mut Script) {
        let v = self.enroll.view(&self.table, self.today(), VI);
        if !v.started {
            s.say(&v.banner).say(tr!(VI, "speech-enroll-choose"));
            return;
        }
        if let Some(d) = &v.duplicate {
            s.say(&d.title).say(&d.text);
            return;
        }
        s.say(&v.title);
        if let Some(name) = v.steps.get(v.step) {
            let step = tr!(
                VI,
                "speech-enroll-step",
                step = v.step + 1,
                steps = v.steps.len(),
                name = name.as_str()
            );
            s.say(&step);
        }
        s.say(&v.banner).say(&v.card_note).say(&v.help);
        match v.kind {
            Some(StepKind::Review) => {
                s.say(tr!(VI, "speech-enroll-review"));
                for l in &v.review {
                    // A section's heading carries its step number (for "Sửa"), not a value.
                    if l.strong {
                        s.say(&l.label)
                    } else {
                        s.say_pair(&l.label, &l.value)
                    };
                }
                s.say_pair(tr!(VI, "speech-enroll-amount"), &v.amount);
                s.say(&tr!(VI, "speech-enroll-submit", button = v.next_label.as_str()));
                return;
            }
            Some(StepKind::Consent) => {
                s.say(&v.consent_text);
                s.say(&tr!(VI, "speech-enroll-consent", button = v.next_label.as_str()));
                return;
            }
            Some(StepKind::Members) if !v.editing_member => {
                s.say(&tr!(VI, "speech-enroll-members", members = v.members.len()));
            }
            _ => {}
        }
        // What to fill in and what is wrong, never what was typed.
        let labels: Vec<&str> = v.fields.iter().map(|f| f.label.as_str()).collect();
        if !labels.is_empty() {
            s.say(&tr!(VI, "speech-enroll-fill", fields = labels.join(", ")));
        }
        // Each message names its field.
        for f in v.fields.iter().filter(|f| !f.error.is_empty()) {
            s.say(&f.error);
        }
        s.say(&tr!(VI, "speech-enroll-next", button = v.next_label.as_str()));
    }

    /// A press of a speaker button (`slow`: the "read slowly" one): reads the screen, or stops.
    pub fn read_aloud(&mut self, slow: bool) {
        if self.read_aloud.speaking() {
            return self.read_aloud.stop();
        }
        let text = self.spoken().text();
        self.read_aloud.press(text, slow);
    }
}
