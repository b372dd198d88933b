# ruff: noqa: RUF001  (non-ASCII names are the point)
"""Build a deterministic, realistic relate database for benchmarks.

    python benchmarks/generate.py --contacts 10000 --interactions 200000 --out big.db

The file is created through relate's own schema (``open_database`` runs the Alembic
migrations), then filled with ``executemany`` on a plain ``sqlite3`` connection in one
transaction. The FTS tables fill themselves through the schema's triggers, and the
denormalised ``contact.last_contact_at`` / ``next_due_on`` are set exactly as
``services/interactions.py`` (TOUCH_CONTACT) and ``services/contacts.py`` set them:
``next_due_on`` = local day of the last contact (or of creation) + cadence.

Same seed, same arguments, same time zone: same database. Times are stored as UTC and
"local" is the process's time zone (``run.py`` pins TZ=UTC).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "src") not in sys.path:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from relate.services.matching import fold  # noqa: E402
from relate.storage.database import open_database  # noqa: E402
from relate.storage.schema import HEAD  # noqa: E402

DEFAULT_NOW = "2026-11-24T09:30"
HISTORY_YEARS = 5
STORAGE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

# fmt: off
FIRST_NAMES = (
    # English
    "Ann", "Anna", "Andrew", "Angela", "Anthony", "Ben", "Bob", "Claire", "David", "Emma",
    "Grace", "Harry", "Isabel", "Jack", "James", "Kate", "Liam", "Lucy", "Mark", "Mary",
    "Oliver", "Paul", "Rachel", "Sarah", "Tom", "Victoria", "William", "Zoe",
    # Danish / Norwegian / Swedish
    "Søren", "Åse", "Jørgen", "Mette", "Bjørn", "Sønke", "Astrid", "Mads", "Freja", "Ørjan",
    "Björn", "Åsa", "Linnéa",
    # German
    "Jürgen", "Günther", "Jörg", "Käthe", "Matthias", "Uwe", "Lena", "Lukas", "Anneliese",
    # French / Spanish / Portuguese / Polish / Czech / Turkish
    "François", "Zoë", "Hélène", "Amélie", "José", "María", "Núria", "João", "Łukasz",
    "Małgorzata", "Zbigniew", "Jiří", "Tomáš", "Çağla", "Ömer", "İlker",
    # Hebrew, Korean, Japanese, Chinese, Greek, Russian, Arabic
    "דוד", "שרה", "יעל", "민준", "서연", "지우", "さくら", "健太", "伟", "秀英", "Αλέξανδρος",
    "Ελένη", "Дмитрий", "Анна", "محمد", "فاطمة",
)
LAST_NAMES = (
    "Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Johnson", "Roberts",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green",
    "Hall", "Wood", "Harris", "Martin", "Clarke", "Andersen", "Anderson",
    "Jørgensen", "Sørensen", "Nielsen", "Kjærgaard", "Østergaard", "Håkansson", "Lindqvist",
    "Müller", "Schröder", "Weiß", "Groß", "Straße", "Köhler", "Bäcker", "Schäfer", "Vogel",
    "Lefèvre", "Dubois", "Gonçalves", "Núñez", "García", "Peña", "Wójcik", "Dvořák",
    "Kowalski", "Yılmaz", "Öztürk", "Ng", "O'Brien", "McAllister", "van der Berg", "de la Cruz",
    "כהן", "לוי", "김", "이", "박", "佐藤", "王", "李", "Παπαδόπουλος", "Иванов", "الحسن",
)
ORG_WORDS = (
    "Acme", "Nordic", "Blue", "River", "Summit", "Pixel", "Oak", "Harbour", "Atlas", "Nova",
    "Kraft", "Bäckerei", "Søstrene", "Vinter", "Sol", "Lumen", "Falcon", "Granite", "Maple",
    "Cedar", "Orbit", "Quartz", "Copper", "Meridian", "Zenith", "Aurora", "Tidal", "Birch",
)
ORG_SUFFIXES = ("Ltd", "GmbH", "ApS", "AB", "Inc", "& Co", "Studio", "Labs", "Partners", "SA")
ROLES = ("CEO", "CTO", "Head of Marketing", "Product Manager", "Designer", "Buyer", "Founder")
TAGS = (
    "client", "prospect", "friend", "family", "vip", "partner", "supplier", "press",
    "investor", "mentor", "alumni", "design", "marketing", "tech", "københavn", "münchen",
)
RELATIONSHIP_TYPES = ("transactional", "long-term", "personal-assistance", "community")
STAGES = ("exploration", "awareness", "expansion", "commitment", "dissolution")
CADENCES = (7, 14, 14, 30, 30, 30, 60, 90, 90, 180, 365)
KINDS = ("call", "email", "email", "email", "meeting", "message", "message", "note", "gift")
# Zipf-weighted vocabulary: a few words are everywhere, most are rare, as in real notes.
WORDS = (
    "the", "and", "about", "call", "with", "for", "next", "week", "project", "meeting",
    "email", "quote", "proposal", "invoice", "redesign", "website", "budget", "deadline",
    "coffee", "lunch", "contract", "workshop", "feedback", "launch", "conference", "kids",
    "holiday", "renovation", "marathon", "birthday", "agreed", "scope", "change", "price",
    "follow", "up", "friday", "monday", "sent", "slides", "draft", "review", "signed",
    "payment", "late", "happy", "concern", "support", "bug", "release", "newsletter",
    "referral", "introduced", "team", "hiring", "moving", "office", "visit", "dinner",
    "café", "smørrebrød", "Müller", "straße", "résumé", "naïve", "façade", "piñata",
    "logo", "branding", "campaign", "analytics", "onboarding", "training", "retainer",
    "renewal", "satisfaction", "survey", "podcast", "interview", "article", "book",
    "recommendation", "gift", "flowers", "wine", "wedding", "baby", "promotion", "travel",
    "berlin", "copenhagen", "paris", "seoul", "tel-aviv", "tokyo", "london", "madrid",
)
REMINDER_TEXTS = (
    "Send the proposal", "Call about the contract renewal", "Check in after the launch",
    "Invoice for the workshop", "Ask for a referral", "Send the article about pricing",
    "Book lunch", "Renew the retainer", "Quarterly review", "Send a birthday card",
)
RRULES = (None, None, None, "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY",
          "FREQ=YEARLY", "FREQ=MONTHLY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,TH")
# fmt: on


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STORAGE_FORMAT)


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day).astimezone()


class Generator:
    def __init__(self, contacts: int, interactions: int, seed: int, now: datetime) -> None:
        self.n_contacts = contacts
        self.n_interactions = interactions
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        self.history_start = now - timedelta(days=365 * HISTORY_YEARS + 1)
        self.created: list[datetime] = []
        self.cadence: list[int | None] = []
        self.last_epoch: list[float] = []
        weights = [1 / (rank + 1) for rank in range(len(WORDS))]
        total = 0.0
        self.word_cum: list[float] = []
        for weight in weights:
            total += weight
            self.word_cum.append(total)

    # --- contacts and what hangs off them --------------------------------------------

    def name(self) -> str:
        rng = self.rng
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        if rng.random() < 0.3:
            return f"{first} {rng.choice(FIRST_NAMES)} {last}"
        return f"{first} {last}"

    def organisations(self) -> list[tuple[str, str, str]]:
        rows: dict[str, tuple[str, str, str]] = {}
        wanted = max(1, self.n_contacts // 8)
        created = stamp(self.history_start - timedelta(days=400))
        attempts = 0
        while len(rows) < wanted and attempts < wanted * 20:
            attempts += 1
            rng = self.rng
            name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_SUFFIXES)}"
            if len(rows) > 500:
                name += f" {len(rows)}"
            key = fold(name)
            rows.setdefault(key, (name, key, created))
        return list(rows.values())

    def contact_rows(self, n_orgs: int) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for _ in range(self.n_contacts):
            name = self.name()
            if rng.random() < 0.03:  # added recently, never contacted yet
                created = self.now - timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600))
            else:
                created = self.history_start - timedelta(days=rng.randint(1, 365))
            cadence = rng.choice(CADENCES) if rng.random() < 0.8 else None
            self.created.append(created)
            self.cadence.append(cadence)
            self.last_epoch.append(0.0)
            archived = stamp(self.now - timedelta(days=rng.randint(1, 700)))
            yield (
                name,
                fold(name),
                rng.randint(1, n_orgs) if rng.random() < 0.7 else None,
                rng.choice(ROLES) if rng.random() < 0.5 else None,
                rng.choice(RELATIONSHIP_TYPES) if rng.random() < 0.6 else None,
                rng.choice(STAGES) if rng.random() < 0.5 else None,
                cadence,
                rng.choice((0, 1, 1, 1, 2)),
                " ".join(self.words(rng.randint(0, 12))),
                stamp(created),
                stamp(created),
                archived if rng.random() < 0.03 else None,
            )

    def words(self, count: int) -> list[str]:
        return self.rng.choices(WORDS, cum_weights=self.word_cum, k=count)

    def emails(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for contact_id in range(1, self.n_contacts + 1):
            for position in range(rng.choice((0, 1, 1, 1, 2))):
                domain = rng.choice(("example.com", "Example.ORG", "mail.example.dk"))
                email = f"Person{contact_id}.{position}@{domain}"
                yield (contact_id, email, email.strip().lower(), position)

    def phones(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for contact_id in range(1, self.n_contacts + 1):
            if rng.random() < 0.4:
                phone = f"+45 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(1000, 9999)}"
                yield (contact_id, phone, "+" + "".join(ch for ch in phone if ch.isdigit()), 0)

    def aliases(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for contact_id in range(1, self.n_contacts + 1):
            if rng.random() < 0.1:
                alias = rng.choice(FIRST_NAMES) + rng.choice(("y", "ie", "", "chen"))
                yield (contact_id, alias, fold(alias))

    def tags(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for contact_id in range(1, self.n_contacts + 1):
            for tag in rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3))):
                yield (contact_id, tag, fold(tag))

    def dates(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        created = stamp(self.history_start)
        for contact_id in range(1, self.n_contacts + 1):
            if rng.random() < 0.5:
                if rng.random() < 0.01:
                    month, day = 2, 29
                    year = rng.choice((None, 1984, 1988, 1992, 1996))
                else:
                    month, day = rng.randint(1, 12), rng.randint(1, 28)
                    year = None if rng.random() < 0.3 else rng.randint(1950, 2005)
                yield (contact_id, "birthday", "birthday", month, day, year, 7, created)
            if rng.random() < 0.05:
                yield (
                    contact_id,
                    "anniversary",
                    "anniversary",
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                    rng.randint(2005, 2024),
                    14,
                    created,
                )
            if rng.random() < 0.02:
                yield (
                    contact_id,
                    "custom",
                    "contract renewal",
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                    None,
                    30,
                    created,
                )

    def reminders(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for contact_id in range(1, self.n_contacts + 1):
            if rng.random() >= 0.2:
                continue
            due_day = self.today + timedelta(days=rng.randint(-40, 120))
            all_day = rng.random() < 0.8
            due = local_midnight(due_day)
            if not all_day:
                due += timedelta(hours=rng.randint(8, 17), minutes=rng.choice((0, 15, 30, 45)))
            done = None
            if due_day < self.today and rng.random() < 0.6:
                done = stamp(due + timedelta(hours=3))
            yield (
                "reminder",
                contact_id,
                None,
                rng.choice(REMINDER_TEXTS),
                stamp(due),
                all_day,
                rng.choice(RRULES),
                done,
                stamp(due - timedelta(days=rng.randint(1, 60))),
            )

    # --- history -----------------------------------------------------------------------

    def history(
        self, follow_ups: list[tuple[object, ...]], tags: list[tuple[object, ...]]
    ) -> Iterator[tuple[tuple[object, ...], list[tuple[int, int]]]]:
        """Interactions in time order, each with its participants."""
        rng = self.rng
        eligible = [i for i in range(self.n_contacts) if self.created[i] <= self.history_start] or [
            0
        ]
        weights: list[float] = []
        total = 0.0
        for _ in eligible:
            total += rng.uniform(0.2, 1.8)
            weights.append(total)
        start = self.history_start.timestamp()
        span = self.now.timestamp() - 3600 - start
        times = sorted(start + rng.random() * span for _ in range(self.n_interactions))
        follow_up_from = self.now.timestamp() - 30 * 86400
        for interaction_id, epoch in enumerate(times, 1):
            moment = datetime.fromtimestamp(epoch, UTC)
            people = rng.choices(eligible, cum_weights=weights, k=2 if rng.random() < 0.05 else 1)
            kind = rng.choice(KINDS)
            text = " ".join(self.words(rng.randint(5, 25)))
            at = moment.strftime(STORAGE_FORMAT)
            created = (moment + timedelta(minutes=rng.randint(0, 90))).strftime(STORAGE_FORMAT)
            participants = []
            for index in dict.fromkeys(people):
                participants.append((interaction_id, index + 1))
                if kind != "note":  # an internal note is no contact (counts_as_contact)
                    self.last_epoch[index] = epoch
            if rng.random() < 0.1:
                tag = rng.choice(TAGS)
                tags.append((interaction_id, tag, fold(tag)))
            if epoch > follow_up_from and rng.random() < 0.15:
                due = local_midnight(
                    (moment + timedelta(days=rng.randint(1, 21))).astimezone().date()
                )
                follow_ups.append(
                    (
                        "follow-up",
                        people[0] + 1,
                        interaction_id,
                        "Follow up: " + text[:40],
                        stamp(due),
                        True,
                        None,
                        stamp(due) if rng.random() < 0.4 else None,
                        created,
                    )
                )
            yield (interaction_id, kind, at, text, created), participants

    def touches(self) -> Iterator[tuple[object, ...]]:
        """(last_contact_at, next_due_on, id): TOUCH_CONTACT's result, or creation + cadence."""
        for index in range(self.n_contacts):
            cadence = self.cadence[index]
            epoch = self.last_epoch[index]
            if epoch:
                last = datetime.fromtimestamp(epoch, UTC)
                last_text: str | None = last.strftime(STORAGE_FORMAT)
                day = datetime.fromtimestamp(epoch).date()  # local day, as log_interaction
            else:
                last_text = None
                day = self.created[index].date()  # as insert_contact: now.date()
            due = (day + timedelta(days=cadence)).isoformat() if cadence else None
            yield (last_text, due, index + 1)


