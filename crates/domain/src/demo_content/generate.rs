//! The generator: ward character, triad stories, conversation flow and slot filling.

use super::pool::{
    FAMILY, NEGATIVE, POSITIVE, Pool, RESIDENT, Role, STAFF, Seg, Slot, THEME_COUNT, THEME_KEYS,
    Template, pool,
};
use super::rng::{Rng, mix};
use super::{DemoConversation, DemoFragment, DemoTriad, Speaker};
use crate::perspective::{Perspective, Valence};

// Theme indices into THEME_KEYS.
const KNOWING: u8 = 0;
const ATTENTION: u8 = 1;
const ACTIVITIES: u8 = 3;
const SOCIAL: u8 = 4;
const CARE: u8 = 5;
const FOOD: u8 = 6;
const LIVING: u8 = 7;
const COMMUNICATION: u8 = 8;
const FAMILIAR: u8 = 9;
const RULES: u8 = 11;

/// How often each perspective talks about each theme (relative weights, THEME_KEYS order).
const BASE_WEIGHTS: [[u32; THEME_COUNT]; 3] = [
    // knowing attention own activities social care food living communication familiar safety rules
    [8, 10, 8, 10, 10, 8, 12, 8, 4, 7, 6, 5], // resident
    [9, 10, 6, 9, 7, 10, 9, 6, 12, 8, 7, 6],  // family
    [12, 9, 8, 9, 6, 10, 6, 5, 8, 8, 7, 10],  // staff
];

/// Themes a ward can be weak on (food twice: the classic complaint) and strong on.
const WEAK_CANDIDATES: [u8; 8] = [
    FOOD,
    FAMILIAR,
    COMMUNICATION,
    ACTIVITIES,
    RULES,
    LIVING,
    ATTENTION,
    FOOD,
];
const STRONG_CANDIDATES: [u8; 7] = [ACTIVITIES, KNOWING, FOOD, SOCIAL, LIVING, CARE, ACTIVITIES];

/// Letters for triad codes (no I, O, Q, U, X, Y: easily confused or rare in Dutch).
const LETTERS: [char; 20] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'V', 'W',
    'Z',
];

/// Target share of positive fragments (per mille) for resident, family and staff: the latent
/// "story" of a triad.
const ARCHETYPES: [[i32; 3]; 8] = [
    [840, 820, 860], // 0: everyone agrees it goes well
    [720, 690, 760], // 1: mostly well
    [260, 220, 300], // 2: everyone agrees it does not go well
    [820, 200, 700], // 3: family much more critical than resident and staff
    [300, 650, 900], // 4: staff positive, resident unhappy
    [180, 330, 640], // 5: resident unhappy, and it goes unseen
    [620, 820, 330], // 6: family content, staff worried
    [430, 380, 470], // 7: lukewarm all round
];
/// One archetype per plot quadrant; dealt first to the triads that get full scores, so that
/// every ward's plot shows the spread.
const CORE_DECK: [u8; 4] = [0, 2, 3, 5];
const REST_DECK: [u8; 8] = [0, 0, 1, 1, 3, 4, 6, 7];
const DECK_SIZE: usize = CORE_DECK.len() + REST_DECK.len();

