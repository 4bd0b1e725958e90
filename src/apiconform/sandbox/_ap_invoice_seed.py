"""Deterministic AP invoices for the sandbox, covering every field and enum value of the vendor's Invoice object."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apiconform.sandbox._identifiers import (
    german_iban,
    german_vat_id,
    iban,
    kid_mod10,
    norwegian_iban,
    norwegian_vat_id,
)

__all__ = ["seed_invoices"]

JsonObject = dict[str, Any]

_CENT = Decimal("0.01")
_ONBOARDED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
_FIRST_INVOICE_DATE = date(2026, 1, 5)

# Rough EUR cross rates; they only keep foreign-currency amounts in a believable range.
_EUR_RATES: dict[str, Decimal] = {
    code: Decimal(rate)
    for code, rate in {
        "EUR": "1", "USD": "1.08", "GBP": "0.85", "JPY": "162", "AUD": "1.65", "CAD": "1.47", "CHF": "0.95",
        "CNY": "7.8", "HKD": "8.45", "NZD": "1.78", "SEK": "11.3", "KRW": "1450", "SGD": "1.45", "NOK": "11.6",
        "MXN": "19.5", "INR": "90", "BRL": "5.9", "RUB": "98", "ZAR": "20.2", "TRY": "35", "AED": "3.97",
        "THB": "38.5", "DKK": "7.46", "PLN": "4.3", "TWD": "34.5", "SAR": "4.05", "MYR": "5.05", "IDR": "17200",
    }.items()
}  # fmt: skip

# Bank code (as it sits in the IBAN) to BIC, for the banks _identifiers draws its codes from.
_BICS = {
    "DE37040044": "COBADEFFXXX",
    "DE10070000": "DEUTDEBBXXX",
    "DE50010517": "INGDDEFFXXX",
    "DE20050550": "HASPDEHHXXX",
    "NO1503": "DNBANOKKXXX",
    "NO1506": "DNBANOKKXXX",
    "NO6039": "NDEANOKKXXX",
    "SE500": "ESSESESSXXX",
}
_BANK_CODE_LENGTHS = {"DE": 8, "NO": 4, "SE": 3}

# Input-VAT keys of each buyer's chart of accounts: (name, internal name, code the bookkeeping export expects).
_TAX_KEYS: dict[tuple[str, int], tuple[str, str, str]] = {
    ("DE", 19): ("Vorsteuer 19 %", "VSt19", "9"),
    ("DE", 7): ("Vorsteuer 7 %", "VSt7", "8"),
    ("NO", 25): ("Inngående mva, høy sats 25 %", "INN25", "1"),
    ("NO", 15): ("Inngående mva, middels sats 15 %", "INN15", "11"),
    ("SE", 25): ("Ingående moms 25 %", "IM25", "48"),
    ("SE", 12): ("Ingående moms 12 %", "IM12", "48"),
}

_PAYMENT_TERMS = {
    "DE": ("Zahlbar innerhalb von {days} Tagen ohne Abzug", ", {pct} % Skonto bei Zahlung innerhalb von {sdays} Tagen"),
    "NO": ("Betalingsfrist {days} dager netto", ", {pct} % kontantrabatt ved betaling innen {sdays} dager"),
    "SE": ("Betalningsvillkor {days} dagar netto", ", {pct} % kassarabatt vid betalning inom {sdays} dagar"),
}
_DOCUMENT_WORDS = {"DE": "Rechnung", "NO": "Faktura", "SE": "Faktura"}

# What each tenant's staff write, in their own language.
_TEXTS: dict[str, dict[str, str]] = {
    "DE": {
        "credit": "Gutschrift zu {original}: Teilrücksendung, Ware beschädigt angeliefert",
        "reminder": "1. Mahnung zu {original}; Mahngebühr nicht anerkannt",
        "paid": "Per SEPA-Lastschrift eingezogen; keine Zahlung anlegen",
        "received": "Wareneingang geprüft, Lieferschein {slip}",
        "deviation": "Preisanpassung laut Rahmenvertrag 2026 bestätigt",
        "rule": "Neue Bankverbindung prüfen",
        "rule_description": "Zahlungen an eine in den letzten 30 Tagen geänderte IBAN brauchen eine zweite Freigabe",
        "tax_key": "{name}, Standardschlüssel",
        "split": "{count} Position(en) zu {rate} %",
    },
    "NO": {
        "credit": "Kreditnota til {original}: delvis retur, skadet ved levering",
        "reminder": "1. purring på {original}; purregebyr ikke godtatt",
        "paid": "Trukket via AvtaleGiro; ikke opprett betaling",
        "received": "Varemottak kontrollert, følgeseddel {slip}",
        "deviation": "Prisjustering iht. rammeavtale 2026 bekreftet",
        "rule": "Kontroller nytt kontonummer",
        "rule_description": "Betaling til et kontonummer endret de siste 30 dagene krever en ekstra godkjenning",
        "tax_key": "{name}, standard mva-kode",
        "split": "{count} linje(r) med {rate} % mva",
    },
    "SE": {
        "credit": "Kreditfaktura till {original}: delretur, skadat vid leverans",
        "reminder": "Betalningspåminnelse för {original}; påminnelseavgift godtas inte",
        "paid": "Dragen via Autogiro; skapa ingen betalning",
        "received": "Godsmottagning kontrollerad, följesedel {slip}",
        "deviation": "Prisjustering enligt ramavtal 2026 bekräftad",
        "rule": "Kontrollera nytt kontonummer",
        "rule_description": "Betalningar till ett konto som ändrats de senaste 30 dagarna kräver ett andra godkännande",
        "tax_key": "{name}, standardmomskod",
        "split": "{count} rad(er) med {rate} % moms",
    },
}


def _swedish_org_number(index: int) -> str:
    # Swedish organisation numbers end in the same Luhn digit a MOD10 KID carries.
    return kid_mod10(f"556{(418_273 + 7_919 * index) % 1_000_000:06d}")


def _swedish_iban(index: int) -> str:
    return iban("SE", f"500{(5_391_012_345 + 104_729 * index) % 10**17:017d}")


@dataclass(frozen=True, slots=True)
class _Person:
    key: str
    name: str
    email: str
    role: str
    push: bool


@dataclass(frozen=True, slots=True)
class _Organization:
    key: str
    name: str
    slug: str
    country: str
    vat: str
    iban: str
    address: str
    approver: _Person
    accountant: _Person
    cost_center: tuple[str, str]
    cost_unit: tuple[str, str]
    feature_flags: tuple[tuple[str, bool], ...]
    since_days: int


@dataclass(frozen=True, slots=True)
class _Product:
    code: int
    title: str
    description: str
    price_eur: Decimal
    tax_rate: int


@dataclass(frozen=True, slots=True)
class _Supplier:
    key: str
    name: str
    country: str
    street: str
    zip: str
    city: str
    email: str
    iban: str
    vat: str
    description: str
    invoice_number: str
    payment_terms_days: int
    skonto_percentage: Decimal
    skonto_days: int
    trusted: bool
    organization: _Organization
    ledger_account: tuple[str, str]
    products: tuple[_Product, ...]
    bills_period: bool
    since_days: int


_NORDLICHT = _Organization(
    key="org-nordlicht",
    name="Nordlicht Logistik GmbH",
    slug="nordlicht-logistik",
    country="DE",
    vat=german_vat_id(0),
    iban=german_iban(0),
    address="Am Sandtorkai 41, 20457 Hamburg, DE",
    approver=_Person("usr-kvogel", "Katrin Vogel", "katrin.vogel@nordlicht-logistik.de", "ADMIN", push=True),
    accountant=_Person("usr-tbrandt", "Tobias Brandt", "tobias.brandt@nordlicht-logistik.de", "ACCOUNTANT", push=False),
    cost_center=("4100", "Lager Hamburg-Billbrook"),
    cost_unit=("KTR-210", "Kontrakt Elbe-Nordroute"),
    feature_flags=(("PURCHASE_ORDER_MATCHING", True), ("PAYMENT_RUNS", True), ("DATEV_EXPORT", True)),
    since_days=0,
)
_BERGVIK = _Organization(
    key="org-bergvik",
    name="Bergvik Maskin AS",
    slug="bergvik-maskin",
    country="NO",
    vat=norwegian_vat_id(0),
    iban=norwegian_iban(0),
    address="Strandkaien 12, 4005 Stavanger, NO",
    approver=_Person("usr-isolberg", "Ingrid Solberg", "ingrid.solberg@bergvik.no", "ADMIN", push=True),
    accountant=_Person("usr-mhaugland", "Magnus Haugland", "magnus.haugland@bergvik.no", "ACCOUNTANT", push=True),
    cost_center=("210", "Verksted Forus"),
    cost_unit=("P-2026-07", "Prosjekt Jåttåvågen kai"),
    feature_flags=(("PURCHASE_ORDER_MATCHING", True), ("PAYMENT_RUNS", True), ("DATEV_EXPORT", False)),
    since_days=21,
)
_KVARNHOLM = _Organization(
    key="org-kvarnholm",
    name="Kvarnholm Livsmedel AB",
    slug="kvarnholm-livsmedel",
    country="SE",
    vat=f"SE{_swedish_org_number(0)}01",
    iban=_swedish_iban(0),
    address="Kvarnholmsvägen 52, 13131 Nacka, SE",
    approver=_Person("usr-elindahl", "Elin Lindahl", "elin.lindahl@kvarnholm.se", "ADMIN", push=False),
    accountant=_Person("usr-obergqvist", "Oskar Bergqvist", "oskar.bergqvist@kvarnholm.se", "APPROVER", push=True),
    cost_center=("310", "Produktion Nacka"),
    cost_unit=("K-44", "Kampanj Våren 2026"),
    feature_flags=(("PURCHASE_ORDER_MATCHING", False), ("PAYMENT_RUNS", True), ("DATEV_EXPORT", False)),
    since_days=45,
)

_SUPPLIERS: tuple[_Supplier, ...] = (
    _Supplier(
        key="cp-hansepack",
        name="Hanseatische Verpackungswerke GmbH",
        country="DE",
        street="Hafenstraße 56",
        zip="28217",
        city="Bremen",
        email="buchhaltung@hansepack.de",
        iban=german_iban(1),
        vat=german_vat_id(1),
        description="Verpackungsmaterial und Ladungsträger",
        invoice_number="RE-2026-{n:05d}",
        payment_terms_days=30,
        skonto_percentage=Decimal(2),
        skonto_days=10,
        trusted=True,
        organization=_NORDLICHT,
        ledger_account=("3400", "Wareneingang 19 % Vorsteuer"),
        products=(
            _Product(100231, "Stretchfolie 23 µm", "Handwickelfolie, 500 mm x 300 m", Decimal("14.90"), 19),
            _Product(100412, "Faltkarton 600x400x400", "Zweiwellig, braun, 25 Stück je Bund", Decimal("38.50"), 19),
            _Product(100977, "Palettenetiketten A5", "Thermodirekt, 1.000 Etiketten je Rolle", Decimal("21.80"), 19),
        ),
        bills_period=False,
        since_days=2,
    ),
    _Supplier(
        key="cp-isarblick",
        name="Isarblick IT-Service GmbH",
        country="DE",
        street="Leopoldstraße 158",
        zip="80804",
        city="München",
        email="rechnungen@isarblick-it.de",
        iban=german_iban(2),
        vat=german_vat_id(2),
        description="IT-Betreuung und Lizenzen für die Lagerverwaltung",
        invoice_number="INV-26-{n:04d}",
        payment_terms_days=14,
        skonto_percentage=Decimal(0),
        skonto_days=0,
        trusted=False,
        organization=_NORDLICHT,
        ledger_account=("4806", "Wartungskosten für Hard- und Software"),
        products=(
            _Product(200010, "Managed Service Lager-WLAN", "Monatspauschale, 14 Access Points", Decimal("690.00"), 19),
            _Product(200045, "Support-Stunde", "Fernwartung Scanner und Etikettendrucker", Decimal("95.00"), 19),
        ),
        bills_period=True,
        since_days=5,
    ),
    _Supplier(
        key="cp-mainufer",
        name="Mainufer Industriebedarf GmbH",
        country="DE",
        street="Hanauer Landstraße 291",
        zip="60314",
        city="Frankfurt am Main",
        email="debitoren@mainufer-industrie.de",
        iban=german_iban(3),
        vat=german_vat_id(3),
        description="Arbeitsschutz und Lagerausstattung",
        invoice_number="2026/{n:04d}",
        payment_terms_days=30,
        skonto_percentage=Decimal(3),
        skonto_days=14,
        trusted=True,
        organization=_NORDLICHT,
        ledger_account=("4980", "Betriebsbedarf"),
        products=(
            _Product(310502, "Schutzhandschuhe Nitril", "Größe 9, EN 388, 12 Paar je Packung", Decimal("27.40"), 19),
            _Product(310877, "Anfahrschutz Palettenregal", "Stahl, gelb-schwarz, 400 mm", Decimal("64.00"), 19),
            _Product(390014, "Fachbuch Ladungssicherung", "Praxisleitfaden, 4. Auflage 2025", Decimal("49.90"), 7),
        ),
        bills_period=False,
        since_days=9,
    ),
    _Supplier(
        key="cp-holmsen",
        name="Holmsen Elektro AS",
        country="NO",
        street="Kanalveien 54",
        zip="5068",
        city="Bergen",
        email="faktura@holmsen-elektro.no",
        iban=norwegian_iban(1),
        vat=norwegian_vat_id(1),
        description="Elektroinstallasjon og service",
        invoice_number="F{n:06d}",
        payment_terms_days=30,
        skonto_percentage=Decimal(0),
        skonto_days=0,
        trusted=True,
        organization=_BERGVIK,
        ledger_account=("6620", "Reparasjon og vedlikehold utstyr"),
        products=(
            _Product(4011, "Servicetime elektriker", "Feilsøking trykkluftkompressor", Decimal("89.00"), 25),
            _Product(4870, "Kabelgrøft 10 m", "Inkl. rekkeklemmer og merking", Decimal("212.50"), 25),
        ),
        bills_period=False,
        since_days=23,
    ),
    _Supplier(
        key="cp-skagerrak",
        name="Skagerrak Frakt AS",
        country="NO",
        street="Vestre Strandgate 27",
        zip="4611",
        city="Kristiansand",
        email="regnskap@skagerrakfrakt.no",
        iban=norwegian_iban(2),
        vat=norwegian_vat_id(2),
        description="Sjøfrakt og fortolling Kristiansand-Hirtshals",
        invoice_number="SF-{n:05d}",
        payment_terms_days=20,
        skonto_percentage=Decimal("1.5"),
        skonto_days=8,
        trusted=False,
        organization=_BERGVIK,
        ledger_account=("6100", "Frakt og transportkostnader"),
        products=(
            _Product(7001, "Sjøfrakt trailer", "Kristiansand-Hirtshals, 13,6 m", Decimal("610.00"), 25),
            _Product(7030, "Fortollingsgebyr", "Eksportdeklarasjon per sending", Decimal("42.00"), 25),
        ),
        bills_period=True,
        since_days=24,
    ),
    _Supplier(
        key="cp-vestfold",
        name="Vestfold Trelast AS",
        country="NO",
        street="Kjelleråsveien 10",
        zip="3124",
        city="Tønsberg",
        email="post@vestfoldtrelast.no",
        iban=norwegian_iban(3),
        vat=norwegian_vat_id(3),
        description="Trelast og emballasjetre",
        invoice_number="VT{n:05d}",
        payment_terms_days=30,
        skonto_percentage=Decimal(2),
        skonto_days=10,
        trusted=True,
        organization=_BERGVIK,
        ledger_account=("4300", "Innkjøp av råvarer"),
        products=(
            _Product(55012, "Konstruksjonsvirke 48x198", "C24, impregnert, lengde 4,8 m", Decimal("11.20"), 25),
            _Product(55140, "Lastepall EUR", "Ny, ISPM 15-behandlet", Decimal("17.60"), 25),
        ),
        bills_period=False,
        since_days=30,
    ),
    _Supplier(
        key="cp-lindqvist",
        name="Lindqvist Kontorsmaterial AB",
        country="SE",
        street="Första Långgatan 19",
        zip="41327",
        city="Göteborg",
        email="fakturor@lindqvist-kontor.se",
        iban=_swedish_iban(1),
        vat=f"SE{_swedish_org_number(1)}01",
        description="Kontorsmaterial och personalrumsutrustning",
        invoice_number="{n:07d}",
        payment_terms_days=30,
        skonto_percentage=Decimal(0),
        skonto_days=0,
        trusted=False,
        organization=_KVARNHOLM,
        ledger_account=("6110", "Kontorsmateriel"),
        products=(
            _Product(81007, "Kopieringspapper A4", "80 g, 5 x 500 ark", Decimal("19.90"), 25),
            _Product(81290, "Kaffebönor mellanrost", "Ekologisk, 1 kg", Decimal("16.40"), 12),
        ),
        bills_period=False,
        since_days=47,
    ),
    _Supplier(
        key="cp-gotahamn",
        name="Göta Hamnlogistik AB",
        country="SE",
        street="Skandiahamnen 4",
        zip="41834",
        city="Göteborg",
        email="ekonomi@gotahamn.se",
        iban=_swedish_iban(2),
        vat=f"SE{_swedish_org_number(2)}01",
        description="Containerhantering och kyllagring",
        invoice_number="GH-{n:05d}",
        payment_terms_days=20,
        skonto_percentage=Decimal(1),
        skonto_days=7,
        trusted=True,
        organization=_KVARNHOLM,
        ledger_account=("5710", "Frakter och transporter"),
        products=(
            _Product(9102, "Kyllagring per pall och vecka", "Temperatur +2 till +4 °C", Decimal("9.80"), 25),
            _Product(9150, "Containerhantering 40 fot", "Lossning och terminalavgift", Decimal("285.00"), 25),
        ),
        bills_period=True,
        since_days=48,
    ),
)


@dataclass(frozen=True, slots=True)
class _Row:
    currency: str
    kind: str
    status: str
    supplier: int
    should_create_transaction: bool = True
    already_paid: bool = False
    archived: bool = False


# One row per invoice; together they cover every enum value and both values of each required boolean.
# inv-0001 carries every field of the page, so it is the invoice that was paid by direct debit and archived.
_ROWS: tuple[_Row, ...] = (
    _Row("EUR", "INVOICE", "NEW", 2, should_create_transaction=False, already_paid=True, archived=True),
    _Row("USD", "INVOICE", "APPROVED", 4),
    _Row("GBP", "CREDIT_NOTE", "APPROVED", 1, should_create_transaction=False),
    _Row("JPY", "INVOICE", "IN_PROGRESS", 0),
    _Row("AUD", "INVOICE", "REJECTED", 7, should_create_transaction=False, archived=True),
    _Row("CAD", "REMINDER", "NEW", 1),
    _Row("CHF", "INVOICE", "APPROVED", 0, already_paid=True),
    _Row("CNY", "INVOICE", "CANCELLED", 2, should_create_transaction=False, archived=True),
    _Row("HKD", "INVOICE", "IN_PROGRESS", 4),
    _Row("NZD", "CREDIT_NOTE", "NEW", 5, should_create_transaction=False),
    _Row("SEK", "INVOICE", "APPROVED", 6),
    _Row("KRW", "INVOICE", "NEW", 0),
    _Row("SGD", "REMINDER", "IN_PROGRESS", 4),
    _Row("NOK", "INVOICE", "APPROVED", 3),
    _Row("MXN", "INVOICE", "REJECTED", 1, should_create_transaction=False),
    _Row("INR", "INVOICE", "APPROVED", 1, already_paid=True, archived=True),
    _Row("BRL", "CREDIT_NOTE", "CANCELLED", 7, should_create_transaction=False, archived=True),
    _Row("RUB", "INVOICE", "CANCELLED", 0, should_create_transaction=False, archived=True),
    _Row("ZAR", "INVOICE", "NEW", 4),
    _Row("TRY", "INVOICE", "IN_PROGRESS", 2),
    _Row("AED", "INVOICE", "APPROVED", 7),
    _Row("THB", "REMINDER", "REJECTED", 6, should_create_transaction=False),
    _Row("DKK", "INVOICE", "APPROVED", 6, already_paid=True),
    _Row("PLN", "INVOICE", "NEW", 0),
    _Row("TWD", "CREDIT_NOTE", "IN_PROGRESS", 1, should_create_transaction=False),
    _Row("SAR", "INVOICE", "APPROVED", 5, archived=True),
    _Row("MYR", "INVOICE", "NEW", 5),
    _Row("IDR", "REMINDER", "APPROVED", 4),
    _Row("NOK", "INVOICE", "NEW", 3),
    _Row("EUR", "INVOICE", "APPROVED", 0),
)


def _amount(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> float:
    """JSON numbers with two decimals: the vendor example types every amount as a plain number."""
    return float(_amount(value))


@dataclass(frozen=True, slots=True)
class _Line:
    position: int
    product: _Product
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal

    @property
    def total(self) -> Decimal:
        return _amount(self.quantity * self.unit_price - self.discount)

    @property
    def tax(self) -> Decimal:
        return _amount(self.total * self.product.tax_rate / 100)


@dataclass(frozen=True, slots=True)
class _Context:
    """Everything one invoice's factories share, derived once from its row."""

    number: int
    row: _Row
    supplier: _Supplier
    invoice_date: date
    created: datetime
    updated: datetime
    lines: tuple[_Line, ...]

    @property
    def invoice_id(self) -> str:
        return f"inv-{self.number:04d}"

    @property
    def full(self) -> bool:
        return self.number == 1

    @property
    def organization(self) -> _Organization:
        return self.supplier.organization

    @property
    def texts(self) -> dict[str, str]:
        return _TEXTS[self.organization.country]

    @property
    def exported(self) -> bool:
        return self.full or self.row.status == "APPROVED"

    @property
    def export_key(self) -> tuple[str, str]:
        return self.organization.key, f"{self.created:%Y-%m}"

    @property
    def total(self) -> Decimal:
        return sum((line.total + line.tax for line in self.lines), Decimal(0))

    @property
    def skonto(self) -> Decimal:
        return _amount(self.total * self.supplier.skonto_percentage / 100)

    @property
    def due_date(self) -> date:
        return self.invoice_date + timedelta(days=self.supplier.payment_terms_days)

    @property
    def skonto_date(self) -> date:
        return self.invoice_date + timedelta(days=self.supplier.skonto_days)

    @property
    def invoice_number(self) -> str:
        return self.supplier.invoice_number.format(n=380 + 7 * self.number)

    @property
    def purchase_order_number(self) -> str:
        return f"PO-{self.invoice_date.year}-{self.number:04d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _stamps(entity_id: str, created: datetime, updated: datetime) -> JsonObject:
    return {"id": entity_id, "createdAt": _iso(created), "updatedAt": _iso(updated)}