def generate(
    path: Path, contacts: int, interactions: int, seed: int = 1, now: str = DEFAULT_NOW
) -> Path:
    """Create ``path`` (which must not exist) and fill it. Returns the path."""
    if path.exists():
        raise FileExistsError(path)
    moment = datetime.fromisoformat(now)
    moment = moment.astimezone() if moment.tzinfo is None else moment
    open_database(path).close()  # the schema, through relate's own migrations
    gen = Generator(contacts, interactions, seed, moment)

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")  # back to WAL at the end
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("BEGIN")
    orgs = gen.organisations()
    conn.executemany("INSERT INTO organisation (name, name_key, created_at) VALUES (?, ?, ?)", orgs)
    conn.executemany(
        """INSERT INTO contact (name, name_key, org_id, role, relationship_type, stage,
            cadence_days, priority, notes, created_at, updated_at, archived_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        gen.contact_rows(len(orgs)),
    )
    conn.execute(
        """INSERT INTO stage_change (contact_id, stage, changed_at)
        SELECT id, stage, created_at FROM contact WHERE stage IS NOT NULL"""
    )
    conn.executemany(
        "INSERT INTO contact_email (contact_id, email, email_key, position) VALUES (?,?,?,?)",
        gen.emails(),
    )
    conn.executemany(
        "INSERT INTO contact_phone (contact_id, phone, phone_key, position) VALUES (?,?,?,?)",
        gen.phones(),
    )
    conn.executemany(
        "INSERT INTO contact_alias (contact_id, alias, alias_key) VALUES (?, ?, ?)",
        gen.aliases(),
    )
    conn.executemany(
        "INSERT INTO contact_tag (contact_id, tag, tag_key) VALUES (?, ?, ?)", gen.tags()
    )
    conn.executemany(
        """INSERT INTO important_date (contact_id, kind, label, month, day, year, lead_days,
            created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        gen.dates(),
    )
    insert_reminder = """INSERT INTO reminder (kind, contact_id, interaction_id, text, due_at,
        all_day, rrule, done_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
    conn.executemany(insert_reminder, gen.reminders())

    follow_ups: list[tuple[object, ...]] = []
    interaction_tags: list[tuple[object, ...]] = []
    participants: list[tuple[int, int]] = []

    def interaction_rows() -> Iterator[tuple[object, ...]]:
        for row, people in gen.history(follow_ups, interaction_tags):
            participants.extend(people)
            yield row

    conn.executemany(
        "INSERT INTO interaction (id, kind, occurred_at, text, created_at) VALUES (?,?,?,?,?)",
        interaction_rows(),
    )
    conn.executemany(
        "INSERT INTO interaction_contact (interaction_id, contact_id) VALUES (?, ?)",
        participants,
    )
    participants.clear()
    conn.executemany(
        "INSERT INTO interaction_tag (interaction_id, tag, tag_key) VALUES (?, ?, ?)",
        interaction_tags,
    )
    conn.executemany(insert_reminder, follow_ups)
    conn.executemany(
        "UPDATE contact SET last_contact_at = ?, next_due_on = ? WHERE id = ?", gen.touches()
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return path


def cached(contacts: int, interactions: int, seed: int = 1, now: str = DEFAULT_NOW) -> Path:
    """The cached database for these arguments under benchmarks/data/, built if missing."""
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    # The schema revision is in the name: a new migration means a fresh file.
    path = data / f"relate-{contacts}c-{interactions}i-s{seed}-{HEAD}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        generate(partial, contacts, interactions, seed, now)
        partial.rename(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, required=True)
    parser.add_argument("--interactions", type=int, required=True)
    parser.add_argument("--out", type=Path, help="file to create (default: cached under data/)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", default=DEFAULT_NOW, help="the generator's 'now' (local ISO)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out is None:
        path = cached(args.contacts, args.interactions, args.seed, args.now)
    else:
        if args.force:
            for suffix in ("", "-wal", "-shm"):
                Path(str(args.out) + suffix).unlink(missing_ok=True)
        path = generate(args.out, args.contacts, args.interactions, args.seed, args.now)
    elapsed = time.perf_counter() - started
    print(
        f"{path}: {args.contacts} contacts, {args.interactions} interactions in {elapsed:.1f} s",
        file=sys.stderr,
    )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