const TIJD: [&str; 6] = [
    "'s ochtends",
    "'s middags",
    "'s avonds",
    "in het weekend",
    "na het eten",
    "'s zondags",
];
const ACTIVITEIT: [&str; 14] = [
    "de bingo",
    "het zingen",
    "de beweegclub",
    "het koersballen",
    "de muziekmiddag",
    "het sjoelen",
    "de handwerkclub",
    "de kookgroep",
    "de stoelgym",
    "het bloemschikken",
    "de kerkdienst",
    "de fietsmiddag",
    "het geheugenspel",
    "de creatieve middag",
];
const ETEN: [&str; 14] = [
    "de soep",
    "de stamppot",
    "de rijstevlaai",
    "het zuurvlees",
    "de pap",
    "het brood",
    "de vis",
    "de groente",
    "de aardappelpuree",
    "het toetje",
    "de erwtensoep",
    "de appelmoes",
    "de pannenkoek",
    "de kippensoep",
];
const WARMETEN: [&str; 10] = [
    "de soep",
    "de stamppot",
    "het zuurvlees",
    "de vis",
    "de groente",
    "de aardappelpuree",
    "de erwtensoep",
    "de andijviestamppot",
    "de hachee",
    "de kippensoep",
];
const MUZIEK: [&str; 9] = [
    "Limburgse liedjes",
    "carnavalsmuziek",
    "de harmonie",
    "oude schlagers",
    "het mannenkoor",
    "walsmuziek",
    "kerkliedjes",
    "muziek van vroeger",
    "Franse chansons",
];
const VROEGER_F: [&str; 9] = [
    "de winkel",
    "de kapsalon",
    "het naaiatelier",
    "de boerderij",
    "de bakkerij",
    "het kerkkoor",
    "de zangvereniging",
    "de kruidenierszaak",
    "het café",
];
const VROEGER_M: [&str; 9] = [
    "de mijn",
    "de boerderij",
    "de harmonie",
    "de duivensport",
    "de bakkerij",
    "de garage",
    "de schutterij",
    "de timmerwerkplaats",
    "het café",
];
const DUUR: [&str; 8] = [
    "twee jaar",
    "een half jaar",
    "bijna drie jaar",
    "anderhalf jaar",
    "een paar maanden",
    "ruim een jaar",
    "vier jaar",
    "een jaar of drie",
];
const WERKDUUR: [&str; 8] = [
    "twee jaar",
    "zes jaar",
    "bijna tien jaar",
    "een half jaar",
    "al vijftien jaar",
    "drie jaar",
    "acht jaar",
    "ruim twintig jaar",
];
const BEZOEK: [&str; 6] = [
    "bijna elke dag",
    "twee keer per week",
    "elke zondag",
    "een keer per week, meer lukt niet met mijn werk",
    "om de dag",
    "elke dinsdag en zaterdag",
];
const REL_CHILD_F: [&str; 3] = ["mijn moeder", "moeder", "ma"];
const REL_CHILD_M: [&str; 3] = ["mijn vader", "vader", "pa"];
const REL_OTHER_F: [&str; 2] = ["mijn tante", "mijn schoonmoeder"];
const REL_OTHER_M: [&str; 2] = ["mijn oom", "mijn schoonvader"];

/// The character of a ward: stable for a ward seed, whatever the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ward {
    /// Shift of every target share, per mille.
    pub(super) shift: i32,
    /// Theme that draws more negative and fewer positive stories.
    pub(super) weak: u8,
    /// Theme that draws more positive and fewer negative stories.
    pub(super) strong: u8,
    pub(super) letters: [char; 2],
}