def _since(days: int) -> datetime:
    return _ONBOARDED + timedelta(days=days)


def _feature_flag(organization: _Organization, name: str, *, enabled: bool) -> JsonObject:
    created = _since(organization.since_days)
    return {
        **_stamps(f"ff-{organization.slug}-{name.lower().replace('_', '-')}", created, created + timedelta(days=60)),
        "featureName": name,
        "isEnabled": enabled,
    }


def _organization(organization: _Organization) -> JsonObject:
    created = _since(organization.since_days)
    return {
        **_stamps(organization.key, created, created + timedelta(days=90)),
        "name": organization.name,
        "slug": organization.slug,
        "logoFileName": f"{organization.slug}-logo.png",
        "country": organization.country,
        "vatNumber": organization.vat,
        "featureFlags": [_feature_flag(organization, name, enabled=on) for name, on in organization.feature_flags],
    }


def _user(person: _Person, organization: _Organization, *, with_organization: bool = False) -> JsonObject:
    created = _since(organization.since_days) + timedelta(hours=2)
    user: JsonObject = {
        **_stamps(person.key, created, created + timedelta(days=120)),
        "email": person.email,
        "name": person.name,
        "authId": "auth0|" + hashlib.sha256(person.email.encode()).hexdigest()[:24],
        "role": person.role,
        "hasPushNotification": person.push,
    }
    if with_organization:
        user["organization"] = _organization(organization)
    return user


