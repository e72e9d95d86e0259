//! The 1C simulator's configuration: which 1C configuration to imitate, the demo data, the
//! credentials, and the latency, fault and page-size knobs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::demo::{DemoSize, DemoWorld};

/// The 1C configuration whose published metadata the simulator imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Configuration {
    /// 1С:Управление нашей фирмой 3.0.
    Unf,
    /// 1С:Комплексная автоматизация 2.5.
    Ka,
    /// 1С:Управление торговлей 11.5.
    Ut11,
    /// 1С:Управление торговлей 10.3.
    Ut103,
    /// ЭСТИ: Управление фирмой-франчайзи (УТ 11 with the Okdesk exchange module).
    Esti,
}

impl Configuration {
    /// Every configuration.
    pub const ALL: [Configuration; 5] = [
        Configuration::Unf,
        Configuration::Ka,
        Configuration::Ut11,
        Configuration::Ut103,
        Configuration::Esti,
    ];

    /// The short code used in settings and on the command line (`unf`, `ka`, `ut11`, `ut103`, `esti`).
    pub fn code(self) -> &'static str {
        match self {
            Configuration::Unf => "unf",
            Configuration::Ka => "ka",
            Configuration::Ut11 => "ut11",
            Configuration::Ut103 => "ut103",
            Configuration::Esti => "esti",
        }
    }

    /// The infobase name in the default publication URL (`/<base>/odata/standard.odata`).
    pub fn default_base(self) -> &'static str {
        match self {
            Configuration::Unf => "unf_demo",
            Configuration::Ka => "ka_demo",
            Configuration::Ut11 => "trade_demo",
            Configuration::Ut103 => "trade103_demo",
            Configuration::Esti => "esti_demo",
        }
    }

    /// The functional options of the simulated base that decide the posting checks, with their
    /// defaults (the options named in `conformance/onec/*-dump/RULES.md`). The defaults are the
    /// simulator's choice of a typical working base, not evidence: a trading company with
    /// several organizations, VAT, partners with counterparties, contracts, several currencies
    /// off, agreements, automatic discounts, delivery, item characteristics and series off; for
    /// УНФ several organizations and units of measure on, several departments and currency
    /// accounting off. Options that no rule of the simulator reads are not listed.
    pub fn default_functional_options(self) -> &'static [(&'static str, bool)] {
        match self {
            Configuration::Ut11 | Configuration::Ka | Configuration::Esti => &[
                ("ИспользоватьНесколькоОрганизаций", true),
                ("ИспользоватьУчетНДС", true),
                ("ИспользоватьПартнеровИКонтрагентов", true),
                ("ИспользоватьНесколькоВалют", false),
                ("ИспользоватьРасширенныеВозможностиЗаказаКлиента", true),
                ("ИспользоватьСоглашенияСКлиентами", false),
                ("ИспользоватьДоговорыСКлиентами", true),
                ("ИспользоватьАвтоматическиеСкидкиВПродажах", false),
                ("ИспользоватьУправлениеДоставкой", false),
                ("ИспользоватьХарактеристикиНоменклатуры", false),
                ("ИспользоватьПричиныОтменыЗаказовКлиентов", false),
                ("ИспользоватьСерииНоменклатурыСклад", false),
            ],
            Configuration::Unf => &[
                ("ИспользоватьНесколькоОрганизаций", true),
                ("УчетВРазличныхЕдиницахИзмерения", true),
                ("УчетВалютныхОпераций", false),
                ("УчетПоНесколькимПодразделениям", false),
            ],
            // УТ 10.3 has no functional options: its checks are coded (RULES.md).
            Configuration::Ut103 => &[],
        }
    }

    /// The exchange plan the configuration publishes, if any.
    pub fn exchange_plan(self) -> Option<&'static str> {
        match self {
            Configuration::Esti => Some("ExchangePlan_ОбменСОкДеск"),
            _ => None,
        }
    }
}

impl fmt::Display for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A configuration code that is not one of `unf`, `ka`, `ut11`, `ut103`, `esti`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown 1C configuration `{0}` (expected unf, ka, ut11, ut103 or esti)")]
pub struct UnknownConfiguration(pub String);

impl FromStr for Configuration {
    type Err = UnknownConfiguration;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Configuration::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownConfiguration(s.to_owned()))
    }
}

/// Fault injection: shares of requests (0.0 ..= 1.0) that fail, drawn independently per request
/// from the seeded dice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Share answered with HTTP 500 and an `odata.error` body (code `-1`), as a database or
    /// application-server failure looks.
    pub server_error: f64,
    /// Share answered with HTTP 200 whose body is an `odata.error`, which real publications do.
    pub error_in_ok: f64,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Faults::default()
    }

    /// Only 500s, at this share.
    pub fn server_errors(share: f64) -> Self {
        Faults {
            server_error: share,
            ..Faults::default()
        }
    }
}