impl Ward {
    pub(super) fn new(seed: u64) -> Self {
        let mut rng = Rng::new(mix(seed ^ 0x5741_5244_0000_0001));
        let letters = [*rng.pick(&LETTERS), *rng.pick(&LETTERS)];
        let weak = *rng.pick(&WEAK_CANDIDATES);
        let mut strong = *rng.pick(&STRONG_CANDIDATES);
        while strong == weak {
            strong = *rng.pick(&STRONG_CANDIDATES);
        }
        let shift = rng.jitter(60);
        Self {
            shift,
            weak,
            strong,
            letters,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Child,
    Partner,
    Other,
}

/// The people of one triad, fixed for all three conversations.
#[derive(Debug, Clone, Copy)]
struct Person {
    female: bool,
    relation: Relation,
    family_female: bool,
    rel_form: usize,
    muziek: usize,
    vroeger: usize,
    duur: usize,
    bezoek: usize,
}

impl Person {
    fn draw(rng: &mut Rng) -> Self {
        let female = rng.chance(700);
        let relation = match rng.below(20) {
            0..=11 => Relation::Child,
            12..=16 => Relation::Partner,
            _ => Relation::Other,
        };
        let family_female = match relation {
            Relation::Child => rng.chance(650),
            Relation::Partner => !female,
            Relation::Other => rng.chance(500),
        };
        let mut person = Self {
            female,
            relation,
            family_female,
            rel_form: 0,
            muziek: rng.below(MUZIEK.len()),
            vroeger: rng.below(VROEGER_F.len()),
            duur: rng.below(DUUR.len()),
            bezoek: rng.below(BEZOEK.len()),
        };
        person.rel_form = rng.below(person.rel_forms().len());
        person
    }

    fn rel_forms(&self) -> &'static [&'static str] {
        match (self.relation, self.female) {
            (Relation::Child, true) => &REL_CHILD_F,
            (Relation::Child, false) => &REL_CHILD_M,
            (Relation::Partner, true) => &["mijn vrouw"],
            (Relation::Partner, false) => &["mijn man"],
            (Relation::Other, true) => &REL_OTHER_F,
            (Relation::Other, false) => &REL_OTHER_M,
        }
    }

    fn familie(&self) -> &'static str {
        match (self.relation, self.family_female) {
            (Relation::Child, true) => "mijn dochter",
            (Relation::Child, false) => "mijn zoon",
            (Relation::Partner, true) => "mijn vrouw",
            (Relation::Partner, false) => "mijn man",
            (Relation::Other, true) => "mijn nicht",
            (Relation::Other, false) => "mijn neef",
        }
    }

    fn naasterol(&self) -> &'static str {
        match (self.relation, self.family_female) {
            (Relation::Child, true) => "de dochter",
            (Relation::Child, false) => "de zoon",
            (Relation::Partner, true) => "zijn vrouw",
            (Relation::Partner, false) => "haar man",
            (Relation::Other, true) => "de nicht",
            (Relation::Other, false) => "de neef",
        }
    }
}

/// Which conversations of the call are absent or not available.
struct Plan {
    absent: Vec<bool>,
    /// Per triad × perspective: the conversation gets fewer than five coded fragments.
    not_available: Vec<bool>,
    archetypes: Vec<u8>,
}

pub(super) fn triads(ward_seed: u64, round_seed: u64, count: usize) -> Vec<DemoTriad> {
    let pool = pool();
    let ward = Ward::new(ward_seed);
    let mut rng = Rng::new(mix(ward_seed ^ mix(round_seed ^ 0x524F_554E_4400_0002)));
    let round_shift = rng.jitter(20);
    let plan = plan(&mut rng, count);
    let mut generator = Generator {
        pool,
        ward,
        rng,
        usage: vec![0; pool.templates.len()],
        used_in: vec![0; pool.templates.len()],
        conversation: 0,
    };
    let mut number = 0;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        // Increasing numbers with small random gaps: unique within the call, look arbitrary.
        number += 1 + generator.rng.below(if i == 0 { 40 } else { 6 });
        let code = format!("T-{}{}-{number:03}", ward.letters[0], ward.letters[1]);
        let targets = ARCHETYPES[usize::from(plan.archetypes[i])];
        let person = Person::draw(&mut generator.rng);
        let concern = generator.rng.below(THEME_COUNT) as u8;
        let mut conversations = Vec::with_capacity(3);
        for (p, perspective) in Perspective::ALL.into_iter().enumerate() {
            if p == RESIDENT && plan.absent[i] {
                continue;
            }
            let target = (targets[p] + ward.shift + round_shift + generator.rng.jitter(50))
                .clamp(30, 970) as usize;
            conversations.push(generator.conversation(
                perspective,
                target,
                plan.not_available[i * 3 + p],
                &person,
                concern,
            ));
        }
        out.push(DemoTriad {
            code,
            resident_takes_part: !plan.absent[i],
            conversations,
        });
    }
    out
}

