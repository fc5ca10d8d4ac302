//! Code suggestions learned from a network's own coded fragments: Dutch Snowball stemming and
//! multinomial naive Bayes (Laplace smoothing), one model for valence and one over themes.
//! Suggestions are shown with their confidence and never applied by themselves.

use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use crate::Valence;

/// Frequent Dutch words that say nothing about quality or theme.
const STOPWORDS: &[&str] = &[
    "de", "het", "een", "en", "van", "in", "is", "dat", "die", "te", "op", "ik", "je", "u", "ze",
    "zij", "hij", "we", "wij", "er", "aan", "met", "voor", "als", "dan", "om", "ook", "nog",
    "maar", "of", "bij", "zo", "wat", "hoe", "was", "zijn", "heb", "heeft", "hebben", "wordt",
    "worden", "dit", "daar", "hier", "naar", "uit", "door", "over", "tot", "mijn", "haar", "hem",
    "me", "mij", "ons", "onze", "jullie", "nou", "ja", "eh", "uh", "toch", "wel", "even", "al",
    "kan", "zou",
];

/// Words of a text, lowercased, stopwords removed, stemmed with the Dutch Snowball stemmer.
/// Negations are kept ("niet", "geen" matter for valence).
pub fn tokens(stemmer: &Stemmer, text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !STOPWORDS.contains(w))
        .map(|w| stemmer.stem(w).into_owned())
        .collect()
}

/// A multinomial naive Bayes classifier over string labels.
#[derive(Debug, Clone, Default)]
struct NaiveBayes {
    /// Documents per label.
    docs: HashMap<String, u32>,
    /// Word counts per label.
    words: HashMap<String, HashMap<String, u32>>,
    /// Total words per label.
    totals: HashMap<String, u32>,
    vocabulary: HashSet<String>,
    n: u32,
}

impl NaiveBayes {
    fn add(&mut self, label: &str, words: &[String]) {
        *self.docs.entry(label.to_string()).or_default() += 1;
        self.n += 1;
        let counts = self.words.entry(label.to_string()).or_default();
        for w in words {
            *counts.entry(w.clone()).or_default() += 1;
            self.vocabulary.insert(w.clone());
        }
        *self.totals.entry(label.to_string()).or_default() += words.len() as u32;
    }

    /// Posterior probability per label, most likely first.
    fn posterior(&self, words: &[String]) -> Vec<(String, f64)> {
        if self.n == 0 {
            return Vec::new();
        }
        let v = self.vocabulary.len().max(1) as f64;
        let mut logs: Vec<(String, f64)> = self
            .docs
            .iter()
            .map(|(label, docs)| {
                let counts = &self.words[label];
                let total = f64::from(self.totals[label]);
                let mut lp = (f64::from(*docs) / f64::from(self.n)).ln();
                for w in words {
                    if !self.vocabulary.contains(w) {
                        continue;
                    }
                    let c = f64::from(counts.get(w).copied().unwrap_or(0));
                    lp += ((c + 1.0) / (total + v)).ln();
                }
                (label.clone(), lp)
            })
            .collect();
        let max = logs
            .iter()
            .map(|(_, l)| *l)
            .fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = logs.iter().map(|(_, l)| (l - max).exp()).sum();
        for (_, l) in &mut logs {
            *l = (*l - max).exp() / sum;
        }
        logs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        logs
    }
}

/// One coded fragment to learn from.
#[derive(Debug, Clone, Copy)]
pub struct Example<'a> {
    pub text: &'a str,
    pub valence: Valence,
    pub themes: &'a [String],
}

/// A suggestion for one fragment. Confidences are posterior probabilities (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub valence: Valence,
    pub valence_confidence: f64,
    /// Theme keys with their confidence, most likely first (at most two).
    pub themes: Vec<(String, f64)>,
}

/// The models learned from one network's coded fragments.
pub struct Model {
    stemmer: Stemmer,
    valence: NaiveBayes,
    themes: NaiveBayes,
}

/// A second theme is suggested only when it is at least this likely.
pub const SECOND_THEME: f64 = 0.3;

impl Model {
    pub fn train<'a, I: IntoIterator<Item = Example<'a>>>(examples: I) -> Model {
        let stemmer = Stemmer::create(Algorithm::Dutch);
        let mut valence = NaiveBayes::default();
        let mut themes = NaiveBayes::default();
        for e in examples {
            let words = tokens(&stemmer, e.text);
            valence.add(e.valence.key(), &words);
            for t in e.themes {
                themes.add(t, &words);
            }
        }
        Model {
            stemmer,
            valence,
            themes,
        }
    }

    /// Fragments the model learned from.
    pub fn size(&self) -> u32 {
        self.valence.n
    }