def _bic(account_iban: str) -> str:
    country = account_iban[:2]
    return _BICS[country + account_iban[4 : 4 + _BANK_CODE_LENGTHS[country]]]


def _bank_account(entity_id: str, name: str, account_iban: str, address: str, created: datetime) -> JsonObject:
    return {
        **_stamps(entity_id, created, created + timedelta(days=14)),
        "name": name,
        "iban": account_iban,
        "bic": _bic(account_iban),
        "countryCode": account_iban[:2],
        "address": address,
    }


def _supplier_account(supplier: _Supplier) -> JsonObject:
    address = f"{supplier.street}, {supplier.zip} {supplier.city}, {supplier.country}"
    return _bank_account(f"ba-{supplier.key}", supplier.name, supplier.iban, address, _since(supplier.since_days))


def _organization_account(organization: _Organization) -> JsonObject:
    created = _since(organization.since_days)
    return _bank_account(f"ba-{organization.key}", organization.name, organization.iban, organization.address, created)


def _counterparty(ctx: _Context) -> JsonObject:
    supplier, organization = ctx.supplier, ctx.organization
    created = _since(supplier.since_days)
    trust: JsonObject = {"markedTrusted": supplier.trusted}
    if supplier.trusted:
        trust["markedTrustedDate"] = _iso(created + timedelta(days=3, hours=5))
        trust["markedTrustedUser"] = _user(organization.approver, organization)
    index = _SUPPLIERS.index(supplier)
    return {
        **_stamps(supplier.key, created, created + timedelta(days=40)),
        "email": supplier.email,
        **trust,
        "description": supplier.description,
        "vat": supplier.vat,
        "accountsPayableNumber": f"{20 + index:02d} {(391_919 + 7_919 * index) % 10**7:07d}",
        "paymentTermsDays": supplier.payment_terms_days,
        "skontoPercentage": _number(supplier.skonto_percentage),
        "skontoDays": supplier.skonto_days,
        "bankAccount": _supplier_account(supplier),
    }