/// Chooses, stratified so that every ward shows them: about one in six residents who cannot
/// take part, about one in twelve conversations with fewer than five coded fragments (residents
/// twice as likely), and the archetype of each triad.
fn plan(rng: &mut Rng, count: usize) -> Plan {
    let mut absent = vec![false; count];
    let mut chosen = 0;
    while chosen < (count + 3) / 6 {
        let i = rng.below(count);
        if !absent[i] {
            absent[i] = true;
            chosen += 1;
        }
    }
    let existing = 3 * count - chosen;
    let mut not_available = vec![false; 3 * count];
    let mut chosen = 0;
    while chosen < (existing + 6) / 12 {
        let slot = rng.below(3 * count);
        let (triad, p) = (slot / 3, slot % 3);
        if not_available[slot] || (p == RESIDENT && absent[triad]) {
            continue;
        }
        if p != RESIDENT && rng.chance(500) {
            continue;
        }
        not_available[slot] = true;
        chosen += 1;
    }
    let mut archetypes = vec![0; count];
    let mut scored = Vec::with_capacity(DECK_SIZE);
    let mut unscored = Vec::with_capacity(DECK_SIZE);
    for start in (0..count).step_by(DECK_SIZE) {
        let end = (start + DECK_SIZE).min(count);
        scored.clear();
        unscored.clear();
        for i in start..end {
            let full = !absent[i] && !not_available[i * 3..i * 3 + 3].contains(&true);
            if full {
                scored.push(i);
            } else {
                unscored.push(i);
            }
        }
        rng.shuffle(&mut scored);
        let mut core = CORE_DECK;
        let mut rest = REST_DECK;
        rng.shuffle(&mut core);
        rng.shuffle(&mut rest);
        for (&i, &card) in scored
            .iter()
            .chain(unscored.iter())
            .zip(core.iter().chain(rest.iter()))
        {
            archetypes[i] = card;
        }
    }
    Plan {
        absent,
        not_available,
        archetypes,
    }
}

struct Generator {
    pool: &'static Pool,
    ward: Ward,
    rng: Rng,
    /// How often each template was used in this call: the least used is preferred, so stories
    /// do not visibly repeat within a ward.
    usage: Vec<u16>,
    /// The number of the conversation (counted from 1) that last used each template: a
    /// template is never used twice in one conversation.
    used_in: Vec<u32>,
    conversation: u32,
}

enum Question {
    Open,
    Theme(u8),
    Follow,
    Wish,
    Close,
    Thanks,
}

impl Generator {
    fn conversation(
        &mut self,
        perspective: Perspective,
        target: usize,
        not_available: bool,
        person: &Person,
        concern: u8,
    ) -> DemoConversation {
        let p = perspective_index(perspective);
        let rng = &mut self.rng;
        let (coded, neutral) = if not_available {
            (rng.between(3, 4), rng.between(5, 7))
        } else {
            let coded = match p {
                RESIDENT => rng.between(6, 12),
                FAMILY => rng.between(8, 16),
                _ => rng.between(7, 16),
            };
            (coded, rng.between(2, 4))
        };
        // Stochastic rounding: the expected share of positives is exactly the target.
        let positives = ((target * coded + rng.below(1000)) / 1000).min(coded);
        let mut valences = [NEGATIVE; 16];
        valences[..positives].fill(POSITIVE);
        rng.shuffle(&mut valences[..coded]);

        self.conversation += 1;
        let mut fragments = Vec::with_capacity(2 * (coded + neutral) + 4);
        self.ask(&mut fragments, p, &Question::Open, person);
        self.neutral(&mut fragments, p, Role::Intro, person);
        let mut chats = neutral - 2;
        let mut previous: Option<u8> = None;
        let mut in_block = 0;
        for (k, &valence) in valences[..coded].iter().enumerate() {
            let remaining = coded - k;
            let theme = self.choose_theme(p, valence, previous, concern);
            if Some(theme) != previous {
                let question = if remaining <= 2 && valence == NEGATIVE && self.rng.chance(500) {
                    Question::Wish
                } else {
                    Question::Theme(theme)
                };
                self.ask(&mut fragments, p, &question, person);
                in_block = 0;
            } else if in_block >= 1 && self.rng.chance(450) {
                self.ask(&mut fragments, p, &Question::Follow, person);
            }
            self.coded(&mut fragments, p, valence, theme, person);
            in_block += 1;
            previous = Some(theme);
            // Drift into small talk; all remaining chats are placed after the last answer.
            let mut first = true;
            while chats > 0 && self.rng.below(remaining) < chats {
                if !first && self.rng.chance(600) {
                    self.ask(&mut fragments, p, &Question::Follow, person);
                }
                self.neutral(&mut fragments, p, Role::Chat, person);
                chats -= 1;
                previous = None;
                first = false;
            }
        }
        self.ask(&mut fragments, p, &Question::Close, person);
        self.neutral(&mut fragments, p, Role::Close, person);
        self.ask(&mut fragments, p, &Question::Thanks, person);
        DemoConversation {
            perspective,
            fragments,
        }
    }