    /// A suggestion, or `None` when the model has learned nothing yet.
    pub fn suggest(&self, text: &str) -> Option<Suggestion> {
        let words = tokens(&self.stemmer, text);
        let v = self.valence.posterior(&words);
        let (label, confidence) = v.first()?;
        let themes: Vec<(String, f64)> = self
            .themes
            .posterior(&words)
            .into_iter()
            .enumerate()
            .filter(|(i, (_, p))| *i == 0 || *p >= SECOND_THEME)
            .map(|(_, t)| t)
            .take(2)
            .collect();
        Some(Suggestion {
            valence: Valence::parse(label).unwrap_or(Valence::None),
            valence_confidence: *confidence,
            themes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_content;

    #[test]
    fn dutch_stemming_joins_word_forms_and_drops_stopwords() {
        let s = Stemmer::create(Algorithm::Dutch);
        let a = tokens(&s, "De verzorgenden luisteren goed");
        let b = tokens(&s, "verzorgende luistert");
        assert_eq!(a.len(), 3);
        assert_eq!(a[0], b[0]);
        assert!(tokens(&s, "de het een en").is_empty());
        assert!(tokens(&s, "niet lekker").contains(&"niet".to_string()));
    }

    #[test]
    fn learns_valence_and_theme_from_examples() {
        let food = vec!["food".to_string()];
        let care = vec!["care".to_string()];
        let m = Model::train([
            Example {
                text: "Het eten is heerlijk en warm",
                valence: Valence::Positive,
                themes: &food,
            },
            Example {
                text: "Het eten is koud en smakeloos",
                valence: Valence::Negative,
                themes: &food,
            },
            Example {
                text: "De zorg is liefdevol en heerlijk",
                valence: Valence::Positive,
                themes: &care,
            },
            Example {
                text: "De zorg komt te laat, koud en afstandelijk",
                valence: Valence::Negative,
                themes: &care,
            },
        ]);
        assert_eq!(m.size(), 4);
        let s = m.suggest("Het eten was weer koud").unwrap();
        assert_eq!(s.valence, Valence::Negative);
        assert_eq!(s.themes[0].0, "food");
        assert!(s.valence_confidence > 0.5 && s.valence_confidence <= 1.0);
        assert!(Model::train([]).suggest("iets").is_none());
    }

    fn demo_examples() -> Vec<(String, Valence, Vec<String>)> {
        let mut out = Vec::new();
        for ward in 1..=6 {
            for t in demo_content::triads(ward, 2025, 12) {
                for c in t.conversations {
                    for f in c.fragments {
                        if f.speaker == demo_content::Speaker::Participant {
                            let themes = f.themes.iter().map(|t| (*t).to_string()).collect();
                            out.push((f.text, f.valence, themes));
                        }
                    }
                }
            }
        }
        out
    }

    /// Accuracy by 5-fold cross-validation on the demo fragments (participant fragments of 6 wards
    /// × 12 triads): printed, and required to beat always guessing the most frequent class.
    /// Run: `cargo test -p driehoek-domain --release --lib suggest::tests::cross_validated_accuracy -- --nocapture`
    #[test]
    fn cross_validated_accuracy() {
        let data = demo_examples();
        let k = 5;
        let (mut v_right, mut t_right, mut t_total) = (0usize, 0usize, 0usize);
        let (mut v_base, mut t_base) = (0usize, 0usize);
        for fold in 0..k {
            let train: Vec<Example> = data
                .iter()
                .enumerate()
                .filter(|(i, _)| i % k != fold)
                .map(|(_, (text, v, th))| Example {
                    text,
                    valence: *v,
                    themes: th,
                })
                .collect();
            // The majority baselines of this training part.
            let mut vc: HashMap<&str, usize> = HashMap::new();
            let mut tc: HashMap<&str, usize> = HashMap::new();
            for e in &train {
                *vc.entry(e.valence.key()).or_default() += 1;
                for t in e.themes {
                    *tc.entry(t.as_str()).or_default() += 1;
                }
            }
            let major_v = vc
                .iter()
                .max_by_key(|(k, n)| (**n, *k))
                .map(|(k, _)| *k)
                .unwrap();
            let major_t = tc
                .iter()
                .max_by_key(|(k, n)| (**n, *k))
                .map(|(k, _)| *k)
                .unwrap();
            let model = Model::train(train);
            for (i, (text, v, th)) in data.iter().enumerate() {
                if i % k != fold {
                    continue;
                }
                let s = model.suggest(text).unwrap();
                v_right += usize::from(s.valence == *v);
                v_base += usize::from(major_v == v.key());
                if !th.is_empty() {
                    t_total += 1;
                    t_right += usize::from(th.contains(&s.themes[0].0));
                    t_base += usize::from(th.iter().any(|t| t == major_t));
                }
            }
        }
        let n = data.len();
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b as f64;
        println!(
            "suggestions, {k}-fold cross-validation on {n} demo participant fragments: \
             valence accuracy {:.1}% (majority baseline {:.1}%); top theme correct {:.1}% of {t_total} themed fragments (majority baseline {:.1}%)",
            pct(v_right, n),
            pct(v_base, n),
            pct(t_right, t_total),
            pct(t_base, t_total)
        );
        assert!(v_right > v_base, "valence must beat the majority baseline");
        assert!(t_right > t_base, "themes must beat the majority baseline");
    }
}
