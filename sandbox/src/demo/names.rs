//! Russian names, places and words for the demo data, and the transliteration that turns them into
//! e-mail addresses and domains the way Russian companies usually spell them.

use rand::rngs::StdRng;
use rand::Rng;

/// A person's full name with its grammatical gender, so that the surname and patronymic agree.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub(crate) last: String,
    pub(crate) first: String,
    pub(crate) patronymic: String,
}

impl Person {
    /// «Фамилия Имя Отчество», as 1C presents a person.
    pub(crate) fn full(&self) -> String {
        format!("{} {} {}", self.last, self.first, self.patronymic)
    }

    /// `first.last` in Latin letters, the usual local part of a work e-mail.
    pub(crate) fn email_local(&self) -> String {
        format!("{}.{}", translit(&self.first), translit(&self.last))
    }

    /// `i.last`: the short form used for employees of the service company.
    pub(crate) fn short_local(&self) -> String {
        let first = translit(&self.first);
        let initial: String = first.chars().take(1).collect();
        format!("{initial}.{}", translit(&self.last))
    }
}

const MALE_FIRST: &[&str] = &[
    "Александр",
    "Сергей",
    "Андрей",
    "Дмитрий",
    "Алексей",
    "Иван",
    "Михаил",
    "Николай",
    "Павел",
    "Владимир",
    "Евгений",
    "Олег",
    "Игорь",
    "Максим",
    "Роман",
    "Артем",
];
const FEMALE_FIRST: &[&str] = &[
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Мария",
    "Светлана",
    "Екатерина",
    "Юлия",
    "Марина",
    "Виктория",
];
/// Masculine surnames; all end in -ов, -ев or -ин, so the feminine form adds «а».
const LAST: &[&str] = &[
    "Иванов",
    "Петров",
    "Сидоров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Федоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семенов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьев",
    "Борисов",
    "Яковлев",
];
/// Patronymics as (masculine, feminine).
const PATRONYMIC: &[(&str, &str)] = &[
    ("Иванович", "Ивановна"),
    ("Сергеевич", "Сергеевна"),
    ("Петрович", "Петровна"),
    ("Александрович", "Александровна"),
    ("Николаевич", "Николаевна"),
    ("Владимирович", "Владимировна"),
    ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Михайлович", "Михайловна"),
    ("Викторович", "Викторовна"),
    ("Олегович", "Олеговна"),
    ("Юрьевич", "Юрьевна"),
];

/// A random person; about 40 % are women.
pub(crate) fn person(rng: &mut StdRng) -> Person {
    let female = rng.gen_bool(0.4);
    let last = pick(rng, LAST);
    let (pm, pf) = PATRONYMIC[rng.gen_range(0..PATRONYMIC.len())];
    if female {
        Person {
            last: format!("{last}а"),
            first: pick(rng, FEMALE_FIRST).to_owned(),
            patronymic: pf.to_owned(),
        }
    } else {
        Person {
            last: last.to_owned(),
            first: pick(rng, MALE_FIRST).to_owned(),
            patronymic: pm.to_owned(),
        }
    }
}

/// One element of a non-empty table.
pub(crate) fn pick<'a>(rng: &mut StdRng, table: &[&'a str]) -> &'a str {
    table[rng.gen_range(0..table.len())]
}

/// Stems that combine into company names such as «Технострой» or «Агроснаб».
const STEM: &[&str] = &[
    "Техно",
    "Строй",
    "Агро",
    "Мед",
    "Инфо",
    "Энерго",
    "Спец",
    "Пром",
    "Авто",
    "Торг",
    "Телеком",
    "Лес",
    "Транс",
    "Фарм",
    "Био",
    "Эко",
    "Гидро",
    "Электро",
    "Вент",
    "Альт",
];
const ENDING: &[&str] = &[
    "сервис",
    "строй",
    "маш",
    "торг",
    "пром",
    "комплект",
    "снаб",
    "лайн",
    "групп",
    "систем",
    "ресурс",
    "трейд",
    "софт",
    "инвест",
    "монтаж",
];
/// Whole-word names typical of small Russian businesses.
const WORD: &[&str] = &[
    "Ромашка",
    "Вектор",
    "Альфа",
    "Меридиан",
    "Гранит",
    "Березка",
    "Восход",
    "Радуга",
    "Континент",
    "Аврора",
    "Орион",
    "Сигма",
    "Зенит",
    "Полюс",
    "Прогресс",
    "Рассвет",
    "Фортуна",
    "Надежда",
    "Уют",
    "Пекарня Хлебный Дом",
];