    fn choose_theme(&mut self, p: usize, valence: usize, previous: Option<u8>, concern: u8) -> u8 {
        let cells = &self.pool.coded[p][valence];
        if let Some(t) = previous
            && self.rng.chance(400)
            && self.has_unused(&cells[usize::from(t)])
        {
            return t;
        }
        let mut weights = [0u32; THEME_COUNT];
        for (t, weight) in weights.iter_mut().enumerate() {
            let candidates = &cells[t];
            if candidates.is_empty() {
                continue;
            }
            let mut w = BASE_WEIGHTS[p][t] * 10;
            let t = t as u8;
            if t == self.ward.weak {
                w = if valence == NEGATIVE {
                    w * 3
                } else {
                    w * 2 / 5
                };
            }
            if t == self.ward.strong {
                w = if valence == POSITIVE {
                    w * 3
                } else {
                    w * 2 / 5
                };
            }
            if t == concern && valence == NEGATIVE {
                w = w * 5 / 2;
            }
            if !self.has_unused(candidates) {
                w /= 8;
            }
            *weight = w.max(1);
        }
        self.rng.weighted(&weights).unwrap_or(0) as u8
    }

    fn is_used(&self, id: u32) -> bool {
        self.used_in[id as usize] == self.conversation
    }

    fn has_unused(&self, candidates: &[u32]) -> bool {
        candidates.iter().any(|&c| !self.is_used(c))
    }

    /// The least used candidate in this call that is not yet used in this conversation
    /// (ties broken at random).
    fn pick(&mut self, candidates: &[u32]) -> Option<u32> {
        let mut best = u16::MAX;
        let mut ties = 0;
        let mut exclude_used = self.has_unused(candidates);
        for pass in 0..2 {
            for &c in candidates {
                if exclude_used && self.is_used(c) {
                    continue;
                }
                let u = self.usage[c as usize];
                if u < best {
                    best = u;
                    ties = 1;
                } else if u == best {
                    ties += 1;
                }
            }
            if ties > 0 || pass == 1 {
                break;
            }
            exclude_used = false;
        }
        if ties == 0 {
            return None;
        }
        let mut k = self.rng.below(ties);
        for &c in candidates {
            if (exclude_used && self.is_used(c)) || self.usage[c as usize] != best {
                continue;
            }
            if k == 0 {
                return Some(c);
            }
            k -= 1;
        }
        None
    }

    fn ask(&mut self, out: &mut Vec<DemoFragment>, p: usize, question: &Question, person: &Person) {
        let q = &self.pool.questions[p];
        let candidates: &[u32] = match question {
            Question::Open => &q.open,
            Question::Theme(t) if !q.theme[usize::from(*t)].is_empty() => &q.theme[usize::from(*t)],
            Question::Theme(_) | Question::Follow => &q.follow,
            Question::Wish => &q.wish,
            Question::Close => &q.close,
            Question::Thanks => &q.thanks,
        };
        self.emit(out, candidates, Speaker::Interviewer, Valence::None, person);
    }

    fn neutral(&mut self, out: &mut Vec<DemoFragment>, p: usize, role: Role, person: &Person) {
        let candidates = &self.pool.neutral[p][role as usize];
        self.emit(out, candidates, Speaker::Participant, Valence::None, person);
    }