def _purchase_order_counterparty(ctx: _Context) -> JsonObject:
    """Add address, tenant, verification and latest payment, which only the purchase order's counterparty carries."""
    supplier, organization = ctx.supplier, ctx.organization
    counterparty = _counterparty(ctx)
    if supplier.trusted:
        counterparty["markedTrustedUser"] = _user(organization.approver, organization, with_organization=True)
    return {
        **counterparty,
        "name": supplier.name,
        "street": supplier.street,
        "city": supplier.city,
        "zip": supplier.zip,
        "country": supplier.country,
        "organization": _organization(organization),
        "bankAccountVerification": _bank_account_verification(ctx),
        "transactions": _transaction(ctx),
    }


def _mail_tracking(ctx: _Context, initialized: datetime) -> JsonObject:
    return {
        **_stamps(f"mt-{ctx.supplier.key}", initialized, initialized + timedelta(hours=6)),
        "version": 1,
        "type": "ONBOARDING",
        "status": "ACCEPTED",
    }


def _bank_account_verification(ctx: _Context) -> JsonObject:
    initialized = _since(ctx.supplier.since_days) + timedelta(days=1)
    return {
        **_stamps(f"bav-{ctx.supplier.key}", initialized, initialized + timedelta(days=1)),
        "bankAccount": _supplier_account(ctx.supplier),
        "paymentProvider": "finAPI",
        "status": "VALID",
        "initializedAt": _iso(initialized),
        "mailTrackings": _mail_tracking(ctx, initialized),
        "fullName": ctx.supplier.name,
    }


