//! What generated persons are made of: names, places, programmes, registers.
//!
//! The KATO codes are illustrative: their first two digits follow the real
//! regions where the rules care (71 Astana, 75 Almaty, 79 Shymkent are the
//! cities of national status of `DOMICILE_3_YEARS`); the rest of each code is
//! only required to be nine digits and stable.

/// A locality people live in.
#[derive(Debug, Clone, Copy)]
pub struct Locality {
    /// KATO code.
    pub kato: &'static str,
    /// Name, for addresses.
    pub name: &'static str,
    /// Relative share of households living there.
    pub weight: u32,
    /// Whether it is a city (apartments) rather than a village (houses).
    pub urban: bool,
}

/// Where households live, weighted roughly by population.
pub const LOCALITIES: [Locality; 20] = [
    Locality {
        kato: "750000000",
        name: "Almaty",
        weight: 120,
        urban: true,
    },
    Locality {
        kato: "710000000",
        name: "Astana",
        weight: 90,
        urban: true,
    },
    Locality {
        kato: "790000000",
        name: "Shymkent",
        weight: 70,
        urban: true,
    },
    Locality {
        kato: "351610000",
        name: "Karaganda",
        weight: 45,
        urban: true,
    },
    Locality {
        kato: "352410000",
        name: "Temirtau",
        weight: 15,
        urban: true,
    },
    Locality {
        kato: "151010000",
        name: "Aktobe",
        weight: 40,
        urban: true,
    },
    Locality {
        kato: "551010000",
        name: "Pavlodar",
        weight: 30,
        urban: true,
    },
    Locality {
        kato: "631010000",
        name: "Oskemen",
        weight: 30,
        urban: true,
    },
    Locality {
        kato: "311010000",
        name: "Taraz",
        weight: 30,
        urban: true,
    },
    Locality {
        kato: "231010000",
        name: "Atyrau",
        weight: 25,
        urban: true,
    },
    Locality {
        kato: "391010000",
        name: "Kostanay",
        weight: 22,
        urban: true,
    },
    Locality {
        kato: "271010000",
        name: "Oral",
        weight: 20,
        urban: true,
    },
    Locality {
        kato: "431010000",
        name: "Kyzylorda",
        weight: 22,
        urban: true,
    },
    Locality {
        kato: "591010000",
        name: "Petropavl",
        weight: 18,
        urban: true,
    },
    Locality {
        kato: "471010000",
        name: "Aktau",
        weight: 18,
        urban: true,
    },
    Locality {
        kato: "611010000",
        name: "Turkistan",
        weight: 16,
        urban: true,
    },
    Locality {
        kato: "111010000",
        name: "Kokshetau",
        weight: 14,
        urban: true,
    },
    Locality {
        kato: "196243100",
        name: "Esik",
        weight: 25,
        urban: false,
    },
    Locality {
        kato: "515233100",
        name: "Saryagash",
        weight: 25,
        urban: false,
    },
    Locality {
        kato: "355633100",
        name: "Osakarovka",
        weight: 20,
        urban: false,
    },
];

/// Streets, for addresses.
pub const STREETS: [&str; 16] = [
    "Abai",
    "Dostyk",
    "Tole bi",
    "Kabanbay batyr",
    "Satpayev",
    "Zheltoksan",
    "Baitursynov",
    "Auezov",
    "Kunaev",
    "Seifullin",
    "Bukhar zhyrau",
    "Momyshuly",
    "Turan",
    "Mangilik El",
    "Nazarbayev",
    "Tauelsizdik",
];

