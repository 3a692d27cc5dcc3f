"""Reference tables Stripe validates against: countries, currencies, locales, test addresses."""

from __future__ import annotations

API_VERSION = "2026-10-28.endive"

# Shipping countries Stripe Checkout accepts in `allowed_countries` (ISO 3166-1 alpha-2).
_COUNTRY_CODES = """
    AC AD AE AF AG AI AL AM AO AQ AR AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CD CF CG CH CI CK CL CM CN CO CR CV CW CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ
    GR GS GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IS IT JE JM JO JP KE KG KH KI
    KM KN KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MK ML MM MN MO
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK
    PL PM PN PR PS PT PY QA RE RO RS RU RW SA SB SC SE SG SH SI SJ SK SL SM SN SO SR SS
    ST SV SX SZ TA TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC
    VE VG VN VU WF WS XK YE YT ZA ZM ZW ZZ
"""
SHIPPING_COUNTRIES = frozenset(_COUNTRY_CODES.split())

COUNTRY_NAMES = {
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "CA": "Canada",
    "CH": "Switzerland",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IT": "Italy",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "NO": "Norway",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
    "US": "United States",
}

# (line1, city, postal_code, state) used to prefill the test checkout page.
TEST_ADDRESSES = {
    "AT": ("Mariahilfer Straße 10", "Wien", "1070", ""),
    "CH": ("Bahnhofstrasse 21", "Zürich", "8001", ""),
    "DE": ("Torstraße 120", "Berlin", "10119", ""),
    "FR": ("8 Rue de Rivoli", "Paris", "75004", ""),
    "GB": ("221B Baker Street", "London", "NW1 6XE", ""),
    "IE": ("12 Grafton Street", "Dublin", "D02 XY00", ""),
    "NL": ("Damrak 1", "Amsterdam", "1012 LG", ""),
    "US": ("354 Oyster Point Blvd", "South San Francisco", "94080", "CA"),
}
FALLBACK_ADDRESS = ("1 Test Street", "Testville", "12345", "")

_CURRENCY_CODES = """
    aed all amd ang aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp byn bzd cad
    cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd
    gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jpy kes kgs khr kmf krw kyd kzt lak
    lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok
    npr nzd pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle
    sos srd std szl thb tjs top try ttd twd tzs uah ugx usd uyu uzs vnd vuv wst xaf xcd
    xof xpf yer zar zmw
"""
CURRENCIES = frozenset(_CURRENCY_CODES.split())

_ZERO_DECIMAL_CODES = "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf"
ZERO_DECIMAL = frozenset(_ZERO_DECIMAL_CODES.split())

# Stripe's minimum charge amounts (minor units); other currencies use the 50 default.
MINIMUM_CHARGE = {"gbp": 30, "jpy": 50, "chf": 50, "dkk": 250, "nok": 300, "sek": 300, "usd": 50}

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}

_LOCALE_CODES = """
    auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv
    ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW
"""
LOCALES = tuple(_LOCALE_CODES.split())


def format_amount(amount: int, currency: str) -> str:
    """Render minor units for people: 1250 eur -> "€12.50", 1250 chf -> "12.50 CHF"."""
    if amount < 0:
        return "-" + format_amount(-amount, currency)
    value = str(amount) if currency in ZERO_DECIMAL else f"{amount / 100:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


def country_name(code: str) -> str:
    """A readable country name, falling back to the code itself."""
    return COUNTRY_NAMES.get(code, code)