def _remittance_information(ctx: _Context) -> str:
    if ctx.supplier.country in {"NO", "SE"}:
        # Norwegian (KID) and Swedish (OCR) creditors are paid against a Luhn-checked reference, not free text.
        return kid_mod10(f"{ctx.number:05d}{_SUPPLIERS.index(ctx.supplier):02d}{ctx.invoice_date:%m%d}")
    return f"{ctx.invoice_number} / {ctx.organization.name}"


def _analysis_rule(ctx: _Context, created: datetime) -> JsonObject:
    organization = ctx.organization
    marked_ok = ctx.full or ctx.number % 2 == 0
    return {
        **_stamps(f"ar-{ctx.invoice_id}", created, created + timedelta(hours=3)),
        "type": "AMOUNT_DEVIATION",
        "severity": "NORMAL",
        "markedOk": marked_ok,
        "markedOkReason": ctx.texts["deviation"],
        "markedOkDate": _iso(created + timedelta(hours=3)),
        "value": f"{3 + ctx.number % 5}.{ctx.number % 10}",
        "markedOkUser": _user(organization.accountant, organization) if marked_ok else None,
    }


def _custom_rule(ctx: _Context) -> JsonObject:
    created = _since(ctx.organization.since_days) + timedelta(days=10)
    return {
        **_stamps(f"cr-{ctx.organization.slug}-new-iban", created, created + timedelta(days=30)),
        "name": ctx.texts["rule"],
        "description": ctx.texts["rule_description"],
        "rule": "counterparty.bankAccount.updatedAt > now() - P30D",
        "twoFactorCheck": True,
        "accountCheck": True,
        "deleted": False,
        "active": ctx.number % 7 != 0,
        "organization": _organization(ctx.organization),
    }


