//! The conversation guide: topics, not a questionnaire (method §2 step 5). Guides are versioned
//! data; Driehoek ships the default appreciative guide below, written for it, and a network's
//! coordinator saves new versions.

use super::Refusal;
use serde::Serialize;

/// One topic of a guide with its opening prompts, in Dutch and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topic {
    pub title_nl: String,
    pub title_en: String,
    pub prompts_nl: String,
    pub prompts_en: String,
}

/// A guide's whole text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideText {
    pub title_nl: String,
    pub title_en: String,
    pub intro_nl: String,
    pub intro_en: String,
    pub guidance_nl: String,
    pub guidance_en: String,
    pub topics: Vec<Topic>,
}

const TOPICS: &[(&str, &str, &str, &str)] = &[
    (
        "Een gewone dag",
        "An ordinary day",
        "Vertel eens over een gewone dag hier. Wat was een goede dag de laatste tijd? Wat maakte hem goed?",
        "Tell me about an ordinary day here. What was a good day lately? What made it good?",
    ),
    (
        "Gekend worden",
        "Being known",
        "Weten de mensen hier wie u bent, wat u gewend bent en wat u belangrijk vindt? Waaraan merkt u dat?",
        "Do the people here know who you are, what you are used to and what matters to you? How do you notice?",
    ),
    (
        "Relaties en contact",
        "Relationships and contact",
        "Met wie heeft u hier contact? Hoe gaan medewerkers, bewoners en familie met elkaar om? Kunt u een mooi moment noemen?",
        "Who do you have contact with here? How do staff, residents and family get along? Can you describe a good moment?",
    ),
    (
        "Eigen keuzes",
        "Own choices",
        "Waarin kunt u zelf kiezen: opstaan, kleding, eten, hoe u de dag doorbrengt? Wanneer lukte dat goed?",
        "What can you choose yourself: getting up, clothes, food, how you spend the day? When did that work well?",
    ),
    (
        "Eten en drinken",
        "Food and drink",
        "Hoe is het eten en de sfeer aan tafel? Wat zou u graag vaker eten of anders willen?",
        "How are the food and the atmosphere at the table? What would you like more often, or differently?",
    ),
    (
        "Bezigheden",
        "Activities",
        "Wat doet u graag? Waar kijkt u naar uit? Zijn er dingen die u mist om te doen?",
        "What do you like to do? What do you look forward to? Is there something you miss doing?",
    ),
    (
        "Het huis",
        "The home",
        "Hoe is het om hier te wonen: uw kamer, de huiskamer, de buitenruimte, de schoonmaak? Voelt het als thuis?",
        "What is it like to live here: your room, the living room, the garden, the cleaning? Does it feel like home?",
    ),
    (
        "Communicatie met familie",
        "Communication with family",
        "Hoe worden u en uw familie op de hoogte gehouden? Wat ging daarin goed, en wat kan beter?",
        "How are you and your family kept informed? What went well, and what could be better?",
    ),
    (
        "Wat kan beter?",
        "What could be better?",
        "Als u één ding zou mogen veranderen, wat zou dat zijn? En wat moet vooral blijven zoals het is?",
        "If you could change one thing, what would it be? And what should stay just as it is?",
    ),
];

