"""Deterministic Amili data: three Norwegian creditors, their debtors, invoices, batches, ledgers and deliveries.

Organisation numbers carry valid MOD11 check digits, KIDs valid MOD10 or MOD11 ones, bank accounts are
valid IBANs (and their domestic BBANs), amounts are numbers and timestamps ISO 8601. Every enum value and
every value the specs record in `x-known-values` appears somewhere. Nothing here is random: the same seed
gives the same ids on every start, so `apiconform serve` can print ids a person copies into curl.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from apiconform.sandbox._identifiers import kid_mod10, kid_mod11, norwegian_iban, org_number

__all__ = [
    "AMILI_RESOURCE",
    "ORGANIZATIONS",
    "Debtor",
    "Organization",
    "amili_id",
    "arm_aritems",
    "arm_batches",
    "arm_customers",
    "arm_documents",
    "arm_glitems",
    "autocollect_batch",
    "collection_batches",
    "collection_cases",
    "collection_invoices",
    "distribution_documents",
    "invoice_documents",
    "invoice_events",
    "invoice_payments",
    "iso",
    "organization_reports",
    "organization_settlements",
    "partner_files",
]

JsonObject = dict[str, Any]
_NAMESPACE = uuid.UUID("6f2a9c1e-3b7d-5e4f-8a90-b1c2d3e4f5a6")
# The Identiverse `resource` of the workflow guide's token example.
AMILI_RESOURCE = "04468334-ec11-4ef8-9e7c-e124bacbd5c1"
_EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
_VAT_RATE = 0.25


def amili_id(*parts: object) -> str:
    """A stable UUID for a seeded resource, so ids survive restarts."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(part) for part in parts)))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(moment: date) -> str:
    return f"{moment.isoformat()}T00:00:00Z"


def _kid(base: str, *, mod11: bool) -> str:
    """A KID with a check character a Norwegian bank accepts; MOD11 bases that would need '-' move on by one."""
    if not mod11:
        return kid_mod10(base)
    kid = kid_mod11(base)
    return kid if not kid.endswith("-") else kid_mod11(str(int(base) + 1).zfill(len(base)))


def _money(value: float) -> float:
    return round(value, 2)


@dataclass(frozen=True, slots=True)
class Organization:
    key: str
    name: str
    street: str
    zip: str
    city: str
    index: int
    client_no: str
    prefix: str
    contact: str
    contact_email: str
    phone: str

    @property
    def id(self) -> str:
        return amili_id("organization", self.key)

    @property
    def organization_number(self) -> str:
        return org_number(100 + self.index)

    @property
    def iban(self) -> str:
        return norwegian_iban(100 + self.index)

    @property
    def bank_account(self) -> str:
        return self.iban[4:]

    @property
    def user_id(self) -> str:
        return amili_id("user", self.key)

    def summary(self) -> JsonObject:
        return {"id": self.id, "organizationNumber": self.organization_number, "name": self.name}


