//! The fictional learning network of the small demo.

use super::{DemoLocation, DemoNetwork, DemoOrganisation, DemoWard};

type Location = (&'static str, &'static str, [&'static str; 2]);

/// (organisation, short name, locations (name, town, wards)). All organisations and
/// locations are invented; the towns are real towns in Limburg.
const ORGANISATIONS: [(&str, &str, [Location; 2]); 3] = [
    (
        "Zorggroep Heuvelland",
        "HL",
        [
            (
                "De Linde",
                "Gulpen",
                [
                    "Afdeling Zonnebloem (psychogeriatrie)",
                    "Afdeling Klaproos (somatiek)",
                ],
            ),
            (
                "Huize Bergzicht",
                "Vaals",
                [
                    "Afdeling Lavendel (psychogeriatrie)",
                    "Afdeling Korenbloem (somatiek)",
                ],
            ),
        ],
    ),
    (
        "Stichting Maasdal",
        "MD",
        [
            (
                "De Meidoorn",
                "Roermond",
                [
                    "Afdeling Margriet (psychogeriatrie)",
                    "Afdeling Hortensia (somatiek)",
                ],
            ),
            (
                "Het Veerhuis",
                "Echt",
                [
                    "Afdeling Vergeet-mij-niet (psychogeriatrie)",
                    "Afdeling Seringen (somatiek)",
                ],
            ),
        ],
    ),
    (
        "Zorgcoöperatie Parkstad Oost",
        "PO",
        [
            (
                "De Wilgenhof",
                "Heerlen",
                [
                    "Afdeling Heide (psychogeriatrie)",
                    "Afdeling Anjer (somatiek)",
                ],
            ),
            (
                "Het Koempelhoes",
                "Kerkrade",
                [
                    "Afdeling Iris (psychogeriatrie)",
                    "Afdeling Tulp (somatiek)",
                ],
            ),
        ],
    ),
];

pub(super) fn network() -> DemoNetwork {
    DemoNetwork {
        name: "Lerend netwerk Verbindende Gesprekken Limburg (demo)".to_owned(),
        description: "Fictief lerend netwerk van drie zorgorganisaties in Limburg. Interviewers \
                      van de ene organisatie voeren de gesprekken in de huizen van de andere. \
                      Alle organisaties, namen en verhalen zijn verzonnen; de verhalen zijn \
                      gepseudonimiseerd zoals echte transcripten."
            .to_owned(),
        organisations: ORGANISATIONS
            .iter()
            .map(|(name, short_name, locations)| DemoOrganisation {
                name: (*name).to_owned(),
                short_name: (*short_name).to_owned(),
                locations: locations
                    .iter()
                    .map(|(name, city, wards)| DemoLocation {
                        name: (*name).to_owned(),
                        city: (*city).to_owned(),
                        wards: wards
                            .iter()
                            .map(|name| DemoWard {
                                name: (*name).to_owned(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