def _analysis(ctx: _Context, created: datetime) -> JsonObject:
    return {
        **_stamps(f"an-{ctx.invoice_id}", created, created + timedelta(hours=3)),
        "analysisRules": _analysis_rule(ctx, created),
        "customRules": _custom_rule(ctx),
    }


def _payment_run(ctx: _Context, created: datetime, amount: Decimal) -> JsonObject:
    count = 3 + ctx.number % 9
    others = _amount(Decimal("4180.55") * (count - 1) * _EUR_RATES[ctx.row.currency])
    return {
        "id": f"pr-{ctx.organization.slug}-{created:%Y%m%d}",
        "createdAt": _iso(created),
        "createdById": ctx.organization.approver.key,
        "createdByName": ctx.organization.approver.name,
        "organizationId": ctx.organization.key,
        "sumAmount": _number(amount + others),
        "sumAmountWithSkonto": _number(amount + others - ctx.skonto),
        "sumBookedAmount": _number(amount + others),
        "transactionCount": count,
    }


def _transaction(ctx: _Context) -> JsonObject:
    created = ctx.created + timedelta(hours=1)
    updated = created + timedelta(days=1)
    return {
        **_stamps(f"tx-{ctx.invoice_id}", created, updated),
        "amount": _number(ctx.total),
        "remittanceInformation": _remittance_information(ctx),
        "requestedExecutionDate": _iso(_at(ctx.due_date, 6)),
        "skontoAmount": _number(ctx.skonto),
        "skontoDate": _iso(_at(ctx.skonto_date, 6)),
        "ignoreSkontoDeadline": ctx.number % 3 == 0,
        "creditor": _supplier_account(ctx.supplier),
        "debitor": _organization_account(ctx.organization),
        "analysis": _analysis(ctx, created),
        "archived": ctx.full or ctx.row.archived,
        "archivedDate": _iso(updated),
        "archivedByUser": _user(ctx.organization.accountant, ctx.organization, with_organization=True),
        "paymentRun": _payment_run(ctx, _at(ctx.due_date - timedelta(days=2), 7, 30), ctx.total),
    }


def _line_item_fields(line: _Line, entity_id: str, created: datetime, updated: datetime) -> JsonObject:
    return {
        **_stamps(entity_id, created, updated),
        "productCode": line.product.code,
        "externalId": f"ART-{line.product.code}",
        "title": line.product.title,
        "description": line.product.description,
        "quantity": _number(line.quantity),
        "unit": 1,
        "unitPrice": _number(line.unit_price),
        "totalPrice": _number(line.total),
        "discount": _number(line.discount),
        "taxRate": _number(Decimal(line.product.tax_rate)),
        "taxAmount": _number(line.tax),
    }


def _ordered(line: _Line) -> Decimal:
    """Odd positions were ordered twice over, so some order lines stay partly invoiced."""
    return line.quantity * (1 + line.position % 2)


def _delivered(ctx: _Context, line: _Line) -> Decimal:
    return _ordered(line) if ctx.number % 2 else line.quantity


def _ordered_total(line: _Line) -> Decimal:
    return _amount(_ordered(line) * line.unit_price - line.discount)


def _purchase_order_line(ctx: _Context, line: _Line) -> JsonObject:
    ordered, delivered, ordered_total = _ordered(line), _delivered(ctx, line), _ordered_total(line)
    created = _at(ctx.invoice_date - timedelta(days=14), 9)
    return {
        **_line_item_fields(line, f"po-{ctx.number:04d}-li-{line.position}", created, ctx.created),
        "quantity": _number(ordered),
        "totalPrice": _number(ordered_total),
        "taxAmount": _number(ordered_total * line.product.tax_rate / 100),
        "deliveredQuantity": _number(delivered),
        "invoicedQuantity": _number(line.quantity),
        "invoicedTotalAmount": _number(line.total),
        "deliveryPercentage": _number(delivered / ordered * 100),
        "invoicedPercentage": _number(line.quantity / ordered * 100),
    }