/// The default appreciative guide that ships with Driehoek (version 1).
pub fn default_guide() -> GuideText {
    GuideText {
        title_nl: "Driehoek gespreksleidraad (waarderend)".into(),
        title_en: "Driehoek conversation guide (appreciative)".into(),
        intro_nl: "Dit is een open, waarderend gesprek over hoe de bewoner de zorg en het leven in huis ervaart. \
Het is geen vragenlijst: volg het verhaal van de deelnemer en gebruik de onderwerpen als geheugensteun. \
Vraag naar voorbeelden (\"Kunt u een moment noemen waarop…\"), begin bij wat goed gaat en vraag daarna wat beter kan. \
In het gesprek met een naaste of zorgmedewerker gaat het ook over de bewoner: hoe ervaart hij of zij het, volgens u?"
            .into(),
        intro_en: "This is an open, appreciative conversation about how the resident experiences care and life in the home. \
It is not a questionnaire: follow the participant's story and use the topics as a reminder. \
Ask for examples (\"Can you describe a moment when…\"), start with what goes well and then ask what could be better. \
With a family member or care worker the conversation is also about the resident: how does he or she experience it, in your view?"
            .into(),
        guidance_nl: "Bewoners met dementie: kies een rustig moment en een vertrouwde plek, stel één korte vraag tegelijk, \
geef de tijd, sluit aan bij wat de bewoner nu beleeft en let op non-verbale signalen. Een naaste of vertrouwde medewerker mag erbij zijn. \
Stoppen bij onrust: merkt u spanning, verdriet of vermoeidheid, stop dan of neem pauze, ook als de vertegenwoordiger toestemming gaf. \
De instemming van de bewoner zelf telt tijdens het hele gesprek. Noteer op de checklist dat u gestopt bent."
            .into(),
        guidance_en: "Residents with dementia: choose a calm moment and a familiar place, ask one short question at a time, \
give time, follow what the resident experiences now and watch for non-verbal signals. A family member or familiar care worker may be present. \
Stop on distress: when you notice tension, sadness or tiredness, stop or take a break, even if the representative gave consent. \
The resident's own assent counts throughout the conversation. Record on the checklist that you stopped."
            .into(),
        topics: TOPICS
            .iter()
            .map(|(tn, te, pn, pe)| Topic {
                title_nl: (*tn).into(),
                title_en: (*te).into(),
                prompts_nl: (*pn).into(),
                prompts_en: (*pe).into(),
            })
            .collect(),
    }
}

/// Topics as the coordinator types them: blocks separated by an empty line, the first line of a
/// block is the title, the rest its prompts.
fn blocks(s: &str) -> Vec<(String, String)> {
    s.replace("\r\n", "\n")
        .split("\n\n")
        .filter_map(|b| {
            let b = b.trim();
            if b.is_empty() {
                return None;
            }
            let (title, rest) = b.split_once('\n').unwrap_or((b, ""));
            Some((title.trim().to_string(), rest.trim().to_string()))
        })
        .collect()
}

/// Topics back into the typed form.
pub fn topics_text(topics: &[Topic], english: bool) -> String {
    topics
        .iter()
        .map(|t| {
            if english {
                format!("{}\n{}", t.title_en, t.prompts_en)
            } else {
                format!("{}\n{}", t.title_nl, t.prompts_nl)
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Reads the two typed topic lists; both languages must have the same number of topics (the
/// adherence checklist counts them), at least one and at most 30.
pub fn parse_topics(nl: &str, en: &str) -> Result<Vec<Topic>, Refusal> {
    let (nl, en) = (blocks(nl), blocks(en));
    if nl.is_empty() || nl.len() > 30 {
        return Err(Refusal("error-guide-topics"));
    }
    if nl.len() != en.len() {
        return Err(Refusal("error-guide-topics-languages"));
    }
    Ok(nl
        .into_iter()
        .zip(en)
        .map(|((title_nl, prompts_nl), (title_en, prompts_en))| Topic {
            title_nl,
            title_en,
            prompts_nl,
            prompts_en,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_guide_covers_the_method_and_both_languages() {
        let g = default_guide();
        assert!(g.topics.len() >= 8);
        for t in &g.topics {
            assert!(!t.title_nl.is_empty() && !t.title_en.is_empty());
            assert!(!t.prompts_nl.is_empty() && !t.prompts_en.is_empty());
        }
        assert!(g.guidance_nl.contains("dementie") && g.guidance_nl.contains("onrust"));
        assert!(g.guidance_en.contains("dementia") && g.guidance_en.contains("distress"));
    }

    #[test]
    fn typed_topics_round_trip() {
        let g = default_guide();
        let nl = topics_text(&g.topics, false);
        let en = topics_text(&g.topics, true);
        assert_eq!(parse_topics(&nl, &en).unwrap(), g.topics);
        assert_eq!(
            parse_topics("A\nx\n\nB", "A\nx"),
            Err(Refusal("error-guide-topics-languages"))
        );
        assert_eq!(parse_topics("  ", ""), Err(Refusal("error-guide-topics")));
    }
}