/// Everything that shapes one simulated 1C infobase.
#[derive(Clone, Debug)]
pub struct OnecConfig {
    /// The configuration to imitate.
    pub configuration: Configuration,
    /// The seed of the demo data and of the fault dice.
    pub seed: u64,
    /// How much demo data to generate (ignored when [`OnecConfig::world`] is set).
    pub size: DemoSize,
    /// A demo world to serve instead of generating one (share it with the Okdesk simulator).
    pub world: Option<DemoWorld>,
    /// The infobase name in the URL; `None` uses [`Configuration::default_base`].
    pub base: Option<String>,
    /// The Basic-auth user (UTF-8, usually Cyrillic).
    pub user: String,
    /// The Basic-auth password.
    pub password: String,
    /// Fixed latency added to every response.
    pub latency: Duration,
    /// Fault injection.
    pub faults: Faults,
    /// The most entities one collection response may hold; bigger pages get a 500, as a real
    /// server that runs out of temporary space on a fat page does.
    pub page_cap: Option<usize>,
    /// Where to listen; `None` binds 127.0.0.1 on a free port.
    pub addr: Option<SocketAddr>,
    /// Entity sets the publication leaves out (see [`OnecConfig::unpublish`]).
    pub unpublished: BTreeSet<String>,
    /// Functional options switched against the configuration's defaults (see
    /// [`OnecConfig::functional_option`] and [`Configuration::default_functional_options`]).
    pub functional_options: BTreeMap<String, bool>,
    /// Whether a new `Document_ЗаказКлиента` written by POST gets the defaults `ОбработкаЗаполнения`
    /// would fill (see [`OnecConfig::emulate_filling`]); on by default.
    pub emulate_filling: bool,
}

impl Default for OnecConfig {
    fn default() -> Self {
        OnecConfig {
            configuration: Configuration::Ut11,
            seed: 1,
            size: DemoSize::Small,
            world: None,
            base: None,
            user: "Администратор".to_owned(),
            password: "sandbox".to_owned(),
            latency: Duration::ZERO,
            faults: Faults::default(),
            page_cap: None,
            addr: None,
            unpublished: BTreeSet::new(),
            functional_options: BTreeMap::new(),
            emulate_filling: true,
        }
    }
}

impl OnecConfig {
    /// A default configuration imitating `configuration`.
    pub fn new(configuration: Configuration) -> Self {
        OnecConfig {
            configuration,
            ..OnecConfig::default()
        }
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the demo size (and drops a loaded world).
    pub fn size(mut self, size: DemoSize) -> Self {
        self.size = size;
        self.world = None;
        self
    }

    /// Serves this demo world.
    pub fn world(mut self, world: DemoWorld) -> Self {
        self.world = Some(world);
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = user.into();
        self.password = password.into();
        self
    }

    /// Sets the latency.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Sets fault injection.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the page-size cap.
    pub fn page_cap(mut self, cap: Option<usize>) -> Self {
        self.page_cap = cap;
        self
    }

    /// Leaves these entity sets out of the publication, as an administrator who publishes only
    /// part of a configuration does: they disappear from `$metadata`, the service document and
    /// every route (404, code 6), and references into them are accepted as plain GUIDs.
    pub fn unpublish(mut self, sets: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.unpublished.extend(sets.into_iter().map(Into::into));
        self
    }

    /// Switches a functional option of the simulated base (e.g. `ИспользоватьСоглашенияСКлиентами`).
    /// Options decide which required fields the posting check skips; see
    /// [`Configuration::default_functional_options`] for the defaults.
    pub fn functional_option(mut self, name: impl Into<String>, on: bool) -> Self {
        self.functional_options.insert(name.into(), on);
        self
    }

    /// Whether a POST of a new `Document_ЗаказКлиента` fills `Приоритет_Key` and empty
    /// `Товары.ВариантОбеспечения` as the configuration's `ОбработкаЗаполнения` does. Whether a
    /// real OData POST runs `ОбработкаЗаполнения` is not verified
    /// (conformance/onec/ut11-dump/RULES.md, «Filling defaults»); turn this off to see the
    /// posting refusals a base that does not fill would give.
    pub fn emulate_filling(mut self, on: bool) -> Self {
        self.emulate_filling = on;
        self
    }

    /// The functional options in effect: the configuration's defaults with the overrides.
    pub fn effective_functional_options(&self) -> BTreeSet<String> {
        let mut on: BTreeSet<String> = self
            .configuration
            .default_functional_options()
            .iter()
            .filter(|(_, v)| *v)
            .map(|(k, _)| (*k).to_owned())
            .collect();
        for (name, v) in &self.functional_options {
            if *v {
                on.insert(name.clone());
            } else {
                on.remove(name);
            }
        }
        on
    }
}