/// A company's brand name without the legal form: «Ромашка», «Технострой».
pub(crate) fn brand(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.35) {
        pick(rng, WORD).to_owned()
    } else {
        format!("{}{}", pick(rng, STEM), pick(rng, ENDING))
    }
}

/// A city with its INN region prefix, phone code and postcode prefix, so that the INN, the phone
/// and the address of one company agree.
#[derive(Clone, Copy, Debug)]
pub(crate) struct City {
    pub(crate) name: &'static str,
    pub(crate) region: &'static str,
    pub(crate) phone_code: &'static str,
    pub(crate) postcode: &'static str,
}

const CITIES: &[City] = &[
    City {
        name: "Москва",
        region: "77",
        phone_code: "495",
        postcode: "1",
    },
    City {
        name: "Санкт-Петербург",
        region: "78",
        phone_code: "812",
        postcode: "19",
    },
    City {
        name: "Пенза",
        region: "58",
        phone_code: "8412",
        postcode: "440",
    },
    City {
        name: "Казань",
        region: "16",
        phone_code: "843",
        postcode: "420",
    },
    City {
        name: "Екатеринбург",
        region: "66",
        phone_code: "343",
        postcode: "620",
    },
    City {
        name: "Новосибирск",
        region: "54",
        phone_code: "383",
        postcode: "630",
    },
    City {
        name: "Нижний Новгород",
        region: "52",
        phone_code: "831",
        postcode: "603",
    },
    City {
        name: "Самара",
        region: "63",
        phone_code: "846",
        postcode: "443",
    },
];

/// A random city; Moscow is the most frequent, as in real client bases.
pub(crate) fn city(rng: &mut StdRng) -> City {
    if rng.gen_bool(0.3) {
        CITIES[0]
    } else {
        CITIES[rng.gen_range(0..CITIES.len())]
    }
}

const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Гагарина",
    "пр-т Мира",
    "ул. Советская",
    "ул. Садовая",
    "ул. Московская",
    "ул. Пушкина",
    "наб. Речная",
    "ул. Заводская",
    "ул. Молодежная",
    "ул. Кирова",
    "ш. Энтузиастов",
];

/// A street address in the given city: «440026, г. Пенза, ул. Гагарина, д. 13, офис 5».
pub(crate) fn address(rng: &mut StdRng, city: City) -> String {
    let digits = 6 - city.postcode.len();
    let tail: u32 = rng.gen_range(0..10u32.pow(digits as u32));
    let mut text = format!(
        "{}{:0width$}, г. {}, {}, д. {}",
        city.postcode,
        tail,
        city.name,
        pick(rng, STREETS),
        rng.gen_range(1..120),
        width = digits
    );
    if rng.gen_bool(0.5) {
        text.push_str(&format!(", офис {}", rng.gen_range(1..400)));
    }
    text
}

/// A phone number as 1C users type it: «+7 (8412) 55-12-34».
pub(crate) fn phone(rng: &mut StdRng, city: City) -> String {
    let local_len = 10 - city.phone_code.len();
    let number: u64 = rng.gen_range(10u64.pow(local_len as u32 - 1)..10u64.pow(local_len as u32));
    let text = number.to_string();
    let (a, rest) = text.split_at(local_len - 4);
    let (b, c) = rest.split_at(2);
    format!("+7 ({}) {a}-{b}-{c}", city.phone_code)
}

/// A mobile phone: «+7 916 123-45-67».
pub(crate) fn mobile(rng: &mut StdRng) -> String {
    format!(
        "+7 9{:02} {:03}-{:02}-{:02}",
        rng.gen_range(0..100),
        rng.gen_range(0..1000),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    )
}

/// Job titles of client contacts.
pub(crate) const POSITIONS: &[&str] = &[
    "Генеральный директор",
    "Главный бухгалтер",
    "Системный администратор",
    "Менеджер по закупкам",
    "Инженер",
    "Офис-менеджер",
    "Заведующий складом",
    "Администратор магазина",
];

/// Transliterates Cyrillic to Latin the way e-mail addresses are usually made (ГОСТ-like, lowercase).
/// Characters other than Cyrillic letters and ASCII alphanumerics are dropped.
pub(crate) fn translit(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        let latin = match ch {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            ' ' | '-' => "-",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translit_makes_plain_ascii() {
        assert_eq!(translit("Щукин"), "shchukin");
        assert_eq!(translit("Пекарня Хлебный Дом"), "pekarnya-khlebnyy-dom");
        assert!(translit("Федорова").is_ascii());
    }
}