    fn coded(
        &mut self,
        out: &mut Vec<DemoFragment>,
        p: usize,
        valence: usize,
        theme: u8,
        person: &Person,
    ) {
        // Mostly an answer that is mainly about the theme asked, sometimes one that touches it.
        let main = &self.pool.main[p][valence][usize::from(theme)];
        let candidates = if self.has_unused(main) && self.rng.chance(750) {
            main
        } else {
            &self.pool.coded[p][valence][usize::from(theme)]
        };
        let valence = if valence == POSITIVE {
            Valence::Positive
        } else {
            Valence::Negative
        };
        self.emit(out, candidates, Speaker::Participant, valence, person);
    }

    fn emit(
        &mut self,
        out: &mut Vec<DemoFragment>,
        candidates: &[u32],
        speaker: Speaker,
        valence: Valence,
        person: &Person,
    ) {
        let Some(id) = self.pick(candidates) else {
            return;
        };
        self.usage[id as usize] = self.usage[id as usize].saturating_add(1);
        self.used_in[id as usize] = self.conversation;
        let template = &self.pool.templates[id as usize];
        let text = self.render(template, person);
        let themes = if valence == Valence::None {
            Vec::new()
        } else {
            template
                .themes
                .iter()
                .map(|&t| THEME_KEYS[usize::from(t)])
                .collect()
        };
        out.push(DemoFragment {
            speaker,
            text,
            valence,
            themes,
        });
    }

    fn render(&mut self, template: &Template, person: &Person) -> String {
        let mut out = String::with_capacity(template.literal_len + 24 * template.segs.len());
        for seg in &template.segs {
            match *seg {
                Seg::Lit(s) => out.push_str(s),
                Seg::Slot { slot, capital } => {
                    let value = self.slot_value(slot, person);
                    push_value(&mut out, value, capital);
                }
            }
        }
        out
    }

    fn slot_value(&mut self, slot: Slot, person: &Person) -> &'static str {
        let female = person.female;
        match slot {
            Slot::Tijd => TIJD[self.rng.below(TIJD.len())],
            Slot::Activiteit => ACTIVITEIT[self.rng.below(ACTIVITEIT.len())],
            Slot::Eten => ETEN[self.rng.below(ETEN.len())],
            Slot::WarmEten => WARMETEN[self.rng.below(WARMETEN.len())],
            Slot::Werkduur => WERKDUUR[self.rng.below(WERKDUUR.len())],
            Slot::Muziek => MUZIEK[person.muziek],
            Slot::Vroeger if female => VROEGER_F[person.vroeger],
            Slot::Vroeger => VROEGER_M[person.vroeger],
            Slot::Hij => {
                if female {
                    "ze"
                } else {
                    "hij"
                }
            }
            Slot::Zijn => {
                if female {
                    "haar"
                } else {
                    "zijn"
                }
            }
            Slot::Hem => {
                if female {
                    "haar"
                } else {
                    "hem"
                }
            }
            Slot::Rel => person.rel_forms()[person.rel_form],
            Slot::Familie => person.familie(),
            Slot::Naasterol => person.naasterol(),
            Slot::Duur => DUUR[person.duur],
            Slot::Bezoek => BEZOEK[person.bezoek],
        }
    }
}

fn perspective_index(perspective: Perspective) -> usize {
    match perspective {
        Perspective::Resident => RESIDENT,
        Perspective::Family => FAMILY,
        Perspective::Staff => STAFF,
    }
}

/// Appends a slot value, capitalised for the start of a sentence if asked ("'s Avonds").
fn push_value(out: &mut String, value: &str, capital: bool) {
    if !capital {
        out.push_str(value);
        return;
    }
    let (prefix, rest) = match value.strip_prefix("'s ") {
        Some(rest) => ("'s ", rest),
        None => ("", value),
    };
    out.push_str(prefix);
    let mut chars = rest.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}