def _invoice_line(ctx: _Context, line: _Line) -> JsonObject:
    item = _line_item_fields(line, f"{ctx.invoice_id}-li-{line.position}", ctx.created, ctx.updated)
    if ctx.full or ctx.number % 3 == 1:
        item["purchaseOrderLineItem"] = _purchase_order_line(ctx, line)
    return item


def _purchase_order(ctx: _Context) -> JsonObject:
    ordered_amount = sum((_ordered_total(line) for line in ctx.lines), Decimal(0))
    invoiced_amount = sum((line.total for line in ctx.lines), Decimal(0))
    ordered_quantity = sum((_ordered(line) for line in ctx.lines), Decimal(0))
    delivered_quantity = sum((_delivered(ctx, line) for line in ctx.lines), Decimal(0))
    invoiced_quantity = sum((line.quantity for line in ctx.lines), Decimal(0))
    fully_invoiced = sum(1 for line in ctx.lines if line.quantity == _ordered(line))
    fully_delivered = sum(1 for line in ctx.lines if _delivered(ctx, line) == _ordered(line))
    ordered_at = _at(ctx.invoice_date - timedelta(days=14), 9)
    return {
        **_stamps(f"po-{ctx.number:04d}", ordered_at, ctx.created),
        "purchaseOrderNumber": ctx.purchase_order_number,
        "externalId": f"ERP-{ctx.organization.slug[:4].upper()}-{4500 + ctx.number}",
        "orderDate": _iso(ordered_at),
        "deliveryDate": _iso(_at(ctx.invoice_date - timedelta(days=3), 14)),
        "counterparty": _purchase_order_counterparty(ctx),
        "lineItems": [_purchase_order_line(ctx, line) for line in ctx.lines],
        "currency": ctx.row.currency,
        "counterpartyId": ctx.supplier.key,
        "counterpartyName": ctx.supplier.name,
        "totalOrderAmount": _number(ordered_amount),
        "totalInvoicedAmount": _number(invoiced_amount),
        "totalLineItems": len(ctx.lines),
        "fullyInvoicedLineItemsCount": fully_invoiced,
        "fullyDeliveredLineItemsCount": fully_delivered,
        "invoiceCompletionPercentage": _number(invoiced_amount / ordered_amount * 100),
        "totalOrderQuantity": _number(ordered_quantity),
        "totalDeliveredQuantity": _number(delivered_quantity),
        "uniqueDeliveriesCount": 1 + ctx.number % 2,
        "totalInvoicedQuantity": _number(invoiced_quantity),
        "uniqueInvoicesCount": 1,
        "outstandingInvoiceAmount": _number(ordered_amount - invoiced_amount),
    }


def _tax_key(ctx: _Context, rate: int) -> JsonObject:
    organization = ctx.organization
    name, internal_name, external_code = _TAX_KEYS[organization.country, rate]
    created = _since(organization.since_days)
    return {
        **_stamps(f"tk-{organization.country.lower()}-{internal_name.lower()}", created, created),
        "type": "SALE",
        "name": name,
        "description": ctx.texts["tax_key"].format(name=name),
        "internalTaxKeyName": internal_name,
        "externalCode": external_code,
        "isSystemKey": True,
    }


def _cost_center(organization: _Organization, code: str, name: str, kind: str) -> JsonObject:
    created = _since(organization.since_days) + timedelta(days=2)
    return {
        **_stamps(f"cc-{organization.slug}-{code.lower()}", created, created + timedelta(days=5)),
        "code": code,
        "name": name,
        "type": kind,
    }


def _ledger_account(ctx: _Context) -> JsonObject:
    number, name = ctx.supplier.ledger_account
    created = _since(ctx.organization.since_days)
    return {**_stamps(f"la-{ctx.organization.slug}-{number}", created, created), "accountNumber": number, "name": name}


def _split(ctx: _Context, rate: int) -> JsonObject:
    lines = [line for line in ctx.lines if line.product.tax_rate == rate]
    organization = ctx.organization
    return {
        **_stamps(f"{ctx.invoice_id}-split-{rate}", ctx.created, ctx.updated),
        "partialAmount": _number(sum((line.total + line.tax for line in lines), Decimal(0))),
        "taxRate": _number(Decimal(rate)),
        "taxKey": _tax_key(ctx, rate),
        "notes": ctx.texts["split"].format(count=len(lines), rate=rate),
        "costCenter": _cost_center(organization, *organization.cost_center, "COST_CENTER"),
        "costCenter2": _cost_center(organization, *organization.cost_unit, "COST_UNIT"),
        "ledgerAccount": _ledger_account(ctx),
    }


def _export(ctx: _Context, invoice_count: int) -> JsonObject:
    """Share one export per tenant and month, because bookkeeping exports run monthly."""
    exported = _at((ctx.created.date().replace(day=1) + timedelta(days=32)).replace(day=1), 2)
    export_id = f"exp-{ctx.organization.slug}-{ctx.created:%Y-%m}"
    return {**_stamps(export_id, exported, exported + timedelta(minutes=4)), "invoiceCount": invoice_count}


def _payment_terms(supplier: _Supplier) -> str:
    net, skonto = _PAYMENT_TERMS[supplier.country]
    terms = net.format(days=supplier.payment_terms_days)
    if supplier.skonto_days:
        terms += skonto.format(pct=str(supplier.skonto_percentage).replace(".", ","), sdays=supplier.skonto_days)
    return terms