ORGANIZATIONS = (
    Organization(
        "nordvik", "Nordvik Elektro AS", "Industriveien 31", "1337", "Sandvika", 0, "30117", "NE",
        "Kristin Aasen", "regnskap@nordvik-elektro.no", "+47 67 55 21 00",
    ),
    Organization(
        "solheim", "Solheim Bygg og Anlegg AS", "Sandviksveien 120", "5035", "Bergen", 1, "30254", "SB",
        "Arne Solheim", "faktura@solheimbygg.no", "+47 55 31 44 80",
    ),
    Organization(
        "havbris", "Havbris Rørleggerservice AS", "Fiskeværveien 4", "9600", "Hammerfest", 2, "30388", "HR",
        "Lise Johansen", "post@havbris-ror.no", "+47 78 41 20 10",
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Debtor:
    first: str
    last: str
    born: str
    street: str
    zip: str
    city: str
    company_index: int | None = None

    @property
    def name(self) -> str:
        return self.last if self.company_index is not None else f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        if self.company_index is not None:
            return f"faktura@{self.last.split()[0].lower()}.no"
        return f"{self.first.lower()}.{self.last.lower()}@epost.no".replace("ø", "o").replace("å", "a")

    @property
    def phone(self) -> str:
        number = sum(ord(char) * 7919 for char in self.name) % 10**7
        return f"+47 9{number // 10**5:02d} {number // 1000 % 100:02d} {number % 1000:03d}"


DEBTORS = (
    Debtor("Ingrid", "Haugen", "1984-06-12", "Thereses gate 14", "0358", "Oslo"),
    Debtor("Ola", "Bakken", "1979-02-03", "Kongens gate 7", "7011", "Trondheim"),
    Debtor("Sigrid", "Lunde", "1991-11-23", "Strandgaten 45", "5013", "Bergen"),
    Debtor("Henrik", "Dahl", "1968-09-30", "Kirkegata 21", "4006", "Stavanger"),
    Debtor("Marte", "Eide", "1995-04-17", "Storgata 88", "9008", "Tromsø"),
    Debtor("Jonas", "Strand", "1987-12-01", "Dronningens gate 22", "4610", "Kristiansand"),
    Debtor("Nora", "Vik", "2000-07-08", "Kirkegata 5", "3616", "Kongsberg"),
    Debtor("Eirik", "Moen", "1973-03-14", "Nedre Storgate 14", "3015", "Drammen"),
    Debtor("Thea", "Solberg", "1989-10-05", "Sjøgata 9", "8006", "Bodø"),
    Debtor("Magnus", "Berg", "1982-01-27", "Keiser Wilhelms gate 2", "6003", "Ålesund"),
    Debtor("", "Fjellheim Transport AS", "", "Lagerveien 18", "4033", "Stavanger", company_index=200),
    Debtor("", "Lysaker Kafé og Catering AS", "", "Lysaker torg 8", "1366", "Lysaker", company_index=201),
)


def _customer_number(organization: Organization, debtor_index: int) -> str:
    return f"{10001 + debtor_index + 100 * organization.index}"


def _collection_debtor(organization: Organization, debtor_index: int) -> JsonObject:
    debtor = DEBTORS[debtor_index % len(DEBTORS)]
    common = {
        "name": debtor.name,
        "customerNumber": _customer_number(organization, debtor_index % len(DEBTORS)),
        "emails": [{"value": debtor.email}],
        "phoneNumbers": [debtor.phone],
        "addresses": [{"street": debtor.street, "city": debtor.city, "zipCode": debtor.zip, "countryCode": "NO"}],
    }
    if debtor.company_index is not None:
        number = org_number(debtor.company_index)
        # The pages show only private debtors; COMPANY is the counterpart the facts infer.
        return {"type": "COMPANY", **common, "organizationNumber": number, "identificationNumber": number}
    # Both spellings the pages show: "Private" (Get invoice by ID) and "PRIVATE" (AutoCollect).
    kind = "Private" if debtor_index % 2 else "PRIVATE"
    return {"type": kind, "firstname": debtor.first, "lastname": debtor.last, **common, "dateOfBirth": debtor.born}


# (status, type) of each organisation's invoices, in order. The first ones of the demo organisation are
# earmarked by the known params: GETs read any, pause and withdraw get OPEN ones, resume gets PAUSED ones.
_INVOICE_PLAN: dict[str, list[str]] = {
    "nordvik": [
        "OPEN", "Open", "OPEN", "Open", "CLOSED", "WITHDRAWN",
        "OPEN", "OPEN", "OPEN",  # pause
        "PAUSED", "PAUSED", "PAUSED",  # resume
        "OPEN", "Open", "OPEN",  # withdraw
        "OPEN",
    ],
    "solheim": ["OPEN", "Open", "PAUSED", "CLOSED", "OPEN", "OPEN", "Open", "OPEN"],
    "havbris": ["OPEN", "Open", "CLOSED", "OPEN"],
}  # fmt: skip
PAUSE_SLOTS = range(6, 9)
# A reminder carries the statutory reminder fee (purregebyr).
REMINDER_FEE = 35.0
# Every fourth invoice has been paid a quarter of, so partial payments show.
PARTLY_PAID_SLOT = 3
RESUME_SLOTS = range(9, 12)
WITHDRAW_SLOTS = range(12, 15)
_PRODUCTS = (
    ("Installasjon av sikringsskap", 8900.0),
    ("Serviceavtale elektro, kvartal", 2450.0),
    ("Utskifting av stikkontakter", 1875.0),
    ("Feilsøking og reparasjon", 3120.0),
    ("Montering av varmekabler", 12400.0),
    ("Periodisk kontroll av anlegg", 4650.0),
)


def collection_invoices(organization: Organization) -> list[JsonObject]:
    """Invoices in collection, with both spellings of OPEN and every state the lifecycle uses."""
    invoices = []
    for slot, status in enumerate(_INVOICE_PLAN[organization.key]):
        number = slot + 41
        invoice_date = _EPOCH.date() + timedelta(days=3 * slot)
        due_date = invoice_date + timedelta(days=14)
        created = _EPOCH + timedelta(days=3 * slot + 20, hours=slot % 5)
        _, price = _PRODUCTS[(slot + organization.index) % len(_PRODUCTS)]
        principal = _money(price * (1 + _VAT_RATE) * (1 + (slot % 3) / 10))
        kind = "PAYMENT_REMINDER" if slot % 3 == 1 else "NOTICE"
        fee = REMINDER_FEE if kind == "PAYMENT_REMINDER" else 0.0
        partly_paid = slot % 4 == PARTLY_PAID_SLOT
        paid = principal + fee if status == "CLOSED" else _money(principal / 4) if partly_paid else 0.0
        original = _money(principal + fee)
        claims: list[JsonObject] = []
        left = paid
        for claim_type, amount in (("PRINCIPAL", principal), ("REMINDER_FEE", fee)):
            if not amount:
                continue
            covered = min(left, amount)
            left -= covered
            claims.append(
                {
                    "type": claim_type,
                    "originalAmount": amount,
                    "currentAmount": _money(amount - covered),
                    "paidAmount": _money(covered),
                    "currency": "NOK",
                }
            )
        invoice: JsonObject = {
            "id": amili_id("invoice", organization.key, number),
            "organization": organization.summary(),
            "invoiceNumber": f"{organization.prefix}-2026-{number:05d}",
            "collectionCaseNumber": f"{7000000 + 1000 * organization.index + number}",
            "type": kind,
            "status": status,
            "createdAt": iso(created),
            "originalInvoiceAmount": original,
            "currency": "NOK",
            "invoiceDate": _day(invoice_date),
            "dueDate": _day(due_date),
            "ocrReferenceNumber": _kid(f"{organization.client_no}{number:06d}", mod11=slot % 2 == 1),
            "uniqueSourceInvoiceId": f"erp-{organization.client_no}-{number:05d}",
            "currentAmount": _money(original - paid),
            "paidAmount": _money(paid),
            "claims": claims,
            "debtors": [_collection_debtor(organization, slot)],
        }
        if status in {"CLOSED", "WITHDRAWN"}:
            invoice["closedAt"] = iso(created + timedelta(days=11))
        invoices.append(invoice)
    return invoices


def invoice_payments(invoice: JsonObject) -> list[JsonObject]:
    """The payments behind an invoice's paidAmount: direct payments with its KID."""
    paid = float(invoice["paidAmount"])
    if paid <= 0:
        return []
    created = datetime.fromisoformat(invoice["createdAt"])
    return [
        {
            "paymentId": amili_id("payment", invoice["id"], 1),
            "invoiceId": invoice["id"],
            "type": "DIRECT_PAYMENT",
            "amount": _money(paid),
            "currency": "NOK",
            "kid": invoice["ocrReferenceNumber"],
            "paidAt": iso(created + timedelta(days=9, hours=3)),
        }
    ]


def invoice_documents(invoice: JsonObject) -> list[JsonObject]:
    created = datetime.fromisoformat(invoice["createdAt"])
    documents = [
        {
            "documentId": amili_id("invoice-document", invoice["id"], "notice"),
            "type": "COLLECTION_NOTICE",
            "fileName": f"{invoice['invoiceNumber']}-inkassovarsel.pdf",
            "mimeType": "application/pdf",
            "createdAt": iso(created + timedelta(hours=1)),
        }
    ]
    if invoice["type"] == "PAYMENT_REMINDER":
        documents.append(
            {
                "documentId": amili_id("invoice-document", invoice["id"], "reminder"),
                "type": "PAYMENT_REMINDER",
                "fileName": f"{invoice['invoiceNumber']}-purring.pdf",
                "mimeType": "application/pdf",
                "createdAt": iso(created + timedelta(days=14)),
            }
        )
    return documents


def invoice_events(invoice: JsonObject) -> list[JsonObject]:
    created = datetime.fromisoformat(invoice["createdAt"])
    events = [
        {"event": "REGISTERED", "at": iso(created), "description": "Faktura registrert for inkasso"},
        {"event": "NOTICE_SENT", "at": iso(created + timedelta(hours=1)), "description": "Inkassovarsel sendt"},
    ]
    status = str(invoice["status"]).upper()
    if status == "PAUSED":
        events.append(
            {"event": "PAUSED", "at": iso(created + timedelta(days=4)), "description": "Saken er satt på pause"}
        )
    if status == "CLOSED":
        events.append(
            {"event": "PAID", "at": iso(created + timedelta(days=11)), "description": "Innbetaling registrert"}
        )
    if status == "WITHDRAWN":
        events.append(
            {"event": "WITHDRAWN", "at": iso(created + timedelta(days=11)), "description": "Trukket av kreditor"}
        )
    return events


def collection_batches(organization: Organization, invoices: list[JsonObject]) -> list[JsonObject]:
    """Batches in every lifecycle state and of both documented types (plus PAYMENT, which the facts infer)."""
    plan = [("SUCCESS", "INVOICE"), ("PARTIAL", "INVOICE"), ("FAILED", "NONE"), ("SUCCESS", "PAYMENT")]
    if organization.index == 0:
        plan.append(("QUEUED", "INVOICE"))
    batches = []
    for slot, (status, kind) in enumerate(plan):
        created = _EPOCH + timedelta(days=20 + slot, hours=9, minutes=30)
        chosen = invoices[slot * 2 : slot * 2 + 2]
        succeeded = [
            {
                "$type": "invoiceSuccess",
                "invoiceNumber": invoice["invoiceNumber"],
                "caseId": invoice["collectionCaseNumber"],
                "invoiceId": invoice["id"],
            }
            for invoice in chosen
        ]
        failed: list[JsonObject] = [
            {
                "objectindex": len(succeeded),
                "invoiceNumber": f"{organization.prefix}-2026-09999",
                "message": "dueDate is before invoiceDate",
            }
        ]
        if status == "FAILED":
            succeeded = []
        elif status == "SUCCESS":
            failed = []
        elif status == "QUEUED":
            succeeded, failed = [], []
        batch: JsonObject = {
            "batchId": amili_id("batch", organization.key, slot),
            "type": kind,
            "status": status,
            "createdAt": iso(created),
            "organizationId": organization.id,
            "createdBy": organization.user_id,
            "succeeded": succeeded,
            "failed": failed,
        }
        if status != "QUEUED":
            batch["finishedAt"] = iso(created + timedelta(seconds=5))
        batches.append(batch)
    return batches


def collection_cases(organization: Organization, invoices: list[JsonObject]) -> list[JsonObject]:
    cases = []
    for invoice in invoices:
        debtor = invoice["debtors"][0]
        case: JsonObject = {
            "caseId": amili_id("case", invoice["id"]),
            "caseNumber": invoice["collectionCaseNumber"],
            "type": invoice["type"],
            "status": "CLOSED" if invoice["status"] in {"CLOSED", "WITHDRAWN"} else "OPEN",
            "subStatus": "DEBT_COLLECTION_LIST_MANUAL" if invoice["type"] == "PAYMENT_REMINDER" else "NOTICE_SENT",
            "customerNumber": debtor["customerNumber"],
            "debtorName": debtor["name"],
            "uniqueSourceInvoiceId": invoice["uniqueSourceInvoiceId"],
            "invoiceId": invoice["id"],
            "remainingAmount": invoice["currentAmount"],
            "currency": "NOK",
            "createdAt": invoice["createdAt"],
            "organizationId": organization.id,
        }
        cases.append(case)
    return cases


def organization_settlements(organization: Organization, invoices: list[JsonObject]) -> list[JsonObject]:
    settlements = []
    for slot, invoice in enumerate(invoices[:6]):
        settled = _EPOCH + timedelta(days=30 + 7 * slot)
        amount = _money(float(invoice["originalInvoiceAmount"]) * (0.5 if slot % 2 else 1.0))
        settlements.append(
            {
                "settlementId": f"STL-{organization.client_no}-2026-{slot + 1:04d}",
                "caseNumber": invoice["collectionCaseNumber"],
                "collectionType": "REMINDER" if slot % 3 else "DEBT_COLLECTION",
                "currency": "NOK",
                "customerReference": invoice["debtors"][0]["customerNumber"],
                "exchangeRate": 1.0,
                "settledAmount": amount,
                "principalAmount": _money(amount * 0.9),
                "feeAmount": _money(amount * 0.1),
                "settledAt": iso(settled),
                "bankAccount": organization.bank_account,
            }
        )
    return settlements


def organization_reports(organization: Organization) -> list[JsonObject]:
    months = (("2026-01", "januar"), ("2026-02", "februar"))
    return [
        {
            "reportId": amili_id("report", organization.key, period, kind),
            "name": f"{title} {name} 2026",
            "type": kind,
            "period": period,
            "format": "PDF",
            "createdAt": iso(datetime.fromisoformat(f"{period}-01T06:00:00+00:00") + timedelta(days=32)),
        }
        for period, name in months
        for kind, title in (("SETTLEMENT", "Avregning"), ("PORTFOLIO", "Porteføljerapport"))
    ]


def autocollect_batch() -> JsonObject:
    """The legacy webapi's Batch DTO: creditors, cases in both variants, settlements in both variants."""
    creditors, cases, settlements = [], [], []
    for organization in ORGANIZATIONS:
        invoices = collection_invoices(organization)
        contact = {
            "fullname": organization.contact,
            "workphone": organization.phone,
            "email": organization.contact_email,
            "isinvoicequery": True,
            "isremittancereport": True,
            "isorderconfirmation": False,
            "iscollectionlist": True,
            "isweb": True,
        }
        creditors.append(
            {
                "idnumber": organization.organization_number,
                "parentidnumber": "",
                "onlydebtcollection": False,
                "vattype": 1,
                "fullname": organization.name,
                "street": organization.street,
                "city": organization.city,
                "zipcode": organization.zip,
                "countrycode": "NO",
                "bankaccountno": organization.bank_account,
                "contact": contact,
                "casehandler": {**contact, "fullname": "Saksbehandler Amili", "email": "saksbehandling@amili.no"},
                "sourceid": 3,
                "reminderflow": 1,
                "debtcollectiontransfer": 14,
                "invoicearchive": 1,
                "hasforeigndebtors": False,
                "hasforeigncurrency": False,
                "disabled": False,
                "lastsettlementid": f"STL-{organization.client_no}-2026-0006",
            }
        )
        for slot, invoice in enumerate(invoices[:4]):
            cases.append(_legacy_case(organization, invoice) if slot % 2 == 0 else _newer_case(organization, invoice))
            settlements.append(_settlement(organization, invoice, legacy=slot % 2 == 0))
    return {
        "batchid": "AC-2026-000117",
        "offline": False,
        "creditor": creditors,
        "case": cases,
        "settlement": settlements,
    }


def _legacy_case(organization: Organization, invoice: JsonObject) -> JsonObject:
    debtor = invoice["debtors"][0]
    original = float(invoice["originalInvoiceAmount"])
    paid = float(invoice["paidAmount"])
    fee = REMINDER_FEE if invoice["type"] == "PAYMENT_REMINDER" else 0.0
    case: JsonObject = {
        "creditorid": organization.organization_number,
        "customerref": debtor["customerNumber"],
        "customername": debtor["name"],
        "ledgerref": invoice["uniqueSourceInvoiceId"],
        "referencenumber": invoice["ocrReferenceNumber"],
        "casenumber": invoice["collectionCaseNumber"],
        "currencycode": "NOK",
        "regdate": invoice["createdAt"],
        "isdebtcollection": False,
        "billdate": invoice["invoiceDate"],
        "duedate": invoice["dueDate"],
        "originalsum": original,
        "paidsum": paid,
        "remainingsum": _money(original - paid),
        "originalprincipal": _money(original - fee),
        "paidprincipal": paid,
        "remainingprincipal": _money(original - fee - paid),
        "originalfee": fee,
        "paidfee": 0.0,
        "remainingfee": fee,
        "originalinterest": 0.0,
        "paidinterest": 0.0,
        "remaininginterest": 0.0,
        "service_description": "Inkassovarsel",
        "status_statuscode": "CLOSED" if invoice["status"] in {"CLOSED", "WITHDRAWN"} else "OPEN",
        "reminders": 1 if fee else 0,
        "debtcollectionlist": 0,
        "history": [
            {
                "type": 1,
                "loggedat": invoice["createdAt"],
                "message": "Inkassovarsel sendt",
                "subject": "Varsel",
                "conversationid": amili_id("conversation", invoice["id"]),
                "attachmentid": amili_id("invoice-document", invoice["id"], "notice"),
            }
        ],
        "paymentDetails": {
            "paymentValue": _money(original - paid),
            "currency": "NOK",
            "kid": invoice["ocrReferenceNumber"],
            "bankAccount": organization.bank_account,
            "dueDate": invoice["dueDate"],
        },
    }
    if "closedAt" in invoice:
        case["closuredate"] = invoice["closedAt"]
    return case


def _newer_case(organization: Organization, invoice: JsonObject) -> JsonObject:
    debtor = invoice["debtors"][0]
    case_id = amili_id("case", invoice["id"])
    case: JsonObject = {
        "caseId": case_id,
        "caseNumber": int(invoice["collectionCaseNumber"]),
        "organizationId": organization.id,
        "creditorId": organization.id,
        "creditorNumber": organization.client_no,
        "status": "OPEN",
        "subStatus": "DEBT_COLLECTION_LIST_MANUAL",
        "type": "PAYMENT_REMINDER",
        "description": f"Purring på {invoice['invoiceNumber']}",
        "registeredAt": invoice["createdAt"],
        "caseToken": amili_id("case-token", case_id)[:18],
        "invoices": [
            {
                "invoiceId": invoice["id"],
                "invoiceNumber": invoice["invoiceNumber"],
                "caseId": case_id,
                "invoiceDate": invoice["invoiceDate"],
                "dueDate": invoice["dueDate"],
                "batchId": amili_id("batch", organization.key, 0),
                "registeredAt": invoice["createdAt"],
                "originalAmount": invoice["originalInvoiceAmount"],
                "remainingAmount": invoice["currentAmount"],
                "remainingPrincipal": invoice["claims"][0]["currentAmount"],
                "uniqueSourceInvoiceId": invoice["uniqueSourceInvoiceId"],
                "paidAmount": invoice["paidAmount"],
                "creditedAmount": 0.0,
                "currency": {},
            }
        ],
        "debtors": [
            {
                "debtorId": amili_id("debtor", organization.key, debtor["customerNumber"]),
                "type": "PRIVATE",
                "debtorNumber": debtor["customerNumber"],
                "customerNumber": debtor["customerNumber"],
                "firstName": debtor.get("firstname", ""),
                "lastName": debtor.get("lastname", debtor["name"]),
                "fullName": debtor["name"],
            }
        ],
    }
    if "closedAt" in invoice:
        case["closedAt"] = invoice["closedAt"]
    return case


def _settlement(organization: Organization, invoice: JsonObject, *, legacy: bool) -> JsonObject:
    if legacy:
        return {
            "creditorid": organization.organization_number,
            "customerref": invoice["debtors"][0]["customerNumber"],
            "ledgerref": invoice["uniqueSourceInvoiceId"],
            "referencenumber": invoice["ocrReferenceNumber"],
            "casenumber": invoice["collectionCaseNumber"],
        }
    return {
        "caseNumber": invoice["collectionCaseNumber"],
        "collectionType": "REMINDER",
        "currency": "NOK",
        "customerReference": invoice["debtors"][0]["customerNumber"],
    }


# ARM: each organisation is also an ARM client; the demo client has more AR items than a default page.
_ARM_SIZES = {"nordvik": (24, 150, 12, 20), "solheim": (10, 30, 6, 8), "havbris": (5, 8, 3, 4)}
_DOCUMENT_TYPES = ("INVOICE", "INVOICE", "INVOICE", "CREDIT_NOTE", "INVOICE", "INTEREST_NOTE")


def arm_customers(organization: Organization) -> list[JsonObject]:
    customers = []
    count = _ARM_SIZES[organization.key][0]
    for slot in range(count):
        debtor = DEBTORS[slot % len(DEBTORS)]
        customer_no = f"{10001 + slot}"
        customer: JsonObject = {
            "customerNo": customer_no,
            "name": debtor.name if slot < len(DEBTORS) else f"{debtor.name} ({slot // len(DEBTORS) + 1})",
            "customerType": "COMPANY" if debtor.company_index is not None else "PERSON",
            "email": debtor.email,
            "phone": debtor.phone,
            "address": {"street": debtor.street, "zipCode": debtor.zip, "city": debtor.city, "countryCode": "NO"},
            "kid": kid_mod10(f"{organization.client_no}{customer_no}"),
            "accountNo": f"1500{customer_no}",
            "currency": "NOK",
            "creditLimit": 50000.0 if debtor.company_index is not None else 15000.0,
            "createdAt": iso(_EPOCH - timedelta(days=200 - slot)),
            "updatedAt": iso(_EPOCH - timedelta(days=100 - slot)),
        }
        if debtor.company_index is not None:
            customer["organizationNo"] = org_number(debtor.company_index)
        else:
            customer["birthDate"] = debtor.born
        customers.append(customer)
    return customers


def arm_aritems(organization: Organization) -> list[JsonObject]:
    items = []
    customers = _ARM_SIZES[organization.key][0]
    for slot in range(_ARM_SIZES[organization.key][1]):
        kind = _DOCUMENT_TYPES[slot % len(_DOCUMENT_TYPES)]
        issued = _EPOCH.date() + timedelta(days=slot % 60)
        net = _money(400.0 + (slot * 137.5) % 9600)
        sign = -1 if kind == "CREDIT_NOTE" else 1
        vat = _money(net * _VAT_RATE)
        status = ("OPEN", "PAID", "PARTLY_PAID")[slot % 3]
        gross = _money(sign * (net + vat))
        items.append(
            {
                "arItemId": f"{organization.client_no}{slot + 1:06d}",
                "customerNo": f"{10001 + slot % customers}",
                "documentNo": f"{organization.prefix}{2026_00000 + slot + 1}",
                "documentUuid": amili_id("ar-document", organization.key, slot),
                "documentType": kind,
                "referenceNo": f"ORD-{organization.client_no}-{slot + 1:05d}",
                "kid": _kid(f"{organization.client_no}{slot + 1:07d}", mod11=slot % 2 == 1),
                "documentDate": issued.isoformat(),
                "dueDate": (issued + timedelta(days=14)).isoformat(),
                "currency": "NOK",
                "amountExclVat": _money(sign * net),
                "vatAmount": _money(sign * vat),
                "amountInclVat": gross,
                "openAmount": 0.0 if status == "PAID" else _money(gross / 2) if status == "PARTLY_PAID" else gross,
                "status": status,
            }
        )
    return items


def arm_documents(organization: Organization, aritems: list[JsonObject]) -> list[JsonObject]:
    documents = []
    for slot, item in enumerate(aritems[: _ARM_SIZES[organization.key][2]]):
        description, price = _PRODUCTS[slot % len(_PRODUCTS)]
        documents.append(
            {
                "documentId": f"D{item['arItemId']}",
                "documentNo": item["documentNo"],
                "documentUuid": item["documentUuid"],
                "documentType": item["documentType"],
                "customerNo": item["customerNo"],
                "issueDate": item["documentDate"],
                "dueDate": item["dueDate"],
                "currency": "NOK",
                "kid": item["kid"],
                "amountInclVat": item["amountInclVat"],
                "lines": [
                    {
                        "lineNo": 1,
                        "productCode": f"EL-{100 + slot}",
                        "description": description,
                        "quantity": 1,
                        "unitPrice": price,
                        "vatRate": 25,
                        "amountExclVat": price,
                    }
                ],
            }
        )
    return documents


_GL_ACCOUNTS = (
    ("1500", "Kundefordringer"),
    ("3000", "Salgsinntekt, avgiftspliktig"),
    ("2700", "Utgående merverdiavgift, høy sats"),
    ("1920", "Bankinnskudd"),
)


def arm_glitems(organization: Organization, aritems: list[JsonObject]) -> list[JsonObject]:
    items = []
    for slot in range(_ARM_SIZES[organization.key][3]):
        account, name = _GL_ACCOUNTS[slot % len(_GL_ACCOUNTS)]
        source = aritems[slot // len(_GL_ACCOUNTS)]
        amounts: dict[str, float] = {
            "1500": source["amountInclVat"],
            "3000": -source["amountExclVat"],
            "2700": -source["vatAmount"],
            "1920": -source["amountInclVat"],
        }
        items.append(
            {
                "glItemId": f"GL{organization.client_no}{slot + 1:06d}",
                "voucherNo": f"{slot // len(_GL_ACCOUNTS) + 1001}",
                "postingDate": source["documentDate"],
                "account": account,
                "accountName": name,
                "amount": _money(amounts[account]),
                "currency": "NOK",
                "text": f"{source['documentType'].replace('_', ' ').title()} {source['documentNo']}",
                "documentNo": source["documentNo"],
            }
        )
    return items


def arm_batches(organization: Organization) -> list[JsonObject]:
    plan = (("FINISHED", "CUSTOMERS", 12, 0), ("PROCESSING", "DOCUMENTS", 40, 0), ("PARTIAL", "DOCUMENTS", 25, 3))
    batches = []
    for slot, (status, kind, total, failed) in enumerate(plan):
        created = _EPOCH + timedelta(days=40 + slot, hours=7)
        batch: JsonObject = {
            "batchUuid": amili_id("arm-batch", organization.key, slot),
            "type": kind,
            "status": status,
            "createdAt": iso(created),
            "itemCount": total,
            "succeededCount": 0 if status == "PROCESSING" else total - failed,
            "failedCount": failed,
            "errors": [{"index": index, "message": "customerNo does not exist"} for index in range(failed)],
        }
        if status != "PROCESSING":
            batch["finishedAt"] = iso(created + timedelta(minutes=2))
        batches.append(batch)
    return batches


def distribution_documents() -> list[JsonObject]:
    """Invoices already sent through Distribution, keyed by the client's Identifier."""
    documents = []
    for organization in ORGANIZATIONS:
        for slot, invoice in enumerate(collection_invoices(organization)[:3]):
            sent = datetime.fromisoformat(invoice["createdAt"]) - timedelta(days=15)
            channel = ("EINVOICE", "EHF", "EMAIL")[slot]
            documents.append(
                {
                    "Identifier": invoice["invoiceNumber"],
                    "TransactionRid": f"TR{organization.client_no}{slot + 1:08d}",
                    "CompanyId": organization.client_no,
                    "DocumentType": "EHF_INVOICE" if channel == "EHF" else "B2C_INVOICE",
                    "Channel": channel,
                    "InvoiceNumber": invoice["invoiceNumber"],
                    "Status": "DELIVERED",
                    "ReceivedAt": iso(sent),
                    "DeliveredAt": iso(sent + timedelta(minutes=7)),
                    "FileName": f"{organization.prefix}_{sent:%Y%m%d}_{slot + 1:03d}.xml",
                    "Amount": invoice["originalInvoiceAmount"],
                    "Currency": "NOK",
                    "KID": invoice["ocrReferenceNumber"],
                }
            )
    return documents


def partner_files(documents: list[JsonObject]) -> list[JsonObject]:
    files: dict[str, JsonObject] = {}
    for document in documents:
        entry = files.setdefault(
            document["FileName"],
            {
                "FileName": document["FileName"],
                "CompanyId": document["CompanyId"],
                "Created": document["ReceivedAt"],
                "InvoiceCount": 0,
                "Status": "PROCESSED",
            },
        )
        entry["InvoiceCount"] += 1
    return list(files.values())