/// Surnames in their male form; the female form adds "a" to "-ov", "-ev", "-in".
pub const SURNAMES: [&str; 40] = [
    "Akhmetov",
    "Abdrakhmanov",
    "Baimukhanov",
    "Dzhaksybekov",
    "Ermekov",
    "Zhunusov",
    "Ibraev",
    "Kairatov",
    "Kaliyev",
    "Mukanov",
    "Nurlanov",
    "Omarov",
    "Sadykov",
    "Serikbaev",
    "Suleimenov",
    "Tokayev",
    "Utegenov",
    "Yesenov",
    "Zhakupov",
    "Amanzholov",
    "Bekov",
    "Dauletov",
    "Kassymov",
    "Mamyrov",
    "Nurpeisov",
    "Rakhimov",
    "Seitkaliyev",
    "Tulegenov",
    "Ivanov",
    "Petrov",
    "Smirnov",
    "Kuznetsov",
    "Popov",
    "Volkov",
    "Shevchenko",
    "Kim",
    "Pak",
    "Li",
    "Tsoi",
    "Schmidt",
];

/// Male given names.
pub const MALE_NAMES: [&str; 30] = [
    "Nurlan",
    "Serik",
    "Yerlan",
    "Askar",
    "Daniyar",
    "Arman",
    "Bauyrzhan",
    "Marat",
    "Timur",
    "Ruslan",
    "Azamat",
    "Kairat",
    "Dias",
    "Alikhan",
    "Sultan",
    "Nursultan",
    "Yerzhan",
    "Talgat",
    "Zhandos",
    "Almas",
    "Dmitry",
    "Sergey",
    "Alexander",
    "Andrey",
    "Vladimir",
    "Alexey",
    "Igor",
    "Yevgeny",
    "Maxim",
    "Ilya",
];

/// Female given names.
pub const FEMALE_NAMES: [&str; 30] = [
    "Aigerim",
    "Aizhan",
    "Dana",
    "Gulnara",
    "Zhanar",
    "Saule",
    "Madina",
    "Dinara",
    "Asel",
    "Kamila",
    "Aruzhan",
    "Ainur",
    "Botagoz",
    "Zarina",
    "Laura",
    "Assel",
    "Moldir",
    "Togzhan",
    "Akbota",
    "Nazerke",
    "Olga",
    "Yelena",
    "Tatyana",
    "Natalya",
    "Irina",
    "Svetlana",
    "Anna",
    "Maria",
    "Yekaterina",
    "Yulia",
];

/// State mortgage programmes of §15.9.
pub const STATE_PROGRAMMES: [&str; 5] = [
    "7-20-25",
    "Nurly Zher",
    "Otbasy Bank",
    "Baspana Hit",
    "Nurly Zher (Otbasy Bank)",
];

/// The issuer of identity documents.
pub const DOCUMENT_ISSUER: &str = "Ministry of Internal Affairs of the Republic of Kazakhstan";

/// The register a category comes from.
pub const LABOUR_REGISTER: &str = "Ministry of Labour and Social Protection of the Population";
/// The register of pensions.
pub const PENSION_REGISTER: &str = "State Centre for Pension Payments";
/// The register of servicemen and veterans.
pub const DEFENCE_REGISTER: &str = "Ministry of Defence";
/// The register of patients.
pub const HEALTH_REGISTER: &str = "Ministry of Health";
/// The register of education (orphans).
pub const EDUCATION_REGISTER: &str = "Ministry of Education";
/// The migration register (kandases).
pub const MIGRATION_REGISTER: &str = "Migration Service";
/// The register of employees of the public sector.
pub const PUBLIC_SECTOR_REGISTER: &str = "State Revenue Committee";
/// The emergencies register.
pub const EMERGENCIES_REGISTER: &str = "Ministry of Emergency Situations";

/// Mobile operators' prefixes after "+7".
pub const PHONE_PREFIXES: [&str; 12] = [
    "700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778",
];

/// The female form of a surname.
pub fn female_surname(male: &str) -> String {
    if male.ends_with("ov") || male.ends_with("ev") || male.ends_with("in") {
        format!("{male}a")
    } else {
        male.to_owned()
    }
}

/// A patronymic from the father's given name (Kazakh forms "-uly" / "-kyzy").
pub fn patronymic(father_given_name: &str, female: bool) -> String {
    if female {
        format!("{father_given_name}kyzy")
    } else {
        format!("{father_given_name}uly")
    }
}