def _notes(ctx: _Context) -> str:
    original = ctx.supplier.invoice_number.format(n=380 + 7 * max(ctx.number - 5, 1))
    if ctx.row.kind == "CREDIT_NOTE":
        return ctx.texts["credit"].format(original=original)
    if ctx.row.kind == "REMINDER":
        return ctx.texts["reminder"].format(original=original)
    if ctx.row.already_paid:
        return ctx.texts["paid"]
    return ctx.texts["received"].format(slip=4_200_000 + ctx.number * 13)


def _invoice(ctx: _Context, export_count: int) -> JsonObject:
    row, supplier = ctx.row, ctx.supplier
    period_end = ctx.invoice_date.replace(day=1) - timedelta(days=1)
    word = _DOCUMENT_WORDS[supplier.country]
    invoice: JsonObject = {
        **_stamps(ctx.invoice_id, ctx.created, ctx.updated),
        "originalFileName": f"{word}_{ctx.invoice_number.replace('/', '-')}.pdf",
        "filename": f"{ctx.organization.slug}/{ctx.created:%Y/%m}/{ctx.invoice_id}.pdf",
        "counterpartyName": supplier.name,
        "counterpartyIban": supplier.iban,
        "counterpartyVat": supplier.vat,
        "counterparty": _counterparty(ctx),
        "invoiceNumber": ctx.invoice_number,
        "internalInvoiceNumber": f"{ctx.created:%Y-%m}-{ctx.number:05d}",
        "purchaseOrderNumber": ctx.purchase_order_number,
        "purchaseOrder": _purchase_order(ctx),
        "date": ctx.invoice_date.isoformat(),
        "billingPeriodStart": period_end.replace(day=1).isoformat(),
        "billingPeriodEnd": period_end.isoformat(),
        "dueDate": ctx.due_date.isoformat(),
        "skontoDate": ctx.skonto_date.isoformat(),
        "skontoAmount": _number(ctx.skonto),
        "skontoRate": _number(supplier.skonto_percentage),
        "totalAmount": _number(ctx.total),
        "currency": row.currency,
        "type": row.kind,
        "paymentTerms": _payment_terms(supplier),
        "notes": _notes(ctx),
        "shouldCreateTransaction": row.should_create_transaction,
        "alreadyPaid": row.already_paid,
        "alreadyPaidDate": (ctx.invoice_date + timedelta(days=5)).isoformat(),
        "archived": row.archived,
        "archivedDate": ctx.updated.date().isoformat(),
        "archivedByUser": _user(ctx.organization.accountant, ctx.organization),
        "organization": _organization(ctx.organization),
        "status": row.status,
        "debitor": _organization_account(ctx.organization),
        "export": _export(ctx, export_count),
        "splits": [_split(ctx, rate) for rate in sorted({line.product.tax_rate for line in ctx.lines}, reverse=True)],
        "lineItems": [_invoice_line(ctx, line) for line in ctx.lines],
    }
    if ctx.full:
        return invoice
    # Optional fields appear only where a real invoice in that state would carry them.
    omitted = {
        "counterparty": row.status == "NEW" and ctx.number % 2 == 0,
        "purchaseOrderNumber": ctx.number % 3 != 1,
        "purchaseOrder": ctx.number % 3 != 1,
        "billingPeriodStart": not supplier.bills_period,
        "billingPeriodEnd": not supplier.bills_period,
        "skontoDate": not supplier.skonto_days,
        "skontoAmount": not supplier.skonto_days,
        "skontoRate": not supplier.skonto_days,
        "notes": row.kind == "INVOICE" and not row.already_paid and ctx.number % 4 != 1,
        "alreadyPaidDate": not row.already_paid,
        "archivedDate": not row.archived,
        "archivedByUser": not row.archived,
        "debitor": not row.should_create_transaction,
        "export": not ctx.exported,
        "splits": row.status in {"NEW", "REJECTED", "CANCELLED"},
    }
    return {key: value for key, value in invoice.items() if not omitted.get(key, False)}


def _lines(number: int, row: _Row, supplier: _Supplier) -> tuple[_Line, ...]:
    products = supplier.products
    # The fully populated first invoice lists every product; credit notes return a single position.
    first = 0 if number == 1 else number
    count = 1 + number % len(products)
    if number == 1:
        count = len(products)
    elif row.kind == "CREDIT_NOTE":
        count = 1
    rate = _EUR_RATES[row.currency]
    lines = []
    for position in range(1, count + 1):
        product = products[(first + position - 1) % len(products)]
        quantity = Decimal(1 + (number + 3 * position) % 9)
        unit_price = _amount(product.price_eur * rate)
        discount = _amount(quantity * unit_price * Decimal("0.03")) if (number + position) % 4 == 0 else Decimal(0)
        lines.append(_Line(position, product, quantity, unit_price, discount))
    return tuple(lines)


def _context(number: int, row: _Row) -> _Context:
    supplier = _SUPPLIERS[row.supplier]
    invoice_date = _FIRST_INVOICE_DATE + timedelta(days=3 * (number - 1))
    created = _at(invoice_date + timedelta(days=1), 7, 5 + (number * 17) % 50)
    age = timedelta(minutes=20) if row.status == "NEW" else timedelta(days=2 + number % 5, hours=3)
    return _Context(
        number=number,
        row=row,
        supplier=supplier,
        invoice_date=invoice_date,
        created=created,
        updated=created + age,
        lines=_lines(number, row, supplier),
    )


def seed_invoices() -> list[dict[str, Any]]:
    """Give the sandbox the same realistic invoices on every run, so contract checks are reproducible."""
    contexts = [_context(number, row) for number, row in enumerate(_ROWS, start=1)]
    export_counts = Counter(ctx.export_key for ctx in contexts if ctx.exported)
    return [_invoice(ctx, export_counts[ctx.export_key]) for ctx in contexts]
