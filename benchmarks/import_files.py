"""Big contact files for the import benchmark, in the styles real programs write.

    python benchmarks/import_files.py vcard 20000 > 20k.vcf
    python benchmarks/import_files.py google-csv 50000 > 50k.csv

The vCard file cycles through four writers: an iPhone (3.0, CR CR LF line ends, a
folded base64 photo), Android (2.1, quoted-printable names with soft line breaks),
Google (3.0) and Nextcloud (4.0). Names, e-mails and phones are unique per card so
every record is added (the worst case: no duplicate is skipped early).
"""

from __future__ import annotations

import base64
import quopri
import random
import sys
from collections.abc import Iterator

GIVEN = ["Ann", "Bob", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Inés", "Jürgen"]
FAMILY = ["Smith", "Müller", "García", "Okafor", "Tanaka", "Nowak", "Rossi", "Dubois"]
ORGS = ["Acme", "Initech", "Globex, Inc.", "Umbrella", "Hooli"]
PHOTO = base64.b64encode(random.Random(7).randbytes(3000)).decode()


def _fold(line: str, end: str) -> str:
    chunks = [line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)]
    return end.join(chunks) + end


def _person(n: int) -> tuple[str, str, str, str]:
    given, family = GIVEN[n % len(GIVEN)], FAMILY[(n // len(GIVEN)) % len(FAMILY)]
    return given, f"{family} {n}", f"person{n}@example.org", f"+1 555 {n:07d}"


def vcards(count: int) -> Iterator[str]:
    for n in range(count):
        given, family, email, phone = _person(n)
        org = ORGS[n % len(ORGS)]
        style = n % 4
        if style == 0:  # iPhone
            end = "\r\r\n"
            lines = [
                "BEGIN:VCARD",
                "VERSION:3.0",
                "PRODID:-//Apple Inc.//iPhone OS 17.5//EN",
                f"N:{family};{given};;;",
                f"FN:{given} {family}",
                f"ORG:{org};",
                f"item1.EMAIL;type=INTERNET;type=pref:{email}",
                f"TEL;type=CELL;type=VOICE;type=pref:{phone}",
                "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15",
            ]
            yield end.join(lines) + end + _fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}", end)
            yield "END:VCARD" + end
        elif style == 1:  # Android 2.1
            name = quopri.encodestring(f"{family};{given};;;".encode()).decode()
            full = quopri.encodestring(f"{given} {family} with a long name".encode()).decode()
            yield (
                "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{name}\r\n"
                f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{full[:20]}=\r\n{full[20:]}\r\n"
                f"TEL;CELL:{phone}\r\nEMAIL;HOME:{email}\r\n"
                "NOTE;ENCODING=QUOTED-PRINTABLE:Met at the fair=0D=0Alikes tea\r\n"
                "END:VCARD\r\n"
            )
        elif style == 2:  # Google
            yield (
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{given} {family}\r\n"
                f"N:{family};{given};;;\r\nEMAIL;TYPE=INTERNET;TYPE=HOME:{email}\r\n"
                f"TEL;TYPE=CELL:{phone}\r\nORG:{org}\r\nTITLE:Engineer\r\n"
                f"BDAY:1980-01-{1 + n % 28:02d}\r\nCATEGORIES:myContacts,Clients\r\n"
                "END:VCARD\r\n"
            )
        else:  # Nextcloud
            yield (
                f"BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//Sabre//Sabre VObject 4.5.4//EN\r\n"
                f"UID:{n:08d}-0000-4000-8000-000000000000\r\nFN:{given} {family}\r\n"
                f"N:{family};{given};;;\r\nEMAIL;TYPE=work:{email}\r\n"
                f"TEL;TYPE=cell;VALUE=uri:tel:{phone.replace(' ', '-')}\r\n"
                f"NICKNAME:{given}y\r\nANNIVERSARY:20100612\r\nEND:VCARD\r\n"
            )


GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\r\n"
)


def google_csv(count: int) -> Iterator[str]:
    yield GOOGLE_HEADER
    for n in range(count):
        given, family, email, phone = _person(n)
        org = ORGS[n % len(ORGS)]
        yield (
            f'{given},,{family},,,,,,,,"{org}",Engineer,,1980-01-{1 + n % 28:02d},'
            f"Met at the fair,,* myContacts ::: Clients,* Home,{email},Mobile,{phone}\r\n"
        )


def main(argv: list[str]) -> int:
    kind, count = argv[0], int(argv[1])
    lines = vcards(count) if kind == "vcard" else google_csv(count)
    out = sys.stdout.buffer
    for chunk in lines:
        out.write(chunk.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
